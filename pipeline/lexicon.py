"""The lexicon (annotations/lexicon/*.toml): canonical entities, takfir terms, concepts, roles.

Loads the TOML files into frozen records validated against labels.toml, links a surface form
to its canonical id with one normalization (case, diacritics, apostrophes, hyphens,
possessives and Arabic articles do not matter), and turns the lexicon into spaCy patterns.
"""

from __future__ import annotations

import itertools
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError, Errors
from .schema import LabelSchema, load_schema

LEXICON_ENV = "TAKFIR_LEXICON"
# Files of the lexicon folder that hold cue lists, not entries (pipeline/nlp/cues.py).
NOT_ENTRIES = frozenset({"cues.toml"})
# Id prefix -> the one label entries with that prefix carry.
PREFIX_LABELS = {"per": "PERSON", "org": "ORG", "norp": "NORP", "gpe": "GPE", "loc": "LOC",
                 "fac": "FAC", "date": "DATE", "event": "EVENT", "work": "WORK_OF_ART",
                 "term": "TAKFIR_TERM", "concept": "RELIGIOUS_CONCEPT", "role": "ROLE"}
_FIELDS = {"label", "name", "aliases", "forms", "public_figure", "kind", "description"}
_ID = re.compile(r"^[a-z]+:[a-z0-9_]+$")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One canonical entity, term, concept or role and every surface form that names it."""

    id: str
    label: str
    name: str
    aliases: tuple[str, ...] = ()
    public_figure: bool = False
    kind: str = ""
    description: str = ""
    where: str = field(default="", compare=False)  # "path:line" of its table, for messages

    @property
    def surfaces(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A surface form several entries claim on purpose; lookup returns ``prefer`` (or None)."""

    surface: str
    ids: tuple[str, ...]
    prefer: str | None
    why: str
    where: str = field(default="", compare=False)


# -- normalization ---------------------------------------------------------------------------

_APOSTROPHES = "'`\u00b4\u02b9\u02bb\u02bc\u02bd\u02be\u02bf\u02c8\u2018\u2019\u201b\u2032\uff07"
_HYPHENS = ("-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2212")
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}][sS]?$")
_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_TO_APOSTROPHE = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))
# Letters NFKD does not decompose, and Arabic transliteration letters (DIN 31635) for
# digraphs: ġ = gh, ḫ = kh, ṯ = th, ḏ = dh.
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d",
                          "Đ": "D", "ð": "d", "þ": "th", "æ": "ae", "Æ": "AE", "œ": "oe",
                          "Œ": "OE", "ġ": "gh", "Ġ": "Gh", "ḫ": "kh", "Ḫ": "Kh", "ṯ": "th",
                          "Ṯ": "Th", "ḏ": "dh", "Ḏ": "Dh"})
_NON_WORD = re.compile(r"[\W_]+")
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:al|el|ash|as|ad|at|an|ar|az|adh|ath|aj)-(?=\w)", re.IGNORECASE)


def _deaccent(text: str) -> str:
    composed = unicodedata.normalize("NFC", text).translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", composed)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def _fold(text: str) -> str:
    """What :func:`normalize` does, except case folding."""
    text = _POSSESSIVE.sub("", text.strip()).translate(_DROP_APOSTROPHES)
    return _NON_WORD.sub(" ", _deaccent(text)).strip()


@lru_cache(maxsize=200_000)
def normalize(text: str) -> str:
    """Matching key without case, diacritics, apostrophes (ʿ ʾ ’ '), possessive or hyphens.

    ``normalize("al-Ḥāzimī's") == normalize("Al Hazimi") == "al hazimi"``.
    """
    return _fold(text).casefold()


def variants(alias: str) -> Iterator[str]:
    """``alias`` first, then each form with Arabic articles (al-, el-, ash-, ...) dropped."""
    words = alias.split()
    options: list[tuple[str, ...]] = []
    for i, word in enumerate(words):
        article = _ARTICLE.match(word)
        if article:
            options.append((word, word[article.end():]))
        elif word.casefold() in ("al", "el") and i + 1 < len(words):
            options.append((word, ""))  # a detached article: "Al Qaeda"
        else:
            options.append((word,))
    forms = (" ".join(part for part in combo if part) for combo in itertools.product(*options))
    yield from (form for form in dict.fromkeys(forms) if form)


def is_acronym(form: str) -> bool:
    """Up to three capitals (IS, VK, HTS, U.S.): matched only in capitals, as 'is' is a verb."""
    letters = [c for c in form if c.isalpha()]
    return 0 < len(letters) <= 3 and all(c.isupper() for c in letters)


# -- the lexicon -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Lexicon:
    """Every entry, indexed for :meth:`lookup`. Build it with :func:`load_lexicon`."""

    entries: tuple[LexiconEntry, ...]
    by_id: dict[str, LexiconEntry]
    ambiguous: dict[str, Ambiguity]  # normalize(surface) -> declared ambiguity
    _index: dict[str, tuple[str, ...]] = field(repr=False)  # normalize(variant) -> ids
    _cased: dict[str, str] = field(repr=False)  # _fold(acronym) -> id

    def public_figures(self) -> tuple[LexiconEntry, ...]:
        return tuple(e for e in self.entries if e.public_figure)

    def by_label(self, label: str) -> tuple[LexiconEntry, ...]:
        return tuple(e for e in self.entries if e.label == label)

    def _match(self, surface: str) -> tuple[str, tuple[str, ...]]:
        text = _THE.sub("", surface.strip())
        if _fold(text) in self._cased:
            return _fold(text), (self._cased[_fold(text)],)
        for form in variants(text):
            if normalize(form) in self._index:
                return normalize(form), self._index[normalize(form)]
        return "", ()

    def candidates(self, surface: str) -> tuple[LexiconEntry, ...]:
        """Every entry ``surface`` may name (several only for [ambiguous] forms)."""
        return tuple(self.by_id[i] for i in self._match(surface)[1])

    def lookup(self, surface: str) -> LexiconEntry | None:
        """The entry ``surface`` names; for an ambiguous form its ``prefer`` entry, or None."""
        key, ids = self._match(surface)
        prefer = ids[0] if len(ids) == 1 else getattr(self.ambiguous.get(key), "prefer", None)
        return self.by_id[prefer] if prefer else None


def default_lexicon_folder() -> Path:
    """annotations/lexicon of the checkout (or $TAKFIR_LEXICON), found as schema.py does."""
    env = os.environ.get(LEXICON_ENV)
    return Path(env) if env else Path(__file__).resolve().parent.parent / "annotations" / "lexicon"


def load_lexicon(folder: Path | None = None, *, labels_path: Path | None = None) -> Lexicon:
    """Load and validate every ``*.toml`` in ``folder`` against labels.toml; cached."""
    return _load(Path(folder or default_lexicon_folder()).resolve(), labels_path)


@cache
def _load(folder: Path, labels_path: Path | None) -> Lexicon:
    schema = load_schema(labels_path)
    files = [p for p in sorted(folder.glob("*.toml")) if p.name not in NOT_ENTRIES]
    if not files:
        raise ConfigError(f"{folder}: " + Errors.E350.format(env=LEXICON_ENV))
    entries: dict[str, LexiconEntry] = {}
    ambiguous: list[Ambiguity] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: " + Errors.E351.format(detail=err)) from err
        lines = {m[1]: n for n, line in enumerate(text.splitlines(), 1)
                 if (m := re.match(r'^\s*\[\s*"?([^"\]]+)"?\s*\]', line))}
        kinds = set(data.pop("kinds", {}))
        ambiguous += [Ambiguity(surface, tuple(spec.get("ids", ())), spec.get("prefer"),
                                spec.get("why", ""), str(path))
                      for surface, spec in data.pop("ambiguous", {}).items()]
        for key, spec in data.items():
            where = f"{path}:{lines.get(key, 1)}"
            if not _ID.match(key) or not isinstance(spec, dict):
                raise ConfigError(f"{where}: " + Errors.E352.format(key=key))
            if key in entries:
                raise ConfigError(f"{where}: " + Errors.E354.format(
                    id=key, other=entries[key].where))
            entries[key] = _entry(key, spec, kinds, schema, where)
    lexicon = _index(tuple(entries.values()), ambiguous)
    for target in schema.stance_targets.values():
        for lexicon_id in target.lexicon_ids:
            if lexicon_id not in lexicon.by_id:
                raise ConfigError(f"{folder}: " + Errors.E357.format(
                    target=target.name, id=lexicon_id, folder=folder))
    return lexicon


def _entry(id_: str, spec: dict[str, Any], kinds: set[str], schema: LabelSchema,
           where: str) -> LexiconEntry:
    def fail(problem: str, fix: str) -> ConfigError:
        return ConfigError(f"{where}: " + Errors.E353.format(id=id_, problem=problem,
                                                                     fix=fix))

    if set(spec) - _FIELDS:
        raise fail(f"unknown field(s) {', '.join(sorted(set(spec) - _FIELDS))}",
                   f"use only {', '.join(sorted(_FIELDS))}")
    label, name, prefix = spec.get("label"), spec.get("name"), id_.split(":")[0]
    if label not in schema.entities:
        raise fail(f"unknown label {label!r}",
                   f"use one of {', '.join(schema.entities)} (annotations/labels.toml)")
    if PREFIX_LABELS.get(prefix) != label:
        raise fail(f"id prefix {prefix!r} does not fit label {label!r}",
                   "use " + ", ".join(f"{p}: for {lab}" for p, lab in PREFIX_LABELS.items()))
    if not isinstance(name, str) or not normalize(name):
        raise fail("no 'name'", 'give the canonical form as name = "..."')
    if "aliases" in spec and "forms" in spec:
        raise fail("both 'aliases' and 'forms'", "use aliases for entities, forms for terms")
    aliases = spec.get("aliases", spec.get("forms", []))
    if not isinstance(aliases, list) or not all(isinstance(a, str) and normalize(a)
                                                for a in aliases):
        raise fail("aliases/forms is not a list of non-empty strings", "fix the list")
    kind = spec.get("kind", "")
    if kinds and kind not in kinds:
        raise fail(f"kind {kind!r} is not in this file's [kinds]",
                   f"use one of {', '.join(sorted(kinds))} or declare it there")
    public = spec.get("public_figure", False)
    if not isinstance(public, bool):
        raise fail("public_figure is not true or false", "write public_figure = false")
    return LexiconEntry(id_, label, name, tuple(dict.fromkeys(a for a in aliases if a != name)),
                        public, kind, spec.get("description", ""), where)


def _index(entries: tuple[LexiconEntry, ...], declared: list[Ambiguity]) -> Lexicon:
    by_id = {e.id: e for e in entries}
    allowed: dict[str, Ambiguity] = {}
    for amb in declared:
        unknown = [i for i in amb.ids if i not in by_id]
        problem = ("list at least two ids" if len(amb.ids) < 2
                   else f"unknown id(s) {', '.join(unknown)}" if unknown
                   else f"prefer {amb.prefer!r} is not one of its ids"
                   if amb.prefer and amb.prefer not in amb.ids else "")
        if problem:
            raise ConfigError(f"{amb.where}: " + Errors.E356.format(surface=amb.surface,
                                                                            problem=problem))
        allowed[normalize(amb.surface)] = amb
    index: dict[str, tuple[str, ...]] = {}
    cased: dict[str, str] = {}
    claims: dict[tuple[str, str], str] = {}  # (key, id) -> the alias it came from
    for entry in entries:
        for alias, form in ((a, f) for a in entry.surfaces for f in variants(a)):
            acronym = is_acronym(form)
            key = _fold(form) if acronym else normalize(form)
            owners = ((cased[key],) if key in cased else ()) if acronym else index.get(key, ())
            if entry.id in owners:
                continue
            for other in owners:
                if key not in allowed or not {other, entry.id} <= set(allowed[key].ids):
                    raise ConfigError(f"{entry.where}: " + Errors.E355.format(
                        id=entry.id, alias=alias, other_id=other,
                        other=f"{by_id[other].where}, as {claims[key, other]!r}"))
            if acronym:
                cased[key] = entry.id
            else:
                index[key] = (*owners, entry.id)
            claims[key, entry.id] = alias
    for key, amb in allowed.items():
        if len(index.get(key, ())) < 2:
            raise ConfigError(f"{amb.where}: " + Errors.E356.format(
                surface=amb.surface, problem="fewer than two entries claim it"))
    return Lexicon(entries, by_id, allowed, index, cased)


# -- spaCy -----------------------------------------------------------------------------------

@cache
def _blank_tokenizer() -> Callable[[str], Any]:
    import spacy  # imported here so loading the lexicon does not load spaCy

    return spacy.blank("en").tokenizer


def _pattern_forms(alias: str, attr: str) -> Iterator[str]:
    for form in variants(alias):
        yield form
        if attr == "LOWER":  # NORM patterns are normalized token by token instead
            plain = _deaccent(form).translate(_TO_APOSTROPHE)
            yield from (plain.replace("'", mark) for mark in "'\u02bf\u02be\u2019")  # ' ʿ ʾ ’
            yield re.sub(r"(?<=\w)'(?=\w)", "", plain)


def _token_pattern(token: str, attr: str, cased: bool) -> dict[str, Any]:
    if token in _HYPHENS:  # "al-Baghdadi" = "al Baghdadi"
        return {"ORTH": {"IN": list(_HYPHENS)}, "OP": "?"}
    if all(c in _APOSTROPHES for c in token):  # "wala' wal-bara'" = "wala wal-bara"
        return {"ORTH": {"IN": list(_APOSTROPHES)}, "OP": "?"}
    if cased:
        return {"ORTH": token}
    return {attr: token.lower() if attr == "LOWER" else normalize(token) or token}


def spacy_patterns(lexicon: Lexicon, *, labels: Collection[str] | None = None,
                   attr: Literal["LOWER", "NORM"] = "LOWER",
                   tokenizer: Callable[[str], Iterable[Any]] | None = None
                   ) -> list[dict[str, Any]]:
    """Token patterns ``{"label", "pattern", "id"}`` for an EntityRuler or SpanRuler.

    LOWER patterns cover each alias as written and in ASCII; NORM patterns match any
    diacritic or apostrophe spelling once :func:`set_token_norms` has run. Hyphens and
    apostrophes inside a name are optional tokens; spaCy splits possessives off by itself.
    Acronyms match in capitals only; an ambiguous form yields only its ``prefer`` entry.
    """
    tokenize = tokenizer or _blank_tokenizer()
    patterns: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in lexicon.entries:
        if labels is not None and entry.label not in labels:
            continue
        for form in (f for alias in entry.surfaces for f in _pattern_forms(alias, attr)):
            ambiguity = lexicon.ambiguous.get(normalize(form))
            if ambiguity and ambiguity.prefer != entry.id:
                continue
            pattern = [_token_pattern(t.text, attr, is_acronym(form)) for t in tokenize(form)]
            if repr((entry.id, pattern)) not in seen:
                seen.add(repr((entry.id, pattern)))
                patterns.append({"label": entry.label, "pattern": pattern, "id": entry.id})
    return patterns


def set_token_norms(doc: Any) -> Any:
    """Doc -> Doc: ``token.norm_ = normalize(token.text)``, which NORM patterns expect."""
    for token in doc:
        if key := normalize(token.text):
            token.norm_ = key
    return doc
