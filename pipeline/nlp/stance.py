"""Stance tagger: per sentence and per target of labels.toml ``[stance.targets]``, the holder's
FAVOR / AGAINST / NONE (GUIDELINES.md §5), from rules over the parse and the takfir events.

Rules, strongest first: asserted or implied takfir on a target (``doc._.takfir_events``) is
AGAINST it, held by the declarer; a verb or noun of opposing or supporting gives its polarity
to the targets in its complements, held by its subject (refusal and prevention turn support
into opposition, negation cancels); an evaluation of a target in a copular clause or a
quotation is its speaker's (or the author's) stance. Mixed cues: the main clause and then the
later cue win (§5.8).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan
from spacy.training import Example

from ..errors import ConfigError
from ..lexicon import Lexicon, load_lexicon, normalize
from ..records import Span, Stance, TakfirEvent, event_from_json, stance_to_json
from ..schema import load_schema
from . import stance_rules as R
from .arrays import sentence_chars
from .cues import Cues, load_cues
from .syntax import (
    COPULAS,
    FIRST_PERSON_ALL,
    MODALS,
    SUBJECTS,
    acting_subject,
    first_child,
    in_concessive,
    in_quote,
    is_negated,
    is_passive,
    quote_regions,
)
from .voice import Voice, document_voice, refers_in_voice

SOURCE = "rule"
STANCE_MODES = frozenset(["asserted", "implied"])  # §5.5: these takfir modes set AGAINST
CLASS_MODE = "doctrinal"  # AGAINST only when the class names the target
VERDICT_KINDS = frozenset(["verdict_noun", "verdict_adj", "verdict_verb", "charge_noun",
                           "charge_verb", "act_noun"])
PLEDGE = frozenset(["pledge", "swear", "allegiance", "oath"])


@dataclass(frozen=True)
class Cue:
    """One piece of evidence for a sentence's stance toward a target."""

    target: str
    label: str
    holder: SpacySpan | None
    priority: int  # 3 takfir event, 2 cue word, 1 evaluation, 0 complaint, -1 author's voice
    position: int
    concessive: bool = False
    act: bool = False  # a third party's act (fighting the group), not an evaluation

    @property
    def rank(self) -> tuple[bool, bool, int]:
        """§5.8: main clause first, then any cue over a complaint verb, then the later."""
        return (not self.concessive, self.priority > 0, self.position)


class StanceTagger:
    """Writes ``doc._.stance``: one ``stance_to_json`` dict per sentence and target."""

    def __init__(self, nlp: Language, name: str, *, labels_path: str | None = None,
                 lexicon_path: str | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.labels_path = labels_path
        self.lexicon_path = lexicon_path
        self.index: R.TargetIndex | None = None
        self.lexicon: Lexicon | None = None
        self.cues: Cues | None = None
        self.cue_words: frozenset[str] = frozenset()
        self.none_label = "NONE"
        self.pledge_forms: frozenset[str] = frozenset()

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, labels_path: str | None = None,
                   lexicon_path: str | None = None) -> None:
        labels = labels_path or self.labels_path
        lexicon = lexicon_path or self.lexicon_path
        schema = load_schema(Path(labels) if labels else None)
        missing = {R.FAVOR, R.AGAINST} - set(schema.stance_labels)
        if missing or len(schema.stance_labels) != 3:
            raise ConfigError(f"labels.toml [stance] labels {list(schema.stance_labels)}: the "
                              f"stance tagger needs {R.FAVOR}, {R.AGAINST} and one neutral "
                              "label; fix [stance] labels")
        self.none_label = next(x for x in schema.stance_labels if x not in (R.FAVOR, R.AGAINST))
        self.lexicon = load_lexicon(Path(lexicon) if lexicon else None,
                                    labels_path=Path(labels) if labels else None)
        self.index = R.TargetIndex.build(schema.stance_targets, self.lexicon)
        self.cues = load_cues(Path(lexicon) / "cues.toml" if lexicon else None)
        baya = self.lexicon.lookup("bay'a")  # the oath of allegiance, in all its spellings
        self.pledge_forms = frozenset(normalize(f) for f in (baya.surfaces if baya else ()))
        c = self.cues
        # every word _polarity can react to: the other tokens are skipped at once
        self.cue_words = frozenset().union(*(c[f"stance.{name}"] for name in (
            "against_verbs", "favor_verbs", "against_nouns", "favor_nouns", "taking_verbs",
            "labeling_verbs"))) | self.pledge_forms | {"fight", "die", "turn", "take", "drive",
                                                       "crack", "flag", "banner"}

    def __call__(self, doc: Doc) -> Doc:
        if self.index is None:
            self.initialize()
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[Stance]:
        """One Stance per sentence and target (NONE where no rule fires)."""
        assert self.index is not None and self.lexicon is not None
        if not doc.has_annotation("DEP") and not doc._.takfir_events:
            # without a parse only the event rule can fire, and there is no event
            return [Stance(start, end, target, self.none_label, None, 0.9, SOURCE)
                    for start, end in sentence_chars(doc) for target in self.index.targets]
        lexicon_spans = list(doc.spans.get("lexicon", []))
        assert self.cues is not None
        mentions = R.find_mentions(doc, self.index, lexicon_spans, self.cues)
        regions = quote_regions(doc)
        events = [event_from_json(e) for e in (doc._.takfir_events or [])]
        covered = {(e.trigger.start, e.trigger.end) for e in events}
        verdicts = [s for s in lexicon_spans if s.kb_id_ in self.lexicon.by_id
                    and self.lexicon.by_id[s.kb_id_].kind in VERDICT_KINDS
                    and (s.start_char, s.end_char) not in covered]
        out: list[Stance] = []
        last_speaker: SpacySpan | None = None
        quoted = [False] * len(doc)
        for a, b in regions:  # in_quote: strictly between the marks
            quoted[a + 1:b] = [True] * max(0, b - a - 1)
        voice = document_voice(doc, self.cues, quoted)
        chain = [0]  # sentences a pronoun may still refer back over
        for sent in doc.sents:
            said_by = R.speaker(sent, regions, self.cues) if doc.has_annotation("DEP") \
                else None
            if said_by is None and sent.start > 0 and in_quote(sent.start + 1, regions):
                said_by = last_speaker
            last_speaker = said_by or last_speaker
            inside = [m for m in mentions if sent.start <= m.head < sent.end]
            context = _Context(doc, sent, inside, mentions, regions, said_by, verdicts)
            cues = list(self._event_cues(context, events))
            if context.parsed:  # the word rules read the dependency parse
                cues += [*self._word_cues(context), *self._evaluation_cues(context)]
            if voice.label is not None:  # §5.9: the author's voice over others' acts
                cues = [c for c in cues if not (c.act and c.label != voice.label)]
            cues += self._voice_cues(context, voice, quoted, cues, chain)
            for target in self.index.targets:
                best = max((c for c in cues if c.target == target), default=None,
                           key=lambda c: c.rank)
                label = best.label if best else self.none_label
                holder = (Span(best.holder.start_char, best.holder.end_char)
                          if best and best.holder is not None else None)
                score = {3: 0.9, 2: 0.8, 1: 0.6, 0: 0.6, -1: 0.55}[best.priority] if best \
                    else 0.9
                out.append(Stance(sent.start_char, sent.end_char, target, label, holder, score,
                                  SOURCE))
        return out

    def set_annotations(self, doc: Doc, stances: list[Stance]) -> None:
        doc._.stance = [stance_to_json(s) for s in stances]

    # -- rules -------------------------------------------------------------------------------

    def _event_cues(self, ctx: _Context, events: list[TakfirEvent]) -> Iterable[Cue]:
        """Asserted/implied takfir on a target, or doctrinal takfir whose class names it."""
        sent = ctx.sent
        for event in events:
            if not sent.start_char <= event.trigger.start < sent.end_char:
                continue
            if event.target is None or event.mode not in STANCE_MODES | {CLASS_MODE}:
                continue
            span = ctx.doc.char_span(event.target.start, event.target.end,
                                     alignment_mode="expand")
            if span is None:
                continue
            in_span = [m for m in ctx.all_mentions if span.start <= m.head < span.end]
            if event.mode == CLASS_MODE:
                targets = {m.target for m in in_span}
            elif not ctx.parsed:
                targets = {m.target for m in in_span[-1:]}  # English heads come last
            else:
                root = _np_head(span)
                heads = {root.i, *(c.i for c in root.conjuncts)}
                targets = {m.target for m in in_span if m.head in heads}
                if not targets:  # "the group's leadership infidels" parses as one phrase
                    targets = {m.target for m in in_span
                               if ctx.doc[m.head].head.i in heads
                               and ctx.doc[m.head].dep_ not in ("poss", "compound")}
                assert self.index is not None
                if event.target.kb_id in self.index.by_kb:
                    targets.add(self.index.by_kb[event.target.kb_id])
            holder = None
            if event.declarer is not None:
                holder = ctx.doc.char_span(event.declarer.start, event.declarer.end,
                                           alignment_mode="expand")
            else:
                trigger = ctx.doc.char_span(event.trigger.start, event.trigger.end,
                                            alignment_mode="expand")
                if trigger is None or ctx.parsed and any(
                        is_passive(t, reduced=False)
                        for t in [trigger.root, *trigger.root.ancestors]):
                    continue  # §5.5: no declarer because of a passive -> no stance
                holder = ctx.said_by if in_quote(trigger.start, ctx.regions) else None
            for target in targets:
                yield Cue(target, R.AGAINST, holder, 3, span.start)

    def _voice_cues(self, ctx: _Context, voice: Voice, quoted: list[bool],
                    found: list[Cue], chain: list[int]) -> list[Cue]:
        """§5.9: a partisan author's stance on every sentence that refers to the main group
        (or its leaders) and has no stronger cue for it; held by the author."""
        assert self.index is not None and self.cues is not None
        group = self.index.main_group
        leaders = self.index.leadership_of.get(group) if group else None
        if voice.label is None or group is None or not any(
                m.target in (group, leaders) for m in ctx.all_mentions):
            return []  # a party's text about someone else (takfiris in general)
        have = {c.target for c in found}
        named = {m.target for m in ctx.mentions}
        how = "name" if group in named or leaders in named else refers_in_voice(
            ctx.sent, voice, self.cues, quoted)
        # a pronoun continues a reference made by name in the last four sentences
        refers = how == "name" or (how == "pronoun" and chain[0] > 0)
        chain[0] = 4 if how == "name" else max(0, chain[0] - 1)
        out = []
        if group not in have and refers:
            out.append(Cue(group, voice.label, None, -1, ctx.sent.start))
        if leaders and leaders not in have and leaders in named:
            out.append(Cue(leaders, voice.label, None, -1, ctx.sent.start))
        return out

    def _word_cues(self, ctx: _Context) -> Iterable[Cue]:
        """Verbs and nouns of opposing or supporting, applied to the targets they govern."""
        assert self.index is not None and self.cues is not None
        cues = self.cues
        for token in ctx.sent:
            if token.lemma_.lower() not in self.cue_words and normalize(
                    token.text) not in self.cue_words:
                continue
            found = self._polarity(token, ctx)
            if found is None:
                continue
            label, region = found
            holder = self._holder(token, ctx) if token.lemma_.lower() not in (
                "flag", "banner") else self._holder(token.head, ctx)
            if token.dep_ == "dobj" and cues.has("stance.receiving_verbs", token.head):
                source = next((first_child(p, "pobj") for p in [
                    *(c for c in token.children if c.dep_ == "prep"),
                    *(c for c in token.head.children if c.dep_ == "prep")]
                    if p.lower_ == "from" and first_child(p, "pobj") is not None), None)
                holder = R.noun_phrase(source) if source is not None else None
            if is_passive(token, reduced=False):
                holder = R.passive_agent(token, cues)
                if holder is None:
                    continue  # agentless passive: a neutral report (§5.4)
            if is_negated(token):
                if label == R.AGAINST or token.lemma_.lower() not in ("support", "trust",
                                                                      "praise", "defend"):
                    continue  # negation cancels; "did not support" flips
                label = R.AGAINST
            stoppers = cues["stance.refusing_verbs"] | cues["stance.preventing_verbs"]
            if (stop := R.governed_by(token, stoppers)) is not None:
                if label == R.AGAINST:
                    continue
                label = R.AGAINST
                if cues.has("stance.preventing_verbs", stop):
                    holder = self._holder(stop, ctx)
            elif R.governed_by(token, frozenset(["want", "try", "plan", "begin", "start",
                                                 "decide", "continue"])) is None and any(
                    c.lower_ in MODALS and c.dep_ == "aux" for c in token.children) and \
                    label == R.FAVOR and token.lemma_.lower() not in ("support", "praise"):
                continue  # "would join": not a stance yet
            region_ids = {t.i for t in region}
            held = set(range(holder.start, holder.end)) if holder is not None else set()
            hits = [m for m in ctx.mentions if m.head in region_ids and m.head not in held]
            own = {m.target for m in ctx.mentions if m.head in held}
            targets = {m.target for m in hits} - own  # "ISIS ... dissent within its ranks"
            if not hits and cues.has("stance.leaving_verbs", token):
                group = R.last_group(ctx.doc, token.i, ctx.all_mentions, self.index)
                targets = {group} if group else set()
            if label == R.FAVOR and (token.lemma_.lower() in PLEDGE
                                     or normalize(token.text) in self.pledge_forms):
                targets |= {g for g, lead in self.index.leadership_of.items() if lead in targets}
            # "..., Samir complained": a speech verb is weaker than any other cue
            priority = 0 if cues.has("stance.speech_verbs", token) else 2
            act = holder is not None and not cues.has("stance.evaluating_words", token)
            for target in targets:
                yield Cue(target, label, holder, priority, token.i, in_concessive(token), act)

    def _polarity(self, token: Token, ctx: _Context) -> tuple[str, list[Token]] | None:
        """The cue's label and the tokens it applies to, or None if the token is no cue."""
        assert self.cues is not None
        cues = self.cues
        lemma = token.lemma_.lower()
        preps = {c.lower_: c for c in token.children if c.dep_ == "prep"}
        if token.pos_ in ("VERB", "AUX"):
            region = list(R.object_region(token))
            if lemma in ("fight", "die"):  # fight X / against X; fight for X / to live in X
                favor = [t for c in token.children
                         if c.dep_ in ("xcomp", "advcl") or c.lower_ in R.FAVOR_PREPS
                         for t in c.subtree]
                if favor:
                    return R.FAVOR, favor
                against = [t for c in token.children if c.dep_ == "dobj"
                           or c.lower_ in ("against", "with", "on") for t in c.subtree]
                return (R.AGAINST, against) if lemma == "fight" else None
            if lemma == "turn":
                if "to" in preps:
                    return R.FAVOR, list(preps["to"].subtree)
                if {"against", "on"} & set(preps):
                    return R.AGAINST, region
                return None
            if "from" in preps and cues.has("stance.taking_verbs", token):
                return R.AGAINST, list(preps["from"].subtree)  # "retook the town from X"
            if lemma in ("take", "drive", "crack"):
                objects = [c.lemma_.lower() for c in token.children]
                return (R.AGAINST, region) if {"control", "out", "down"} & set(objects) \
                    else None
            if cues.has("stance.labeling_verbs", token):
                return self._labeling(token, region, ctx)
            if cues.has("stance.against_verbs", token):
                return R.AGAINST, region
            if cues.has("stance.favor_verbs", token):
                return R.FAVOR, region
            return None
        if token.pos_ in ("NOUN", "PROPN"):
            if lemma in ("flag", "banner") and token.head.pos_ == "VERB":
                owner = [t for c in token.children if c.dep_ in ("poss", "compound")
                         for t in c.subtree]
                if cues.has("stance.flag_favor_verbs", token.head):
                    return R.FAVOR, owner  # "fly the Islamic State flag"
                if cues.has("stance.flag_against_verbs", token.head):
                    return R.AGAINST, owner  # "burned the group's flag"
                return None
            supports = cues.has("stance.favor_nouns", token) or normalize(
                token.text) in self.pledge_forms
            if not supports and not cues.has("stance.against_nouns", token):
                return None
            region = [t for c in token.children if c.dep_ == "prep" for t in c.subtree]
            if lemma == "victory" and not {"over", "against"} & set(preps):
                return None  # "victory over X" opposes X; "the victory of X" is X's
            if token.dep_ == "dobj" and cues.has("stance.receiving_verbs", token.head):
                # "IS has attracted condemnation from scholars": the subject is criticized
                subject = first_child(token.head, "nsubj", "nsubjpass")
                return (R.FAVOR if supports else R.AGAINST), (
                    list(R.noun_phrase(subject)) if subject is not None else [])
            if token.dep_ == "dobj" and token.head.pos_ == "VERB":
                region += [t for c in token.head.children if c.dep_ == "prep"
                           for t in c.subtree]
            verb = token.head.head
            if token.dep_ == "pobj" and token.head.lower_ in ("in", "during") and \
                    verb.lemma_.lower() in ("die", "perish", "fall", "kill"):
                region += [t for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                           for t in R.noun_phrase(c)]  # "X dies in a US raid"
            return (R.FAVOR if supports else R.AGAINST), region
        return None

    def _labeling(self, token: Token, region: list[Token], ctx: _Context
                  ) -> tuple[str, list[Token]] | None:
        """'called them Khawarij', 'declared the caliph an apostate' (when no event covers it),
        'describes ISIS as the caliphate God promised'."""
        assert self.cues is not None
        if any(c.lower_ in MODALS for c in token.children) or is_negated(token) or \
                ctx.sent.text.rstrip().endswith("?"):
            return None
        words = {t.lower_ for t in region}
        region_ids = {t.i for t in region}
        if any(s.start in region_ids for s in ctx.verdicts) or words & self.cues[
                "stance.pejorative"]:
            return R.AGAINST, region
        if token.lemma_.lower() in ("describe", "call", "consider", "regard", "view") and \
                words & self.cues["stance.positive_evaluation"] - {"islamic", "islam"}:
            return R.FAVOR, region
        return None

    def _holder(self, token: Token, ctx: _Context) -> SpacySpan | None:
        """The cue's subject (name > description > pronoun); the speaker for 'I'/'we' in a
        quotation; None (the author) for a first person outside quotations."""
        if token.pos_ in ("NOUN", "PROPN"):
            owners = [c for c in token.children if c.dep_ in ("poss", "compound")]
            if owners:
                owner = owners[0]
                if owner.pos_ != "PRON":
                    return R.noun_phrase(owner)
            subject = acting_subject(token.head) if token.head is not token else None
        else:
            subject = acting_subject(token)
        quoted = in_quote(token.i, ctx.regions)
        if subject is None:
            return ctx.said_by if quoted else None
        if subject.lower_ in FIRST_PERSON_ALL:
            return ctx.said_by if quoted else None
        return R.noun_phrase(subject)

    def _evaluation_cues(self, ctx: _Context) -> Iterable[Cue]:
        """A target evaluated in a copular clause ('ISIS was a prison') or, inside a quotation,
        by what it is said to do ('the emirs steal')."""
        for mention in ctx.mentions:
            head = ctx.doc[mention.head]
            if head.dep_ == "conj" and head.head.dep_ in ("nsubj", "nsubjpass"):
                head = head.head  # "the Taliban and ISIS are sworn enemies"
            if head.dep_ not in ("nsubj", "nsubjpass"):
                continue
            quoted = in_quote(head.i, ctx.regions)
            verbs = [head.head, *(c for c in head.head.children if c.dep_ == "conj"
                                  and not any(d.dep_ in SUBJECTS for d in c.children))]
            for verb in verbs:
                label = self._evaluate(verb, mention, quoted)
                if label:
                    holder = ctx.said_by if quoted or ctx.sent_quoted else None
                    yield Cue(mention.target, label, holder, 1, verb.i, in_concessive(verb))

    def _evaluate(self, verb: Token, mention: R.Mention, quoted: bool) -> str | None:
        assert self.cues is not None
        cues = self.cues
        words = {t.lower_ for c in verb.children if c.dep_ in ("attr", "acomp", "oprd",
                                                               "dobj", "prep")
                 for t in c.subtree if not mention.start <= t.i < mention.end}
        copular = verb.lemma_.lower() in COPULAS
        if quoted and cues.has("stance.negative_acts", verb) and not is_negated(verb):
            return R.AGAINST
        negative = cues["stance.negative_evaluation"] if copular or quoted else cues[
            "stance.strong_negative"]
        if words & negative:
            return None if is_negated(verb) else R.AGAINST
        if words & cues["stance.positive_evaluation"] and copular:
            return R.AGAINST if is_negated(verb) else R.FAVOR
        return None


def _np_head(span: SpacySpan) -> Token:
    """The head noun of a phrase even when the parser attached it outside: the rightmost
    token governed from outside that is no possessor."""
    tops = [t for t in span if not span.start <= t.head.i < span.end or t.head is t]
    nouns = [t for t in tops if t.dep_ not in ("poss", "case", "det", "punct")]
    return (nouns or tops or [span.root])[-1]


class _Context:
    """What the rules need about one sentence."""

    def __init__(self, doc: Doc, sent: SpacySpan, mentions: list[R.Mention],
                 all_mentions: list[R.Mention], regions: list[tuple[int, int]],
                 said_by: SpacySpan | None, verdicts: list[SpacySpan]) -> None:
        self.doc = doc
        self.sent = sent
        self.mentions = mentions
        self.all_mentions = all_mentions
        self.regions = regions
        self.said_by = said_by
        self.verdicts = verdicts
        self.sent_quoted = any(in_quote(t.i, regions) for t in sent)
        self.parsed = doc.has_annotation("DEP")
