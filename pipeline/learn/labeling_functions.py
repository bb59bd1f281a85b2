"""Labeling functions: small named pure functions over a :class:`Unit` that return a label or
ABSTAIN, as Snorkel's ``@labeling_function`` does. Each looks at one kind of evidence: the
rule extractor's events and stance, lexicon hits (TAKFIR_TERM entities), cue words, negation
and modality. They are weak on purpose; ``analysis`` measures them and ``aggregate`` weighs
them by their estimated accuracy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .data import NOT_TAKFIR, TAKFIR, TASKS, Unit

ABSTAIN = "ABSTAIN"
FAVOR, AGAINST, NONE = "FAVOR", "AGAINST", "NONE"


@dataclass(frozen=True, slots=True)
class LabelingFunction:
    """A named labeling function of one task."""

    name: str
    task: str
    func: Callable[[Unit], str]
    doc: str = ""

    def __call__(self, unit: Unit) -> str:
        return self.func(unit)


LABELING_FUNCTIONS: dict[str, list[LabelingFunction]] = {task: [] for task in TASKS}


def labeling_function(task: str) -> Callable[[Callable[[Unit], str]], Callable[[Unit], str]]:
    """Register ``func`` as a labeling function of ``task`` under its own name."""
    def register(func: Callable[[Unit], str]) -> Callable[[Unit], str]:
        doc = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        LABELING_FUNCTIONS[task].append(LabelingFunction(func.__name__, task, func, doc))
        return func
    return register


def labeling_functions(task: str) -> list[LabelingFunction]:
    return list(LABELING_FUNCTIONS[task])


# -- cues ------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*|[^\sa-z]")
NEGATION = frozenset(["not", "never", "no", "n't", "nor", "neither", "refused", "refuses",
                      "refuse", "declined", "declines", "denied", "denies", "deny", "rejected",
                      "rejects"])
MODAL = frozenset(["would", "could", "might", "may", "should", "if", "unless", "whether"])
DOCTRINE = ("whoever", "anyone who", "anybody who", "those who", "he who", "any man",
            "every muslim who", "all who", "whosoever")
IMPLIED = ("suggest", "implied", "implying", "as if", "as though", "hinted", "insinuat",
           "treated him as", "treated them as", "no better than")
GENERIC = ("some ", "many ", "others ", "certain preachers", "some preachers", "some clerics")
DECLARE = ("declar", "brand", "call", "deem", "consider", "label", "pronounc", "excommunicat",
           "regard", "denounc", "accus", "condemn")
DEFINITION = ("means", "meaning", "refers to", "defined as", "definition", "the term",
              "the word", "translat", "literally", "is derived")
AGAINST_CUES = ("condemn", "denounc", "oppos", "reject", "defect", "desert", "fled", "fought",
                "fight", "criticiz", "criticis", "attack", "betray", "brutal", "crime", "murder",
                "massacre", "tyran", "illegitimate", "deviant", "khawarij", "apostat", "kafir",
                "infidel", "unbeliev", "turned against", "broke with", "break with", "killed",
                "executed", "excommunicat", "takfir on")
FAVOR_CUES = ("pledg", "allegiance", "bay'a", "support", "prais", "join", "loyal", "defend",
              "admire", "celebrat", "sympath", "welcom", "back the", "swore", "fight for",
              "fought for", "glory", "victory of", "endorse")


@lru_cache(maxsize=100_000)
def words(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.lower().replace("\u2019", "'")))


def has(text: str, cues: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(cue in lowered for cue in cues)


def negated(unit: Unit) -> bool:
    """A negation word in the six words before a takfir term (or anywhere, without terms)."""
    tokens = words(unit.text)
    if not unit.terms:
        return bool(NEGATION & set(tokens))
    for start, _ in unit.terms:
        before = words(unit.text[:max(0, start - unit.start)])[-6:]
        if NEGATION & set(before):
            return True
    return False


# -- takfir sentence (TAKFIR / NONE) ---------------------------------------------------------

@labeling_function("takfir")
def lf_rule_event(x: Unit) -> str:
    """The rule extractor found a non-negated event in the sentence."""
    return TAKFIR if any(m != "negated" for m in x.modes) else ABSTAIN


@labeling_function("takfir")
def lf_rule_only_negated(x: Unit) -> str:
    """Every rule event in the sentence is negated."""
    return NOT_TAKFIR if x.modes and all(m == "negated" for m in x.modes) else ABSTAIN


@labeling_function("takfir")
def lf_no_term(x: Unit) -> str:
    """No takfir term and no rule event: labels and descriptions are not takfir."""
    return NOT_TAKFIR if not x.terms and not x.events else ABSTAIN


@labeling_function("takfir")
def lf_term_after_declaring_verb(x: Unit) -> str:
    """A takfir term in a sentence with a declaring verb (declared, branded, deemed ...)."""
    return TAKFIR if x.terms and has(x.text, DECLARE) and not negated(x) else ABSTAIN


@labeling_function("takfir")
def lf_doctrine_clause(x: Unit) -> str:
    """A takfir term in a 'whoever ...' / 'those who ...' rule (doctrinal takfir)."""
    return TAKFIR if x.terms and has(x.text, DOCTRINE) else ABSTAIN


@labeling_function("takfir")
def lf_definition(x: Unit) -> str:
    """A takfir term being defined or translated ('the word kafir means ...')."""
    return NOT_TAKFIR if x.terms and has(x.text, DEFINITION) else ABSTAIN


@labeling_function("takfir")
def lf_negated_term(x: Unit) -> str:
    """A negation shortly before the takfir term ('never called them kuffar')."""
    return NOT_TAKFIR if x.terms and negated(x) else ABSTAIN


@labeling_function("takfir")
def lf_term_without_event(x: Unit) -> str:
    """A takfir term the rule extractor did not turn into an event."""
    return NOT_TAKFIR if x.terms and not x.events else ABSTAIN


# -- mode of the sentence's first event -------------------------------------------------------

@labeling_function("mode")
def lf_mode_rule(x: Unit) -> str:
    """The rule extractor's mode for the sentence's first event."""
    return x.modes[0] if x.modes else ABSTAIN


@labeling_function("mode")
def lf_mode_negation(x: Unit) -> str:
    """Negation before the takfir term."""
    return "negated" if (x.terms or x.events) and negated(x) else ABSTAIN


@labeling_function("mode")
def lf_mode_doctrine(x: Unit) -> str:
    """A 'whoever' / 'those who' rule."""
    return "doctrinal" if (x.terms or x.events) and has(x.text, DOCTRINE) else ABSTAIN


@labeling_function("mode")
def lf_mode_modal(x: Unit) -> str:
    """A modal or a condition: would, could, might, if."""
    hit = (x.terms or x.events) and MODAL & set(words(x.text)) and not has(x.text, DOCTRINE)
    return "hypothetical" if hit else ABSTAIN


@labeling_function("mode")
def lf_mode_implied(x: Unit) -> str:
    """Suggestion rather than pronouncement ('suggested that', 'as if')."""
    return "implied" if (x.terms or x.events) and has(x.text, IMPLIED) else ABSTAIN


@labeling_function("mode")
def lf_mode_generic(x: Unit) -> str:
    """An open class of declarers ('some declare takfir on ...')."""
    lowered = x.text.lower()
    hit = (x.terms or x.events) and lowered.startswith(GENERIC) and "takfir" in lowered
    return "generic" if hit else ABSTAIN


@labeling_function("mode")
def lf_mode_declared(x: Unit) -> str:
    """A past declaring verb with a takfir term and no negation or modal."""
    hit = x.terms and has(x.text, DECLARE) and not negated(x) and not (
        MODAL & set(words(x.text)))
    return "asserted" if hit else ABSTAIN


# -- stance toward the unit's target ----------------------------------------------------------

@labeling_function("stance")
def lf_stance_rule(x: Unit) -> str:
    """The stance rule's FAVOR or AGAINST."""
    return x.rule_stance if x.rule_stance in (FAVOR, AGAINST) else ABSTAIN


@labeling_function("stance")
def lf_target_absent(x: Unit) -> str:
    """The target is not named in the sentence (and the rules say NONE)."""
    return NONE if x.target not in x.mentions and x.rule_stance in (None, NONE) else ABSTAIN


@labeling_function("stance")
def lf_against_cue(x: Unit) -> str:
    """The target is named next to an opposing cue (condemned, defected, apostates ...)."""
    hit = x.target in x.mentions and has(x.text, AGAINST_CUES) and not has(x.text, FAVOR_CUES)
    return AGAINST if hit else ABSTAIN


@labeling_function("stance")
def lf_favor_cue(x: Unit) -> str:
    """The target is named next to a supporting cue (pledged, praised, joined ...)."""
    hit = x.target in x.mentions and has(x.text, FAVOR_CUES) and not negated(x) \
        and not has(x.text, AGAINST_CUES)
    return FAVOR if hit else ABSTAIN


@labeling_function("stance")
def lf_negated_favor(x: Unit) -> str:
    """A negated supporting cue ('never pledged', 'refused to join') opposes the target."""
    hit = x.target in x.mentions and has(x.text, FAVOR_CUES) and negated(x)
    return AGAINST if hit else ABSTAIN


@labeling_function("stance")
def lf_takfir_on_target(x: Unit) -> str:
    """A non-negated takfir term in a sentence naming the target: a verdict against it."""
    hit = x.target in x.mentions and x.terms and not negated(x) and any(
        m in ("asserted", "implied") for m in x.modes)
    return AGAINST if hit else ABSTAIN


@labeling_function("stance")
def lf_mentioned_no_cue(x: Unit) -> str:
    """The target is named with no cue either way and the rules say NONE."""
    hit = x.target in x.mentions and x.rule_stance in (None, NONE) and not has(
        x.text, AGAINST_CUES + FAVOR_CUES)
    return NONE if hit else ABSTAIN
