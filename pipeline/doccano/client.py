"""The one client of the Doccano server: its REST API (v1, Doccano 1.8.4) over ``requests``,
with bounded waits and clear errors.

Why not ``doccano-client``: 1.2.8 requires pydantic<2, which makes pip fall back to spaCy
3.8.11/thinc 8.3.4 and breaks our spaCy factories (confection cannot resolve their postponed
annotations under pydantic 1). This module calls the same endpoints doccano-client 1.2.8 calls.
Every request has a timeout; upload and export tasks are polled against a deadline (the
upstream client polls for an hour when the Celery worker is down).
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from ..errors import DoccanoError, Errors
from .server import health
from .settings import DoccanoSettings, config_path

REQUEST_TIMEOUT = 30.0  # one HTTP request
TASK_TIMEOUT = 300.0  # one upload or export task on the worker
HEALTH_TIMEOUT = 5.0
POLL = 0.2


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    name: str


class Api:
    """A logged-in ``requests`` session on ``{url}/v1``; raises E501/E511 on failure."""

    def __init__(self, url: str, user: str, password: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update({"accept": "application/json", "referer": self.url})
        try:
            response = self.session.post(f"{self.url}/v1/auth/login/", timeout=REQUEST_TIMEOUT,
                                         json={"username": user, "password": password})
        except requests.RequestException as err:
            raise DoccanoError(Errors.E501.format(url=self.url, detail=err)) from err
        if response.status_code != 200:
            raise DoccanoError(Errors.E505.format(url=self.url, user=user,
                                                  detail=f"HTTP {response.status_code}",
                                                  config=config_path()))
        self.session.headers["X-CSRFToken"] = self.session.cookies.get("csrftoken") or ""

    def call(self, method: str, path: str, action: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else f"{self.url}/v1/{path}"
        try:
            response = self.session.request(method, url, timeout=REQUEST_TIMEOUT, **kwargs)
        except requests.RequestException as err:
            raise DoccanoError(Errors.E501.format(url=self.url, detail=err)) from err
        if response.status_code >= 400:
            raise DoccanoError(Errors.E511.format(url=self.url, action=action,
                                                  status=response.status_code,
                                                  detail=response.text[:300]))
        return response

    def get(self, path: str, action: str, **kwargs: Any) -> Any:
        return self.call("GET", path, action, **kwargs).json()

    def post(self, path: str, action: str, payload: Any = None) -> Any:
        response = self.call("POST", path, action, json=payload)
        return response.json() if response.content else None

    def paged(self, path: str, action: str, **params: Any) -> Iterator[dict[str, Any]]:
        page = self.get(path, action, params={"limit": 500, **params})
        while True:
            yield from page["results"]
            if not page.get("next"):
                return
            page = self.get(page["next"], action)

    # -- what an annotator does in the UI (tests and benchmarks use these) ----------------
    def create_example(self, project_id: int, text: str, meta: dict[str, Any]) -> int:
        return int(self.post(f"projects/{project_id}/examples", "creating an example",
                             {"text": text, "meta": meta})["id"])

    def create_span(self, project_id: int, example_id: int, start: int, end: int,
                    label_id: int) -> int:
        return int(self.post(f"projects/{project_id}/examples/{example_id}/spans",
                             "creating a span", {"start_offset": start, "end_offset": end,
                                                 "label": label_id, "prob": 0.0,
                                                 "manual": False, "example": example_id})["id"])

    def create_relation(self, project_id: int, example_id: int, from_id: int, to_id: int,
                        type_id: int) -> int:
        return int(self.post(f"projects/{project_id}/examples/{example_id}/relations",
                             "creating a relation", {"from_id": from_id, "to_id": to_id,
                                                     "type": type_id, "example": example_id})
                   ["id"])

    def spans(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        return list(self.get(f"projects/{project_id}/examples/{example_id}/spans", "spans"))

    def relations(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        return list(self.get(f"projects/{project_id}/examples/{example_id}/relations",
                             "relations"))

    def delete_span(self, project_id: int, example_id: int, span_id: int) -> None:
        self.call("DELETE", f"projects/{project_id}/examples/{example_id}/spans/{span_id}",
                  "deleting a span")

    def confirm(self, project_id: int, example_id: int) -> None:
        self.call("POST", f"projects/{project_id}/examples/{example_id}/states",
                  "confirming an example")

    def examples(self, project_id: int, **params: Any) -> list[dict[str, Any]]:
        return list(self.paged(f"projects/{project_id}/examples", "listing examples",
                               **params))


class Doccano:
    """A connection to one Doccano server as the pipeline's (admin) user."""

    def __init__(self, settings: DoccanoSettings, *, task_timeout: float = TASK_TIMEOUT) -> None:
        self.url = settings.url
        self.task_timeout = task_timeout
        self.check_health()
        settings.require_password()
        self.api = Api(settings.url, settings.user, settings.password)

    def check_health(self) -> None:
        state = health(self.url, timeout=HEALTH_TIMEOUT)
        if state is True:
            return
        if isinstance(state, str) and state.startswith("HTTP"):
            raise DoccanoError(Errors.E502.format(url=self.url, detail=state))
        raise DoccanoError(Errors.E501.format(url=self.url, detail=state))

    def as_user(self, user: str, password: str) -> Api:
        """A session as another user (tests act as annotators through it)."""
        return Api(self.url, user, password)

    # -- projects, labels, users, members -------------------------------------------------
    def find_project(self, name: str) -> ProjectInfo | None:
        for project in self.api.paged("projects", "listing projects"):
            if project["name"] == name:
                return ProjectInfo(project["id"], project["name"])
        return None

    def ensure_project(self, name: str, *, description: str, guideline: str) -> ProjectInfo:
        """The collaborative sequence-labeling project ``name``, created when missing."""
        found = self.find_project(name)
        if found is not None:
            return found
        created = self.api.post("projects", f"creating project {name!r}", {
            "name": name, "description": description, "guideline": guideline,
            "project_type": "SequenceLabeling", "resourcetype": "SequenceLabelingProject",
            "random_order": False, "collaborative_annotation": True,
            "single_class_classification": False, "allow_overlapping": True,
            "grapheme_mode": False, "use_relation": True, "tags": []})
        return ProjectInfo(created["id"], created["name"])

    def label_ids(self, project_id: int, kind: str) -> dict[str, int]:
        """Label type ids by name; ``kind`` is span or relation."""
        types = self.api.get(f"projects/{project_id}/{kind}-types", f"listing {kind} labels")
        return {t["text"]: t["id"] for t in types}

    def ensure_label_types(self, project_id: int, kind: str,
                           labels: Sequence[tuple[str, str]]) -> int:
        """Create the (name, color) label types the project lacks; returns how many."""
        have = self.label_ids(project_id, kind)
        missing = [(n, c) for n, c in labels if n not in have]
        for name, color in missing:
            self.api.post(f"projects/{project_id}/{kind}-types", f"creating label {name!r}",
                          {"text": name, "background_color": color, "text_color": "#ffffff",
                           "prefix_key": None, "suffix_key": None})
        return len(missing)

    def user_id(self, username: str) -> int | None:
        for user in self.api.get("users", "searching users", params={"q": username}):
            if user["username"] == username:
                return int(user["id"])
        return None

    def create_user(self, username: str, password: str) -> int:
        return int(self.api.post("users/create", f"creating user {username!r}", {
            "username": username, "password1": password, "password2": password})["id"])

    def ensure_member(self, project_id: int, username: str, role: str = "annotator") -> bool:
        """Add an existing Doccano user to the project; False when already a member."""
        members = self.api.get(f"projects/{project_id}/members", "listing members")
        if any(m["username"] == username for m in members):
            return False
        user = self.user_id(username)
        if user is None:
            raise DoccanoError(Errors.E511.format(url=self.url, action="adding a member",
                                                  status=404, detail=f"no user {username!r}; "
                                                  "create it in Doccano's admin first"))
        roles = {r["name"]: r["id"] for r in self.api.get("roles", "listing roles")}
        self.api.post(f"projects/{project_id}/members", f"adding member {username!r}",
                      {"user": user, "role": roles[role]})
        return True

    def count_examples(self, project_id: int) -> int:
        return int(self.api.get(f"projects/{project_id}/examples", "counting examples",
                                params={"limit": 1})["count"])

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

        Raises E508 when Doccano added a different number (it drops bad lines silently).
        """
        before = self.count_examples(project_id)
        body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        upload_id = self.api.call("POST", "fp/process/", f"uploading to {project!r}",
                                  files={"filepond": ("units.jsonl", body.encode("utf-8"))},
                                  headers={"accept": "*/*"}).content.decode()
        task = self.api.post(f"projects/{project_id}/upload", f"importing into {project!r}", {
            "uploadIds": [upload_id], "task": "RelationExtraction", "format": "JSONL",
            "column_data": "text", "column_label": "label"})["task_id"]
        status = self._wait(task, "upload")
        errors = status.get("error") or (status.get("result") or {}).get("error")
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
        task = self.api.post(f"projects/{project_id}/download", f"exporting {project!r}",
                             {"format": "JSONL", "exportApproved": False})["task_id"]
        status = self._wait(task, "export")
        if status.get("error"):
            raise DoccanoError(Errors.E507.format(url=self.url, what="export", project=project,
                                                  detail=status["error"]))
        zipped = self.api.call("GET", f"projects/{project_id}/download",
                               f"downloading {project!r}", params={"taskId": task}).content
        out: dict[str, list[dict[str, Any]]] = {}
        with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
            for name in archive.namelist():
                text = archive.read(name).decode("utf-8")
                out[name] = [json.loads(x) for x in text.splitlines() if x.strip()]
        return out

    def confirmed_example_ids(self, project_id: int) -> set[int]:
        return {int(e["id"]) for e in self.api.examples(project_id, confirmed="true")}

    def add_comment(self, project_id: int, example_id: int, text: str) -> None:
        self.api.post(f"projects/{project_id}/comments?example={example_id}",
                      "adding a comment", {"text": text})

    def _wait(self, task_id: str, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.task_timeout
        while True:
            status = self.api.get(f"tasks/status/{task_id}", f"polling the {what} task")
            if status.get("ready"):
                return {"error": status.get("error"), "result": status.get("result")}
            if time.monotonic() > deadline:
                raise DoccanoError(Errors.E506.format(url=self.url, what=what, task=task_id,
                                                      seconds=int(self.task_timeout)))
            time.sleep(POLL)


@contextmanager
def connect(settings: DoccanoSettings | None = None, **kwargs: Any) -> Iterator[Doccano]:
    """A connection; its session is closed on exit."""
    doccano = Doccano(settings or DoccanoSettings.load(), **kwargs)
    try:
        yield doccano
    finally:
        doccano.api.session.close()
