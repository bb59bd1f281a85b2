"""Where the Doccano server is and who the pipeline logs in as.

From the environment (``TAKFIR_DOCCANO_URL``, ``TAKFIR_DOCCANO_USER``,
``TAKFIR_DOCCANO_PASSWORD``), else a TOML file outside the repository
(``$TAKFIR_DOCCANO_CONFIG`` or ``~/.config/takfir/doccano.toml``). The password is never
printed, logged or written to the store; ``repr`` hides it.
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import DoccanoError, Errors

DEFAULT_PORT = 8000
DEFAULT_USER = "admin"


def config_path() -> Path:
    env = os.environ.get("TAKFIR_DOCCANO_CONFIG")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "takfir" / "doccano.toml"


def _config() -> dict[str, str]:
    path = config_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise DoccanoError(Errors.E504.format(path=path, detail=err)) from err
    return {k: str(v) for k, v in data.items()}


@dataclass(frozen=True)
class DoccanoSettings:
    url: str
    user: str
    password: str = field(repr=False)
    from_env: bool = True  # False: the password was generated or read from the config file

    @classmethod
    def load(cls, *, url: str | None = None) -> DoccanoSettings:
        """Settings for the client: arguments, then env, then the config file."""
        conf = _config()
        port = os.environ.get("TAKFIR_DOCCANO_PORT", str(DEFAULT_PORT))
        chosen = (url or os.environ.get("TAKFIR_DOCCANO_URL") or conf.get("url")
                  or f"http://127.0.0.1:{port}")
        user = os.environ.get("TAKFIR_DOCCANO_USER") or conf.get("user") or DEFAULT_USER
        password = os.environ.get("TAKFIR_DOCCANO_PASSWORD")
        if password is None:
            password = conf.get("password", "")
        return cls(chosen.rstrip("/"), user, password, "TAKFIR_DOCCANO_PASSWORD" in os.environ)

    @classmethod
    def for_local_server(cls) -> DoccanoSettings:
        """The local server's settings; a random admin password when none is configured."""
        loaded = cls.load(url=os.environ.get("TAKFIR_DOCCANO_URL") or
                          f"http://127.0.0.1:{os.environ.get('TAKFIR_DOCCANO_PORT', DEFAULT_PORT)}")
        if loaded.password:
            return loaded
        return cls(loaded.url, loaded.user, secrets.token_urlsafe(18), from_env=False)

    def require_password(self) -> None:
        if not self.password:
            raise DoccanoError(Errors.E503.format(url=self.url, config=config_path()))

    def host_port(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        return parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORT


def write_config(settings: DoccanoSettings) -> Path:
    """Keep a generated password in the user's config file (mode 600), never in the repo."""
    path = config_path()
    if settings.from_env:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{key} = {json.dumps(value)}\n" for key, value in
                   (("url", settings.url), ("user", settings.user),
                    ("password", settings.password)))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("# written by `make doccano`; read by takfir doccano commands\n" + body)
    return path
