"""One job at a time per database, so concurrent runs cannot interleave."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text

# Any constant works; this one spells "thought" in ASCII.
ADVISORY_LOCK_KEY = 0x74686F75676874


@contextmanager
def database_lock(engine: Engine) -> Iterator[Connection]:
    """A connection that holds the job's lock until the block ends.

    PostgreSQL: a session-level advisory lock, so it outlives the migration's
    own transactions. SQLite: an exclusive ``flock`` on a file beside the
    database, since SQLite has no advisory locks.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()
            try:
                yield connection
            finally:
                connection.rollback()
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                connection.commit()
        else:
            with _file_lock(engine.url.database):
                yield connection


@contextmanager
def _file_lock(database_path: str | None) -> Iterator[None]:
    if not database_path or database_path == ":memory:":
        yield  # a private in-memory database has no second writer
        return
    lock_path = Path(f"{database_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield
