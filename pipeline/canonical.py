"""Canonical text: what annotators see and what every offset in the project refers to.

The canonical text is the raw text with one-for-one character substitutions (curly quotes to
straight ones, exotic spaces to a space) and a few deletions: invisible characters (zero-width
spaces, soft hyphens, the CR of CRLF) and whole boilerplate lines (photo captions and credits,
paywall trailers, share and navigation lines). Deleted lines are kept with a reason, and an
offset map takes any canonical offset back to the raw text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .records import CanonicalText, RemovedLine

# Bump when a rule below changes: it is part of the ingest configuration hash.
CANONICAL_VERSION = "1"

_SUBSTITUTIONS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\uff07", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\uff02\u00ab\u00bb", '"'),
    **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u202f\u205f\u3000", " "),
    **dict.fromkeys("\u2010\u2011\u2212", "-"),
    **dict.fromkeys("\u2028\u2029\u000b\u000c\u0085", "\n"),
}
SUBSTITUTION_TABLE = str.maketrans(_SUBSTITUTIONS)

# Invisible or layout-only characters that would split or glue tokens; deleted.
_INVISIBLE = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e"
    "\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]|\r(?=\n)"
)

_AGENCIES = (
    r"REUTERS|Reuters|AFP|AP|AP Photo|Associated Press|Getty Images|GETTY IMAGES|EPA|EPA-EFE|"
    r"Anadolu Agency|ANADOLU|Sipa|SIPA|Alamy|Shutterstock|Stringer|STRINGER|Handout|HANDOUT|"
    r"Redux|Bloomberg|Xinhua|TASS|UPI|Polaris|Courtesy"
)
_CREDIT = re.compile(rf"^.{{0,160}}\s/\s*(?:{_AGENCIES})(?:\s*(?:TV|Photo|Pictures))?\.?$")
_CREDIT_PREFIX = re.compile(r"^(?:photo|image|picture|photograph)s?(?: credit)?\s*[:|]", re.I)
_PAYWALL = re.compile(
    r"^(?:you are reading a free article|you have \d+ free articles?|subscribe\b|"
    r"already a subscriber|already have an account|"
    r"(?:sign|log) in to (?:read|continue)|this (?:article|content) is (?:for|available to) "
    r"subscribers|(?:get|unlock) unlimited access|create a free account)",
    re.I,
)
_SHARE_NAV = re.compile(
    r"^(?:share|tweet|email|e-mail|print|save|comment|comments|advertisement|"
    r"share (?:this|on)\b.*|follow us\b.*|read more\b.*|related(?: articles| stories)?:.*|"
    r"skip to (?:main )?content|back to top|sign up for\b.*newsletter.*|click here\b.*|"
    r"recommended(?: for you)?|most read|more from\b.*)$",
    re.I,
)
_TRAILER_MAX_LINES = 15
_TRAILER_MAX_CHARS = 1500
_CAPTION_MAX_WORDS = 40
_SHORT_LINE_WORDS = 14


def canonicalize(raw: str) -> CanonicalText:
    """Derive the canonical text of ``raw`` and the map back to it."""
    substituted = raw.translate(SUBSTITUTION_TABLE)
    lines = _split_lines(substituted)
    reasons = _classify_lines([_INVISIBLE.sub("", text).strip() for _, _, text in lines])
    deletions: list[tuple[int, int]] = []
    removed_spans: list[tuple[int, int, str, str]] = []
    kept_blank_tail = True  # collapse blank lines left behind by removed blocks
    just_removed = False
    for (start, end, text), reason in zip(lines, reasons, strict=True):
        clean = text.strip()
        if reason is not None:
            deletions.append((start, end))
            line = raw[start:end].rstrip("\n").rstrip("\r")
            removed_spans.append((start, end, reason, line))
            just_removed = True
        elif not clean and just_removed and kept_blank_tail:
            deletions.append((start, end))
        else:
            kept_blank_tail = not clean
            just_removed = False
    deletions.extend(m.span() for m in _INVISIBLE.finditer(substituted))
    return _assemble(raw, substituted, _merge(deletions), removed_spans)


def _split_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each line, ``end`` including its newline."""
    out, start = [], 0
    for match in re.finditer(r"\n", text):
        out.append((start, match.end(), text[start:match.start()]))
        start = match.end()
    if start < len(text):
        out.append((start, len(text), text[start:]))
    return out


def _classify_lines(lines: list[str]) -> list[str | None]:
    """A removal reason for each boilerplate line, None for lines to keep."""
    reasons: list[str | None] = [None] * len(lines)
    for i, line in enumerate(lines):
        words = len(line.split())
        if not line:
            continue
        if words <= _SHORT_LINE_WORDS and (_CREDIT.match(line) or _CREDIT_PREFIX.match(line)):
            reasons[i] = "photo-credit"
            if i > 0 and _is_caption(lines[i - 1]) and reasons[i - 1] is None:
                reasons[i - 1] = "photo-caption"
        elif words <= 8 and _SHARE_NAV.match(line):
            reasons[i] = "share-navigation"
    for i, line in enumerate(lines):
        if line and reasons[i] is None and _PAYWALL.match(line):
            rest = [x for x in lines[i:] if x]
            if len(rest) <= _TRAILER_MAX_LINES and sum(map(len, rest)) <= _TRAILER_MAX_CHARS:
                for j in range(i, len(lines)):
                    if lines[j]:
                        reasons[j] = "paywall-trailer"
                break
            reasons[i] = "paywall"
    return reasons


def _is_caption(line: str) -> bool:
    return bool(line) and len(line.split()) <= _CAPTION_MAX_WORDS and len(line) <= 300


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _assemble(
    raw: str,
    substituted: str,
    deletions: list[tuple[int, int]],
    removed_spans: list[tuple[int, int, str, str]],
) -> CanonicalText:
    pieces: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    raw_pos = canon_pos = 0
    for start, end in deletions:
        pieces.append(substituted[raw_pos:start])
        canon_pos += start - raw_pos
        raw_pos = end
        if anchors[-1][0] == canon_pos:  # deletion at the very start
            anchors[-1] = (canon_pos, raw_pos)
        else:
            anchors.append((canon_pos, raw_pos))
    pieces.append(substituted[raw_pos:])
    removed = tuple(
        RemovedLine(start, end, _canonical_offset(start, deletions), reason, line)
        for start, end, reason, line in removed_spans
    )
    substitutions = sum(1 for char in raw if char in _SUBSTITUTIONS)
    return CanonicalText("".join(pieces), tuple(anchors), removed, substitutions)


def _canonical_offset(raw_offset: int, deletions: list[tuple[int, int]]) -> int:
    """Canonical offset of a raw position (the start of the deletion it falls in, if any)."""
    deleted = 0
    for start, end in deletions:
        if start >= raw_offset:
            break
        deleted += min(end, raw_offset) - start
    return raw_offset - deleted
