"""The thought table and the per-request database session.

Alembic (``jobs/seed``) owns the schema; this model only maps it. The engine
connects lazily, so building the app does no database work.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, String, create_engine, event, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

EXTENSION_NAME = "thoughts.database"
USERNAME_MAX_LENGTH = 50
TEXT_MAX_LENGTH = 250  # also the document's maxLength for a thought's text


class Base(DeclarativeBase):
    pass


def utc_now() -> datetime:
    """Naive UTC: the API's timestamps carry no offset, by contract."""
    return datetime.now(UTC).replace(tzinfo=None)


class ThoughtModel(Base):
    __tablename__ = "thought_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX_LENGTH), index=True)
    text: Mapped[str] = mapped_column(String(TEXT_MAX_LENGTH))
    timestamp: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "username": self.username,
            "text": self.text,
            "timestamp": self.timestamp.isoformat(),
        }


def make_engine(url: URL, **options) -> Engine:
    """An engine that answers the same on SQLite as on PostgreSQL."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **options)
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(connection: sqlite3.Connection, _record) -> None:
    # SQLite's lower() folds ASCII only; PostgreSQL's folds all of Unicode.
    # Python's str.lower makes case-insensitive search agree on both.
    connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    # Several uWSGI workers share the file: let readers and one writer overlap,
    # and wait for a lock instead of failing at once.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=5000")


def _unicode_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


class Database:
    """The engine and a session factory, attached to one Flask app."""

    def __init__(self, url: URL) -> None:
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION_NAME] = self
        app.teardown_appcontext(_close_session)

    def ping(self) -> None:
        """One round trip that also proves the seed job has created the table."""
        with self.engine.connect() as connection:
            connection.execute(select(ThoughtModel.id).limit(1))


def current_database() -> Database:
    return current_app.extensions[EXTENSION_NAME]


def current_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = current_database().sessionmaker()
    return g.db_session


def _close_session(_exception: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
