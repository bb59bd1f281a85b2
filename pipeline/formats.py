"""Readers for the supported input formats, each turning one file into SourceText records.

A reader yields records, or InputError for a bad record (a JSONL line, a CSV row) so the rest
of the file still goes through; an error about the whole file is raised.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from markdown_it import MarkdownIt

from .decoding import decode_bytes
from .errors import Errors, InputError
from .records import SourceText

DEFAULT_TEXT_FIELD = "text"
DEFAULT_MAX_BYTES = 20_000_000
_TITLE_FIELDS = ("title", "headline", "name")
_DROPPED_TAGS = ("script", "style", "nav", "footer", "header", "aside", "noscript", "form",
                 "iframe", "svg", "template", "button", "select", "figure", "figcaption")
_NOTE = re.compile(r"^\[.*\]$")
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
               "li", "ul", "ol", "blockquote", "pre", "tr", "table", "dd", "dt", "dl", "br",
               "hr", "address", "body", "td", "th"}

Record = SourceText | InputError
Reader = Callable[[Path, str, str, str, str], Iterator[Record]]


def read_file(path: Path, *, text_field: str = DEFAULT_TEXT_FIELD,
              max_bytes: int = DEFAULT_MAX_BYTES, display: str | None = None) -> Iterator[Record]:
    """Yield the records of one file; raise InputError if the file as a whole is unusable."""
    shown = display or str(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(Errors.E112.format(suffix=path.suffix, suffixes=", ".join(READERS)),
                         path=shown)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(Errors.E105.format(size=_size(size), limit=_size(max_bytes)),
                             path=shown)
        data = path.read_bytes()
    except OSError as err:
        raise InputError(Errors.E114.format(detail=err.strerror or err), path=shown) from err
    text, encoding = decode_bytes(data, path=shown)
    yield from reader(path, shown, text, encoding, text_field)


def _size(n_bytes: int) -> str:
    for unit, scale in (("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= 10 * scale:
            return f"{n_bytes / scale:,.1f} {unit}"
    return f"{n_bytes:,} bytes"


def _read_txt(path: Path, shown: str, text: str, encoding: str,
              field: str) -> Iterator[Record]:
    yield SourceText(shown, None, "txt", encoding, _title_from_text(text, path), text)


def _read_markdown(path: Path, shown: str, text: str, encoding: str,
                   field: str) -> Iterator[Record]:
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[str] = []
    title = ""
    for i, token in enumerate(tokens):
        if token.type == "inline":
            parts = [child.content if child.type not in ("softbreak", "hardbreak") else "\n"
                     for child in token.children or [] if child.type != "image"]
            blocks.append("".join(parts))
            if not title and i > 0 and tokens[i - 1].type == "heading_open":
                title = blocks[-1]
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
    plain = "\n\n".join(b for b in blocks if b.strip()) + "\n"
    yield SourceText(shown, None, "md", encoding, title or _title_from_text(plain, path), plain)


def _read_html(path: Path, shown: str, text: str, encoding: str,
               field: str) -> Iterator[Record]:
    soup = BeautifulSoup(text, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    metadata = {
        meta.get("name") or meta.get("property"): meta.get("content")
        for meta in soup.find_all("meta")
        if (meta.get("name") or meta.get("property")) and meta.get("content")
    }
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    plain = _html_blocks(root)
    if not title:
        heading = root.find(["h1", "h2"]) if isinstance(root, Tag) else None
        title = heading.get_text(" ", strip=True) if heading else _title_from_text(plain, path)
    yield SourceText(shown, None, "html", encoding, title, plain, metadata)


def _html_blocks(root: Tag | BeautifulSoup) -> str:
    """Plain text with one paragraph per block element and collapsed inline whitespace."""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = re.sub(r"\s+", " ", "".join(current)).strip()
        if line:
            blocks.append(line)
        current.clear()

    def walk(node: Tag | BeautifulSoup) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # skip comments, doctypes, CDATA
                    current.append(str(child))
            elif isinstance(child, Tag):
                block = child.name in _BLOCK_TAGS
                if block:
                    flush()
                walk(child)
                if block:
                    flush()

    walk(root)
    flush()
    return "\n\n".join(blocks) + "\n"


def _read_jsonl(path: Path, shown: str, text: str, encoding: str,
                field: str) -> Iterator[Record]:
    # Split on \n only: U+2028 and friends may appear raw inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            detail = f"{err.msg} at column {err.colno}"
            yield InputError(Errors.E106.format(detail=detail), path=shown, line=number)
            continue
        if not isinstance(obj, dict):
            yield InputError(Errors.E107.format(kind=type(obj).__name__), path=shown, line=number)
            continue
        yield _from_fields(obj, field, shown, number, "jsonl", encoding, Errors.E108)


def _read_csv(path: Path, shown: str, text: str, encoding: str,
              field: str) -> Iterator[Record]:
    csv.field_size_limit(DEFAULT_MAX_BYTES)
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    columns = reader.fieldnames or []
    if field not in columns:
        raise InputError(Errors.E109.format(field=field, fields=", ".join(columns) or "none"),
                         path=shown)
    while True:
        start = reader.line_num + 1  # the physical line where the next row begins
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield InputError(Errors.E115.format(detail=err), path=shown, line=reader.line_num)
            return
        yield _from_fields(row, field, shown, start, "csv", encoding, Errors.E109)


def _from_fields(obj: dict[str, Any], field: str, shown: str, number: int, fmt: str,
                 encoding: str, missing: str) -> Record:
    if field not in obj:
        fields = ", ".join(str(k) for k in obj) or "none"
        return InputError(missing.format(field=field, fields=fields), path=shown, line=number)
    text = obj[field]
    if not isinstance(text, str) or not text.strip():
        return InputError(Errors.E110.format(field=field), path=shown, line=number)
    metadata = {str(k): v for k, v in obj.items() if k != field and k is not None}
    title = next((str(metadata[k]) for k in _TITLE_FIELDS if metadata.get(k)), "")
    fallback = f"{Path(shown).stem} #{number}"
    return SourceText(shown, number, fmt, encoding, title or _title_from_text(text, fallback),
                      text, metadata)


def _title_from_text(text: str, fallback: Path | str) -> str:
    """The first line when it reads like a heading (not a [bracketed note]), else ``fallback``."""
    first = next((line.strip() for line in text.splitlines()
                  if line.strip() and not _NOTE.match(line.strip())), "")
    if first and len(first.split()) <= 15 and not first.endswith((".", ",", ";", ":")):
        return first.lstrip("#").strip()
    return fallback.stem if isinstance(fallback, Path) else fallback


READERS: dict[str, Reader] = {
    ".txt": _read_txt,
    ".text": _read_txt,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".csv": _read_csv,
    ".tsv": _read_csv,
}
