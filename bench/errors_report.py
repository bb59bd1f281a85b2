"""Error analysis of the taggers on the real dev split: every false negative and false
positive takfir sentence, every missed or wrong declarer and target, every wrong ISIS stance,
each with a construction class, written to annotations/ERRORS.md.

The report names documents, sentence numbers and offsets, never text (the texts are
third-party writing and stay out of git): read a case with
`python scripts/real_corpus.py worksheet <id>`.

Usage: python bench/real_text.py --errors   (or: python bench/errors_report.py WORKSPACE)
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pipeline.gold import load_gold  # noqa: E402
from pipeline.lexicon import load_lexicon, normalize  # noqa: E402
from pipeline.predictions import predicted_documents  # noqa: E402
from pipeline.records import LabeledDocument, Span, TakfirEvent  # noqa: E402
from pipeline.store import Workspace  # noqa: E402

NEGATED = "negated"
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_DEFINITION = re.compile(r"\b(means?|meaning|refers? to|defin\w*|is called|known as|the term|"
                         r"condition\w*|impediment\w*|excuse of ignorance|ignoran\w*|ruling|"
                         r"scholars?|fatwa|permissible|forbidden|whoever|anyone who)\b", re.I)
_MODAL = re.compile(r"\b(would|could|might|may|if|whether|unless|should|can)\b", re.I)
_NEGATION = re.compile(r"\b(not|never|no|refus\w*|reject\w*|den(y|ied|ies)|without)\b|n't",
                       re.I)
_NON_MUSLIM = re.compile(r"\b(crusaders?|christians?|jews?|jewish|west\w*|americans?|"
                         r"coalition|polytheists?|idolaters?)\b", re.I)
_LABELS = re.compile(r"\b(khawarij|kharijites?|heretics?|heresy|deviants?|extremists?|"
                     r"innovators?|hypocrites?|sahwa[ht]?)\b", re.I)


def _title_case(sentence: str) -> bool:
    words = [w for w in _WORD.findall(sentence) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _quoted(text: str, span: Span) -> bool:
    before, after = text[max(0, span.start - 2):span.start], text[span.end:span.end + 2]
    return any(q in before for q in "\"'") and any(q in after for q in "\"'")


class Classifier:
    """Construction classes of errors, decided from the gold, the prediction and the text."""

    def __init__(self) -> None:
        lexicon = load_lexicon()
        self.terms = {normalize(form) for e in lexicon.entries if e.label == "TAKFIR_TERM"
                      for form in e.surfaces}

    def has_term(self, words: str) -> bool:
        return any(normalize(w) in self.terms for w in _WORD.findall(words))

    def missed(self, text: str, sent: Span, event: TakfirEvent,
               predicted: list[TakfirEvent]) -> str:
        """Why a gold takfir sentence has no predicted non-negated event."""
        sentence = text[sent.start:sent.end]
        trigger = text[event.trigger.start:event.trigger.end]
        same = [p for p in predicted if p.trigger.start < event.trigger.end
                and event.trigger.start < p.trigger.end]
        if same:
            return f"found, but mode {same[0].mode}"
        if not self.has_term(trigger):
            return "verdict phrase without a takfir term"
        if _title_case(sentence):
            return "headline or title case"
        if "[" in sentence:
            return "bracketed editorial insertion"
        if _quoted(text, event.trigger):
            return "verdict in quotation marks"
        for role in (event.declarer, event.target):
            if role is not None and not (sent.start <= role.start < sent.end):
                return "argument in a neighbouring sentence"
        if event.target is None:
            return "verdict noun without a target (naming a party, act announced)"
        if event.mode in ("doctrinal", "generic"):
            return f"{event.mode} rule over a class"
        target = text[event.target.start:event.target.end]
        if event.target.start > event.trigger.end and event.target.start - event.trigger.end \
                < 3:
            return "attributive verdict (the apostate X)"
        if event.trigger.start < event.target.start and len(target.split()) > 5:
            return "postponed or long coordinated target"
        return "predicated verdict the parse rules miss"

    def spurious(self, text: str, sent: Span, event: TakfirEvent,
                 gold: list[TakfirEvent], kind: str) -> str:
        """Why a predicted takfir sentence has no gold event."""
        sentence = text[sent.start:sent.end]
        same = [g for g in gold if g.trigger.start < event.trigger.end
                and event.trigger.start < g.trigger.end]
        if same:
            return "negation or refusal missed (gold negated)"
        if event.target is not None and _NON_MUSLIM.search(
                text[event.target.start:event.target.end]):
            return "unbelief charged on non-Muslims"
        if kind == "concept" or _DEFINITION.search(sentence):
            return "definition, doctrine explained or conditions of takfir"
        if _LABELS.search(sentence) and not self.has_term(
                text[event.trigger.start:event.trigger.end]):
            return "pejorative label, not a verdict"
        if _MODAL.search(sentence):
            return "hypothetical, question or debate"
        if _NEGATION.search(sentence):
            return "negated or warned against"
        if event.target is None:
            return "takfir as a topic, no target"
        return "other: a word used without a verdict"

    def stance(self, gold: str, pred: str, sentence: str, kind: str) -> str:
        if gold != "NONE" and pred == "NONE":
            if kind in ("primary", "refutation"):
                return f"{gold} missed: partisan author's text"
            if re.search(r"\b(the group|the organi[sz]ation|they|them|their|its|it)\b",
                         sentence, re.I) and not re.search(r"\b(ISIS|ISIL|IS|Daesh|Islamic "
                                                             r"State)\b", sentence):
                return f"{gold} missed: referred to, not named"
            return f"{gold} missed: the cue is not in the lists"
        if gold == "NONE":
            return f"{pred} where gold is NONE: " + (
                "neutral report" if kind in ("news", "analysis", "blog", "court",
                                            "news-negative") else "partisan text")
        return f"{pred} where gold is {gold}: polarity"


def analyse(gold: list[LabeledDocument], pred: dict[str, LabeledDocument],
            texts: dict[str, str], names: dict[str, str], kinds: dict[str, str]
            ) -> dict[str, list[tuple[str, int, int, int, str]]]:
    """Error kind -> (manifest id, sentence number, start, end, class) rows."""
    classify = Classifier()
    out: dict[str, list[tuple[str, int, int, int, str]]] = {
        "takfir FN": [], "takfir FP": [], "declarer": [], "target": [], "ISIS stance": []}
    for g in gold:
        p = pred.get(g.doc_id, LabeledDocument(g.sha256, g.doc_id, "none"))
        text, name, kind = texts[g.doc_id], names.get(g.doc_id, g.doc_id), kinds.get(
            g.doc_id, "")
        gold_stance = {(s.start, s.end): s.label for s in g.stance if s.target == "ISIS"}
        for index, sent in enumerate(g.sentences):
            def inside(e: TakfirEvent, sent: Span = sent) -> bool:
                return sent.start <= e.trigger.start < sent.end

            g_events = [e for e in g.takfir if inside(e)]
            p_events = [e for e in p.takfir if inside(e)]
            g_pos = [e for e in g_events if e.mode != NEGATED]
            p_pos = [e for e in p_events if e.mode != NEGATED]
            row = (name, index, sent.start, sent.end)
            if g_pos and not p_pos:
                out["takfir FN"].append((*row, classify.missed(text, sent, g_pos[0],
                                                                p_events)))
            if p_pos and not g_pos:
                out["takfir FP"].append((*row, classify.spurious(text, sent, p_pos[0],
                                                                  g_events, kind)))
            for ge in g_events:
                match = next((pe for pe in p_events if pe.trigger.start < ge.trigger.end
                              and ge.trigger.start < pe.trigger.end), None)
                if match is None:
                    continue
                for role in ("declarer", "target"):
                    problem = _role_problem(getattr(ge, role), getattr(match, role), sent)
                    if problem:
                        out[role].append((*row, problem))
            label = gold_stance.get((sent.start, sent.end), "NONE")
            predicted = _stance_of(p, sent)
            if label != predicted:
                out["ISIS stance"].append((*row, classify.stance(
                    label, predicted, text[sent.start:sent.end], kind)))
    return out


def _role_problem(gold: Span | None, pred: Span | None, sent: Span) -> str | None:
    if gold is None and pred is None:
        return None
    if gold is None:
        return "predicted where gold has none (implicit or the author)"
    outside = not (sent.start <= gold.start < sent.end)
    if pred is None:
        return "missed: in a neighbouring sentence" if outside else "missed in the sentence"
    if pred.start < gold.end and gold.start < pred.end:
        return None
    return "wrong span: gold in a neighbouring sentence" if outside else "wrong span"


def _stance_of(doc: LabeledDocument, sent: Span) -> str:
    best, shared = "NONE", 0
    for s in doc.stance:
        if s.target != "ISIS":
            continue
        overlap = min(sent.end, s.end) - max(sent.start, s.start)
        if overlap > shared or (overlap == shared and overlap > 0 and s.source == "model"):
            best, shared = s.label, overlap
    return best


def render(errors: dict[str, list[tuple[str, int, int, int, str]]]) -> str:
    lines = ["# Error analysis: real dev split", "",
             "Regenerated by `python bench/real_text.py --errors` (rules as `takfir tag "
             "--no-models` runs them) against `annotations/gold/real/dev.jsonl`. Cases name "
             "the manifest id and the sentence number; read one with `python "
             "scripts/real_corpus.py worksheet <id>` (texts stay out of git). Classes are "
             "assigned by rules over the gold, the prediction and the text "
             "(`bench/errors_report.py`), first matching class wins.", ""]
    for kind, rows in errors.items():
        counts = Counter(r[4] for r in rows)
        lines += [f"## {kind}: {len(rows)}", "", "| class | count |", "|---|---|"]
        lines += [f"| {cls} | {n} |" for cls, n in counts.most_common()]
        lines += ["", "<details><summary>cases</summary>", "", "| id | sentence | offsets | "
                  "class |", "|---|---|---|---|"]
        lines += [f"| {r[0]} | {r[1]} | {r[2]}-{r[3]} | {r[4]} |" for r in sorted(rows)]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


@dataclass
class Cases:
    """The dev gold, the rules' predictions and what names each document."""

    gold: list[LabeledDocument]
    pred: dict[str, LabeledDocument]
    texts: dict[str, str]
    names: dict[str, str]  # doc_id -> manifest id
    kinds: dict[str, str]  # doc_id -> manifest kind

    @classmethod
    def load(cls, workspace: Path, gold_file: Path) -> Cases:
        from real_corpus import read_manifest

        with Workspace(workspace, read_only=True) as ws:
            gold = load_gold(gold_file, ws)
            pred = {d.doc_id: d for d in predicted_documents(
                ws, doc_ids=[d.doc_id for d in gold], sources=["rule"])}
            texts = dict(ws.query("SELECT doc_id, text FROM documents"))
            by_sha = dict(ws.query("SELECT sha256, doc_id FROM documents"))
        rows = [r for r in read_manifest() if r["sha256"] in by_sha]
        return cls(gold, pred, texts, {by_sha[r["sha256"]]: r["id"] for r in rows},
                   {by_sha[r["sha256"]]: r["kind"] for r in rows})

    def errors(self) -> dict[str, list[tuple[str, int, int, int, str]]]:
        return analyse(self.gold, self.pred, self.texts, self.names, self.kinds)


def write_errors_report(workspace: Path, gold_file: Path, out: Path) -> None:
    out.write_text(render(Cases.load(workspace, gold_file).errors()) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


def show(workspace: Path, gold_file: Path, kinds: list[str]) -> None:
    """Print the cases with their sentences and labels, for a developer's terminal only."""
    cases = Cases.load(workspace, gold_file)
    errors, texts, pred, names, gold = (cases.errors(), cases.texts, cases.pred, cases.names,
                                        cases.gold)
    by_name = {names.get(g.doc_id): g for g in gold}

    def part(text: str, span: Span | None) -> str:
        return "-" if span is None else repr(text[span.start:span.end])

    for kind in kinds:
        for name, index, start, end, cls in sorted(errors[kind]):
            g = by_name[name]
            text = texts[g.doc_id]
            print(f"\n[{kind}] {name} #{index} ({cls})\n  {text[start:end]!r}")
            for label, doc in (("gold", g), ("pred", pred.get(g.doc_id))):
                for e in (doc.takfir if doc else ()):
                    if start <= e.trigger.start < end:
                        print(f"  {label}: {part(text, e.trigger)} {e.mode} decl="
                              f"{part(text, e.declarer)} targ={part(text, e.target)} ground="
                              f"{part(text, e.ground)}")
                if kind == "ISIS stance":
                    print(f"  {label}: " + ", ".join(
                        f"{s.target}={s.label}" for s in (doc.stance if doc else ())
                        if s.start < end and start < s.end and s.label != "NONE"))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="error report, or --show cases")
    parser.add_argument("workspace", type=Path, nargs="?", default=ROOT / "bench" / "results"
                        / "real" / "workspace")
    parser.add_argument("--show", nargs="*", metavar="KIND",
                        help="print cases with text to the terminal: takfir FN, takfir FP, "
                             "declarer, target, ISIS stance")
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    gold_path = ROOT / "annotations" / "gold" / "real" / f"{args.split}.jsonl"
    if args.show is not None:
        show(args.workspace, gold_path, args.show or ["takfir FN", "takfir FP"])
    else:
        write_errors_report(args.workspace, gold_path, ROOT / "annotations" / "ERRORS.md")
