"""decode_bytes: BOMs, UTF-8, legacy code pages, and binary or empty input as InputError."""

from __future__ import annotations

import codecs
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.decoding import decode_bytes
from pipeline.errors import InputError

# Curly quotes, an em dash and an accented letter: the characters legacy files get wrong.
TEXT = ("The minister\u2019s \u201cclarification\u201d \u2014 issued from a caf\u00e9 in "
        "Paris \u2014 satisfied nobody.\n")
WESTERN = ("cp1252", "latin_1", "iso8859_1", "iso8859_15")


def rejected(data: bytes) -> InputError:
    """The InputError decode_bytes raises for ``data`` (fails the test if it returns)."""
    with pytest.raises(InputError) as info:
        decode_bytes(data, path="in.txt")
    assert info.value.path == "in.txt"
    return info.value


def test_utf8_without_bom():
    assert decode_bytes(TEXT.encode("utf-8")) == (TEXT, "utf-8")


def test_utf8_with_bom_drops_the_bom():
    text, encoding = decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert text == TEXT
    assert encoding == "utf-8-sig"


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
], ids=["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(data):
    assert decode_bytes(data) == (TEXT, "utf-16")


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
    codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
], ids=["utf-32-le", "utf-32-be"])
def test_utf32_with_bom(data):
    assert decode_bytes(data) == (TEXT, "utf-32")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_found_by_detection(codec):
    text, encoding = decode_bytes(TEXT.encode(codec))
    assert text == TEXT
    assert encoding == codec


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_ascii_range_text(codec):
    plain = "The minister\u2019s statement satisfied nobody in the capital this week.\n"
    text, _ = decode_bytes(plain.encode(codec))
    assert text == plain


@pytest.mark.parametrize("text", [
    TEXT,
    "She said \u201chello\u201d \u2014 then the caf\u00e9 closed. It\u2019s late.\n",
])
def test_cp1252_curly_quotes_dash_and_accent(text):
    assert decode_bytes(text.encode("cp1252")) == (text, "cp1252")



@pytest.mark.parametrize("text", [
    "Stra\u00dfe und Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6ne \u00c4pfel f\u00fcr alle.\n",
    "The r\u00e9sum\u00e9 was sent to the caf\u00e9 on the corner of the street where we "
    "met last year.\n",
    pytest.param("The caf\u00e9 served a na\u00efve cr\u00e8me br\u00fbl\u00e9e to the "
                 "fianc\u00e9e.\n", id="creme-brulee"),
    pytest.param("Le gar\u00e7on a mang\u00e9 une cr\u00eape \u00e0 la fran\u00e7aise, "
                 "tr\u00e8s d\u00e9licieuse. \u00c0 bient\u00f4t, na\u00efve fa\u00e7ade.\n",
                 id="french"),
])
def test_latin1_text(text):
    decoded, encoding = decode_bytes(text.encode("latin-1"))
    assert decoded == text
    assert encoding in WESTERN


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n  "], ids=["empty", "whitespace"])
def test_empty_and_whitespace_only_is_e102(data):
    assert rejected(data).code == "E102"


def test_png_header_is_e103_naming_the_kind():
    err = rejected(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert err.code == "E103"
    assert "PNG image" in err.message


def test_pdf_header_is_e103_naming_the_kind():
    err = rejected(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert err.code == "E103"
    assert "PDF document" in err.message


def test_random_binary_with_nuls_is_e103():
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(2000)) + b"\x00\x00"
    assert b"\x00" in data
    assert rejected(data).code == "E103"


def test_mostly_control_characters_is_e103():
    err = rejected(b"\x01\x02\x03\x04\x05abc\x06\x07\x08\x0e\x0f" * 10)
    assert err.code == "E103"
    assert "control bytes" in err.message


def test_a_stray_control_character_in_long_text_is_kept():
    text = "A long ordinary paragraph about the weather. " * 20 + "\x07\n"
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


def test_invalid_utf8_without_nuls_is_e104():
    err = rejected(bytes(range(0x80, 0x100)) * 4)
    assert err.code == "E104"
    assert "re-save the file as UTF-8" in err.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_never_a_crash_on_bytes(data):
    """Any bytes give (text, encoding) or an InputError with a code, nothing else."""
    try:
        text, encoding = decode_bytes(data, path="fuzz.bin")
    except InputError as err:
        assert err.code in {"E102", "E103", "E104"}
    else:
        assert isinstance(text, str) and text.strip()
        assert isinstance(encoding, str) and encoding
