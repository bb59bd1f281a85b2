"""Bytes to text: BOMs, UTF-8, UTF-16, and charset detection for legacy encodings.

Never raises anything but :class:`InputError`: binary and undecodable files become rejections.
"""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from .errors import Errors, InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive, e.g. .docx or .xlsx"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document, e.g. .doc"),
)
_CONTROL_SHARE_LIMIT = 0.02


def decode_bytes(data: bytes, *, path: str = "") -> tuple[str, str]:
    """Return ``(text, encoding)`` for ``data``.

    Raises InputError (E102 empty, E103 binary, E104 undecodable) naming ``path``.
    """
    if not data.strip():
        raise InputError(Errors.E102, path=path)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(Errors.E103.format(kind=kind), path=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), encoding, path)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked(utf16[0], utf16[1], path)
    try:
        return _checked(data.decode("utf-8"), "utf-8", path)
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        if b"\x00" in data:
            raise InputError(Errors.E103.format(kind="unrecognized bytes"), path=path)
        raise InputError(Errors.E104, path=path)
    text = str(best)
    if best.encoding != "cp1252" and _mostly_latin(text):
        # Detectors cannot reliably tell Latin code pages apart (cp1250 vs cp1252 vs latin-1);
        # cp1252, a superset of latin-1's printable range, is by far the likeliest in practice.
        try:
            return _checked(data.decode("cp1252"), "cp1252", path)
        except UnicodeDecodeError:
            pass
    return _checked(text, best.encoding, path)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position for Latin text."""
    if len(data) < 4 or b"\x00" not in data:
        return None
    half = len(data) // 2
    zeros_odd = data[1::2].count(0) / half
    zeros_even = data[0::2].count(0) / half
    for share, encoding in ((zeros_odd, "utf-16-le"), (zeros_even, "utf-16-be")):
        if share > 0.3:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    return None


def _mostly_latin(text: str) -> bool:
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return True
    latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
    return latin / len(letters) >= 0.5


def _checked(text: str, encoding: str, path: str) -> tuple[str, str]:
    """Reject text that decoded but is mostly control characters (binary in disguise)."""
    if not text.strip():
        raise InputError(Errors.E102, path=path)
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    replaced = text.count("\ufffd")
    if (control + replaced) / len(text) > _CONTROL_SHARE_LIMIT:
        raise InputError(Errors.E103.format(kind="control bytes in the text"), path=path)
    return text, codecs.lookup(encoding).name  # one spelling: utf-16-le, not utf_16_le
