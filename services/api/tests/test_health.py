"""Liveness answers without the database; readiness needs a migrated one."""

import dataclasses

import pytest
from sqlalchemy import URL
from sqlalchemy.exc import InterfaceError

# Nothing listens on port 1 of the loopback: the database is down.
UNREACHABLE_POSTGRES = URL.create("postgresql+psycopg2", username="u", password="p", host="127.0.0.1", port=1)


@pytest.fixture
def client_without_database(make_app, settings):
    settings = dataclasses.replace(settings, database_url=UNREACHABLE_POSTGRES)
    with make_app(settings).test_client() as client:
        yield client


def test_healthz(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_healthz_does_not_need_the_database(client_without_database):
    response = client_without_database.get("/healthz")

    assert response.status_code == 200


def test_readyz_with_the_database_down(client_without_database):
    response = client_without_database.get("/readyz")

    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Database not ready (OperationalError)"


def test_readyz_before_migrations(make_app, settings, tmp_path):
    unmigrated = URL.create("sqlite+pysqlite", database=str(tmp_path / "empty.sqlite3"))
    settings = dataclasses.replace(settings, database_url=unmigrated)

    with make_app(settings).test_client() as client:
        response = client.get("/readyz")

    assert response.status_code == 503


def test_database_down_on_a_route_is_a_503_problem(client_without_database):
    response = client_without_database.get("/api/thoughts/")

    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_dropped_connection_is_a_503_problem(client, monkeypatch):
    def dropped_connection():
        raise InterfaceError("SELECT", {}, Exception("connection already closed"))

    monkeypatch.setattr("thoughts_api.thoughts.current_session", dropped_connection)

    response = client.get("/api/thoughts/1/")

    assert response.status_code == 503
    assert response.json()["detail"] == "Database not ready (InterfaceError)"
