"""``thoughts-seed``: the one-shot job that readies the database for the service.

It waits for the database (bounded), migrates it to head while holding a lock
so that two runs at once cannot interleave, then adds the demo thoughts if the
table is empty and ``--count`` generated ones if asked. A second run changes
nothing. Failures end with one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Connection, Engine, func, insert, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from thoughts_api.config import ConfigError, database_url_from_env
from thoughts_api.database import ThoughtModel, make_engine, utc_now
from thoughts_seed.locks import database_lock

DEMO_THOUGHTS = (
    ("bruce", "Waiting for the final cut"),
    ("stephen", "Spec first, then code: the document is the contract"),
    ("stephen", "Small images start fast and ship fast"),
    ("alice", "A migration a day keeps the drift away"),
    ("alice", "¿Quién escribió esto? Unicode works too"),
)
GENERATED_BATCH_SIZE = 5_000


class JobError(Exception):
    """The job cannot finish; the message is the one line to show."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="thoughts-seed", description=__doc__.splitlines()[0])
    parser.add_argument("--migrate-only", action="store_true", help="stop once the schema is at head")
    parser.add_argument("--count", type=_non_negative, default=0, metavar="N", help="add N generated thoughts")
    parser.add_argument(
        "--wait", type=_non_negative, default=30, metavar="SECONDS", help="how long to wait for the database"
    )
    return parser.parse_args(argv)


def _non_negative(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}")
    return int(value)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        url = database_url_from_env()
        create_sqlite_directory(url)
        engine = make_engine(url)
        try:
            run(engine, args)
        finally:
            engine.dispose()
    except (ConfigError, JobError) as error:
        print(f"seed: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(f"seed: database error: {_first_line(error)}", file=sys.stderr)
        return 1
    return 0


def run(engine: Engine, args: argparse.Namespace) -> None:
    """Wait for the database, then migrate and seed under the lock."""
    wait_for_database(engine, timeout_seconds=args.wait)
    with database_lock(engine) as connection:
        migrate(connection)
        if not args.migrate_only:
            seed_demo_thoughts(connection)
            add_generated_thoughts(connection, args.count)


def create_sqlite_directory(url: URL) -> None:
    """SQLite creates the file, but not the folder it goes in."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def wait_for_database(engine: Engine, *, timeout_seconds: float, interval_seconds: float = 1.0) -> None:
    """Retry a connection until it works or ``timeout_seconds`` have passed."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except OperationalError as error:
            if time.monotonic() + interval_seconds > deadline:
                raise JobError(
                    f"database {engine.url.render_as_string(hide_password=True)} not reachable "
                    f"after {timeout_seconds:g} s: {_first_line(error)}"
                ) from None
            time.sleep(interval_seconds)
        else:
            print("seed: database is reachable")
            return


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's settings for the migrations in this package, run on ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", "thoughts_seed:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(connection: Connection) -> None:
    """Upgrade the schema to the newest revision, on the locked connection."""
    command.upgrade(alembic_config(connection), "head")
    connection.commit()
    print("seed: schema is at head")


def seed_demo_thoughts(connection: Connection) -> None:
    """The demo set, only into an empty table: a second run adds nothing."""
    existing = connection.scalar(select(func.count()).select_from(ThoughtModel))
    if existing:
        print(f"seed: {existing} thoughts already present, demo data skipped")
        return
    now = utc_now()
    rows = [{"username": user, "text": body, "timestamp": now} for user, body in DEMO_THOUGHTS]
    connection.execute(insert(ThoughtModel), rows)
    connection.commit()
    print(f"seed: added {len(rows)} demo thoughts")


def add_generated_thoughts(connection: Connection, count: int) -> None:
    """``count`` generated thoughts, inserted in large batches for speed."""
    now = utc_now()
    for start in range(0, count, GENERATED_BATCH_SIZE):
        stop = min(start + GENERATED_BATCH_SIZE, count)
        rows = [
            {"username": f"user{number % 100}", "text": f"Generated thought number {number}", "timestamp": now}
            for number in range(start, stop)
        ]
        connection.execute(insert(ThoughtModel), rows)
        connection.commit()
    if count:
        print(f"seed: added {count} generated thoughts")


def _first_line(error: Exception) -> str:
    message = str(getattr(error, "orig", None) or error).strip()
    return message.splitlines()[0] if message else type(error).__name__
