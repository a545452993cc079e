"""Database backends for every test suite in the repository.

Every test that asks for ``backend`` (or a fixture built on it) runs once per
backend chosen by ``--db``: SQLite (a fresh file) and PostgreSQL (the server
that ``DATABASE_URL`` or the ``POSTGRES_*`` variables name). Without a
PostgreSQL server those runs skip with the reason, except in CI or when
``--db=postgresql`` asks for it, where a missing server is a failure.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import URL, create_engine
from sqlalchemy.exc import OperationalError

from thoughts_api.config import ConfigError, database_url_from_env

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=[*BACKENDS, "all"],
        # Compose's test services choose theirs through the environment.
        default=os.environ.get("TEST_DB", "all"),
        help="database backend(s) for the tests that use one (default: $TEST_DB, else all)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        choice = metafunc.config.getoption("--db")
        backends = BACKENDS if choice == "all" else (choice,)
        params = [pytest.param(name, marks=getattr(pytest.mark, name)) for name in backends]
        metafunc.parametrize("backend", params, scope="session")


def postgres_url_from_env() -> URL | None:
    """The PostgreSQL server the environment names, if it names one."""
    try:
        url = database_url_from_env()
    except ConfigError:
        return None
    return url if url.get_backend_name() == "postgresql" else None


def skip_or_fail(config: pytest.Config, reason: str) -> None:
    """Skip on a developer's machine; fail where PostgreSQL was promised."""
    if os.environ.get("CI", "").lower() in ("1", "true") or config.getoption("--db") == "postgresql":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> URL:
    if backend == "sqlite":
        return URL.create("sqlite+pysqlite", database=str(tmp_path_factory.mktemp("sqlite") / "thoughts.sqlite3"))
    url = postgres_url_from_env()
    if url is None:
        skip_or_fail(request.config, "PostgreSQL not configured: set DATABASE_URL or DATABASE_ENGINE=POSTGRESQL")
    if "test" not in (url.database or ""):
        # The tests empty tables: never point them at a real database.
        pytest.fail(f"refusing to test against database {url.database!r}: its name must contain 'test'")
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        skip_or_fail(request.config, f"PostgreSQL at {url.host}:{url.port} unreachable: {error.orig}".strip())
    finally:
        engine.dispose()
    return url
