"""What is no takfir event (GUIDELINES.md §4): definitions and glosses of the term, verdicts
inside the clause that defines a class or a name, and verdicts talked about rather than
pronounced (discussions, debates, titles naming a topic)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from . import takfir_rules as R
from .syntax import COPULAS, children, clause_subject, first_child, is_non_finite, path_up
from .takfir_parts import Candidate


def not_an_event(w: R.Words, cand: Candidate) -> bool:
    """Definitions, words quoted as words, and takfir inside a class's defining clause."""
    t = cand.head
    sent = cand.span.sent
    before = [tok.lower_ for tok in sent.doc[max(sent.start, cand.span.start - 2):
                                             cand.span.start]]
    if any(w in ("word", "term", "spelled", "spelling") for w in before):
        return True
    opening = list(sent[:5])
    if any(tok.text in ("—", "–", ":") for tok in opening[1:]) and any(
            tok.i < next(x.i for x in opening if x.text in ("—", "–", ":"))
            and tok.ent_type_ and tok.i >= cand.span.start - 4 for tok in opening) and (
            cand.span.start > next(x.i for x in opening if x.text in ("—", "–", ":"))):
        return True  # glossary entry: "Murtad — an apostate, someone who ..."
    root = sent.root
    if root.lemma_ == "be" and any(c.dep_ in ("csubj", "nsubj") and c.left_edge.lower_ == "to"
                                   for c in root.children):
        return True  # "To excommunicate is to declare takfir"
    for tok in path_up(t):
        if tok.lemma_ in w.definition_verbs and tok.i != t.i and not (
                tok.lemma_ in w.declaring and any(
                    c.pos_ in ("PRON", "PROPN") for c in children(tok, "dobj"))):
            return True  # not "designated them as apostates"
        if tok.lemma_ in w.refusal and tok.i != t.i and tok.pos_ == "VERB":
            subj = clause_subject(tok)
            if subj is not None and R.is_class(subj):
                return True
        if tok.lemma_ in w.definition_nouns and tok.i != t.i and tok.dep_ == "attr" and any(
                s.ent_type_ and s.i != t.i for s in children(tok.head, "nsubj")
                for s in s.subtree):
            return True
        if tok.dep_ in ("relcl", "csubj") and (tok.i != t.i or t.pos_ == "VERB"):
            clause = [x for x in path_up(t) if x.i != tok.i and tok.is_ancestor(x)] + [tok]
            refusing = any(x.lemma_ in w.refusal or children(x, "neg")
                           for x in clause)
            owner = tok.head if tok.dep_ == "relcl" else tok
            if refusing and (tok.dep_ == "csubj" or R.is_class(owner)):
                return True
    return False


GLOSS_OPENERS = frozenset({"(", "—", "–", "-", "--", ",", ":"})


GLOSS_CLOSERS = frozenset({")", "—", "–", "--", ";"})


GLOSS_FILLERS = frozenset({"or", "i.e.", "i.e", "ie", "that", "is", "the", "act", "practice",
                            "of", "meaning", "means", "namely", "literally", "a", "process"})


def glosses_a_term(w: R.Words, cand: Candidate, terms: list[int]) -> bool:
    """A verdict inside the gloss that explains a takfir term to the reader: "takfir
    (declaring a Muslim an apostate)", "takfir, the act of labelling Muslims apostates"
    (GUIDELINES.md §4.2): the term is defined, nobody is declared."""
    doc, start = cand.span.doc, cand.span.start
    sent = cand.span.sent
    opening = next((x for x in reversed(list(doc[sent.start:start])) if x.text in "()"), None)
    if opening is not None and opening.text == "(" and start - opening.i <= 3 and any(
            x.ent_type_ == "TAKFIR_TERM" for x in doc[max(sent.start, opening.i - 3):opening.i]
    ) and not any(x.ent_type_ in ("ORG", "PERSON", "GPE", "NORP") for x in
                  doc[opening.i:opening.i + 12] if x.text != ")"):
        return True  # a doctrine's name, then its English in parentheses
    for term in sorted((i for i in terms if sent.start <= i < start and start - i <= 14),
                       reverse=True):
        i = term + 1
        if doc[i].text not in GLOSS_OPENERS:
            continue
        i += 1
        while i < start and doc[i].lower_ in GLOSS_FILLERS:
            i += 1
        gerund = doc[i] if i < start else None
        if gerund is not None and gerund.lemma_ in w.declaring and gerund.tag_ in (
                "VBG", "NN") and gerund.lower_.endswith("ing") and not any(
                doc[x].text in GLOSS_CLOSERS for x in range(i, start)):
            object_words = doc[gerund.i + 1:start]  # a gloss declares anyone, not a party
            return any(x.lower_ in w.generic_targets | w.muslim for x in object_words) and \
                not any(x.ent_type_ and x.lower_ not in w.muslim for x in object_words)
    return False


GENERIC_WH = frozenset({"whenever", "whoever", "whosoever", "whomever"})


def defines_a_class(cand: Candidate, heads: set[int]) -> bool:
    """A verdict inside the clause that defines who a name applies to, when the sentence
    pronounces no verdict outside it: "whoever attacks a believer after calling him a kafir
    is a Kharijite", "whenever a preacher makes takfir of his neighbours, he is called a
    fanatic" (§4.2)."""
    for tok in path_up(cand.head):
        if tok.dep_ not in ("advcl", "csubj") or tok.i == cand.head.i:
            continue
        if not any(c.lower_ in GENERIC_WH for c in tok.children):
            return False
        clause = range(tok.left_edge.i, tok.right_edge.i + 1)
        sent = cand.span.sent
        return not any(h not in clause and sent.start <= h < sent.end for h in heads)
    return False


def discussion(w: R.Words, t: Token, frame: R.Frame, target: Span | None) -> bool:
    """A verdict talked about, not pronounced (no declarer): a gerund or infinitive of
    declaring with an unspecified target ("declaring someone a kafir is a grave matter",
    "when to pronounce takfir on Muslims in general"), or a verdict that is the subject
    matter of a topic noun ("the issue of takfir", "the regulations of takfir")."""
    if debated(w, t):
        return True
    verb = frame.verb or next((v for v in list(path_up(t))[1:4] if v.pos_ in ("VERB", "AUX")),
                              None)
    if verb is not None and verb.dep_ in ("xcomp", "ccomp") and verb.lemma_ in COPULAS and (
            verb.head.lemma_ in w.declaring | w.reporting):
        verb = verb.head  # "considered the men to be infidels": the declaring verb's clause
    if target is not None and target.start > 0 and generic(w, target.root):
        before = t.doc[target.start - 1]  # "declaring someone as kafir is ..." misparsed
        if before.lemma_ in w.declaring and is_non_finite(before) and before.dep_ in (
                "csubj", "ROOT", "nsubj", "pcomp"):
            return True
    if verb is not None and is_non_finite(verb) and (target is None or generic(
            w, target.root)):
        return True
    if frame.verb is None and t.pos_ in ("NOUN", "PROPN") and not children(t, "poss") and (
            t.dep_ == "ROOT" or t.dep_ in ("nsubj", "nsubjpass") and t.head.lemma_ in COPULAS
    ) and not (t.dep_ == "ROOT" and names_a_party(target)):
        return True  # "Takfir of Muslim rulers" (a title), "takfir of rulers is forbidden"
    for tok in (t, verb):
        if tok is None:
            continue
        owner = tok.head.head if tok.dep_ in ("pobj", "pcomp") and tok.head.dep_ == "prep" \
            else tok.head if tok.dep_ in ("acl", "appos") else None
        if owner is not None and owner.lemma_.lower() in w.topic_nouns and not children(
                owner, "poss"):
            return True
    return False


def names_a_party(target: Span | None) -> bool:
    """A target that is a named party ("Takfeer on Jabhat al-Nusra", a title announcing an
    act), not a class ("Takfir of Muslim rulers", a topic)."""
    return target is not None and any(
        e.label_ in ("ORG", "PERSON", "GPE") and e.start <= target.root.i < e.end
        for e in target.doc.ents)


def debated(w: R.Words, t: Token) -> bool:
    """A verdict weighed in a 'whether' clause that someone debates or asks about ("the
    scholars debated whether the ruler could be called a kafir"): a debate, not a verdict
    (GUIDELINES.md §4.19)."""
    for tok in list(path_up(t))[1:6]:
        mark = first_child(tok, "mark")
        if mark is not None and mark.lower_ in ("whether", "if") and tok.dep_ in (
                "ccomp", "advcl", "pcomp", "xcomp") and tok.head.lemma_.lower() in w.debating:
            return True
    return False


def generic(w: R.Words, head: Token) -> bool:
    """An unspecified person: 'someone', 'a person', 'a Muslim', 'Muslims in general'; a
    defining clause makes a class instead ("anyone who votes")."""
    if head.lemma_.lower() not in w.generic_targets and head.lower_ not in w.generic_targets:
        return False
    if any(c.dep_ in ("relcl", "acl") for c in head.children):
        return False
    return not any(c.dep_ in ("poss", "nummod") or c.lower_ in ("these", "those", "this",
                                                                 "that", "such", "their")
                   for c in head.children)
