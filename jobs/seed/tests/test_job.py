"""The seed/migrate job, as `invoke seed --local` and the seed container run it."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import URL, create_engine, text

from thoughts_seed.job import DEMO_THOUGHTS, alembic_config, main

HEAD_REVISION = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture
def blank_database_url(backend, database_url, tmp_path) -> URL:
    """An empty database: a new SQLite file, or a new schema on the PostgreSQL test database."""
    if backend == "sqlite":
        yield URL.create("sqlite+pysqlite", database=str(tmp_path / "var" / "seed.sqlite3"))
        return
    schema = f"seed_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url)
    with admin.begin() as connection:
        # pg_trgm stays in public, outside the schema that is dropped afterwards.
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield database_url.update_query_dict({"options": f"-csearch_path={schema}"})
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def job_env(blank_database_url, monkeypatch) -> dict[str, str]:
    url = blank_database_url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    return {"DATABASE_URL": url}


def count_rows(url: URL, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(text(f"SELECT count(*) FROM {table}"))
    engine.dispose()
    return count


def schema_revision(url: URL) -> str:
    engine = create_engine(url)
    with engine.connect() as connection:
        revisions = connection.scalars(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    assert len(revisions) == 1
    return revisions[0]


def test_first_run_migrates_to_head_and_adds_the_demo_set(job_env, blank_database_url, capsys):
    assert main([]) == 0

    assert schema_revision(blank_database_url) == HEAD_REVISION
    assert count_rows(blank_database_url, "thought_model") == len(DEMO_THOUGHTS)
    assert capsys.readouterr().out.splitlines() == [
        "seed: database is reachable",
        "seed: schema is at head",
        f"seed: added {len(DEMO_THOUGHTS)} demo thoughts",
    ]


def test_second_run_changes_nothing(job_env, blank_database_url, capsys):
    assert main([]) == 0
    capsys.readouterr()

    assert main([]) == 0

    assert count_rows(blank_database_url, "thought_model") == len(DEMO_THOUGHTS)
    assert f"seed: {len(DEMO_THOUGHTS)} thoughts already present, demo data skipped" in capsys.readouterr().out


def test_migrate_only_adds_no_thoughts(job_env, blank_database_url):
    assert main(["--migrate-only"]) == 0

    assert schema_revision(blank_database_url) == HEAD_REVISION
    assert count_rows(blank_database_url, "thought_model") == 0


def test_count_adds_generated_thoughts(job_env, blank_database_url):
    assert main(["--count", "12345"]) == 0

    assert count_rows(blank_database_url, "thought_model") == len(DEMO_THOUGHTS) + 12345


def test_concurrent_runs_apply_everything_exactly_once(job_env, blank_database_url):
    command = [sys.executable, "-m", "thoughts_seed", "--wait", "10"]
    runs = [subprocess.Popen(command, env={**job_env, "PATH": ""}, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errors = [run.communicate(timeout=120)[1] for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0], errors
    assert schema_revision(blank_database_url) == HEAD_REVISION
    assert count_rows(blank_database_url, "thought_model") == len(DEMO_THOUGHTS)


def test_migrations_downgrade_and_upgrade_again(job_env, blank_database_url):
    assert main(["--migrate-only"]) == 0
    config = alembic_config()

    command.downgrade(config, "base")
    command.upgrade(config, "head")

    assert schema_revision(blank_database_url) == HEAD_REVISION


def test_unreachable_database_fails_with_one_line(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://seed:secret@127.0.0.1:1/thoughts")

    assert main(["--wait", "1"]) == 1

    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith(
        "seed: database postgresql+psycopg2://seed:***@127.0.0.1:1/thoughts not reachable after 1 s:"
    )


def test_bad_configuration_fails_with_one_line(monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_ENGINE", "POSTGRESQL")
    monkeypatch.delenv("POSTGRES_HOST", raising=False)

    assert main([]) == 1

    assert capsys.readouterr().err.startswith("seed: DATABASE_ENGINE=POSTGRESQL needs POSTGRES_HOST")


@pytest.mark.parametrize("count", ["-1", "many", "1.5"])
def test_count_must_be_a_whole_number(count, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--count", count])

    assert exit_info.value.code == 2
    assert "expected a whole number" in capsys.readouterr().err
