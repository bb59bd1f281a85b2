"""The author's voice: whether a whole text is written by a party to the conflict.

GUIDELINES.md §5.9: a jihadist or Salafi critic of ISIS is AGAINST it in every sentence that
refers to it, and ISIS's own publications and its sympathizers are FAVOR; journalists,
researchers and court reporters are not parties. The voice is read from the words outside
quotation marks (a news report quoting a statement keeps its own voice): religious formulas
of the author's own voice, plus either the in-group and enemy names of ISIS's publications or
the labels its critics use. The word lists and thresholds are in cues.toml.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..lexicon import normalize
from .cues import Cues

FAVOR, AGAINST = "FAVOR", "AGAINST"
QUOTES = frozenset({'"', "'", "\u201c", "\u201d", "\u2018", "\u2019"})
MAX_PHRASE = 6  # words in the longest voice phrase
QUOTED_TEXT = 0.5  # share of quoted tokens above which the quotation is the text's voice
# Words that refer to a group in a critic's text ("they massacred ...", "this group") and to
# the speaker's own side in ISIS's voice ("we", "our soldiers").
THIRD_PERSON = frozenset({"they", "them", "their", "theirs", "themselves", "it", "its"})
GROUP_WORDS = frozenset({"group", "organization", "organisation", "movement", "state",
                         "dawla", "dawlah", "khilafah", "caliphate"})
FIRST_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})
FIRST_PERSON_WORDS = FIRST_PLURAL | {"i", "me", "my", "mine", "myself"}
# ISIS's speeches address its own fighters and supporters: "you are firmer than mountains".
SECOND_PERSON = frozenset({"you", "your", "yours", "yourselves"})


@dataclass(frozen=True)
class Voice:
    """The text's partisan stance toward the main group (None: not a party), and the counts
    it was decided from, for reports."""

    label: str | None
    religious: int
    partisan: int
    critic: int


def own_words(quoted: Sequence[bool]) -> Sequence[bool]:
    """Which tokens are *not* the author's own (True = skip): those inside quotation marks,
    unless most of the text is one quotation (a speech or statement reproduced), whose
    speaker is then the voice of the whole text and the frame around it is skipped."""
    if quoted and sum(quoted) > QUOTED_TEXT * len(quoted):
        return [not q for q in quoted]  # the reporter's frame around it is not the voice
    return quoted


def document_voice(doc: Doc, cues: Cues, quoted: Sequence[bool]) -> Voice:
    """``quoted[i]`` says whether token ``i`` is inside quotation marks.

    A party writes in a religious register (its formulas, often in the first person) and
    not as a reporter (said, according to, officials). Its side shows in how it names the
    group: critics use the labels of the polemic (Khawarij) and the outsiders' names (ISIS,
    Daesh); ISIS and its sympathizers never do, and call it the State, the Khilafah."""
    quoted = own_words(quoted)
    own = [t for t in doc if not quoted[t.i] and not t.is_space]
    words = [w for t in own for w in normalize(t.text).split()]
    religious = _count(words, cues["voice.religious"])
    partisan = _count(words, cues["voice.in_group"] | cues["voice.enemy_names"])
    critic = _count(words, cues["voice.critic_labels"])
    title_end = _title_end(doc)
    body = [t for t in own if t.i >= title_end]  # not a translator's or editor's title
    outsider = _count([w for t in body for w in normalize(t.text).split()],
                      cues["voice.exonyms"]) + sum(t.text == "IS" for t in body)
    insider = _count(words, cues["voice.endonyms"])
    first = sum(t.lower_ in FIRST_PERSON_WORDS for t in own)
    reporting = _count(words, cues["voice.reporting"])
    limits = cues.thresholds
    party = (religious >= limits["voice.min_religious"] or (
        religious >= limits["voice.min_religious"] - 1 and first >= limits["voice.min_first"])
    ) and reporting <= limits["voice.max_reporting"]
    label = None
    if party and (critic >= 1 or outsider >= 1):
        label = AGAINST
    elif party and critic == 0 and outsider == 0 and (
            insider >= 1 or partisan >= limits["voice.min_partisan"]):
        label = FAVOR
    return Voice(label, religious, partisan, critic)


def _title_end(doc: Doc) -> int:
    """Where the text's first line ends when it is a title (no sentence-final mark), else 0:
    "Translation of ISIS Statement ..." names the group as the translator does."""
    first_break = next((t.i for t in doc if t.is_space and "\n" in t.text), len(doc))
    line = [t.text for t in doc[:first_break] if not t.is_space and t.text not in QUOTES]
    return first_break if line and line[-1] not in (".", "!", "?") else 0


def _count(words: list[str], phrases: Iterable[str]) -> int:
    """Occurrences of the phrases (normalized word sequences) in ``words``."""
    by_length: dict[int, set[tuple[str, ...]]] = {}
    for phrase in phrases:
        key = tuple(phrase.split())
        if 0 < len(key) <= MAX_PHRASE:
            by_length.setdefault(len(key), set()).add(key)
    total = 0
    for n, keys in by_length.items():
        total += sum(1 for i in range(len(words) - n + 1) if tuple(words[i:i + n]) in keys)
    return total


def refers_in_voice(tokens: Iterable[Token], voice: Voice, cues: Cues,
                    quoted: Sequence[bool]) -> str | None:
    """How a sentence refers to the main group in the way its partisan author does:
    ``"name"`` for a critic's labels or ISIS's in-group names, ``"pronoun"`` for a critic's
    third-person pronouns and group nouns or ISIS's own "we" and "you" (outside quotation
    marks), else None. A pronoun only continues a reference (see the stance tagger)."""
    if voice.label is None:
        return None
    quoted = own_words(quoted)
    words: list[str] = []
    pronoun = False
    for token in tokens:
        if quoted[token.i] or token.is_space:
            continue
        lower = token.lower_
        if voice.label == AGAINST and (lower in THIRD_PERSON or token.lemma_.lower()
                                       in GROUP_WORDS):
            pronoun = True
        if voice.label == FAVOR and lower in FIRST_PLURAL | SECOND_PERSON:
            pronoun = True
        words.extend(normalize(token.text).split())
    names = cues["voice.critic_labels"] if voice.label == AGAINST else cues["voice.in_group"]
    if _count(words, names) > 0:
        return "name"
    return "pronoun" if pronoun else None
