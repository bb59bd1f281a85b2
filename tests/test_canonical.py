"""Canonical text: length-preserving substitutions, boilerplate removal, offsets back to raw."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.canonical import SUBSTITUTION_TABLE, canonicalize

# Text drawn from what real articles contain: letters, curly quotes, odd spaces, invisible
# characters, CRLF and whole boilerplate lines.
_PIECES = st.sampled_from([
    "ISIS\u2019 leaders", "\u201cinfidels\u201d", "al-Hazimi", "ex\u2010fighter", "\u00a0",
    "\u200b", "\u00ad", "\r\n", "\n", "\n\n", " ", "kafir", "\ufeff", "\u2028", "\t",
    "\nPhoto caption of a scene.\nHana Said / REUTERS\n", "\nShare\n",
    "\nYou are reading a free article.\nSubscribe now\n",
])
texts = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40).map("".join)


def _assert_maps_back(raw: str) -> None:
    canonical = canonicalize(raw)
    for offset, char in enumerate(canonical.text):
        raw_offset = canonical.to_raw(offset)
        assert raw[raw_offset].translate(SUBSTITUTION_TABLE) == char, (offset, raw_offset)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_every_canonical_offset_maps_back_to_the_same_character(raw):
    _assert_maps_back(raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp")),
               max_size=200).filter(lambda t: "\n" not in t))
def test_substitutions_preserve_length(raw):
    """With nothing to delete, the canonical text is exactly as long as the raw text."""
    canonical = canonicalize(raw)
    if not canonical.removed:
        assert len(canonical.text) == len(raw)
        assert canonical.text == raw.translate(SUBSTITUTION_TABLE)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_removed_lines_are_the_raw_lines_at_their_offsets(raw):
    for line in canonicalize(raw).removed:
        assert raw[line.raw_start:line.raw_end].rstrip("\n").rstrip("\r") == line.text
        assert 0 <= line.canonical_offset <= len(canonicalize(raw).text)


def test_curly_quotes_and_spaces_are_straightened():
    canonical = canonicalize("ISIS\u2019 \u201cinfidels\u201d\u00a0today")
    assert canonical.text == "ISIS' \"infidels\" today"
    assert canonical.substitutions == 4


def test_invisible_characters_and_crlf_are_deleted():
    canonical = canonicalize("kaf\u00adir\u200b\r\nline two\r\n")
    assert canonical.text == "kafir\nline two\n"
    assert canonical.to_raw(3) == 4  # "i" sits after the soft hyphen in the raw text


def test_seed_loses_captions_credits_and_trailer_only(seed_path):
    raw = seed_path.read_text(encoding="utf-8")
    canonical = canonicalize(raw)
    reasons = [line.reason for line in canonical.removed]
    assert reasons.count("photo-caption") == 2
    assert reasons.count("photo-credit") == 2
    assert all(line.text.rstrip().endswith("/ REUTERS")
               for line in canonical.removed if line.reason == "photo-credit")
    trailer = [line.text for line in canonical.removed if line.reason == "paywall-trailer"]
    assert trailer[0] == "You are reading a free article."
    assert trailer[-1] == "Subscribe Now"
    assert "You are reading" not in canonical.text and "REUTERS" not in canonical.text
    # Every other line of the article survives, straightened but otherwise unchanged.
    removed = {line.text for line in canonical.removed}
    kept = [line for line in raw.splitlines() if line.strip() and line not in removed]
    for line in kept:
        assert line.translate(SUBSTITUTION_TABLE).strip() in canonical.text
    assert len(kept) == len([p for p in canonical.text.split("\n") if p.strip()])


def test_paywall_marker_at_the_top_does_not_remove_the_article():
    body = "\n".join(f"Paragraph {i} of the report says something new." for i in range(30))
    canonical = canonicalize("Subscribe to our newsletter\n" + body)
    assert canonical.text == body
    assert [line.reason for line in canonical.removed] == ["paywall"]


def test_share_and_navigation_lines_are_removed_but_long_lines_stay():
    raw = "Share\nTweet\nThe preacher was asked to share his views on the matter.\n"
    canonical = canonicalize(raw)
    assert canonical.text == "The preacher was asked to share his views on the matter.\n"
    assert {line.reason for line in canonical.removed} == {"share-navigation"}


def test_blank_lines_left_by_a_removed_block_collapse():
    raw = "First paragraph.\n\nA caption here.\nAli Veli / AFP\n\nSecond paragraph.\n"
    assert canonicalize(raw).text == "First paragraph.\n\nSecond paragraph.\n"
