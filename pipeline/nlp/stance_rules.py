"""Rules of the stance tagger: cue words, target mentions with light coreference, holders.

A cue (a verb or noun of opposing or supporting) gives its polarity to the stance targets
mentioned in its complements, never to its subject, which is the holder (GUIDELINES.md §5).
Everything here works on a parsed spaCy ``Doc``; the target names come from labels.toml.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from ..lexicon import Lexicon, is_acronym, normalize, variants
from ..schema import StanceTarget
from .cues import Cues
from .syntax import FIRST_PERSON_ALL, SUBJECTS, in_quote

FAVOR, AGAINST = "FAVOR", "AGAINST"  # checked against labels.toml by the tagger
# Grammar of cue complements (the cue words themselves are in cues.toml).
FAVOR_PREPS = frozenset(["for", "under", "alongside"])
NOT_REGION_PREPS = frozenset(["like", "unlike", "despite", "besides", "except", "beyond"])
PRONOUNS_IT = frozenset(["it", "its"])
NOT_OBJECT = frozenset([
    "nsubj", "nsubjpass", "csubj", "csubjpass", "expl", "aux", "auxpass", "neg", "punct",
    "mark", "cc", "conj", "agent", "advcl", "prt", "dep", "parataxis", "npadvmod", "advmod",
    "relcl", "appos"])


@dataclass(frozen=True)
class Mention:
    """Tokens ``start``..``end`` refer to stance ``target``; ``head`` is the token that names it."""

    start: int
    end: int
    target: str
    head: int


@dataclass
class TargetIndex:
    """What the stance targets are called in a Doc, and who leads whom (from labels.toml)."""

    targets: dict[str, StanceTarget]
    lexicon: Lexicon
    aliases: dict[tuple[str, ...], str] = field(default_factory=dict)  # normalized words
    cased: dict[str, str] = field(default_factory=dict)  # acronym -> target
    by_kb: dict[str, str] = field(default_factory=dict)
    leadership_of: dict[str, str] = field(default_factory=dict)  # group target -> leaders
    leader_words: set[str] = field(default_factory=set)
    leader_ids: set[str] = field(default_factory=set)  # lexicon ids of leadership titles
    group_labels: set[str] = field(default_factory=set)
    name_labels: set[str] = field(default_factory=set)  # labels of the targets' entities
    main_group: str | None = None  # the first group with leaders in labels.toml
    # aliases grouped by their first word, so each token is compared with a few only
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, targets: dict[str, StanceTarget], lexicon: Lexicon) -> TargetIndex:
        index = cls(targets, lexicon)
        for name, target in targets.items():
            index.by_kb.update(dict.fromkeys(target.lexicon_ids, name))
            for alias in target.aliases:
                for form in variants(alias):
                    if is_acronym(form):
                        index.cased[form] = name
                    elif normalize(form):
                        index.aliases[tuple(normalize(form).split())] = name
        for name, target in targets.items():  # "ISIS leadership": alias of a group + a noun
            for alias in target.aliases:
                words = alias.split()
                group = index._alias_target(words[:-1])
                if group and group != name:
                    index.leadership_of[group] = name
                    index.leader_words.add(normalize(words[-1]))
                    index.leader_words.add(normalize(words[-1]).rstrip("s"))
        for name in index.leadership_of.values():  # titles named in the leaders' aliases
            kinds = set()
            for alias in targets[name].aliases:
                entry = lexicon.lookup(alias)
                if entry is not None and entry.id not in targets[name].lexicon_ids:
                    kinds.add((entry.label, entry.kind))
            index.leader_ids |= {e.id for e in lexicon.entries if (e.label, e.kind) in kinds}
        index.main_group = next(iter(index.leadership_of), None)
        index.name_labels = {lexicon.by_id[i].label for t in targets.values()
                             for i in t.lexicon_ids if i in lexicon.by_id}
        for group in index.leadership_of:
            index.group_labels |= {lexicon.by_id[i].label for i in targets[group].lexicon_ids
                                   if i in lexicon.by_id}
        for key, name in index.aliases.items():
            index.by_first.setdefault(key[0], []).append((key, name))
        return index

    def _alias_target(self, words: list[str]) -> str | None:
        if not words:
            return None
        text = " ".join(words)
        if is_acronym(text):
            return self.cased.get(text)
        return self.aliases.get(tuple(normalize(text).split()))


def find_mentions(doc: Doc, index: TargetIndex, lexicon_spans: Iterable[Span], cues: Cues
                  ) -> list[Mention]:
    """Names and aliases of every target, then (with a parse) leaders and descriptions
    resolved to the last named group."""
    found: dict[int, Mention] = {}
    for ent in doc.ents:
        if ent.kb_id_ in index.by_kb:
            found[ent.start] = Mention(ent.start, ent.end, index.by_kb[ent.kb_id_], ent.root.i)
    words = [(w, t.i) for t in doc for w in normalize(t.text).split()]
    cased = {t.i: w for t in doc for w in _fold_words(t.text)}
    for i in range(len(words)):
        for key, name in index.by_first.get(words[i][0], ()):
            if tuple(w for w, _ in words[i:i + len(key)]) == key:
                if key[0] == "the" and _is_leader_word(key[-1], index):
                    continue  # "the leadership", "the caliph": resolved by context below
                start, end = words[i][1], words[i + len(key) - 1][1] + 1
                if not any(m.start <= start < m.end for m in found.values()):
                    found[start] = Mention(start, end, name, end - 1)
    for i, word in cased.items():
        if word in index.cased and not any(m.start <= i < m.end for m in found.values()):
            found[i] = Mention(i, i + 1, index.cased[word], i)
    leader_tokens = {s.start for s in lexicon_spans if s.kb_id_ in index.leader_ids}
    mentions = sorted(found.values(), key=lambda m: m.start)
    if not doc.has_annotation("DEP"):  # no parse (blank pipeline): names only
        return mentions
    out: list[Mention] = []
    first_of: dict[int, Mention] = {}
    covered: set[int] = set()
    for m in mentions:
        first_of.setdefault(m.start, m)
        covered.update(range(m.start, m.end))
    referring = cues["stance.group_nouns"] | cues["stance.member_nouns"] | PRONOUNS_IT
    for token in doc:
        if token.i in covered:
            m = first_of.get(token.i)
            if m is not None:
                out.append(_as_leadership(doc, m, index) or m)
            continue
        lower = token.lower_
        is_leader = token.i in leader_tokens or _is_leader_word(lower, index)
        is_reference = (lower in referring or token.lemma_.lower() in referring) and \
            _is_group_reference(token, doc, mentions, cues)
        if not (is_leader or is_reference):
            continue  # most tokens: no need to look back for the last group
        group = last_group(doc, token.i, mentions, index)
        if is_leader and group in index.leadership_of and not _owned_by_other(token, index):
            out.append(Mention(token.i, token.i + 1, index.leadership_of[group], token.i))
        elif group and is_reference and not (
                token.dep_ in ("poss", "compound") and _is_leader_word(token.head.lower_, index)):
            out.append(Mention(token.i, token.i + 1, group, token.i))
    return out


def _fold_words(text: str) -> list[str]:
    from ..lexicon import _fold  # the case-keeping half of normalize()

    return _fold(text).split()


def _is_leader_word(word: str, index: TargetIndex) -> bool:
    return normalize(word) in index.leader_words or normalize(word).rstrip("s") in \
        index.leader_words


def _as_leadership(doc: Doc, mention: Mention, index: TargetIndex) -> Mention | None:
    """A group named only as the owner of leaders ("ISIS' leadership") means the leaders."""
    head = doc[mention.head]
    if mention.target not in index.leadership_of or head.dep_ not in ("poss", "compound"):
        return None
    owner = head.head
    if _is_leader_word(owner.lower_, index) or owner.ent_type_ and owner.ent_kb_id_ in \
            index.leader_ids or any(s.start == owner.i and s.kb_id_ in index.leader_ids
                                    for s in doc.spans.get("lexicon", [])):
        return Mention(mention.start, owner.i + 1, index.leadership_of[mention.target],
                       owner.i)
    return None


def _owned_by_other(token: Token, index: TargetIndex) -> bool:
    """'Al-Qaeda's leadership', 'the caliph Ali': a leader noun owned by or naming a
    non-target; 'new leaders' without a determiner names nobody in particular."""
    def other(t: Token) -> bool:
        return t.ent_type_ in index.name_labels and t.ent_kb_id_ not in index.by_kb

    if token.dep_ in ("compound", "appos") and other(token.head):
        return True
    if any(c.dep_ == "appos" and other(c) for c in token.children):
        return True
    if not any(c.dep_ in ("det", "poss", "compound") for c in token.children) and \
            token.dep_ not in ("compound", "conj") and token.tag_ == "NNS" and \
            not token.ent_type_:
        return True
    return any(c.dep_ in ("poss", "compound") and other(c) for c in token.children)


def _is_group_reference(token: Token, doc: Doc, mentions: list[Mention], cues: Cues) -> bool:
    """'the group', 'their group's', 'its' (when a group was named in this or the last
    sentence), 'the attackers' (its members, when it was named in the last two)."""
    determined = any(c.dep_ in ("det", "poss", "predet") and c.lower_ in _DEFINITE
                     for c in token.children)
    if cues.has("stance.group_nouns", token):
        return determined
    if token.lower_ in PRONOUNS_IT and token.dep_ in ("poss", "dobj", "pobj"):
        return _named_since(doc, token, mentions, 1)
    if determined and token.pos_ == "NOUN" and cues.has("stance.member_nouns", token) and not \
            any(c.dep_ in ("compound", "poss") and c.ent_type_ for c in token.children):
        return _named_since(doc, token, mentions, 2)
    return False


_DEFINITE = frozenset(["the", "its", "their", "our", "my", "this", "these", "those", "all"])


def _named_since(doc: Doc, token: Token, mentions: list[Mention], sentences: int) -> bool:
    """Whether a target was named before ``token`` in its sentence or the ``sentences``
    before it."""
    start = token.sent.start
    for _ in range(sentences):
        if start == 0:
            break
        start = doc[start - 1].sent.start
    return any(start <= m.start < token.i for m in mentions)


def last_group(doc: Doc, i: int, mentions: list[Mention], index: TargetIndex) -> str | None:
    """The stance target that the last named group before token ``i`` is (None if not one)."""
    last: tuple[int, str | None] = (-1, None)
    for ent in doc.ents:
        if ent.end <= i and ent.label_ in index.group_labels and ent.start > last[0]:
            last = (ent.start, index.by_kb.get(ent.kb_id_))
    for m in mentions:
        if m.end <= i and m.start >= last[0] and m.target in index.leadership_of:
            last = (m.start, m.target)
    if last[0] < 0:  # nothing named before: a headline's "the group" names what follows
        first = next((e for e in doc.ents if e.start >= i and e.label_ in index.group_labels),
                     None)
        return index.by_kb.get(first.kb_id_) if first is not None else None
    return last[1]


# -- holders and quotations --------------------------------------------------------------------

def speaker(sent: Span, regions: list[tuple[int, int]], cues: Cues) -> Span | None:
    """The subject of the sentence's attribution verb outside quotes ('..., Samir said')."""
    for token in sent:
        if cues.has("stance.speech_verbs", token) and not in_quote(token.i, regions):
            for child in token.children:
                if child.dep_ in SUBJECTS and child.lower_ not in FIRST_PERSON_ALL:
                    return noun_phrase(child)
    return None


def noun_phrase(token: Token) -> Span:
    """The base noun phrase of ``token``: its subtree up to a comma or a relative clause."""
    doc = token.doc
    if token.ent_type_ and token.ent_iob_ in ("B", "I"):
        for ent in doc.ents:
            if ent.start <= token.i < ent.end and ent.root.i == token.i and not any(
                    c.dep_ in ("det", "amod", "nummod", "prep") for c in token.children):
                return ent
    start, end = token.left_edge.i, token.right_edge.i + 1
    for t in doc[token.i + 1:end]:
        if t.text in (",", "(", '"', ";", "\u2014", "\u2013") or t.dep_ in ("relcl", "appos"):
            end = t.i
            break
    while start < token.i and (doc[start].is_punct or doc[start].is_quote):
        start += 1
    while end > token.i + 1 and (doc[end - 1].is_punct or doc[end - 1].is_quote):
        end -= 1
    return doc[start:end]


def governed_by(token: Token, lemmas: frozenset[str], depth: int = 3) -> Token | None:
    """The nearest verb above ``token`` (through xcomp/pcomp/prep) with a lemma in ``lemmas``."""
    for _ in range(depth):
        if token.dep_ not in ("xcomp", "pcomp", "prep", "ccomp") or token.head is token:
            return None
        token = token.head
        if token.lemma_.lower() in lemmas:
            return token
    return None


def object_region(token: Token) -> Iterator[Token]:
    """Tokens of the cue's complements (objects, prepositional phrases, clauses), no subject."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
    for child in token.children:
        if passive and child.dep_ == "nsubjpass":
            yield from noun_phrase(child)
        elif child.dep_ not in NOT_OBJECT and child.dep_ not in ("poss", "compound", "det",
                                                                 "amod") and not (
                child.dep_ == "prep" and child.lower_ in NOT_REGION_PREPS):
            yield from child.subtree


def passive_agent(token: Token, cues: Cues) -> Span | None:
    """'by X' of a passive cue, or the owner of 'in a coalition airstrike'."""
    for child in token.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            return noun_phrase(objects[0]) if objects else None
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "during"):
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                if cues.has("stance.against_nouns", pobj):
                    owners = [c for c in pobj.children if c.dep_ in ("compound", "poss")]
                    if owners:
                        return noun_phrase(owners[0])
    return None


