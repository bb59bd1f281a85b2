"""CoNLL-2003-style writer: ``token POS chunk NER`` per line, BIO tags from ``doc.ents``.

POS and chunk columns are ``_`` (we do not export them); whitespace tokens are skipped; a blank
line ends each sentence and ``-DOCSTART- -X- -X- O`` opens each document, as in CoNLL-2003.
Sentences are the export's; entity boundaries are those of the spaCy export (expanded to
whole tokens, overlaps resolved by ``filter_spans``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from spacy.tokens import Doc

from .spacy_docbin import build_doc, tokenizer_nlp
from .views import Record

DOCSTART = "-DOCSTART- -X- -X- O"


def bio_tags(doc: Doc) -> list[str]:
    """The BIO tag of every token of ``doc``."""
    tags = ["O"] * len(doc)
    for ent in doc.ents:
        tags[ent.start] = f"B-{ent.label_}"
        for i in range(ent.start + 1, ent.end):
            tags[i] = f"I-{ent.label_}"
    return tags


def conll_lines(doc: Doc) -> Iterator[str]:
    """The lines of one document, ending with a blank line after each sentence."""
    tags = bio_tags(doc)
    yield DOCSTART
    yield ""
    for sentence in doc.sents:
        tokens = [t for t in sentence if not t.is_space]
        if not tokens:
            continue
        for token in tokens:
            word = token.text.replace(" ", "_")
            yield f"{word} _ _ {tags[token.i]}"
        yield ""


def write_conll(splits: Mapping[str, list[Record]], folder: Path) -> list[Path]:
    """Write ``<split>.conll`` for every split."""
    nlp = tokenizer_nlp()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records in splits.items():
        path = folder / f"{name}.conll"
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.writelines(line + "\n" for line in conll_lines(build_doc(record, nlp)))
        written.append(path)
    return written
