"""Fixtures for the API's contract tests: a migrated database, the app, tokens.

The database backends come from the root conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import connexion
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import URL, Engine, text

from thoughts_api.app import create_app
from thoughts_api.config import DEFAULT_SPEC_PATH, Settings
from thoughts_api.database import EXTENSION_NAME, make_engine
from thoughts_api.devtokens import generate_key_pair, sign_token
from thoughts_seed.job import migrate
from thoughts_seed.locks import database_lock


@pytest.fixture(scope="session")
def engine(database_url: URL) -> Iterator[Engine]:
    """The test database, migrated to head by the seed job's own code."""
    engine = make_engine(database_url)
    with database_lock(engine) as connection:
        migrate(connection)
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
def make_app() -> Iterator[Callable[..., connexion.FlaskApp]]:
    """``make_app(settings)``: ``create_app``, with the app's engine closed after the test.

    An engine left open is a ResourceWarning on Python 3.13, and warnings are errors here.
    """
    apps: list[connexion.FlaskApp] = []

    def make(settings: Settings, **options) -> connexion.FlaskApp:
        app = create_app(settings, **options)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.app.extensions[EXTENSION_NAME].engine.dispose()


@pytest.fixture
def app(make_app, settings: Settings) -> connexion.FlaskApp:
    return make_app(settings)


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
