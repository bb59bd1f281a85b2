"""A local Doccano 1.8.4 server: install into its own venv, init, admin, start, stop.

Used by `make doccano` / `make doccano-stop` and by the test session. Doccano runs in its own
Python 3.11 venv (its pins clash with ours); its gunicorn binds 127.0.0.1 only (`doccano
webserver` binds 0.0.0.0) and its Celery worker (`doccano task`) handles upload and export.
Both are started in their own process groups and stopped by the PIDs written at start.
Run ``python -m pipeline.doccano.server start|stop|status``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DoccanoError, Errors
from .settings import DoccanoSettings, write_config

DOCCANO_VERSION = "1.8.4"
# numpy 2 breaks its pandas 1.5.3; marshmallow 4 breaks environs; gunicorn 20.1 imports
# pkg_resources, gone from setuptools 81 (DESIGN.md §8, checked).
DOCCANO_PINS = (f"doccano=={DOCCANO_VERSION}", "numpy<2", "marshmallow<4", "setuptools<81")
REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0
STOP_TIMEOUT = 15.0


@dataclass
class ServerPaths:
    """Where the venv (shared by every data folder) and one server's data live."""

    home: Path = field(default_factory=lambda: Path(
        os.environ.get("TAKFIR_DOCCANO_HOME", REPO / ".doccano")))
    data: Path | None = None

    def __post_init__(self) -> None:
        if self.data is None:
            self.data = Path(os.environ.get("TAKFIR_DOCCANO_DATA", self.home / "data"))

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def marker(self) -> Path:
        return self.venv / f".installed-{DOCCANO_VERSION}"

    @property
    def datadir(self) -> Path:
        assert self.data is not None
        return self.data

    def pidfile(self, name: str) -> Path:
        return self.datadir / "run" / f"{name}.pid"

    def log(self, name: str) -> Path:
        return self.datadir / "logs" / f"{name}.log"

    def backend(self) -> Path:
        found = sorted((self.venv / "lib").glob("python3*/site-packages/backend"))
        if not found:
            raise DoccanoError(Errors.E520.format(venv=self.venv))
        return found[0]


def install(paths: ServerPaths, *, python: str | None = None) -> None:
    """Create the Doccano venv and install the pinned server (once; ~40 s)."""
    if paths.marker.exists():
        return
    python = python or os.environ.get("TAKFIR_DOCCANO_PYTHON") or _python311()
    paths.home.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-m", "venv", "--clear", str(paths.venv)], check=True)
    pip = [str(paths.venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", *DOCCANO_PINS], check=True)
    paths.marker.touch()


def server_env(paths: ServerPaths) -> dict[str, str]:
    """The environment of every Doccano process of this data folder."""
    data = paths.datadir
    key_file = data / "secret_key"
    if not key_file.exists():
        data.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAKFIR_DOCCANO_PASSWORD",
                                                                     "VIRTUAL_ENV"))}
    env.update({
        "DOCCANO_HOME": str(data), "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        "MEDIA_ROOT": str(data / "media"), "STANDALONE": "True", "DEBUG": "False",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": key_file.read_text().strip(), "PYTHONPATH": str(paths.backend()),
    })
    return env


def init(paths: ServerPaths, settings: DoccanoSettings) -> None:
    """Migrate the database and create (or reset the password of) the admin.

    The password goes through the environment, never the command line (``ps`` shows that).
    """
    env = server_env(paths)
    bin_ = paths.venv / "bin"
    log = paths.log("init")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as out:
        subprocess.run([str(bin_ / "doccano"), "init"], env=env, check=True, stdout=out,
                       stderr=subprocess.STDOUT)
        script = ("import os, django; django.setup()\n"
                  "from django.contrib.auth import get_user_model\n"
                  "u, _ = get_user_model().objects.get_or_create(username=os.environ['_U'])\n"
                  "u.is_staff = u.is_superuser = True\n"
                  "u.set_password(os.environ.pop('_P')); u.save()\n")
        subprocess.run([str(bin_ / "python"), "-c", script], check=True, stdout=out,
                       stderr=subprocess.STDOUT, cwd=paths.backend(),
                       env={**env, "_U": settings.user, "_P": settings.password})


def start(settings: DoccanoSettings, paths: ServerPaths | None = None, *,
          timeout: float = START_TIMEOUT) -> ServerPaths:
    """Install if needed, init, start gunicorn + the Celery worker, wait for /v1/health/."""
    paths = paths or ServerPaths()
    host, port = settings.host_port()
    if health(settings.url, timeout=2.0) is True:
        return paths
    install(paths)
    init(paths, settings)
    env = server_env(paths)
    bin_ = paths.venv / "bin"
    workers = os.environ.get("TAKFIR_DOCCANO_WORKERS", "2")
    _spawn(paths, "gunicorn", [str(bin_ / "gunicorn"), "--bind", f"{host}:{port}",
                               "--workers", workers, "--timeout", "120",
                               "--chdir", str(paths.backend()), "config.wsgi"], env)
    _spawn(paths, "celery", [str(bin_ / "doccano"), "task", "--concurrency", "1"], env)
    deadline = time.monotonic() + timeout
    status: bool | str = False
    while time.monotonic() < deadline:
        status = health(settings.url, timeout=2.0)
        if status is True:
            return paths
        if not all(_alive(paths, name) for name in ("gunicorn", "celery")):
            break
        time.sleep(0.5)
    stop(paths)
    raise DoccanoError(Errors.E521.format(url=settings.url, seconds=int(timeout),
                                          detail=status or "no answer",
                                          logs=paths.log("gunicorn").parent))


def stop(paths: ServerPaths | None = None, *, timeout: float = STOP_TIMEOUT) -> list[str]:
    """Stop gunicorn and the worker of this data folder by PID (TERM, then KILL)."""
    paths = paths or ServerPaths()
    stopped = []
    for name in ("gunicorn", "celery"):
        pidfile = paths.pidfile(name)
        if not pidfile.exists():
            continue
        pid = int(pidfile.read_text().strip())
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _pid_alive(pid):
            _signal_group(pid, signal.SIGKILL)
        pidfile.unlink(missing_ok=True)
        stopped.append(f"{name} ({pid})")
    return stopped


def health(url: str, *, timeout: float = 3.0) -> bool | str:
    """True when /v1/health/ answers 200; else a short reason (bounded by ``timeout``)."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/v1/health/?format=json",
                                    timeout=timeout) as response:
            return True if response.status == 200 else f"HTTP {response.status}"
    except urllib.error.HTTPError as err:  # 500: a check failed (often the Celery worker)
        try:
            failed = {k: v for k, v in json.loads(err.read() or b"{}").items()
                      if v not in ("working", "OK")}
        except ValueError:
            failed = {}
        return f"HTTP {err.code} {failed}" if failed else f"HTTP {err.code}"
    except (urllib.error.URLError, OSError) as err:
        return f"no answer ({getattr(err, 'reason', err)})"


def _spawn(paths: ServerPaths, name: str, argv: list[str], env: dict[str, str]) -> None:
    log = paths.log(name)
    log.parent.mkdir(parents=True, exist_ok=True)
    paths.pidfile(name).parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                cwd=paths.backend())
    paths.pidfile(name).write_text(str(proc.pid))


def _alive(paths: ServerPaths, name: str) -> bool:
    pidfile = paths.pidfile(name)
    return pidfile.exists() and _pid_alive(int(pidfile.read_text().strip()))


def _pid_alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)  # reap our own child, if it is one
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)  # started with start_new_session: the group id is the pid


def _python311() -> str:
    if sys.version_info[:2] == (3, 11):
        return sys.executable
    found = shutil.which("python3.11")
    if not found:
        raise DoccanoError(Errors.E522)
    return found


def main(argv: list[str] | None = None) -> int:
    """``start`` (writes the credentials file when the password is not in the env) or ``stop``."""
    args = argv if argv is not None else sys.argv[1:]
    command = args[0] if args else "status"
    paths = ServerPaths()
    try:
        if command == "start":
            settings = DoccanoSettings.for_local_server()
            start(settings, paths)
            where = write_config(settings)
            print(f"Doccano {DOCCANO_VERSION} is up at {settings.url} (user {settings.user}; "
                  f"credentials in {where}); data in {paths.datadir}; stop with "
                  "`make doccano-stop`.")
        elif command == "stop":
            stopped = stop(paths)
            print(f"Stopped {', '.join(stopped)}." if stopped else "Doccano was not running.")
        elif command == "status":
            settings = DoccanoSettings.load()
            state = health(settings.url)
            print(f"{settings.url}: {'up' if state is True else state}")
            return 0 if state is True else 1
        else:
            print("usage: python -m pipeline.doccano.server start|stop|status", file=sys.stderr)
            return 2
    except (DoccanoError, subprocess.CalledProcessError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
