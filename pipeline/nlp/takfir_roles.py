"""Who declares and who is declared: the declarer and target of an event, by the frame, the
reporting verb above it, the speaker of its quotation, and GUIDELINES.md §3.7's span rules
(name over description over pronoun; documents give way to their issuers)."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from . import takfir_rules as R
from .syntax import (
    COPULAS,
    FIRST_PERSON,
    FIRST_PERSON_ALL,
    MODALS,
    NAME_LABELS,
    RELATIVE_PRONOUNS,
    children,
    clause_subject,
    first_child,
    is_passive,
    path_up,
)
from .takfir_parts import Found


def through_stacked_verdicts(events: list[Found]) -> list[Found]:
    """'the polytheist apostate Karim': a verdict whose target is the next verdict word
    takes that verdict's target."""
    out = []
    for event in events:
        nxt = next((e for e in events if event.target is not None and e is not event
                    and e.trigger.start <= event.target.root.i < e.trigger.end), None)
        if nxt is not None and nxt.target is not None:
            event = replace(event, target=nxt.target, declarer=event.declarer or nxt.declarer)
        out.append(event)
    return out


def names_party(w: R.Words, t: Token) -> bool:
    """An apostasy word used as a name for a party: a plural or determined noun in an
    argument position, not a statement about apostates in general."""
    if t.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "npadvmod"):
        return False  # the lexicon says it is a noun, whatever the tagger guessed
    dets = [c.lower_ for c in t.children if c.dep_ in ("det", "poss", "amod", "compound")]
    coordinated = [*t.conjuncts, t]
    if any(d in ("a", "an", "every", "any", "each", "no") for d in dets) or any(
            c.lower_ in ("all", "every", "any") for x in coordinated for c in x.children):
        return False  # an apostate in general, or all unbelievers everywhere
    plural = t.tag_ in ("NNS", "NNPS") or t.lower_.endswith(("in", "een", "un", "oon", "s"))
    if not (plural or dets):
        return False
    if t.dep_ == "pobj" and t.head.head.lemma_.lower() in w.topic_nouns | w.charge_nouns | {
            "punishment", "penalty", "ruling", "rule", "status", "repentance"}:
        return False
    head = t.head
    return not (head.lemma_ in ("be", "become") and any(m.lower_ in MODALS for m in
                                                        children(head, "aux")))


def named_party(t: Token) -> Token | None:
    """Who an apostasy word names: its apposition or example ("murtaddin (e.g. Iran)"), or
    the group noun it is 'of' ("a group of murtadeen")."""
    for child in t.children:
        if child.dep_ in ("appos", "dep", "parataxis", "npadvmod") and any(
                s.ent_type_ in NAME_LABELS for s in child.subtree):
            return next(s for s in child.subtree if s.ent_type_ in NAME_LABELS)
    doc = t.doc
    for tok in doc[t.i + 1:min(len(doc), t.i + 6)]:
        if tok.text in (")", "]", ",", ";") or tok.sent != t.sent:
            break
        if tok.ent_type_ in NAME_LABELS:
            return tok
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ == "NOUN":
        return t.head.head
    for verb in list(path_up(t))[1:4]:  # "make them an example to other murtads" (§4.16)
        if verb.pos_ == "VERB":
            obj = first_child(verb, "dobj")
            if obj is not None and obj.pos_ == "PRON" and obj.i < t.i:
                return obj
            break
    return None


def target_span(doc: Doc, frame: R.Frame, avoid: set[int]) -> Span | None:
    if frame.target_span is not None:
        start, end = R.trim(doc, *frame.target_span)
        name = next((e for e in doc.ents if e.start == start and e.label_ in NAME_LABELS
                     and e.end < end and doc[e.end].text == ","), None)
        if name is not None:
            end = name.end  # §3.7 rule 1: "Karim, a preacher" -> the name
        return doc[start:end] if end > start else None
    if frame.target is None or frame.target.i in avoid:
        return None
    head = frame.target
    whole = R.is_class(head) or head.dep_ == "csubj"
    if head.dep_ == "csubj":  # "whoever votes ... is a mushrik": the clause is the target
        start, end = R.trim(doc, head.left_edge.i, head.right_edge.i + 1)
    else:
        start, end = R.argument_span(head, avoid=avoid, whole_class=whole)
    return doc[start:end] if end > start else None


def find_declarer(w: R.Words, t: Token, frame: R.Frame, *, reporters: bool = True,
              avoid: frozenset[int] = frozenset()) -> Token | None:
    """Who pronounces the verdict: the frame's own subject, agent or owner, else (with
    ``reporters``) the subject of a reporting verb above it."""
    if frame.declarer is not None:
        return issuer(w, frame.declarer)
    verb = frame.verb
    if verb is not None and verb.dep_ == "acl" and verb.tag_ == "VBG":
        return issuer(w, verb.head)  # "a verdict [of the court] condemning them for ..."
    owner = owner_of_frame(verb or t)
    if owner is not None:
        return owner
    if frame.verb is not None and frame.verb.lemma_ in w.declaring | w.enacting:
        if is_passive(frame.verb):
            by = next((c for c in children(t, "prep") if c.lower_ == "by"), None)
            agent = first_child(by, "pobj") if by is not None else None
            return issuer(w, clause_subject(frame.verb) or agent)
        subj = clause_subject(frame.verb)
        if subj is not None:
            return issuer(w, subj)
    below = t
    for tok in list(path_up(t))[1:]:
        if below.dep_ in ("relcl", "advcl") and below.i != t.i and not (
                below.dep_ == "relcl" and below.head.dep_ == "dobj" and below.head.head.lemma_
                in w.reporting):  # "explains the reasons why the group fell into apostasy"
            break
        below = tok
        if tok.pos_ == "VERB" and tok.lemma_.lower() in w.promoting and t.pos_ == "NOUN" and (
                tok.i in (t.head.i, t.head.head.i)):
            subj = clause_subject(tok)  # "encouraging takfir of Muslims"
            if subj is not None:
                return issuer(w, subj)
        # "the governor is no Muslim, as far as the council is concerned"
        for clause in [*children(tok, "advcl"), *(c for m in children(tok, "advmod")
                                                   for c in children(m, "advcl"))]:
            holder = first_child(clause, "nsubjpass", "nsubj")
            if clause.lemma_ == "concern" and holder is not None:
                return holder
        for prep in children(tok, "prep"):
            pobj = first_child(prep, "pobj")
            if prep.lower_ in ("for", "to") and pobj is not None and prep.i < t.i and (
                    pobj.pos_ in ("PRON", "PROPN") or pobj.tag_ == "NNS"):
                return pobj  # "For these preachers, voters are kafirs"
            owner = first_child(pobj, "poss") if pobj is not None else None
            if prep.lower_ in ("by", "in", "under", "on") and owner is not None and (
                    pobj.lemma_ in w.logic_nouns):
                return owner  # "By the students' logic, ..."
        if reporters and tok.lemma_ in w.reporting | w.declaring and tok.pos_ in (
                "VERB", "AUX"):
            subj = clause_subject(tok)
            if subj is not None and (subj.i == t.i or subj.i in avoid):
                continue  # "anyone doing so does not believe ..., he claimed": climb on
            return issuer(w, subj)
    return None


PRONOUN_REFERENTS = {"he": {"PERSON"}, "him": {"PERSON"}, "his": {"PERSON"},
                      "she": {"PERSON"}, "her": {"PERSON"}, "it": {"ORG", "GPE"},
                      "its": {"ORG", "GPE"}, "they": {"ORG", "NORP"},
                      "them": {"ORG", "NORP"}, "their": {"ORG", "NORP"}}


def by_name(span: Span | None, other: Span | None) -> Span | None:
    """GUIDELINES.md §3.7 rule 3, name over pronoun: a third-person pronoun argument becomes
    the name it stands for earlier in the sentence (a subject pronoun: the subject of a
    clause above it; otherwise the nearest earlier name of a fitting kind)."""
    if span is not None and group_description(span):
        names = [e for e in span.sent.ents if e.label_ == "ORG" and e.end <= span.start
                 and not (other is not None and other.start < e.end and e.start < other.end)]
        return names[-1] if names else span  # "... on the front, saying the rival group"
    if span is None or len(span) != 1 or span[0].lower_ not in PRONOUN_REFERENTS:
        return span
    pronoun = span[0]
    kinds = PRONOUN_REFERENTS[pronoun.lower_]

    def fits(ent: Span) -> bool:
        return ent.label_ in kinds and ent.end <= pronoun.i and not (
            other is not None and other.start < ent.end and ent.start < other.end)

    names = [e for e in pronoun.sent.ents if fits(e)]
    if not names:
        return span
    if pronoun.dep_ in ("nsubj", "nsubjpass"):
        for verb in list(pronoun.ancestors)[1:]:
            subject = first_child(verb, "nsubj", "nsubjpass")
            found = next((e for e in names if subject is not None and e.start <= subject.i
                          < e.end), None)
            if found is not None:
                return found
    named = names[-1]
    if pronoun.dep_ in ("nsubj", "nsubjpass") and named.root.dep_ == "pobj":
        return span  # "they follow the path of the Kharijites, and they make takfir on sins"
    return named


NUMBER = {"he": "NN", "him": "NN", "she": "NN", "her": "NN", "they": "NNS", "them": "NNS"}


def by_description(span: Span | None, other: Span | None) -> Span | None:
    """§3.7 rule 3, description over pronoun: a pronoun target with no name to stand for
    becomes the nearest earlier noun phrase of its number that is a verb's subject or
    object ("shot the guard since he held him to be an infidel")."""
    if span is None or len(span) != 1 or span[0].lower_ not in NUMBER:
        return span
    pronoun = span[0]
    for tok in reversed(list(pronoun.doc[pronoun.sent.start:pronoun.i])):
        if tok.pos_ == "NOUN" and tok.tag_ == NUMBER[pronoun.lower_] and tok.dep_ in (
                "dobj", "nsubj", "nsubjpass") and children(tok, "det", "poss") and not (
                other is not None and other.start <= tok.i < other.end):
            start, end = R.argument_span(tok, avoid=range(pronoun.i, pronoun.i + 1))
            return pronoun.doc[start:end] if end > start else span
    return span


GROUP_NOUNS = frozenset({"group", "organization", "organisation", "movement", "faction",
                          "militia", "outfit"})


def group_description(span: Span) -> bool:
    """A definite description of a group with no name in it: "the Palestinian group"."""
    root = span[-1]
    return root.lemma_.lower() in GROUP_NOUNS and span[0].lower_ == "the" and not any(
        t.ent_type_ or t.tag_ == "POS" for t in span) and root.tag_ == "NN"


def quote_speaker(w: R.Words, t: Token, regions: list[tuple[int, int]]) -> Token | None:
    """The speaker of the quotation the verdict is in, named where it closes: '"The rulers
    are apostates. They rule by man-made law," the preacher said.' (§3.8, §4.6)."""
    close = next((b for a, b in regions if a < t.i < b), None)
    if close is None:
        return None
    doc = t.doc
    for tok in doc[close + 1:min(len(doc), close + 8)]:
        if tok.text in ('"', "\u201c") or tok.is_space and "\n\n" in tok.text:
            break
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_ in w.reporting:
            subj = first_child(tok, "nsubj")
            if subj is not None and subj.lower_ not in FIRST_PERSON:
                return subj
    return None


def colon_speaker(w: R.Words, t: Token) -> Token | None:
    """The speaker who introduces the verdict with a colon: "The sheikh said: ...",
    "The imam wrote: ..." (a translation's way of quoting)."""
    sent = t.sent
    colon = next((x for x in sent if x.text.startswith(":") and x.i < t.i), None)
    if colon is None or colon.i - sent.start > 12:
        return None
    verb = next((x for x in reversed(list(sent.doc[sent.start:colon.i]))
                 if x.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.lemma_ not in w.reporting or verb.i < colon.i - 3:
        return None
    subj = first_child(verb, "nsubj")
    return subj if subj is not None and subj.i < verb.i else None


def reporter(w: R.Words, pronoun: Token) -> Token | None:
    """The third-person subject of a reporting verb above a first-person pronoun: "the
    cleric said that we must declare them apostates" -> the cleric; through a relative
    clause to its antecedent ("friends who say that we ...")."""
    for verb in list(pronoun.ancestors)[1:]:
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_ not in w.reporting:
            continue
        subj = first_child(verb, "nsubj")
        if subj is not None and subj.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
            subj = verb.head
        if subj is not None and subj.lower_ not in FIRST_PERSON_ALL and subj.pos_ != "PRON":
            return subj
        return None
    return None


def owner_of_frame(token: Token) -> Token | None:
    """The possessor of the noun a gerund or act noun depends on: "the group's approach to
    declaring takfir", "the brigade's campaign of excommunication"."""
    tok = token
    for _ in range(3):
        if tok.dep_ not in ("pobj", "pcomp", "acl", "prep") or tok.head is tok:
            return None
        tok = tok.head
        if tok.pos_ in ("NOUN", "PROPN"):
            owner = first_child(tok, "poss")
            if owner is not None and owner.pos_ in ("NOUN", "PROPN"):
                return owner
    return None


def issuer(w: R.Words, token: Token | None, depth: int = 0) -> Token | None:
    """Documents are not declarers: use the issuer the sentence names (§3.4): "a statement
    from the brigade", "the group's statement", "the newsletter that carried an article",
    "Al-Naba, the Islamic State's newsletter"; else none."""
    if token is None or depth > 3:
        return None
    if token.lemma_.lower() not in w.documents and token.ent_type_ != "WORK_OF_ART":
        return token
    for prep in children(token, "prep"):
        if prep.lower_ in ("from", "by", "of"):
            return issuer(w, first_child(prep, "pobj"), depth + 1)
    owner = first_child(token, "poss")
    if owner is not None:
        return issuer(w, owner, depth + 1)
    for appos in children(token, "appos"):
        found = issuer(w, appos, depth + 1)
        if found is not None:
            return found
    if token.dep_ in ("dobj", "attr") and token.head.pos_ == "VERB":
        return issuer(w, clause_subject(token.head), depth + 1)  # "X carried an article"
    return None


def surface_declarer(w: R.Words, t: Token) -> Token | None:
    """Misparsed '... some declare takfir on ...': the word before the declaring verb."""
    doc = t.doc
    if t.i >= 2 and doc[t.i - 1].lemma_ in w.act_verbs and doc[t.i - 2].pos_ in (
            "PRON", "DET", "NOUN", "PROPN") and doc[t.i - 2].sent == t.sent:
        return doc[t.i - 2]
    return None


def informative(token: Token | None) -> Token | None:
    """A subject pronoun of a reported clause stands for the reporter named above it (§3.7)."""
    if token is None or token.tag_ != "PRP" or token.lower_ in FIRST_PERSON:
        return token  # not "those who make takfir": a class is its own declarer
    clause = token.head
    if token.lower_ == "it" and clause.lemma_ in COPULAS and children(clause, "xcomp", "ccomp"):
        token = None  # "it is wrong to call them apostates": no one, unless a reporter
    while clause.dep_ in ("ccomp", "xcomp") and clause.head.i != clause.i:
        clause = clause.head
        subj = first_child(clause, "nsubj")
        if subj is not None and subj.pos_ in ("NOUN", "PROPN") or (
                token is None and subj is not None and subj.lower_ not in FIRST_PERSON):
            return subj
    return token
