"""Fixtures for the API's contract tests.

Every test that uses a database runs once per backend chosen by ``--db``:
SQLite (a fresh file) and PostgreSQL (the server that ``DATABASE_URL`` or the
``POSTGRES_*`` variables name). Without a PostgreSQL server those runs skip
with the reason, except in CI or when ``--db=postgresql`` asks for it, where a
missing server is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import URL, Engine, text

from thoughts_api.app import create_app
from thoughts_api.config import DEFAULT_SPEC_PATH, ConfigError, Settings, database_url_from_env
from thoughts_api.database import make_engine
from thoughts_api.devtokens import generate_key_pair, sign_token
from thoughts_seed.job import migrate
from thoughts_seed.locks import database_lock

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
        # The tests empty the table: never point them at a real database.
        pytest.fail(f"refusing to test against database {url.database!r}: its name must contain 'test'")
    return url


@pytest.fixture(scope="session")
def engine(database_url: URL, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The test database, migrated to head by the seed job's own code."""
    engine = make_engine(database_url)
    try:
        with database_lock(engine) as connection:
            migrate(connection)
    except Exception as error:
        if database_url.get_backend_name() == "postgresql":
            skip_or_fail(request.config, f"PostgreSQL at {database_url.host}:{database_url.port} unusable: {error}")
        raise
    yield engine
    engine.dispose()


@pytest.fixture
def empty_database(engine: Engine) -> Engine:
    """No thoughts, and ids starting again at 1, on both backends."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE thought_model RESTART IDENTITY"))
        else:
            connection.execute(text("DELETE FROM thought_model"))
    return engine


@pytest.fixture(scope="session")
def key_pair() -> tuple[bytes, bytes]:
    return generate_key_pair()


@pytest.fixture
def settings(empty_database: Engine, key_pair: tuple[bytes, bytes]) -> Settings:
    return Settings(
        database_url=empty_database.url,
        jwt_public_key=load_pem_public_key(key_pair[1]),
        spec_path=DEFAULT_SPEC_PATH,
    )


@pytest.fixture
def app(settings: Settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    with app.test_client() as client:
        yield client


@pytest.fixture
def token(key_pair: tuple[bytes, bytes]) -> Callable[..., str]:
    """``token("alice", admin=True)``: a valid RS256 token."""

    def make(username: str, **options) -> str:
        return sign_token(key_pair[0], username, **options)

    return make


@pytest.fixture
def auth(token: Callable[..., str]) -> Callable[..., dict[str, str]]:
    """``auth("alice")``: the Authorization header for a valid token."""

    def headers(username: str, **options) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(username, **options)}"}

    return headers


@pytest.fixture
def post_thought(client, auth) -> Callable[[str, str], dict]:
    """``post_thought("alice", "text")``: create a thought through the API."""

    def post(username: str, text: str) -> dict:
        response = client.post("/api/me/thoughts/", json={"text": text}, headers=auth(username))
        assert response.status_code == 201, response.text
        return response.json()

    return post
