"""Takfir declaration extractor: rules over the dependency parse and the lexicon.

For every takfir word (``doc.spans["lexicon"]`` entries whose lexicon ``kind`` can carry a
verdict) and every verdict phrase ("left Islam", "no longer a Muslim", "outside the faith"),
it finds the frame that gives the verdict a target, then the declarer, the ground, the mode
and the chain flag, following GUIDELINES.md §3-4. Results: ``doc._.takfir_events`` (JSON dicts,
character offsets into the Doc) and the ``doc.spans`` groups ``takfir_<role>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
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
    FIRST_PERSON_ALL,
    MODALS,
    NAME_LABELS,
    NEGATIVE_SUBJECTS,
    RELATIVE_PRONOUNS,
    children,
    clause_subject,
    first_child,
    is_non_finite,
    is_passive,
    path_up,
    quote_regions,
)

LEXICON_KEY = "lexicon"
SOURCE = "rule"
TRIGGER_KINDS = frozenset({"verdict_noun", "verdict_adj", "verdict_verb", "charge_verb",
                           "charge_noun", "act_noun"})
_SURFACE_VERBS = frozenset({"declar", "call", "consider", "brand", "denounc", "deem", "label",
                            "pronounc", "regard", "execut", "accu", "charg"})
MODES = ("negated", "doctrinal", "hypothetical", "implied", "generic", "asserted")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A takfir word or verdict phrase that may trigger an event."""

    span: Span
    head: Token
    kind: str
    term: str = ""  # lexicon id of a takfir term


@dataclass(frozen=True, slots=True)
class Found:
    """One event in token offsets, before conversion to character offsets."""

    trigger: Span
    declarer: Span | None
    target: Span | None
    ground: Span | None
    mode: str
    chain: bool
    score: float


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
        if first.lower_ in ("not", "never") and len(span) > 1 and span[1].lemma_ == "enter":
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
            if _glosses_a_term(self.words, cand, terms) or _defines_a_class(cand, heads):
                continue
            event = self._event(doc, cand, events, regions)
            if event is not None:
                events.append(event)
        return _through_stacked_verdicts(events)

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
        if _not_an_event(w, cand):
            return None
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
        target = _target_span(doc, frame, avoid)
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
        declarer_tok = _issuer(w, _informative(_declarer(w, t, frame, avoid=taken)
                                               or _surface_declarer(w, t)
                                               or _quote_speaker(w, t, regions)
                                               or _colon_speaker(w, t)))
        if declarer_tok is not None and declarer_tok.lower_ in FIRST_PERSON:
            declarer_tok = _quote_speaker(w, t, regions) or _reporter(w, declarer_tok) \
                or declarer_tok  # the speaker named outside the "we" (§3.7 rule 3)
        declarer = None
        if declarer_tok is not None and declarer_tok.i not in avoid:
            start, end = R.argument_span(declarer_tok, avoid=avoid)
            declarer = doc[start:end] if end > start else None
        if declarer is not None and target is not None and _overlap(declarer, target):
            declarer = None
        if _discussion(w, t, frame, target) and (declarer is None or _declarer(
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
        declarer = _named(declarer, target)
        target = _described(_named(target, declarer), declarer)
        return Found(cand.span, declarer, target, ground, mode, chain, round(score, 2))

    def _naming(self, doc: Doc, cand: Candidate, prior: list[Found],
                regions: list[tuple[int, int]]) -> Found | None:
        """GUIDELINES.md §4.16: an apostasy word naming a specific party in a speaker's own
        voice ("the murtaddin took the villages", "fought the apostates of the Sahwat")."""
        w = self.words
        assert w is not None
        t = cand.head
        if cand.term not in w.naming_terms or not _names_party(w, t):
            return None
        if any(e.trigger.start <= t.i < e.trigger.end or e.target is not None and
               e.target.start <= t.i < e.target.end for e in prior):
            return None
        found = _named_party(t)
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
            speaker = _quote_speaker(w, t, regions) or next((  # '"...," the group said'
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


# -- event parts -------------------------------------------------------------------------------

def _through_stacked_verdicts(events: list[Found]) -> list[Found]:
    """'the polytheist apostate Hafidh': a verdict whose target is the next verdict word
    takes that verdict's target."""
    out = []
    for event in events:
        nxt = next((e for e in events if event.target is not None and e is not event
                    and e.trigger.start <= event.target.root.i < e.trigger.end), None)
        if nxt is not None and nxt.target is not None:
            event = replace(event, target=nxt.target, declarer=event.declarer or nxt.declarer)
        out.append(event)
    return out



def _not_an_event(w: R.Words, cand: Candidate) -> bool:
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


_GLOSS_OPENERS = frozenset({"(", "—", "–", "-", "--", ",", ":"})
_GLOSS_CLOSERS = frozenset({")", "—", "–", "--", ";"})
_GLOSS_FILLERS = frozenset({"or", "i.e.", "i.e", "ie", "that", "is", "the", "act", "practice",
                            "of", "meaning", "means", "namely", "literally", "a", "process"})


def _glosses_a_term(w: R.Words, cand: Candidate, terms: list[int]) -> bool:
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
        return True  # "takfir al-'adhir ("excommunication of the excuser")": a translation
    for term in sorted((i for i in terms if sent.start <= i < start and start - i <= 14),
                       reverse=True):
        i = term + 1
        if doc[i].text not in _GLOSS_OPENERS:
            continue
        i += 1
        while i < start and doc[i].lower_ in _GLOSS_FILLERS:
            i += 1
        gerund = doc[i] if i < start else None
        if gerund is not None and gerund.lemma_ in w.declaring and gerund.tag_ in (
                "VBG", "NN") and gerund.lower_.endswith("ing") and not any(
                doc[x].text in _GLOSS_CLOSERS for x in range(i, start)):
            object_words = doc[gerund.i + 1:start]  # a gloss declares anyone, not a party
            return any(x.lower_ in w.generic_targets | w.muslim for x in object_words) and \
                not any(x.ent_type_ and x.lower_ not in w.muslim for x in object_words)
    return False


_GENERIC_WH = frozenset({"whenever", "whoever", "whosoever", "whomever"})


def _defines_a_class(cand: Candidate, heads: set[int]) -> bool:
    """A verdict inside the clause that defines who a name applies to, when the sentence
    pronounces no verdict outside it: "whoever kills a Muslim by calling him a kafir is a
    Harori", "whenever Muslims make takfir of Muslims, they are called fanatics" (§4.2)."""
    for tok in path_up(cand.head):
        if tok.dep_ not in ("advcl", "csubj") or tok.i == cand.head.i:
            continue
        if not any(c.lower_ in _GENERIC_WH for c in tok.children):
            return False
        clause = range(tok.left_edge.i, tok.right_edge.i + 1)
        sent = cand.span.sent
        return not any(h not in clause and sent.start <= h < sent.end for h in heads)
    return False


def _discussion(w: R.Words, t: Token, frame: R.Frame, target: Span | None) -> bool:
    """A verdict talked about, not pronounced (no declarer): a gerund or infinitive of
    declaring with an unspecified target ("declaring someone a kafir is a grave matter",
    "when to pronounce takfir on Muslims in general"), or a verdict that is the subject
    matter of a topic noun ("the issue of takfir", "the regulations of takfir")."""
    if _debated(w, t):
        return True
    verb = frame.verb or next((v for v in list(path_up(t))[1:4] if v.pos_ in ("VERB", "AUX")),
                              None)
    if verb is not None and verb.dep_ in ("xcomp", "ccomp") and verb.lemma_ in COPULAS and (
            verb.head.lemma_ in w.declaring | w.reporting):
        verb = verb.head  # "considered the men to be infidels": the declaring verb's clause
    if target is not None and target.start > 0 and _generic(w, target.root):
        before = t.doc[target.start - 1]  # "declaring someone as kafir is ..." misparsed
        if before.lemma_ in w.declaring and is_non_finite(before) and before.dep_ in (
                "csubj", "ROOT", "nsubj", "pcomp"):
            return True
    if verb is not None and is_non_finite(verb) and (target is None or _generic(
            w, target.root)):
        return True
    if frame.verb is None and t.pos_ in ("NOUN", "PROPN") and not children(t, "poss") and (
            t.dep_ == "ROOT" or t.dep_ in ("nsubj", "nsubjpass") and t.head.lemma_ in COPULAS
    ) and not (t.dep_ == "ROOT" and _names_a_party(target)):
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


def _names_a_party(target: Span | None) -> bool:
    """A target that is a named party ("Takfeer on Jabhat al-Nusra", a title announcing an
    act), not a class ("Takfir of Muslim rulers", a topic)."""
    return target is not None and any(
        e.label_ in ("ORG", "PERSON", "GPE") and e.start <= target.root.i < e.end
        for e in target.doc.ents)


def _debated(w: R.Words, t: Token) -> bool:
    """A verdict weighed in a 'whether' clause that someone debates or asks about ("the
    scholars debated whether the ruler could be called a kafir"): a debate, not a verdict
    (GUIDELINES.md §4.19)."""
    for tok in list(path_up(t))[1:6]:
        mark = first_child(tok, "mark")
        if mark is not None and mark.lower_ in ("whether", "if") and tok.dep_ in (
                "ccomp", "advcl", "pcomp", "xcomp") and tok.head.lemma_.lower() in w.debating:
            return True
    return False


def _generic(w: R.Words, head: Token) -> bool:
    """An unspecified person: 'someone', 'a person', 'a Muslim', 'Muslims in general'; a
    defining clause makes a class instead ("anyone who votes")."""
    if head.lemma_.lower() not in w.generic_targets and head.lower_ not in w.generic_targets:
        return False
    if any(c.dep_ in ("relcl", "acl") for c in head.children):
        return False
    return not any(c.dep_ in ("poss", "nummod") or c.lower_ in ("these", "those", "this",
                                                                 "that", "such", "their")
                   for c in head.children)


def _names_party(w: R.Words, t: Token) -> bool:
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


def _named_party(t: Token) -> Token | None:
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


def _target_span(doc: Doc, frame: R.Frame, avoid: set[int]) -> Span | None:
    if frame.target_span is not None:
        start, end = R.trim(doc, *frame.target_span)
        name = next((e for e in doc.ents if e.start == start and e.label_ in NAME_LABELS
                     and e.end < end and doc[e.end].text == ","), None)
        if name is not None:
            end = name.end  # §3.7 rule 1: "Hafidh, a preacher" -> the name
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


def _declarer(w: R.Words, t: Token, frame: R.Frame, *, reporters: bool = True,
              avoid: frozenset[int] = frozenset()) -> Token | None:
    """Who pronounces the verdict: the frame's own subject, agent or owner, else (with
    ``reporters``) the subject of a reporting verb above it."""
    if frame.declarer is not None:
        return _issuer(w, frame.declarer)
    verb = frame.verb
    if verb is not None and verb.dep_ == "acl" and verb.tag_ == "VBG":
        return _issuer(w, verb.head)  # "a verdict [of the court] condemning them for ..."
    owner = _owner_of_frame(verb or t)
    if owner is not None:
        return owner
    if frame.verb is not None and frame.verb.lemma_ in w.declaring | w.enacting:
        if is_passive(frame.verb):
            by = next((c for c in children(t, "prep") if c.lower_ == "by"), None)
            agent = first_child(by, "pobj") if by is not None else None
            return _issuer(w, clause_subject(frame.verb) or agent)
        subj = clause_subject(frame.verb)
        if subj is not None:
            return _issuer(w, subj)
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
                return _issuer(w, subj)
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
            return _issuer(w, subj)
    return None


DEONTIC = frozenset({"must", "should", "ought", "shall"})
_PRONOUN_REFERENTS = {"he": {"PERSON"}, "him": {"PERSON"}, "his": {"PERSON"},
                      "she": {"PERSON"}, "her": {"PERSON"}, "it": {"ORG", "GPE"},
                      "its": {"ORG", "GPE"}, "they": {"ORG", "NORP"},
                      "them": {"ORG", "NORP"}, "their": {"ORG", "NORP"}}


def _named(span: Span | None, other: Span | None) -> Span | None:
    """GUIDELINES.md §3.7 rule 3, name over pronoun: a third-person pronoun argument becomes
    the name it stands for earlier in the sentence (a subject pronoun: the subject of a
    clause above it; otherwise the nearest earlier name of a fitting kind)."""
    if span is not None and _group_description(span):
        names = [e for e in span.sent.ents if e.label_ == "ORG" and e.end <= span.start
                 and not (other is not None and other.start < e.end and e.start < other.end)]
        return names[-1] if names else span  # "... on Hamas, saying the Palestinian group"
    if span is None or len(span) != 1 or span[0].lower_ not in _PRONOUN_REFERENTS:
        return span
    pronoun = span[0]
    kinds = _PRONOUN_REFERENTS[pronoun.lower_]

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
        return span  # "they have the creed of the Khawarij such that they make takfir"
    return named


_NUMBER = {"he": "NN", "him": "NN", "she": "NN", "her": "NN", "they": "NNS", "them": "NNS"}


def _described(span: Span | None, other: Span | None) -> Span | None:
    """§3.7 rule 3, description over pronoun: a pronoun target with no name to stand for
    becomes the nearest earlier noun phrase of its number that is a verb's subject or
    object ("killed the soldier because he considered him an infidel")."""
    if span is None or len(span) != 1 or span[0].lower_ not in _NUMBER:
        return span
    pronoun = span[0]
    for tok in reversed(list(pronoun.doc[pronoun.sent.start:pronoun.i])):
        if tok.pos_ == "NOUN" and tok.tag_ == _NUMBER[pronoun.lower_] and tok.dep_ in (
                "dobj", "nsubj", "nsubjpass") and children(tok, "det", "poss") and not (
                other is not None and other.start <= tok.i < other.end):
            start, end = R.argument_span(tok, avoid=range(pronoun.i, pronoun.i + 1))
            return pronoun.doc[start:end] if end > start else span
    return span


_GROUP_NOUNS = frozenset({"group", "organization", "organisation", "movement", "faction",
                          "militia", "outfit"})


def _group_description(span: Span) -> bool:
    """A definite description of a group with no name in it: "the Palestinian group"."""
    root = span[-1]
    return root.lemma_.lower() in _GROUP_NOUNS and span[0].lower_ == "the" and not any(
        t.ent_type_ or t.tag_ == "POS" for t in span) and root.tag_ == "NN"


def _quote_speaker(w: R.Words, t: Token, regions: list[tuple[int, int]]) -> Token | None:
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


def _colon_speaker(w: R.Words, t: Token) -> Token | None:
    """The speaker who introduces the verdict with a colon: "The sheikh said: ...",
    "The Khawarij say:- ..." (a translation's way of quoting)."""
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


def _reporter(w: R.Words, pronoun: Token) -> Token | None:
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


def _owner_of_frame(token: Token) -> Token | None:
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


def _issuer(w: R.Words, token: Token | None, depth: int = 0) -> Token | None:
    """Documents are not declarers: use the issuer the sentence names (§3.4): "a statement
    from the brigade", "the group's statement", "the newsletter that carried an article",
    "Al-Naba, the Islamic State's newsletter"; else none."""
    if token is None or depth > 3:
        return None
    if token.lemma_.lower() not in w.documents and token.ent_type_ != "WORK_OF_ART":
        return token
    for prep in children(token, "prep"):
        if prep.lower_ in ("from", "by", "of"):
            return _issuer(w, first_child(prep, "pobj"), depth + 1)
    owner = first_child(token, "poss")
    if owner is not None:
        return _issuer(w, owner, depth + 1)
    for appos in children(token, "appos"):
        found = _issuer(w, appos, depth + 1)
        if found is not None:
            return found
    if token.dep_ in ("dobj", "attr") and token.head.pos_ == "VERB":
        return _issuer(w, clause_subject(token.head), depth + 1)  # "X carried an article"
    return None


def _mode(w: R.Words, t: Token, cand: Candidate, frame: R.Frame, klass: bool) -> str:
    negated, neutral = False, False
    inside = range(cand.span.start, cand.span.end)
    path = [tok for tok in path_up(t)]
    if frame.verb is not None and frame.verb not in path:
        path = [*path, *path_up(frame.verb)]
    if t.dep_ == "conj" and any(c.lower_ in ("neither", "nor") for c in t.head.children):
        negated = True  # "neither impious nor apostate"
    below: Token | None = None
    for tok in path:
        if below is not None and (below.dep_ in ("advcl", "relcl", "parataxis") or (
                below.dep_ == "conj" and below.pos_ in ("VERB", "AUX"))):
            break  # negation of an outer clause does not scope over the verdict
        below = tok
        if tok.lemma_ in w.neutralizing:
            neutral = True
        negs = [c for c in children(tok, "neg", "preconj", "cc") if c.i not in inside
                and (c.dep_ == "neg" or c.lower_ in ("neither", "nor"))]
        if negs and tok.lemma_ not in w.neutralizing:
            negated = True
        if tok.i not in inside and tok.lemma_ in w.negating and tok.i != t.i:
            negated = True
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


def _surface_declarer(w: R.Words, t: Token) -> Token | None:
    """Misparsed '... some declare takfir on ...': the word before the declaring verb."""
    doc = t.doc
    if t.i >= 2 and doc[t.i - 1].lemma_ in w.act_verbs and doc[t.i - 2].pos_ in (
            "PRON", "DET", "NOUN", "PROPN") and doc[t.i - 2].sent == t.sent:
        return doc[t.i - 2]
    return None


def _informative(token: Token | None) -> Token | None:
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
