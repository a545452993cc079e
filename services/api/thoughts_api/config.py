"""Configuration from the environment, read in one place.

Every setting comes from an environment variable (12-factor). A missing or
malformed value raises :class:`ConfigError` with a one-line message naming the
variable, so start-up can stop with that line instead of a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SPEC_PATH = REPOSITORY_ROOT / "openapi" / "thoughts.yaml"
DEFAULT_SQLITE_PATH = Path("var") / "thoughts.sqlite3"
POSTGRES_VARIABLES = ("POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


@dataclass(frozen=True)
class Settings:
    """What the API needs to start: where its data, key and routes are."""

    database_url: URL
    jwt_public_key: RSAPublicKey
    spec_path: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            database_url=database_url_from_env(environ),
            jwt_public_key=jwt_public_key_from_env(environ),
            spec_path=spec_path_from_env(environ),
        )


def database_url_from_env(environ: Mapping[str, str] = os.environ) -> URL:
    """``DATABASE_URL`` when set, else one built from ``DATABASE_ENGINE``."""
    if url_text := environ.get("DATABASE_URL", "").strip():
        return _parse_database_url(url_text)

    engine = environ.get("DATABASE_ENGINE", "SQLITE").strip().upper()
    if engine == "SQLITE":
        path = environ.get("SQLITE_PATH", "").strip() or str(DEFAULT_SQLITE_PATH)
        return URL.create("sqlite+pysqlite", database=path)
    if engine == "POSTGRESQL":
        return _postgres_url_from_parts(environ)
    raise ConfigError(f"DATABASE_ENGINE must be SQLITE or POSTGRESQL, not {engine!r}")


def _parse_database_url(url_text: str) -> URL:
    try:
        url = make_url(url_text)
    except ArgumentError:
        raise ConfigError("DATABASE_URL is not a database URL (expected sqlite:///... or postgresql://...)") from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"DATABASE_URL must use sqlite or postgresql, not {url.drivername!r}")
    if url.drivername == "postgresql":
        # SQLAlchemy 2.1 would pick psycopg 3; the image ships psycopg2.
        url = url.set(drivername="postgresql+psycopg2")
    return url


def _postgres_url_from_parts(environ: Mapping[str, str]) -> URL:
    values = {name: environ.get(name, "").strip() for name in POSTGRES_VARIABLES}
    missing = [name for name, value in values.items() if not value and name != "POSTGRES_PASSWORD"]
    if missing:
        raise ConfigError(f"DATABASE_ENGINE=POSTGRESQL needs {', '.join(missing)} to be set")
    port = values["POSTGRES_PORT"]
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"POSTGRES_PORT must be a port number, not {port!r}")
    return URL.create(
        "postgresql+psycopg2",
        username=values["POSTGRES_USER"],
        password=environ.get("POSTGRES_PASSWORD") or None,
        host=values["POSTGRES_HOST"],
        port=int(port),
        database=values["POSTGRES_DB"],
    )


def jwt_public_key_from_env(environ: Mapping[str, str] = os.environ) -> RSAPublicKey:
    """The RSA public key that verifies tokens: ``JWT_PUBLIC_KEY_FILE`` or ``JWT_PUBLIC_KEY``."""
    if path_text := environ.get("JWT_PUBLIC_KEY_FILE", "").strip():
        name = "JWT_PUBLIC_KEY_FILE"
        try:
            pem = Path(path_text).read_bytes()
        except OSError as error:
            raise ConfigError(f"JWT_PUBLIC_KEY_FILE {path_text!r} cannot be read: {error.strerror}") from None
    elif key_text := environ.get("JWT_PUBLIC_KEY", "").strip():
        name, pem = "JWT_PUBLIC_KEY", key_text.encode()
    else:
        raise ConfigError("JWT_PUBLIC_KEY_FILE or JWT_PUBLIC_KEY must be set to the RS256 public key (PEM)")

    try:
        key = load_pem_public_key(pem)
    except ValueError:
        raise ConfigError(f"{name} does not hold a PEM public key") from None
    if not isinstance(key, RSAPublicKey):
        raise ConfigError(f"{name} must hold an RSA public key, since tokens are RS256")
    return key


def spec_path_from_env(environ: Mapping[str, str] = os.environ) -> Path:
    """The OpenAPI document: ``OPENAPI_SPEC``, else the repository's own."""
    path = Path(environ.get("OPENAPI_SPEC", "").strip() or DEFAULT_SPEC_PATH)
    if not path.is_file():
        raise ConfigError(f"OPENAPI_SPEC {str(path)!r} is not a file")
    return path


def main() -> int:
    """``python -m thoughts_api.config``: check the configuration, print one line if it is wrong."""
    try:
        Settings.from_env()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
