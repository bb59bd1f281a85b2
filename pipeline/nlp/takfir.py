"""Takfir declaration extractor: rules over the dependency parse and the lexicon.

For every takfir word (``doc.spans["lexicon"]`` entries whose lexicon ``kind`` can carry a
verdict) and every verdict phrase ("left Islam", "no longer a Muslim", "outside the faith"),
it finds the frame that gives the verdict a target, then the declarer, the ground, the mode
and the chain flag, following GUIDELINES.md §3-4. Results: ``doc._.takfir_events`` (JSON dicts,
character offsets into the Doc) and the ``doc.spans`` groups ``takfir_<role>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.training import Example

from ..lexicon import Lexicon, load_lexicon
from ..records import Span as CharSpan
from ..records import TakfirEvent, event_to_json
from ..schema import LabelSchema, load_schema
from . import takfir_rules as R
from .arrays import has_any_word, hashes
from .cues import load_cues, phrase_anchors, phrase_patterns
from .syntax import (
    CONDITIONAL_MARKS,
    COPULAS,
    FIRST_PERSON,
    MODALS,
    NAME_LABELS,
    NEGATIVE_SUBJECTS,
    children,
    first_child,
    path_up,
    quote_regions,
)
from .takfir_filters import defines_a_class, discussion, glosses_a_term, not_an_event
from .takfir_parts import Candidate, Found
from .takfir_roles import (
    by_description,
    by_name,
    colon_speaker,
    find_declarer,
    informative,
    issuer,
    named_party,
    names_party,
    quote_speaker,
    reporter,
    surface_declarer,
    target_span,
    through_stacked_verdicts,
)

LEXICON_KEY = "lexicon"
SOURCE = "rule"
TRIGGER_KINDS = frozenset({"verdict_noun", "verdict_adj", "verdict_verb", "charge_verb",
                           "charge_noun", "act_noun"})
_SURFACE_VERBS = frozenset({"declar", "call", "consider", "brand", "denounc", "deem", "label",
                            "pronounc", "regard", "execut", "accu", "charg"})
MODES = ("negated", "doctrinal", "hypothetical", "implied", "generic", "asserted")


class TakfirDeclarations:
    """Finds takfir events; the lexicon loads in ``initialize`` (or on first use)."""

    def __init__(self, nlp: Language, name: str, *, lexicon_path: str | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.lexicon_path = lexicon_path
        self.lexicon: Lexicon | None = None
        self.matcher: Matcher | None = None
        self.schema: LabelSchema | None = None
        self.words: R.Words | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, lexicon_path: str | None = None) -> None:
        path = lexicon_path or self.lexicon_path
        self.lexicon = load_lexicon(Path(path) if path else None)
        self.schema = load_schema()
        for mode in MODES:
            self.schema.check("mode", mode, "takfir_declarations")
        cues = load_cues(Path(path) / "cues.toml" if path else None)
        self.words = R.Words.from_cues(cues)
        # verdict phrases without a takfir term (GUIDELINES.md §3.3 priority 3, §4.17)
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.matcher.add("phrase", phrase_patterns(cues.phrases))
        self._anchors = frozenset(hashes(self.nlp.vocab.strings,
                                         phrase_anchors(cues.phrases)).tolist())

    def __call__(self, doc: Doc) -> Doc:
        if self.lexicon is None:
            self.initialize()
        self.set_annotations(doc, self.match(doc))
        return doc

    # -- matching ------------------------------------------------------------------------------

    def candidates(self, doc: Doc) -> list[Candidate]:
        """Takfir words that are not inside a name, and verdict phrases, in text order."""
        assert self.lexicon is not None and self.matcher is not None
        found: dict[int, Candidate] = {}
        ents = {(e.start, e.end): e.label_ for e in doc.ents}
        for span in doc.spans.get(LEXICON_KEY, []):
            entry = self.lexicon.by_id.get(span.id_ or span.kb_id_)
            if entry is None or entry.kind not in TRIGGER_KINDS:
                continue
            if ents.get((span.start, span.end)) != entry.label:
                continue  # inside a longer name ("Takfir wal-Hijra")
            found.setdefault(span.start, Candidate(span, span.root, entry.kind, entry.id))
        assert self.words is not None
        phrases = self.matcher(doc) if has_any_word(doc, self._anchors) else []
        for _, start, end in phrases:
            span = doc[start:end]
            if any(start <= i < end for i in found if found[i].kind != "phrase") or (
                    start in found and len(found[start].span) >= len(span)):
                continue  # a lexicon term inside, or a longer phrase already there
            found[start] = self._phrase(span)
        longest: dict[int, Candidate] = {}
        for cand in sorted(found.values(), key=lambda c: (c.span.start, -len(c.span))):
            if not any(c.span.start <= cand.span.start < c.span.end for c in longest.values()):
                longest[cand.span.start] = cand
        return list(longest.values())

    def _phrase(self, span: Span) -> Candidate:
        """A verdict phrase: a verb of leaving the religion takes its subject as the target
        ("abandoned Islam"), a predicate phrase its subject or object ("no longer Muslims",
        "outside the fold", "nullifiers of Islam")."""
        assert self.words is not None
        first = span[0]
        if first.lower_ in ("not", "never") and len(span) > 1 and span[1].lemma_ in (
                "enter", "deserve"):  # "never entered Islam", "not deserve to be called ..."
            return Candidate(span, span[1], "phrase_verb")
        if first.lemma_.lower() in self.words.leaving:
            return Candidate(span, first, "phrase_verb")
        if first.lower_ in ("outside", "out", "beyond"):  # predicated like an attribute
            head = first.head if first.head.pos_ in ("NOUN", "PRON", "PROPN") and not (
                first.head.dep_ == "dobj" and first.head.head.lemma_ in self.words.declaring
            ) else first  # "declared [the rulers] [outside the fold]": a small clause
            return Candidate(span, head, "phrase")
        if first.tag_ == "PRP$":  # "his Islam is void": the owner is the target
            return Candidate(span[1:], span[-1], "phrase_owned")
        if first.lower_ in ("no", "not", "never", "non-muslim", "non-muslims"):
            return Candidate(span, span[-1], "phrase")
        if span.root.pos_ == "VERB":  # "worships other than God"
            return Candidate(span, span.root, "phrase_verb")
        return Candidate(span, span.root, "phrase")

    def match(self, doc: Doc) -> list[Found]:
        """Every takfir event of ``doc``, in trigger order."""
        if not doc.has_annotation("DEP"):
            return self._match_surface(doc)
        events: list[Found] = []
        regions = quote_regions(doc)
        terms = self._act_nouns(doc)
        cands = self.candidates(doc)
        heads = {c.head.i for c in cands}
        for cand in cands:
            if glosses_a_term(self.words, cand, terms) or defines_a_class(cand, heads):
                continue
            event = self._event(doc, cand, events, regions)
            if event is not None:
                events.append(event)
        return through_stacked_verdicts(events)

    def _act_nouns(self, doc: Doc) -> list[int]:
        """Last token of every act noun of the lexicon ("takfir", "excommunication")."""
        assert self.lexicon is not None
        return [span.end - 1 for span in doc.spans.get(LEXICON_KEY, [])
                if (entry := self.lexicon.by_id.get(span.id_ or span.kb_id_)) is not None
                and entry.kind == "act_noun"]

    def _match_surface(self, doc: Doc) -> list[Found]:
        """Without a parse (the fast pipeline): a verdict word after a declaring verb in
        the same sentence, trigger only, low score."""
        events = []
        for cand in self.candidates(doc):
            if cand.kind not in ("verdict_noun", "verdict_adj", "act_noun"):
                continue
            start = cand.span.sent.start if doc.has_annotation("SENT_START") else 0
            before = [tok.lower_ for tok in doc[max(start, cand.span.start - 6):cand.span.start]]
            if not any(w.rstrip("sed") in _SURFACE_VERBS for w in before):
                continue
            negated = any(w in ("not", "never", "n't", "no") for w in before)
            events.append(Found(cand.span, None, None, None,
                                "negated" if negated else "asserted", False, 0.3))
        return events

    def _event(self, doc: Doc, cand: Candidate, prior: list[Found],
               regions: list[tuple[int, int]]) -> Found | None:
        w = self.words
        assert w is not None
        t = cand.head
        if t.pos_ == "X" and t.dep_ == "appos":
            return None  # a translator's gloss of the word before it: "murtadeen [apostates]"
        if not_an_event(w, cand):
            return None
        if cand.span[0].lower_.startswith("non-muslim") and cand.head.dep_ == "conj" and any(
                x.lower_ in ("muslim", "muslims") for x in
                doc[max(cand.span.sent.start, cand.span.start - 20):cand.span.start]):
            return None  # "Muslims in every land ... and non-Muslims": two categories
        if any(t.dep_ in ("conj", "appos") and e.trigger.start <= t.head.i < e.trigger.end
               for e in prior):
            return None  # "kaffirs, or infidels": the second word is only a term
        if cand.kind == "phrase_owned":
            owner = doc[cand.span.start - 1]
            frame: R.Frame | None = R.Frame(None, owner, None, act=False)
        else:
            frame = R.find_frame(w, t, cand.kind)
        if frame is None:
            return self._naming(doc, cand, prior, regions)
        avoid = set(range(cand.span.start, cand.span.end))
        target = target_span(doc, frame, avoid)
        if target is None and not (frame.act and frame.verb is not None):
            return None
        if target is not None and (_non_muslim(w, target) or target.root.lemma_.lower()
                                   in w.abstract):
            return None  # unbelief of non-Muslims, or of a system or a creed
        if target is not None and any(e.trigger.start <= target.root.i < e.trigger.end
                                      for e in prior):
            return None  # "apostates who have left the fold": one verdict
        if target is None and (cand.kind in ("verdict_verb", "phrase_verb") or (
                frame.verb is not None and frame.verb.lemma_ not in w.declaring_acts)):
            return None  # "the power to excommunicate", "practises takfir": no anchor
        if target is None and frame.verb is not None and frame.ground is None and any(
                c.lower_ in DEONTIC for c in children(frame.verb, "aux")):
            return None  # "we must make takfir": a duty stated, no act reported
        if target is not None and any(e.target is not None and e.target == target
                                      and e.trigger.sent == cand.span.sent for e in prior):
            return None  # one verdict repeated for the same target
        taken = frozenset(range(target.start, target.end)) if target is not None else \
            frozenset()
        declarer_tok = issuer(w, informative(find_declarer(w, t, frame, avoid=taken)
                                               or surface_declarer(w, t)
                                               or quote_speaker(w, t, regions)
                                               or colon_speaker(w, t)))
        if declarer_tok is not None and declarer_tok.lower_ in FIRST_PERSON:
            declarer_tok = quote_speaker(w, t, regions) or reporter(w, declarer_tok) \
                or declarer_tok  # the speaker named outside the "we" (§3.7 rule 3)
        declarer = None
        if declarer_tok is not None and declarer_tok.i not in avoid:
            start, end = R.argument_span(declarer_tok, avoid=avoid)
            declarer = doc[start:end] if end > start else None
        if declarer is not None and target is not None and _overlap(declarer, target):
            declarer = None
        if discussion(w, t, frame, target) and (declarer is None or find_declarer(
                w, t, frame, reporters=False) is None):
            return None  # "declaring someone a kafir is a grave matter": talked about
        if target is not None and target.root.lower_ in FIRST_PERSON and declarer is None \
                and not frame.act:
            return None  # "I was a kafir before ...": own past unbelief
        target_head = target.root if target is not None else None
        klass = target_head is not None and R.is_class(target_head) and not (
            frame.target_span is not None and target is not None
            and target[0].dep_ in ("det", "poss") and target[0].lower_ not in R.CLASS_DETS)
        if target is None and frame.ground is not None:
            klass = True  # "takfir on big sins": on the open class of those who commit them
        mode = _mode(w, t, cand, frame, klass)
        ground = _ground(w, doc, t, frame, target_head, klass, avoid)
        if ground is None and frame.ground is not None:
            start, end = R.argument_span(frame.ground, avoid=avoid)
            ground = doc[start:end] if end > start else None
        chain = _is_chain(w, ground, self.lexicon) if ground is not None else False
        if not chain and klass and target is not None:
            chain = _is_chain(w, target, self.lexicon)
        score = 0.55 + 0.2 * (target is not None) + 0.15 * (declarer is not None) \
            + 0.05 * (frame.verb is not None)
        declarer = by_name(declarer, target)
        target = by_description(by_name(target, declarer), declarer)
        return Found(cand.span, declarer, target, ground, mode, chain, round(score, 2))

    def _naming(self, doc: Doc, cand: Candidate, prior: list[Found],
                regions: list[tuple[int, int]]) -> Found | None:
        """GUIDELINES.md §4.16: an apostasy word naming a specific party in a speaker's own
        voice ("the murtaddin took the villages", "fought the apostates of the Sahwat")."""
        w = self.words
        assert w is not None
        t = cand.head
        if cand.term not in w.naming_terms or not names_party(w, t):
            return None
        if any(e.trigger.start <= t.i < e.trigger.end or e.target is not None and
               e.target.start <= t.i < e.target.end for e in prior):
            return None
        found = named_party(t)
        target = None
        if found is not None:
            start, end = R.argument_span(found, avoid=range(cand.span.start, cand.span.end))
            target = doc[start:end] if end > start else None
        if target is not None and _non_muslim(w, target):
            return None
        frame = R.Frame(None, found, None, act=False)
        mode = _mode(w, t, cand, frame, False)
        speaker = first_child(t.sent.root, "nsubj")  # "We saw how the murtaddin ..."
        if speaker is None or speaker.lower_ not in FIRST_PERSON:
            speaker = quote_speaker(w, t, regions) or next((  # '"...," the group said'
                first_child(v, "nsubj") for v in list(path_up(t))[1:]
                if v.pos_ in ("VERB", "AUX") and v.lemma_ in w.reporting
                and first_child(v, "nsubj") is not None), None)  # "X says that if these ..."
        declarer = None
        if speaker is not None:
            start, end = R.argument_span(speaker, avoid=range(cand.span.start, cand.span.end))
            declarer = doc[start:end] if end > start else None
        return Found(cand.span, declarer, target, None, mode, False, 0.55)

    # -- writing -------------------------------------------------------------------------------

    def set_annotations(self, doc: Doc, events: list[Found]) -> None:
        """Events as JSON dicts on ``doc._.takfir_events``; role spans in ``doc.spans``."""
        schema = self.schema or load_schema()
        roles = list(schema.takfir_roles)
        groups: dict[str, list[Span]] = {f"takfir_{r.lower()}": [] for r in roles}
        records = []
        for e in events:
            trigger = _chars(e.trigger)
            assert trigger is not None
            records.append(event_to_json(TakfirEvent(
                trigger, _chars(e.declarer, linked=True),
                _chars(e.target, linked=True), _chars(e.ground), e.mode, e.chain, e.score,
                SOURCE)))
            parts = (e.trigger, e.declarer, e.target, e.ground)
            for role, part in zip(roles, parts, strict=False):
                if part is None:
                    continue
                label = e.mode if part is e.trigger else role
                span = Span(doc, part.start, part.end, label=label,
                            kb_id=_kb_id(part) or "")
                if span not in groups[f"takfir_{role.lower()}"]:
                    groups[f"takfir_{role.lower()}"].append(span)
        for key, spans in groups.items():
            doc.spans[key] = spans
        doc._.takfir_events = records


# -- mode, ground, chain, offsets (see takfir_filters.py and takfir_roles.py for the rest) -

DEONTIC = frozenset({"must", "should", "ought", "shall"})


def _mode(w: R.Words, t: Token, cand: Candidate, frame: R.Frame, klass: bool) -> str:
    negated, neutral = False, False
    inside = range(cand.span.start, cand.span.end)
    path = [tok for tok in path_up(t)]
    if frame.verb is not None and frame.verb not in path:
        path = [*path, *path_up(frame.verb)]
    if t.dep_ == "conj" and any(c.lower_ in ("neither", "nor") for c in t.head.children):
        negated = True  # "neither impious nor apostate"
    below: Token | None = None
    came_from: Token | None = None
    for tok in path:
        if below is not None and (below.dep_ in ("advcl", "relcl", "parataxis") or (
                below.dep_ == "conj" and below.pos_ in ("VERB", "AUX"))):
            break  # negation of an outer clause does not scope over the verdict
        came_from, below = below, tok
        if tok.lemma_ in w.neutralizing:
            neutral = True
        negs = [c for c in children(tok, "neg", "preconj", "cc") if c.i not in inside
                and (c.dep_ == "neg" or c.lower_ in ("neither", "nor"))]
        if negs and tok.lemma_ not in w.neutralizing:
            negated = True
        if tok.i not in inside and tok.lemma_ in w.negating and tok.i != t.i and not (
                came_from is not None and came_from.dep_ in ("nsubj", "nsubjpass", "csubj")):
            negated = True  # not "Daud, [who] called him an apostate, warned ..."
        if tok.lemma_ in COPULAS and any(c.dep_ in ("acomp", "attr") and c.lemma_.lower()
                                         in w.disapproving for c in tok.children):
            negated = True  # "it was unfair to hold him a kafir"
        subj = first_child(tok, "nsubj")
        if subj is not None and (subj.lemma_ in NEGATIVE_SUBJECTS or any(
                c.lower_ == "no" for c in subj.children if c.dep_ == "det")):
            negated = True
    if negated and _rhetorical(t):
        negated = False  # "how can one who rules by man-made law not be an unbeliever?"
    if negated and not neutral:
        return "negated"
    if klass and not frame.act:
        return "doctrinal"
    into = t.head.head.i if t.dep_ == "pobj" and t.head.lower_ == "into" else -1
    above = [tok for tok in path if tok.i not in inside and tok.i != into]  # "led into"
    sent = t.sent
    if (any(c.lower_ in MODALS for tok in above for c in children(tok, "aux"))
            or any(c.lower_ in CONDITIONAL_MARKS for tok in above
                   for c in children(tok, "mark"))
            or any(tok.lemma_ in w.hypothetical for tok in above)
            or sent.text.rstrip().rstrip('"').endswith("?")):
        return "hypothetical"
    if any(tok.lemma_ in w.implied for tok in above):
        return "implied"
    if klass:
        return "generic"
    return "asserted"


def _rhetorical(t: Token) -> bool:
    """A negative question that asserts: "How can X not be an unbeliever?", "Is he not a
    kafir?" (its answer is the verdict)."""
    sent = t.sent
    words = [x.lower_ for x in sent if not x.is_punct and not x.is_space]
    if not sent.text.rstrip().rstrip('"\u201d').endswith("?") or len(words) < 3:
        return False
    return words[0] == "how" and words[1] in ("can", "could") or (
        words[0] in ("is", "are", "was", "were") and "not" in words[1:3]) or \
        words[0] in ("isn't", "aren't")


def _ground(w: R.Words, doc: Doc, t: Token, frame: R.Frame, target: Token | None, klass: bool,
            avoid: set[int]) -> Span | None:
    """The reason clause or phrase, without its marker (§3.6)."""
    if klass and target is not None:
        found = R.class_ground(target)
        if found is not None:
            return doc[found[0]:found[1]]
    stop = frame.verb
    path = list(path_up(t))
    if stop is not None and stop not in path:
        path.append(stop)
    for tok in path:
        for child in tok.children:
            if t.i in {s.i for s in child.subtree}:
                continue
            span = _reason(w, child)
            if span is not None and not (set(range(*span)) & avoid):
                return doc[span[0]:span[1]]
        if stop is not None and tok.i == stop.i:
            break
        if tok.lemma_ in w.reporting and tok.i != t.i:
            break
    return None


def _reason(w: R.Words, child: Token) -> tuple[int, int] | None:
    if child.dep_ == "advcl":
        mark = first_child(child, "mark")
        if mark is not None and mark.lower_ in ("because", "since") or (
                mark is not None and mark.lower_ == "as" and first_child(child, "nsubj")):
            return R.trim(child.doc, mark.i + 1, child.right_edge.i + 1)
    if child.dep_ == "prep":
        obj = first_child(child, "pobj", "pcomp")
        if obj is None:
            return None
        if child.lower_ == "because" or (child.lower_ in ("for", "over") and obj.pos_ in (
                "NOUN", "VERB", "PROPN") and obj.ent_type_ != "DATE") or (
                child.lower_ == "by" and obj.tag_ == "VBG"):
            if child.lower_ == "because":
                obj = first_child(obj, "pobj") or obj
            if obj.lemma_ in w.charge_nouns or obj.lower_ in ("example", "instance", "years",
                                                             "months", "days", "time"):
                return None
            return R.trim(child.doc, obj.left_edge.i, obj.right_edge.i + 1)
    return None


def _is_chain(w: R.Words, span: Span, lexicon: Lexicon | None) -> bool:
    """The reason is a failure to excommunicate, an excuse, or affirming others' Islam."""
    lemmas = {tok.lemma_.lower() for tok in span}
    lowers = {tok.lower_ for tok in span}
    if lemmas & w.excuse:
        return True
    takfir_word = any(tok.ent_type_ and lexicon is not None and any(
        s.start <= tok.i < s.end and lexicon.by_id.get(s.id_) is not None
        and lexicon.by_id[s.id_].kind in TRIGGER_KINDS
        for s in span.doc.spans.get(LEXICON_KEY, [])) for tok in span)
    declaring = bool(lemmas & {"call", "declare", "pronounce", "excommunicate", "consider",
                               "count", "brand", "name", "say"})
    refusing = bool(lemmas & w.refusal) or any(tok.dep_ == "neg" for tok in span)
    if refusing and (takfir_word or declaring):
        return True
    if lemmas & {"refusal", "silence", "failure", "reluctance"}:
        return True
    return bool(lowers & w.muslim and lemmas & {"call", "count", "consider", "still"})


def _non_muslim(w: R.Words, target: Span) -> bool:
    return any(tok.lower_ in w.non_muslim for tok in target)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _kb_id(span: Span) -> str | None:
    """The lexicon id of the entity the span is, or that heads it."""
    for ent in span.ents:
        if ent.kb_id_ and ent.label_ in NAME_LABELS | {"NORP"} and (
                ent.start <= span.root.i < ent.end or (ent.start, ent.end) == (
                    span.start, span.end)):
            return ent.kb_id_
    return None


def _chars(span: Span | None, *, linked: bool = False) -> CharSpan | None:
    if span is None:
        return None
    return CharSpan(span.start_char, span.end_char, _kb_id(span) if linked else None)


