"""English syntax helpers shared by the takfir extractor and the stance tagger.

Pure functions over spaCy's dependency parse (en_core_web_sm's ClearNLP labels) and the
closed-class words of English grammar. Domain vocabulary (declaring verbs, cue words) is not
here: it is data, in annotations/lexicon/cues.toml (``cues.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

COPULAS = frozenset({"be", "become", "remain", "seem", "appear", "stay"})
MODALS = frozenset({"would", "could", "will", "might", "may", "can", "shall", "should", "'d",
                    "'ll", "wo", "ca"})
FIRST_PERSON = frozenset({"i", "me", "we", "us"})
FIRST_PERSON_ALL = FIRST_PERSON | {"my", "our", "mine", "ours", "myself", "ourselves"}
RELATIVE_PRONOUNS = frozenset({"who", "whom", "that", "which", "whose"})
REFLEXIVES = frozenset({"himself", "herself", "itself", "themselves", "myself", "yourself",
                        "ourselves", "yourselves"})
NEGATIVE_SUBJECTS = frozenset({"none", "nobody", "noone", "neither"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
CONCESSIVE = frozenset({"although", "though", "while", "whereas", "even"})
SUBJECTS = frozenset({"nsubj", "csubj", "expl"})
# OntoNotes name labels: an argument headed by one is the name alone (GUIDELINES.md §3.7).
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
PUNCT_EDGE = frozenset({'"', "'", "(", ")", "[", "]", ",", ";", ":", ".", "—", "–", "-", "?",
                        "!", "'s", "’s", "’"})


def children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def first_child(token: Token, *deps: str) -> Token | None:
    found = children(token, *deps)
    return found[0] if found else None


def path_up(token: Token) -> Iterator[Token]:
    """The token and its heads up to the root of its sentence."""
    while True:
        yield token
        if token.head.i == token.i:
            return
        token = token.head


def is_passive(verb: Token, *, reduced: bool = True) -> bool:
    """A passive clause; with ``reduced``, also a bare participle modifier ("the men
    executed as apostates")."""
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    return reduced and verb.tag_ == "VBN" and verb.dep_ in ("acl", "relcl") and not children(
        verb, "nsubj")


def resolve(token: Token | None) -> Token | None:
    """A relative pronoun stands for the noun its clause modifies."""
    if token is not None and token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
        return token.head.head
    return token


def clause_subject(verb: Token) -> Token | None:
    """The subject of a clause: the active subject or the agent of a passive, through
    control and coordination ("wanted to declare", "declared and executed"); relative
    pronouns resolve to their antecedents."""
    subj = first_child(verb, "nsubj", "csubj")
    if subj is None and is_passive(verb):
        agent = first_child(verb, "agent") or next(
            (c for c in children(verb, "prep") if c.lower_ == "by"), None)
        subj = first_child(agent, "pobj") if agent is not None else None
    if subj is None and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.pos_ in (
            "VERB", "AUX") and (verb.dep_ != "advcl" or verb.tag_ in ("VBG", "VBN")
                                and not children(verb, "mark")):
        return clause_subject(verb.head)
    return resolve(subj)


def acting_subject(token: Token) -> Token | None:
    """Who acts in a cue's clause: its subject, climbing complements, participles and
    relative clauses (a stance holder), but never out of a reported clause."""
    for _ in range(6):
        for child in token.children:
            if child.dep_ in ("nsubj", "csubj"):
                if child.tag_ in ("WP", "WDT") and token.dep_ == "relcl":
                    return token.head
                return child
        if token.dep_ == "relcl" and token.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return token.head
        if token.dep_ == "ccomp" or token.head is token or token.dep_ not in (
                "xcomp", "conj", "advcl", "pcomp", "prep", "acl", "dobj", "pobj"):
            return None
        token = token.head
    return None


def is_negated(token: Token) -> bool:
    """'not'/'never'/'no' on the token, or on the verb it is the open complement of."""
    for t in (token, token.head if token.dep_ == "xcomp" else token):
        if any(c.dep_ == "neg" or c.lower_ in ("never", "no") and c.dep_ in ("advmod", "neg")
               for c in t.children):
            return True
    return False


def in_concessive(token: Token) -> bool:
    """Inside an 'although'/'while' clause, which loses to the main clause."""
    for t in [token, *token.ancestors]:
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONCESSIVE
                                     for c in t.children):
            return True
    return False


def is_non_finite(verb: Token) -> bool:
    """A gerund or infinitive not governed as a finite clause: "declaring someone a kafir
    is ...", "when to pronounce takfir"."""
    if verb.tag_ == "VBG" and not children(verb, "aux", "auxpass"):
        return True
    return verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to"
                                     for c in verb.children)


def quote_regions(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges between paired double quotes, paired within each paragraph (an unpaired
    one runs to the paragraph's end: quotations run on over sentences, not paragraphs)."""
    regions: list[tuple[int, int]] = []
    marks: list[int] = []
    for token in [*doc, None]:
        if token is None or (token.is_space and token.text.count("\n") >= 2):
            end = token.i if token is not None else len(doc)
            regions += [(marks[k], marks[k + 1] if k + 1 < len(marks) else end)
                        for k in range(0, len(marks), 2)]
            marks = []
        elif token.text in ('"', "\u201c", "\u201d"):
            marks.append(token.i)
    return regions


def in_quote(i: int, regions: list[tuple[int, int]]) -> bool:
    return any(a < i < b for a, b in regions)
