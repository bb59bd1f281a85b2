"""The one client of the Doccano server: ``doccano-client`` 1.2.8 (Doccano 1.8.4), with bounded
waits and clear errors. This is the only module that imports ``doccano_client`` (and, through
it, pydantic 1); the rest of the pipeline sees plain ints, dicts and ``ProjectInfo``.

What is added around the library, and why:

- **Every request has a timeout.** The library calls its ``requests`` session without one; an
  adapter mounted on that session gives each request ``REQUEST_TIMEOUT``.
- **Upload and export waits are bounded.** ``DoccanoClient.upload``/``download`` wait for the
  Celery task through ``TaskStatusRepository.wait``, which polls once a second for up to an
  hour when the worker is down. The client's repository is replaced by a subclass that polls
  every ``POLL`` s against a ``task_timeout`` deadline (E506). ``/v1/health/`` (which pings
  the worker; ~1 s with the SQLite broker) is checked on connecting and before an upload or
  export unless the worker was seen working in the last ``WORKER_FRESH`` s (a passed check or
  a finished task), so a missing worker is E502 within seconds, and consecutive batches do not
  pay a ping each.
- **Errors.** Library and transport exceptions become E501 (no answer), E502 (unhealthy),
  E505 (login refused), E511 (HTTP error) or E519 (unexpected answer), all naming the URL.
- **Listing examples.** The library's ``list_examples`` follows Doccano's default page size
  (5 per request); listing hundreds of examples pages 500 at a time instead, through the
  library's own authenticated session (``Api.paged``), as do the few calls the library lacks.
"""

from __future__ import annotations

import json
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from doccano_client import DoccanoClient
from doccano_client.exceptions import DoccanoAPIError
from doccano_client.models.task_status import TaskStatus
from doccano_client.repositories.base import BaseRepository
from doccano_client.repositories.task_status import TaskStatusRepository
from requests.adapters import HTTPAdapter

from ..errors import DoccanoError, Errors
from .settings import DoccanoSettings, config_path

REQUEST_TIMEOUT = 30.0  # one HTTP request
TASK_TIMEOUT = 300.0  # one upload or export task on the worker
HEALTH_TIMEOUT = 10.0  # /v1/health/ waits up to 3 s for the worker's ping
POLL = 0.2  # task polling interval (the library sleeps 1 s)
PAGE = 500  # examples per listing request
WORKER_FRESH = 10.0  # seconds a passed health check or finished task vouches for the worker
HEALTHY = ("working", "OK")  # a passing check in /v1/health/ (older/newer django-health-check)


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    name: str


class _TimeoutAdapter(HTTPAdapter):
    """Gives every request of the session a timeout unless the call sets one."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class _TaskTimeout(Exception):
    def __init__(self, task_id: str) -> None:
        super().__init__(task_id)
        self.task_id = task_id


class _BoundedTaskStatus(TaskStatusRepository):
    """The library's task poller with a wall-clock deadline and a shorter interval."""

    def __init__(self, client: BaseRepository, deadline_s: float) -> None:
        super().__init__(client)
        self.deadline_s = deadline_s

    def wait(self, task_id: str, timeout: int | None = None) -> TaskStatus:
        deadline = time.monotonic() + (self.deadline_s if timeout is None else timeout)
        while True:
            status = self.get(task_id)
            if status.ready:
                return status
            if time.monotonic() > deadline:
                raise _TaskTimeout(task_id)
            time.sleep(POLL)


def _new_client(url: str, task_timeout: float = TASK_TIMEOUT) -> DoccanoClient:
    """A ``DoccanoClient`` whose requests and task waits are bounded."""
    client = DoccanoClient(url)
    base = client._base_repository  # the library's authenticated requests session lives here
    adapter = _TimeoutAdapter(REQUEST_TIMEOUT)
    base._session.mount("http://", adapter)
    base._session.mount("https://", adapter)
    client._task_status_repository = _BoundedTaskStatus(base, task_timeout)
    return client


@contextmanager
def _errors(url: str, action: str) -> Iterator[None]:
    """Library and transport exceptions as E511 / E501 / E519 naming ``url``."""
    try:
        yield
    except DoccanoAPIError as err:
        response = err.response
        status = response.status_code if response is not None else "?"
        detail = response.text[:300] if response is not None else str(err)
        raise DoccanoError(Errors.E511.format(url=url, action=action, status=status,
                                              detail=detail)) from err
    except requests.RequestException as err:
        if isinstance(err, requests.JSONDecodeError):  # an answer, just not JSON
            raise DoccanoError(Errors.E519.format(url=url, action=action,
                                                  detail=str(err)[:300])) from err
        raise DoccanoError(Errors.E501.format(url=url, detail=err)) from err
    except (ValueError, KeyError) as err:  # pydantic validation, a missing field or option
        raise DoccanoError(Errors.E519.format(url=url, action=action,
                                              detail=str(err)[:300])) from err


def _relative(next_url: str) -> str:
    """A pagination link as a path under /v1/ (the library prefixes its API URL)."""
    parts = urlsplit(next_url)
    path = parts.path.split("/v1/", 1)[-1]
    return f"{path}?{parts.query}" if parts.query else path


class Api:
    """A ``DoccanoClient`` logged in as one user; raises E501/E505/E511/E519 on failure."""

    def __init__(self, url: str, user: str, password: str, *,
                 client: DoccanoClient | None = None) -> None:
        self.url = url.rstrip("/")
        self.client = client or _new_client(self.url)
        try:
            self.client.login(user, password)
        except DoccanoAPIError as err:
            status = err.response.status_code if err.response is not None else "?"
            raise DoccanoError(Errors.E505.format(url=self.url, user=user,
                                                  detail=f"HTTP {status}",
                                                  config=config_path())) from err
        except requests.RequestException as err:
            raise DoccanoError(Errors.E501.format(url=self.url, detail=err)) from err

    @property
    def session(self) -> requests.Session:
        """The library's authenticated session (CSRF header and cookies set by its login)."""
        return self.client._base_repository._session

    def close(self) -> None:
        self.session.close()

    # -- calls the library lacks, through its session ---------------------------------------
    def call(self, method: str, path: str, action: str, **kwargs: Any) -> requests.Response:
        base = self.client._base_repository
        send = {"GET": base.get, "POST": base.post, "PUT": base.put,
                "DELETE": base.delete}[method.upper()]
        if "files" in kwargs:  # let requests set the multipart type over the session's JSON
            kwargs["headers"] = {"content-type": None, **kwargs.get("headers", {})}
        with _errors(self.url, action):
            return send(path, **kwargs)

    def get(self, path: str, action: str, **kwargs: Any) -> Any:
        response = self.call("GET", path, action, **kwargs)
        with _errors(self.url, action):
            return response.json()

    def post(self, path: str, action: str, payload: Any = None) -> Any:
        response = self.call("POST", path, action, json=payload)
        with _errors(self.url, action):
            return response.json() if response.content else None

    def paged(self, path: str, action: str, **params: Any) -> Iterator[dict[str, Any]]:
        page = self.get(path, action, params={"limit": PAGE, **params})
        while True:
            yield from page["results"]
            if not page.get("next"):
                return
            page = self.get(_relative(page["next"]), action)

    # -- what an annotator does in the UI (tests and benchmarks use these) ----------------
    def create_example(self, project_id: int, text: str, meta: dict[str, Any]) -> int:
        with _errors(self.url, "creating an example"):
            return int(self.client.create_example(project_id, text, meta=meta).id)

    def create_span(self, project_id: int, example_id: int, start: int, end: int,
                    label_id: int) -> int:
        with _errors(self.url, "creating a span"):
            return int(self.client.create_span(project_id, example_id, start, end,
                                               label_id).id)

    def create_relation(self, project_id: int, example_id: int, from_id: int, to_id: int,
                        type_id: int) -> int:
        with _errors(self.url, "creating a relation"):
            return int(self.client.create_relation(project_id, example_id, from_id, to_id,
                                                   type_id).id)

    def spans(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        """The spans of an example (in a non-collaborative project: only the caller's)."""
        with _errors(self.url, "listing spans"):
            return [s.dict() for s in self.client.list_spans(project_id, example_id)]

    def relations(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        with _errors(self.url, "listing relations"):
            return [r.dict() for r in self.client.list_relations(project_id, example_id)]

    def delete_span(self, project_id: int, example_id: int, span_id: int) -> None:
        with _errors(self.url, "deleting a span"):
            self.client.delete_span(project_id, example_id, span_id)

    def confirm(self, project_id: int, example_id: int) -> None:
        """Toggle the caller's confirmed state of the example (the UI's check mark)."""
        with _errors(self.url, "confirming an example"):
            self.client.update_example_state(project_id, example_id)

    def add_comment(self, project_id: int, example_id: int, text: str) -> None:
        with _errors(self.url, "adding a comment"):
            self.client.create_comment(project_id, example_id, text)

    def examples(self, project_id: int, **params: Any) -> list[dict[str, Any]]:
        return list(self.paged(f"projects/{project_id}/examples", "listing examples",
                               **params))


class Doccano:
    """A connection to one Doccano server as the pipeline's (admin) user."""

    def __init__(self, settings: DoccanoSettings, *, task_timeout: float = TASK_TIMEOUT) -> None:
        self.url = settings.url.rstrip("/")
        self.task_timeout = task_timeout
        self._worker_seen = -WORKER_FRESH
        client = _new_client(self.url, task_timeout)
        self._health_client = client
        self.check_health()
        settings.require_password()
        self.api = Api(self.url, settings.user, settings.password, client=client)

    @property
    def client(self) -> DoccanoClient:
        """The logged-in ``DoccanoClient`` (for calls this class does not wrap)."""
        return self.api.client

    def check_health(self) -> None:
        """E501 when nothing answers, E502 when a check (often the Celery worker) fails."""
        base = self._health_client._base_repository
        try:
            base.get("health/", params={"format": "json"}, timeout=HEALTH_TIMEOUT)
        except DoccanoAPIError as err:
            response = err.response
            status = response.status_code if response is not None else "?"
            try:  # the JSON names each check; keep the failing ones
                failed = {k: v for k, v in response.json().items() if v not in HEALTHY}
            except (ValueError, AttributeError):
                failed = {}
            detail = f"HTTP {status} {failed}" if failed else f"HTTP {status}"
            raise DoccanoError(Errors.E502.format(url=self.url, detail=detail)) from err
        except requests.RequestException as err:
            raise DoccanoError(Errors.E501.format(url=self.url, detail=err)) from err
        self._worker_seen = time.monotonic()

    def _check_worker(self) -> None:
        """Health check before a task, unless the worker was seen working just now."""
        if time.monotonic() - self._worker_seen > WORKER_FRESH:
            self.check_health()

    def as_user(self, user: str, password: str) -> Api:
        """A session as another user (tests act as annotators through it)."""
        return Api(self.url, user, password, client=_new_client(self.url, self.task_timeout))

    def close(self) -> None:
        self.api.close()

    # -- projects, labels, users, members -------------------------------------------------
    def find_project(self, name: str) -> ProjectInfo | None:
        with _errors(self.url, "listing projects"):
            for project in self.client.list_projects():
                if project.name == name:
                    return ProjectInfo(int(project.id), project.name)
        return None

    def ensure_project(self, name: str, *, description: str, guideline: str) -> ProjectInfo:
        """The collaborative sequence-labeling project ``name``, created when missing."""
        found = self.find_project(name)
        if found is not None:
            return found
        with _errors(self.url, f"creating project {name!r}"):
            created = self.client.create_project(
                name, project_type="SequenceLabeling", description=description.strip() or "-",
                guideline=guideline, collaborative_annotation=True, allow_overlapping=True,
                use_relation=True)
        return ProjectInfo(int(created.id), created.name)

    def label_ids(self, project_id: int, kind: str) -> dict[str, int]:
        """Label type ids by name; ``kind`` is span, relation or category."""
        with _errors(self.url, f"listing {kind} labels"):
            return {t.text: int(t.id) for t in self.client.list_label_types(project_id, kind)}

    def ensure_label_types(self, project_id: int, kind: str,
                           labels: Sequence[tuple[str, str]]) -> int:
        """Create the (name, color) label types the project lacks; returns how many."""
        have = self.label_ids(project_id, kind)
        missing = [(n, c) for n, c in labels if n not in have]
        for name, color in missing:
            with _errors(self.url, f"creating label {name!r}"):
                self.client.create_label_type(project_id, kind, name, color=color)
        return len(missing)

    def user_id(self, username: str) -> int | None:
        with _errors(self.url, "searching users"):
            for user in self.client.search_users(username):
                if user.username == username:
                    return int(user.id)
        return None

    def create_user(self, username: str, password: str) -> int:
        with _errors(self.url, f"creating user {username!r}"):
            return int(self.client.create_user(username, password).id)

    def ensure_member(self, project_id: int, username: str, role: str = "annotator") -> bool:
        """Add an existing Doccano user to the project; False when already a member."""
        with _errors(self.url, "listing members"):
            if any(m.username == username for m in self.client.list_members(project_id)):
                return False
        if self.user_id(username) is None:
            raise DoccanoError(Errors.E511.format(url=self.url, action="adding a member",
                                                  status=404, detail=f"no user {username!r}; "
                                                  "create it in Doccano's admin first"))
        with _errors(self.url, f"adding member {username!r}"):
            self.client.add_member(project_id, username, role)
        return True

    def count_examples(self, project_id: int) -> int:
        with _errors(self.url, "counting examples"):
            return int(self.client.count_examples(project_id))

    def unit_examples(self, project_id: int) -> dict[str, int]:
        """Example id of every unit already in the project (from the meta we sent)."""
        out = {}
        for example in self.api.paged(f"projects/{project_id}/examples", "listing examples"):
            unit = (example.get("meta") or {}).get("takfir_unit")
            if unit:
                out[unit] = int(example["id"])
        return out

    # -- bulk upload and export, bounded -------------------------------------------------
    def upload_jsonl(self, project_id: int, lines: Sequence[dict[str, Any]], *,
                     project: str) -> int:
        """Bulk-upload examples with spans and relations; returns how many were added.

        Raises E502 when the worker is down, E506 when the import outlasts ``task_timeout``,
        E508 when Doccano added a different number (it drops bad lines silently).
        """
        before = self.count_examples(project_id)
        self._check_worker()
        with tempfile.TemporaryDirectory(prefix="takfir-doccano-") as tmp:
            path = Path(tmp) / "units.jsonl"
            path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n"
                                    for line in lines), encoding="utf-8")
            with self._task("upload"), _errors(self.url, f"uploading to {project!r}"):
                status = self.client.upload(project_id, [str(path)], task="RelationExtraction",
                                            format="JSONL")
        result = status.result if isinstance(status.result, dict) else {}
        errors = status.error or result.get("error")
        if errors:
            raise DoccanoError(Errors.E507.format(url=self.url, what="upload", project=project,
                                                  detail=str(errors)[:300]))
        added = self.count_examples(project_id) - before
        if added != len(lines):
            raise DoccanoError(Errors.E508.format(url=self.url, project=project,
                                                  sent=len(lines), got=added))
        return added

    def export_lines(self, project_id: int, *, project: str) -> dict[str, list[dict[str, Any]]]:
        """The JSONL export, as lines per file of the zip (``all.jsonl`` when collaborative)."""
        self._check_worker()
        out: dict[str, list[dict[str, Any]]] = {}
        with tempfile.TemporaryDirectory(prefix="takfir-doccano-") as tmp:
            with self._task("export"), _errors(self.url, f"exporting {project!r}"):
                zipped = self.client.download(project_id, "JSONL", dir_name=tmp)
            try:
                archive = zipfile.ZipFile(zipped)
            except zipfile.BadZipFile as err:
                raise DoccanoError(Errors.E507.format(url=self.url, what="export",
                                                      project=project, detail=err)) from err
            with archive:
                for name in archive.namelist():
                    text = archive.read(name).decode("utf-8")
                    out[name] = [json.loads(x) for x in text.splitlines() if x.strip()]
        return out

    def confirmed_example_ids(self, project_id: int) -> set[int]:
        return {int(e["id"]) for e in self.api.examples(project_id, confirmed="true")}

    def add_comment(self, project_id: int, example_id: int, text: str) -> None:
        self.api.add_comment(project_id, example_id, text)

    @contextmanager
    def _task(self, what: str) -> Iterator[None]:
        """Bound the library's wait by ``task_timeout``; a finished task proves the worker."""
        tasks = self.client._task_status_repository
        assert isinstance(tasks, _BoundedTaskStatus)
        tasks.deadline_s = self.task_timeout
        try:
            yield
        except _TaskTimeout as err:
            raise DoccanoError(Errors.E506.format(url=self.url, what=what, task=err.task_id,
                                                  seconds=int(self.task_timeout))) from err
        self._worker_seen = time.monotonic()


@contextmanager
def connect(settings: DoccanoSettings | None = None, **kwargs: Any) -> Iterator[Doccano]:
    """A connection; its session is closed on exit."""
    doccano = Doccano(settings or DoccanoSettings.load(), **kwargs)
    try:
        yield doccano
    finally:
        doccano.close()
