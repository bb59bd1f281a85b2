"""Cue words and phrases of the rule taggers, from annotations/lexicon/cues.toml.

The words that signal a verdict, a declaring verb, an opposing or supporting act, or a
partisan voice are data, not code: a researcher extends them for a new corpus by editing the
TOML file, which is validated here and hashed with the rest of the lexicon (editing it
re-tags). Grammar words (modals, pronouns, copulas) stay in ``syntax.py``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Errors
from ..lexicon import default_lexicon_folder, normalize

CUES_FILE = "cues.toml"
# Every list the taggers read, with what it is for; a section not listed here is a typo.
SECTIONS: dict[str, str] = {
    # takfir declarations
    "takfir.declaring_verbs": "verbs that pronounce a verdict on an object (declared X apostates)",
    "takfir.reporting_verbs": "verbs whose content clause carries a verdict (argued that X were)",
    "takfir.enacting_verbs": "acts that treat someone as an unbeliever (executed as apostates)",
    "takfir.accusing_verbs": "verbs that charge someone with unbelief (accused X of apostasy)",
    "takfir.charge_nouns": "nouns that carry a charge (on charges of unbelief, a verdict of)",
    "takfir.act_verbs": "verbs that perform takfir as an act (declare, pronounce, make takfir)",
    "takfir.document_nouns": "documents, never declarers themselves (a leaflet, the statement)",
    "takfir.negating_verbs": "verbs that deny or refuse the verdict (refused to declare)",
    "takfir.disapproving_words": "judgements that reject the verdict they govern (unfair)",
    "takfir.neutralizing": "words that undo a negation (did not hesitate to call)",
    "takfir.hypothetical_words": "words that make a verdict possible, not pronounced",
    "takfir.implied_words": "words that make a verdict suggested, not pronounced",
    "takfir.definition_verbs": "verbs of definition (means, refers to)",
    "takfir.definition_nouns": "nouns of definition (the idea, the notion, the term)",
    "takfir.topic_nouns": "nouns that make takfir a topic of discussion (the issue of takfir)",
    "takfir.excuse_words": "words of excusing (chain takfir grounds)",
    "takfir.refusal_words": "words of refusing or failing (chain takfir grounds)",
    "takfir.muslim_words": "words for Muslims and believers (chain takfir: calling them Muslims)",
    "takfir.non_muslim": "words for non-Muslim targets: unbelief charged on them is no takfir",
    "takfir.logic_nouns": "nouns of a holder's reasoning (by the students' logic)",
    "takfir.verdict_phrases": "verdict phrases without a takfir term; words separated by "
                              "spaces, '|' between alternatives, '?' after an optional word, "
                              "'~' before a lemma",
    "takfir.leaving_verbs": "verbs whose subject leaves the religion (abandoned Islam)",
    "takfir.abstract_targets": "things, not people: unbelief said of them is no takfir",
    "takfir.causing_verbs": "verbs whose object is brought into the charge (led them into kufr)",
    "takfir.falling_verbs": "verbs whose subject falls into the charge (fell into kufr)",
    "takfir.promoting_verbs": "verbs whose subject practises the takfir in their object",
    "takfir.collective_nouns": "collectives named by a charge (the people of polytheism)",
    "takfir.sin_nouns": "acts and sins: takfir 'on' them names the ground, not the target",
    "takfir.debating_words": "verbs and nouns of debating or asking 'whether' (a debate)",
    "takfir.naming_terms": "lexicon ids of terms that name a party as apostates (4.16)",
    "takfir.declaring_acts": "verbs that anchor an event without a target (declared takfir)",
    "takfir.generic_targets": "words for an unspecified person: a verdict on them in a "
                              "non-finite frame is a discussion, not an event",
    # stance
    "stance.against_verbs": "verbs of opposing the target in their complements",
    "stance.favor_verbs": "verbs of supporting the target in their complements",
    "stance.against_nouns": "nouns of opposing (the campaign against X)",
    "stance.evaluating_words": "cue words that evaluate rather than act (condemn, praise)",
    "stance.favor_nouns": "nouns of supporting (support for X)",
    "stance.pejorative": "labels that are AGAINST their object (called them Khawarij)",
    "stance.negative_evaluation": "evaluations that are AGAINST a copular subject",
    "stance.strong_negative": "evaluations AGAINST a target even in a report (rules by fear)",
    "stance.negative_acts": "acts that condemn their doer in a quotation (the emirs steal)",
    "stance.positive_evaluation": "evaluations that are FAVOR for a copular subject",
    "stance.member_nouns": "nouns for a group's members, resolved to the last named group",
    "stance.taking_verbs": "verbs that take ground from their 'from' object",
    "stance.labeling_verbs": "verbs that put a label on their object (called them X)",
    "stance.speech_verbs": "verbs of saying: the speaker's stance, weaker than a cue",
    "stance.refusing_verbs": "verbs that turn a supporting complement AGAINST (refused to)",
    "stance.preventing_verbs": "verbs that turn a supporting complement AGAINST (stopped from)",
    "stance.leaving_verbs": "leaving the last named group, with no object (he defected)",
    "stance.group_nouns": "nouns that refer to the last named group (the group)",
    "stance.receiving_verbs": "verbs whose subject receives the criticism or support in "
                              "their object (attracted condemnation from)",
    "stance.flag_favor_verbs": "what its supporters do with a group's flag (fly, raise)",
    "stance.flag_against_verbs": "what its opponents do with a group's flag (burn, lower)",
    "voice.religious": "formulas of a religious author's own voice (may Allah, insha'Allah)",
    "voice.in_group": "what ISIS's own publications call themselves and their cause",
    "voice.enemy_names": "what ISIS's own publications call their enemies",
    "voice.critic_labels": "what critics of ISIS who are parties to the conflict call it",
    "voice.exonyms": "outsiders' names for ISIS, never used by ISIS itself (ISIS, Daesh)",
    "voice.endonyms": "ISIS's names for itself (the State, the Khilafah)",
    "voice.reporting": "a reporter's words (said, according to): a reporter is no party",
}
VERBATIM = frozenset({"takfir.naming_terms"})  # lexicon ids, not words
THRESHOLDS = {"voice.min_religious": 3, "voice.min_partisan": 4, "voice.min_first": 3,
              "voice.max_reporting": 3}


@dataclass(frozen=True)
class Cues:
    """Normalized cue lists by section name; ``cues["stance.favor_verbs"]``."""

    lists: Mapping[str, frozenset[str]]
    phrases: tuple[str, ...]
    thresholds: Mapping[str, int]
    path: str

    def __getitem__(self, section: str) -> frozenset[str]:
        return self.lists[section]

    def has(self, section: str, token: Any) -> bool:
        """Whether a spaCy token's lemma or text is in ``section``."""
        words = self.lists[section]
        return normalize(token.lemma_) in words or normalize(token.text) in words


def default_cues_path() -> Path:
    return default_lexicon_folder() / CUES_FILE


def load_cues(path: Path | None = None) -> Cues:
    """Load and validate cues.toml (cached per path)."""
    return _load(Path(path or default_cues_path()).resolve())


@cache
def _load(path: Path) -> Cues:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(Errors.E358.format(path=path)) from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: " + Errors.E351.format(detail=err)) from err
    found = dict(_leaves(data))
    thresholds = {**THRESHOLDS, **{k: v for k, v in found.items() if k in THRESHOLDS}}
    lists = {k: v for k, v in found.items() if k not in THRESHOLDS}
    unknown = sorted(set(lists) - set(SECTIONS))
    missing = sorted(set(SECTIONS) - set(lists))
    if unknown or missing:
        raise ConfigError(Errors.E359.format(path=path, unknown=", ".join(unknown) or "none",
                                             missing=", ".join(missing) or "none"))
    out: dict[str, frozenset[str]] = {}
    for section, values in lists.items():
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip()
                                                    for v in values):
            raise ConfigError(Errors.E360.format(path=path, section=section))
        if section == "takfir.verdict_phrases":
            continue
        out[section] = frozenset(v.strip() if section in VERBATIM else _normal(v)
                                 for v in values)
    for key, value in thresholds.items():
        if not isinstance(value, int) or value < 0:
            raise ConfigError(Errors.E360.format(path=path, section=key))
    return Cues(out, tuple(lists["takfir.verdict_phrases"]), thresholds, str(path))


def _leaves(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _leaves(value, f"{name}.")
        else:
            yield name, value


def _normal(value: str) -> str:
    """Cue words match the lexicon's way: case, diacritics, apostrophes, hyphens do not
    matter ("bay'a" = "baya", "so-called" = "so called")."""
    return normalize(value) or value.strip().lower()


def phrase_patterns(phrases: Iterable[str]) -> list[list[dict[str, Any]]]:
    """spaCy Matcher patterns of the verdict phrases: 'left|abandoned the? fold'."""
    patterns = []
    for phrase in phrases:
        pattern: list[dict[str, Any]] = []
        for word in phrase.split():
            optional = word.endswith("?") and len(word) > 1
            word = word.rstrip("?") if optional else word
            options = [w for w in word.split("|") if w]
            lemmas = [w[1:].lower() for w in options if w.startswith("~")]
            lowers = [w.lower() for w in options if not w.startswith("~")]
            token: dict[str, Any] = {}
            if lemmas and lowers:
                raise ConfigError(f"verdict phrase {phrase!r}: an alternative mixes lemmas "
                                  "(~) and words; write them as two phrases")
            token = {"LEMMA": {"IN": lemmas}} if lemmas else {"LOWER": {"IN": lowers}}
            if optional:
                token["OP"] = "?"
            pattern.append(token)
        patterns.append(pattern)
    return patterns


_GRAMMAR = frozenset({"the", "a", "an", "of", "his", "her", "their", "its", "our", "is", "was",
                      "are", "were", "not", "never", "no", "from", "out", "outside", "one",
                      "'s", "longer", "true", "real"})


def phrase_anchors(phrases: Iterable[str]) -> frozenset[str]:
    """Words one of which every verdict phrase contains (lower case): the matcher only runs
    on texts that have one. A phrase of lemmas only contributes the lemma's common forms."""
    anchors: set[str] = set()
    for phrase in phrases:
        required = [w for w in phrase.split() if not (w.endswith("?") and len(w) > 1)]
        words = {o.lower() for w in required for o in w.split("|")
                 if o and not o.startswith("~") and o.lower() not in _GRAMMAR}
        if not words:
            words = {o[1:].lower() + suffix for w in required for o in w.split("|")
                     if o.startswith("~") for suffix in ("", "s", "d", "ed", "es", "ing")}
        anchors |= words
    return frozenset(anchors)
