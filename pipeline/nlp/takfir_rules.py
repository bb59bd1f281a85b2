"""Syntactic rules of the takfir extractor: verdict frames, argument spans, mode and chain cues.

Pure functions over spaCy tokens, written from GUIDELINES.md §3-4 and general English syntax.
The component (``takfir.py``) decides which words are candidate triggers; this module says,
for one trigger, who declares whom, on what ground, and in which mode.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .cues import Cues
from .syntax import (
    COPULAS,
    NAME_LABELS,
    PUNCT_EDGE,
    REFLEXIVES,
    RELATIVE_PRONOUNS,
    children,
    first_child,
    is_passive,
    resolve,
)
from .syntax import clause_subject as subject_of

ARG_PREPS = frozenset({"on", "against", "of", "upon", "over"})
CLASS_WORDS = frozenset({"whoever", "whomever", "anyone", "anybody", "everyone", "everybody",
                         "someone", "somebody", "whosoever"})
CLASS_DETS = frozenset({"every", "any", "each", "whoever", "whichever", "all", "most"})
RECIPROCALS = frozenset({"another", "other"})
QUANTITY_WORDS = frozenset({"half", "most", "majority", "much", "many", "all", "nearly"})
REASON_MARKS = frozenset({"because", "since", "for", "as"})
REASON_PREPS = frozenset({"for", "over", "by"})


@dataclass(frozen=True, slots=True)
class Words:
    """The extractor's vocabulary (cues.toml [takfir]), as lemma sets."""

    declaring: frozenset[str]
    reporting: frozenset[str]
    enacting: frozenset[str]
    accusing: frozenset[str]
    charge_nouns: frozenset[str]
    act_verbs: frozenset[str]
    documents: frozenset[str]
    negating: frozenset[str]
    disapproving: frozenset[str]
    neutralizing: frozenset[str]
    hypothetical: frozenset[str]
    implied: frozenset[str]
    definition_verbs: frozenset[str]
    definition_nouns: frozenset[str]
    topic_nouns: frozenset[str]
    excuse: frozenset[str]
    refusal: frozenset[str]
    muslim: frozenset[str]
    non_muslim: frozenset[str]
    abstract: frozenset[str]
    logic_nouns: frozenset[str]
    leaving: frozenset[str]
    falling: frozenset[str]
    causing: frozenset[str]
    generic_targets: frozenset[str]
    declaring_acts: frozenset[str]
    naming_terms: frozenset[str]
    promoting: frozenset[str]
    collective: frozenset[str]
    sin_nouns: frozenset[str]
    debating: frozenset[str]

    @classmethod
    def from_cues(cls, cues: Cues) -> Words:
        sections = {"declaring": "declaring_verbs", "reporting": "reporting_verbs",
                    "enacting": "enacting_verbs", "accusing": "accusing_verbs",
                    "documents": "document_nouns", "negating": "negating_verbs",
                    "disapproving": "disapproving_words",
                    "hypothetical": "hypothetical_words", "implied": "implied_words",
                    "excuse": "excuse_words", "refusal": "refusal_words",
                    "muslim": "muslim_words",
                    "leaving": "leaving_verbs", "falling": "falling_verbs",
                    "causing": "causing_verbs", "abstract": "abstract_targets",
                    "promoting": "promoting_verbs",
                    "collective": "collective_nouns", "debating": "debating_words"}
        return cls(**{name: cues[f"takfir.{sections.get(name, name)}"]
                      for name in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class Frame:
    """How a trigger takes its arguments: the verb pronouncing it, and who it is said of."""

    verb: Token | None  # the declaring or enacting verb, if any
    target: Token | None  # head of the target phrase
    declarer: Token | None  # head of the declarer phrase
    act: bool  # a reported act of declaring (generic-capable) vs a proposition
    target_span: tuple[int, int] | None = None  # token range when not a whole phrase
    ground: Token | None = None  # "takfir on big sins": the act is the ground, not the target


def patient_of(verb: Token, exclude: Token | None = None) -> Token | None:
    """Object of an active verb, subject of a passive one, else the antecedent of a relative."""
    for dep in ("dobj", "dative", "nsubjpass"):
        for c in children(verb, dep):
            if exclude is None or c.i != exclude.i:
                return resolve(c)
    if verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
        return verb.head
    return None


def find_frame(w: Words, t: Token, kind: str) -> Frame | None:
    """Where the verdict word ``t`` gets its target and declarer, by its lexicon kind."""
    if kind in ("verdict_noun", "verdict_adj", "phrase"):
        return _predicate_frame(w, t) or _small_clause(w, t)
    if kind == "act_noun":
        return _act_frame(w, t)
    if kind == "charge_noun":
        return _charge_frame(w, t)
    if kind == "verdict_verb":
        if t.pos_ not in ("VERB", "AUX"):
            return _act_frame(w, t)
        return Frame(t, patient_of(t), subject_of(t), act=True)
    if kind == "phrase_verb":
        subj = subject_of(t)
        return Frame(None, subj, None, act=False) if subj is not None else None
    if kind == "charge_verb":
        subj = resolve(first_child(t, "nsubj"))
        if subj is None or any(c.lower_ == "in" for c in t.children):
            return None
        return Frame(None, subj, None, act=False)
    return None


def _predicate_frame(w: Words, t: Token) -> Frame | None:
    frame = _predicate_frame_at(w, t)
    head = t.head
    while head.dep_ == "conj" and head.head.i < head.i:  # the first of the conjuncts
        head = head.head
    if frame is None and t.dep_ == "conj" and head.dep_ in ("dobj", "dative") and (
            head.head.lemma_ in w.declaring and not appeals(head.head)):
        # "declared [him and his followers infidels]"
        mods = [c for c in t.lefts if c.dep_ in ("poss", "compound", "det", "amod")]
        end = mods[0].left_edge.i if mods and mods[0].lower_ not in ("a", "an") else t.i
        return Frame(head.head, None, None, act=True, target_span=(head.left_edge.i, t.i)
                     if end == t.i else (head.left_edge.i, t.i))
    if frame is None and t.dep_ == "conj" and t.head.pos_ in ("NOUN", "PROPN", "ADJ"):
        frame = _predicate_frame_at(w, t.head)  # "called them Khawarij and later apostates"
    return frame


def _predicate_frame_at(w: Words, t: Token) -> Frame | None:
    head = t.head
    subj = first_child(t, "nsubj", "nsubjpass")
    if subj is not None and subj.lower_ not in REFLEXIVES:  # small clause: "declared [X Y]"
        verb = head if head.i != t.i and head.lemma_ in w.declaring | w.reporting else None
        return Frame(verb, resolve(subj), None, act=verb is not None and verb.lemma_ in
                     w.declaring and t.dep_ != "ccomp" or _is_act_verb(w, verb))
    outside = t.dep_ == "prep" and t.lower_ in OUTSIDE  # "is outside the fold of Islam"
    if t.dep_ == "npadvmod" and head.lemma_ in COPULAS and any(
            c.dep_ == "attr" and c.lower_ in REFLEXIVES for c in head.children):
        outside = True  # "are themselves, unbelievers": the reflexive took the attribute
    if outside and head.dep_ == "dobj" and head.head.lemma_ in w.declaring:
        return Frame(head.head, head, None, act=True)
    if (t.dep_ in ("attr", "acomp") or outside) and head.lemma_ in COPULAS:
        target = first_child(head, "nsubj", "csubj", "nsubjpass")
        if target is not None and target.lower_ in REFLEXIVES:
            target = next((c for c in children(head, "nsubj") if c.lower_ not in REFLEXIVES),
                          None)
        if target is None and head.dep_ == "pcomp":  # "executed for being disbelievers"
            verb = head.head.head
            return Frame(verb, patient_of(verb), None, act=False)
        if target is None and head.dep_ in ("relcl", "acl"):
            target = head.head
        if target is None and head.dep_ == "conj":  # "... does not believe and is a kafir"
            target = subject_of(head)
        if target is None:  # misparsed class subject: "those who ... are themselves kaffirs"
            target = next((x for x in reversed(list(t.sent[:head.i - t.sent.start]))
                           if x.lower_ in CLASS_WORDS | {"those", "whosoever"}), None)
            if target is not None:
                end = target.right_edge.i + 1 if target.right_edge.i < head.i else head.i
                return Frame(None, target, None, act=False, target_span=(target.i, end))
        return Frame(None, resolve(target), None, act=False) if target is not None else None
    if (t.dep_ in ("oprd", "xcomp", "ccomp", "dobj", "attr", "acomp", "advcl") or outside) and (
            head.lemma_ in w.declaring) and not appeals(head):
        other = patient_of(head, exclude=t)
        if other is not None and other.i != t.i:
            return Frame(head, other, None, act=True)
        if t.dep_ == "dobj":  # "declared the group's leadership infidels": one noun phrase
            dets = [c for c in t.lefts if c.dep_ == "det"]
            mods = [c for c in t.lefts if c.dep_ in ("poss", "compound", "nmod", "nummod")
                    or c.dep_ == "amod" and dets and dets[0].lower_ == "the"]
            if mods and dets and dets[0].i < mods[0].left_edge.i:
                return Frame(head, None, None, act=True, target_span=(dets[0].i, t.i))
            if mods:
                return Frame(head, None, None, act=True,
                             target_span=(mods[0].left_edge.i, t.i))
        return None
    if t.dep_ == "pobj" and head.lower_ in ("as", "among", "like") and head.head.i != head.i:
        anchor = head.head
        if anchor.pos_ == "NOUN" and _gerund_of(w, anchor):  # "the declaring of X as apostate"
            of = next((c for c in children(anchor, "prep") if c.lower_ == "of"), None)
            target = first_child(of, "pobj") if of is not None else None
            if target is None or target.lower_ in w.generic_targets | w.muslim:
                return None  # the act described, of anyone: a definition or a discussion
            return Frame(None, target, None, act=True)
        if anchor.pos_ in ("NOUN", "PROPN", "PRON"):  # "the brothers as apostates"
            return Frame(anchor.head if anchor.head.pos_ == "VERB" else None, anchor, None,
                         act=True)
        if anchor.lemma_ in w.enacting | w.declaring or anchor.pos_ in ("VERB", "AUX"):
            later = next((c for c in head.children if c.dep_ in ("pobj", "dobj", "appos")
                          and c.i > t.i and c.pos_ in ("NOUN", "PROPN")), None)
            if later is not None and anchor.lemma_ in w.declaring:
                return Frame(anchor, later, None, act=True)  # "declared as apostates X"
            target = patient_of(anchor)
            if target is None and anchor.lemma_ in COPULAS:
                target = first_child(anchor, "nsubj")
            if target is None and anchor.tag_ in ("VBN", "VBD") and not children(
                    anchor, "dobj", "aux") and anchor.lemma_ in w.declaring | w.enacting:
                # a headline's reduced passive: "Former leader denounced as apostate"
                target = first_child(anchor, "nsubj")
            if target is not None:
                return Frame(anchor, target, None, act=anchor.lemma_ != "count"
                             or not is_passive(anchor))
        return None
    if t.dep_ in ("amod", "compound", "nmod") and (head.pos_ in ("NOUN", "PROPN") or (
            head.lower_ in CLASS_WORDS)):  # "considered a kafir anyone who ..." too
        predicated = _predicate_frame_at(w, head) if head.dep_ in (
            "attr", "oprd", "pobj", "dobj") else None  # "branded HTS an apostate sect"
        if predicated is not None and (predicated.target is not None or (
                predicated.target_span is not None
                and not predicated.target_span[0] <= t.i < predicated.target_span[1])):
            return predicated
        return Frame(None, head, None, act=False,
                     target_span=(t.i + 1, max(head.i, head.right_edge.i) + 1))
    if t.pos_ in ("NOUN", "PROPN"):  # "the Daesh apostates", "ISIS's apostate judges"
        mods = [c for c in t.lefts if c.dep_ in ("compound", "poss") and c.ent_type_]
        if mods:
            return Frame(None, None, None, act=False, target_span=(mods[0].left_edge.i, t.i))
    return None


OUTSIDE = frozenset({"outside", "out", "beyond"})
_NOMINAL_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "PRON", "NUM", "PART", "PUNCT",
                          "SPACE", "X", "CCONJ"})


def _small_clause(w: Words, t: Token) -> Frame | None:
    """When the parse breaks a small clause ("declared the village elders kafirs" parsed
    with "elders" as a clause), read it off the surface: a declaring verb, then nothing but
    one noun phrase, then the verdict word."""
    sent = t.sent
    between: list[Token] = []
    for tok in reversed(list(sent.doc[sent.start:t.i])):
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_ in w.declaring and not appeals(tok):
            nouns = [x for x in between if x.pos_ in ("NOUN", "PROPN", "PRON")]
            if nouns and not any(x.text in (",", ";", ":") for x in between):
                start = between[-1].i
                end = t.left_edge.i if start < t.left_edge.i < t.i else t.i  # not "an"
                return Frame(tok, None, None, act=True, target_span=(start, end))
            return None
        if tok.pos_ not in _NOMINAL_POS or tok.text in (".", "?", "!") or len(between) > 8:
            return None
        between.append(tok)
    return None


def _gerund_of(w: Words, noun: Token) -> bool:
    """A gerund parsed as a noun: "the declaring", "the labelling"."""
    word = noun.lower_
    return word.endswith("ing") and any(word in (d + "ing", d[:-1] + "ing", d + d[-1] + "ing")
                                        for d in w.declaring)


def appeals(verb: Token) -> bool:
    """ "calls on Muslims to join", "called for their release": an appeal, no naming."""
    return verb.lemma_ == "call" and any(c.dep_ in ("prep", "prt") and c.lower_ in (
        "on", "upon", "for", "out") for c in verb.children)


def _is_act_verb(w: Words, verb: Token | None) -> bool:
    return verb is not None and verb.lemma_ in w.declaring - w.reporting


def _act_frame(w: Words, t: Token) -> Frame | None:
    """'declared takfir on X', 'the excommunication of X', 'excommunicated X'."""
    verb = t.head if t.dep_ in ("dobj", "nsubjpass", "attr") and t.head.pos_ in (
        "VERB", "AUX") else None
    target = None
    for holder in (t, verb):
        if holder is None:
            continue
        for prep in children(holder, "prep"):
            if prep.lower_ in ARG_PREPS and (holder is t or prep.lower_ != "of"):
                target = first_child(prep, "pobj")
                if target is not None:
                    break
        if target is not None:
            break
    if target is None and t.dep_ == "pobj" and t.head.head.pos_ == "NOUN":
        # "a reply to his takfir on Nusra": the parser hangs "on Nusra" on "reply"
        after = next((p for p in children(t.head.head, "prep")
                      if p.i == t.right_edge.i + 1 and p.lower_ in ("on", "against")), None)
        target = first_child(after, "pobj") if after is not None else None
    if verb is not None and verb.lemma_ not in w.act_verbs and target is None:
        return None
    if target is None and verb is None:
        return None
    declarer = (subject_of(verb) if verb is not None and not is_passive(verb) else None) \
        or resolve(first_child(t, "poss")) or next((
            c for c in t.lefts if c.dep_ == "compound" and c.ent_type_ in (
                "ORG", "PERSON", "NORP")), None)  # "their takfir ... was announced"
    span = None
    if declarer is None and verb is None:  # "the takfir of al-Qaeda's leaders by IS"
        by = next((p for p in children(t, "prep") if p.lower_ == "by" and p.i > t.i), None)
        if by is None and target is not None:
            by = next((p for p in target.subtree if p.lower_ == "by" and p.dep_ == "prep"
                       and p.i > target.i), None)
            span = (target.left_edge.i, by.i) if by is not None else None
        declarer = first_child(by, "pobj") if by is not None else None
    if target is not None and (target.lemma_.lower() in w.sin_nouns or target.tag_ == "VBG"):
        return Frame(verb, None, declarer, act=True, ground=target)  # takfir on a sin (§3.1)
    return Frame(verb, target, declarer, act=True, target_span=span)


def _charge_frame(w: Words, t: Token) -> Frame | None:
    """'accused X of apostasy', 'on charges of unbelief', 'executed for apostasy'."""
    if t.dep_ == "conj" and t.head.dep_ == "pobj" and t.head.head.lower_ == "of":
        t = t.head  # "the helpers of hypocrisy and apostasy"
    if t.dep_ != "pobj":
        if t.dep_ == "dobj" and t.head.lemma_ in ("commit", "accuse", "charge"):
            verb = t.head
            return Frame(verb, subject_of(verb), None, act=False)
        if t.dep_ == "dobj" and t.head.lemma_ in w.act_verbs:
            return _act_frame(w, t)  # "declared kufr against the Muslims of al-Sham"
        return None
    prep = t.head
    anchor = prep.head
    if prep.lower_ == "of" and (anchor.pos_ == "NOUN" and anchor.lemma_.lower() in w.collective
                                or anchor.pos_ == "PROPN" and anchor.ent_type_ in (
                                    "ORG", "NORP", "GPE")):  # "the Sahwat of apostasy"
        # "the people of polytheism", "the army of apostasy": the collective is the target
        return Frame(None, None, None, act=False,
                     target_span=(anchor.left_edge.i, anchor.i + 1))
    if prep.lower_ == "of" and anchor.lemma_ in w.accusing and anchor.pos_ == "VERB":
        return Frame(anchor, patient_of(anchor), subject_of(anchor), act=True)
    if prep.lower_ == "of" and anchor.lemma_ in w.charge_nouns:
        relcl = first_child(anchor, "relcl", "acl")
        target = None
        for p in children(relcl, "prep") if relcl is not None else []:
            if p.lower_ in ("against", "on"):
                target = first_child(p, "pobj")
        if relcl is not None:
            return Frame(relcl, target, subject_of(relcl), act=True)
        for p in children(anchor, "prep"):
            if p.lower_ in ("against", "on"):
                target = first_child(p, "pobj")
        verb = anchor.head.head if anchor.dep_ == "pobj" else anchor.head
        if verb.pos_ not in ("VERB", "AUX"):
            return Frame(None, target, None, act=True) if target is not None else None
        if anchor.dep_ == "dobj":  # "issued a verdict of apostasy against X"
            return Frame(verb, target, subject_of(verb), act=True)
        if target is None:
            target = patient_of(verb) if is_passive(verb) or verb.lemma_ in w.enacting \
                else first_child(verb, "nsubj")
        declarer = subject_of(verb) if verb.lemma_ in w.enacting else None
        return Frame(verb, resolve(target), declarer, act=False)
    if prep.lower_ == "into" and anchor.lemma_ in w.causing and patient_of(anchor) is not None:
        return Frame(None, patient_of(anchor), None, act=False)  # "leading them into kufr"
    if prep.lower_ in ("into", "in") and anchor.lemma_ in w.falling:  # "fell into kufr"
        return Frame(None, subject_of(anchor), None, act=False)
    if (prep.lower_ in ("for", "over", "with") and anchor.pos_ in ("VERB", "AUX")
            and anchor.lemma_ in w.enacting | w.accusing):
        return Frame(anchor, patient_of(anchor), subject_of(anchor), act=False)
    return None


# -- argument spans ----------------------------------------------------------------------------

def entity_of(token: Token) -> Span | None:
    doc = token.doc
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def argument_span(token: Token, *, avoid: Iterable[int] = (), whole_class: bool = False
                  ) -> tuple[int, int]:
    """Token range of the argument headed by ``token`` (GUIDELINES.md §3.7)."""
    blocked = set(avoid)
    ent = entity_of(token)
    if ent is not None and ent.label_ in NAME_LABELS and ent.root.i == token.i:
        return ent.start, ent.end
    for appos in children(token, "appos"):
        for sub in appos.subtree:
            named = entity_of(sub)
            if named is not None and named.label_ == "PERSON":
                return named.start, named.end
    keep = {token.i}
    conjuncts = [c.i for c in token.children if c.dep_ == "conj"]
    for child in token.children:
        if child.dep_ == "punct" and child.text == "," and any(c > child.i for c in conjuncts):
            keep.add(child.i)  # "all soldiers, the judges and the scholars" (§3.7 rule 4)
            continue
        if child.dep_ in ("punct", "case") or any(s.i in blocked for s in child.subtree):
            continue
        if not whole_class and (child.dep_ == "appos" or child.lower_ in REFLEXIVES or (
                child.dep_ in ("relcl", "acl") and _after_comma(child))
                or (child.dep_ == "advmod" and child.i > token.i)
                or (child.dep_ == "det" and child.lower_ == "all" and child.i > token.i)):
            continue
        keep.update(s.i for s in child.subtree)
    start, end = token.i, token.i + 1
    while start - 1 in keep and start - 1 not in blocked:
        start -= 1
    while end in keep and end not in blocked:
        end += 1
    return trim(token.doc, start, end)


def _after_comma(child: Token) -> bool:
    prev = child.doc[child.left_edge.i - 1] if child.left_edge.i > 0 else None
    return prev is not None and prev.text in (",", "—", "–", "(")


def trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].text in PUNCT_EDGE or doc[start].dep_ == "cc"):
        start += 1
    while end > start and (doc[end - 1].text in PUNCT_EDGE or doc[end - 1].dep_ == "cc"
                           or doc[end - 1].dep_ == "case"):
        end -= 1
    return start, end


def is_class(token: Token) -> bool:
    """An open class: defined by an act or trait, unbounded, or reciprocal (§3.9)."""
    lower = token.lower_
    if lower in CLASS_WORDS or token.lemma_ in RECIPROCALS or token.dep_ == "csubj":
        return True
    if any(c.lower_ in RECIPROCALS for c in token.children):
        return True
    dets = {c.lower_ for c in token.children if c.dep_ in ("det", "amod", "predet")}
    if dets & CLASS_DETS or lower in QUANTITY_WORDS and first_child(token, "prep") is None:
        return True
    if lower in QUANTITY_WORDS:
        return True
    has_clause = any(c.dep_ in ("relcl", "acl") for c in token.children)
    if lower in ("those", "he", "one") and has_clause:
        return True
    if token.pos_ == "NOUN" and not token.ent_type_:
        det = first_child(token, "det", "poss")
        if det is None and token.tag_ == "NNS":
            return True
        if det is not None and det.lower_ in ("a", "an") and any(
                c.dep_ in ("relcl", "acl") and c.tag_ in ("VBZ", "VBP", "VB")
                for c in token.children):
            return True
    return False


def class_ground(token: Token) -> tuple[int, int] | None:
    """The defining act of a class target: its relative clause without the pronoun."""
    if token.dep_ == "csubj" or (token.dep_ == "nsubj" and token.lower_ in CLASS_WORDS
                                 and token.head.dep_ == "csubj"):
        verb = token if token.dep_ == "csubj" else token.head
        return _clause_without_subject(verb)
    for clause in children(token, "relcl", "acl"):
        return _clause_without_subject(clause)
    if token.lemma_.endswith("er") and token.pos_ == "NOUN":  # "voters" (§3.6)
        return token.i, token.i + 1
    return None


def _clause_without_subject(verb: Token) -> tuple[int, int]:
    toks = [t for t in verb.subtree if not (t.dep_ in ("nsubj", "mark") and t.head.i == verb.i
                                            and t.lower_ in RELATIVE_PRONOUNS | CLASS_WORDS)]
    start, end = toks[0].i, toks[-1].i + 1
    # stop before a comma that only introduces a circumstance ("..., after the proof ...")
    for t in toks:
        if t.text == "," and t.i + 1 < end and t.doc[t.i + 1].dep_ in ("prep", "mark",
                                                                       "advcl", "advmod"):
            end = t.i
            break
    return trim(verb.doc, start, end)
