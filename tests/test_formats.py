"""read_file: one reader per format, each yielding SourceText records or per-record InputErrors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.formats import read_file
from pipeline.records import SourceText


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def read(path: Path, **options) -> list[SourceText | InputError]:
    return list(read_file(path, **options))


def only(path: Path, **options) -> SourceText:
    """The single record of a whole-file format."""
    [record] = read(path, **options)
    assert isinstance(record, SourceText), record
    return record


# -- .txt ----------------------------------------------------------------------------------

def test_txt_title_is_the_first_short_line(tmp_path):
    doc = only(write(tmp_path / "a.txt", "Council Statement\n\nThe council met on Tuesday.\n"))
    assert doc.title == "Council Statement"
    assert doc.raw_text == "Council Statement\n\nThe council met on Tuesday.\n"
    assert (doc.format, doc.encoding, doc.record) == ("txt", "utf-8", None)


def test_txt_bracketed_note_is_not_the_title(tmp_path):
    doc = only(write(tmp_path / "a.txt", "[Translated from Arabic]\nCouncil Statement\n\nBody.\n"))
    assert doc.title == "Council Statement"


def test_txt_sentence_first_line_falls_back_to_the_file_name(tmp_path):
    doc = only(write(tmp_path / "report_2024.txt", "The council met on Tuesday.\nMore.\n"))
    assert doc.title == "report_2024"


# -- .md -----------------------------------------------------------------------------------

MARKDOWN = """Intro with **bold** text.

# Main *Title* Here

Some **bold** and _emphasis_ with a [link text](http://example.com/page).

![an image alt](pic.png)

## Second heading

- item one
"""


def test_markdown_becomes_plain_text(tmp_path):
    doc = only(write(tmp_path / "a.md", MARKDOWN))
    assert doc.raw_text == ("Intro with bold text.\n\nMain Title Here\n\n"
                            "Some bold and emphasis with a link text.\n\n"
                            "Second heading\n\nitem one\n")
    assert doc.format == "md"


def test_markdown_title_is_the_first_heading(tmp_path):
    assert only(write(tmp_path / "a.md", MARKDOWN)).title == "Main Title Here"


def test_markdown_images_and_link_targets_are_dropped(tmp_path):
    raw = only(write(tmp_path / "a.md", MARKDOWN)).raw_text
    for gone in ("an image alt", "pic.png", "http://example.com", "**", "](", "#"):
        assert gone not in raw


# -- .html ---------------------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><head><title>Page Title</title>
<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example News">
<style>.x { color: red }</style><script>var tracking = 1;</script></head>
<body><nav>Home | World | Politics</nav><div>Sidebar outside the article</div>
<article><h1>Headline</h1><p>First   paragraph
  text.</p><!-- a comment --><p>Second <b>bold</b> paragraph.</p>
<footer>Article footer</footer></article><footer>Site footer</footer></body></html>
"""


def test_html_keeps_only_the_article_in_paragraphs(tmp_path):
    doc = only(write(tmp_path / "a.html", HTML))
    assert doc.raw_text == "Headline\n\nFirst paragraph text.\n\nSecond bold paragraph.\n"
    assert doc.format == "html"


def test_html_drops_script_style_nav_and_footer(tmp_path):
    raw = only(write(tmp_path / "a.html", HTML)).raw_text
    for gone in ("tracking", "color", "Politics", "footer", "Sidebar", "comment"):
        assert gone not in raw


def test_html_title_tag_and_meta_tags(tmp_path):
    doc = only(write(tmp_path / "a.html", HTML))
    assert doc.title == "Page Title"
    assert doc.metadata == {"author": "Jane Doe", "og:site_name": "Example News"}


def test_html_without_title_uses_the_first_heading(tmp_path):
    page = "<html><body><main><h2>Only a heading</h2><p>Body text.</p></main></body></html>"
    assert only(write(tmp_path / "a.htm", page)).title == "Only a heading"


# -- .jsonl --------------------------------------------------------------------------------

def jsonl(path: Path, *lines: object) -> Path:
    return write(path, "".join((x if isinstance(x, str) else json.dumps(x)) + "\n"
                               for x in lines))


def test_jsonl_other_fields_become_metadata_and_title_is_used(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", {"text": "First record.", "title": "One", "author": "A"},
                 {"text": "Second record.", "id": 7})
    first, second = read(path)
    assert (first.record, first.raw_text, first.title) == (1, "First record.", "One")
    assert first.metadata == {"title": "One", "author": "A"}
    assert (second.record, second.metadata, second.format) == (2, {"id": 7}, "jsonl")


def test_jsonl_text_field_option(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", {"body": "The body text.", "id": 1})
    [record] = read(path, text_field="body")
    assert (record.raw_text, record.metadata) == ("The body text.", {"id": 1})


def test_jsonl_malformed_line_is_reported_and_the_rest_goes_through(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", {"text": "One."}, '{"text": oops}', "",
                 {"text": "Four."})
    one, error, four = read(path)
    assert isinstance(error, InputError)
    assert (error.code, error.line, error.path) == ("E106", 2, str(path))
    assert "malformed JSON" in error.message
    assert (one.record, one.raw_text, four.record, four.raw_text) == (1, "One.", 4, "Four.")


def test_jsonl_non_object_line_is_e107(tmp_path):
    _, error = read(jsonl(tmp_path / "a.jsonl", {"text": "One."}, [1, 2]))
    assert (error.code, error.line) == ("E107", 2)
    assert "is a list, not an object" in error.message


def test_jsonl_missing_field_is_e108_naming_the_fields(tmp_path):
    [error] = read(jsonl(tmp_path / "a.jsonl", {"body": "x", "id": 5}))
    assert (error.code, error.line) == ("E108", 1)
    assert "no 'text' field" in error.message
    assert "(fields: body, id)" in error.message


def test_jsonl_line_separator_inside_a_string(tmp_path):
    path = write(tmp_path / "a.jsonl", json.dumps({"text": "Before\u2028after."},
                                                  ensure_ascii=False) + '\n{"text": "Two."}\n')
    records = read(path)
    assert [type(r).__name__ for r in records] == ["SourceText", "SourceText"], records
    assert [(r.record, r.raw_text) for r in records] == [(1, "Before\u2028after."), (2, "Two.")]


# -- .csv ----------------------------------------------------------------------------------

def test_csv_text_column_and_metadata(tmp_path):
    path = write(tmp_path / "a.csv", "id,text,author\n1,First row.,Ann\n2,Second row.,Bob\n")
    first, second = read(path)
    assert (first.record, first.raw_text, first.metadata) == (
        2, "First row.", {"id": "1", "author": "Ann"})
    assert (second.record, second.raw_text, second.format) == (3, "Second row.", "csv")


def test_csv_multiline_quoted_field_reports_its_first_line(tmp_path):
    path = write(tmp_path / "a.csv",
                 'id,text\n1,"Line one\nline two, with a comma"\n2,Plain row.\n')
    first, second = read(path)
    assert (first.record, first.raw_text) == (2, "Line one\nline two, with a comma")
    assert (second.record, second.raw_text) == (4, "Plain row.")


def test_csv_multiline_metadata_field_reports_its_first_line(tmp_path):
    path = write(tmp_path / "a.csv", 'title,text\n"Two\nlines",Body one.\nT2,Body two.\n')
    assert [r.record for r in read(path)] == [2, 4]


def test_csv_semicolon_delimited_with_text_field(tmp_path):
    path = write(tmp_path / "a.csv", "id;body;author\n1;Text, with a comma.;Ann\n2;More;Bob\n")
    first, second = read(path, text_field="body")
    assert (first.raw_text, first.metadata) == ("Text, with a comma.", {"id": "1",
                                                                        "author": "Ann"})
    assert second.raw_text == "More"


def test_csv_without_the_text_column_is_e109_listing_the_columns(tmp_path):
    path = write(tmp_path / "a.csv", "id,body\n1,hello\n")
    with pytest.raises(InputError) as info:
        read(path)
    assert (info.value.code, info.value.path, info.value.line) == ("E109", str(path), None)
    assert "no 'text' column (columns: id, body)" in info.value.message
    assert "--text-field" in info.value.message


# -- whole-file errors ---------------------------------------------------------------------

def test_file_over_max_bytes_is_e105(tmp_path):
    path = write(tmp_path / "big.txt", "word " * 100)
    assert len(read(path, max_bytes=500)) == 1
    with pytest.raises(InputError) as info:
        read(path, max_bytes=499)
    assert (info.value.code, info.value.path) == ("E105", str(path))
    assert "--max-bytes" in info.value.message


def test_size_message_shows_the_overrun(tmp_path):
    with pytest.raises(InputError) as info:
        read(write(tmp_path / "big.txt", "word " * 100), max_bytes=100)
    size, limit = re.search(r"file is (.+?), over the (.+?) limit", info.value.message).groups()
    assert size != limit


def test_unsupported_suffix_is_e112(tmp_path):
    path = write(tmp_path / "notes.pdf", "text")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.code == "E112"
    assert "unsupported format '.pdf'" in info.value.message
    assert ".txt" in info.value.message and ".csv" in info.value.message


def test_display_name_is_used_in_records_and_errors(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", {"text": "One."}, "[]")
    record, error = read(path, display="shown.jsonl")
    assert record.source_path == error.path == "shown.jsonl"
