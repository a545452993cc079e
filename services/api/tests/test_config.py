"""Configuration from the environment: what each variable means, and one clear line when it is wrong."""

import subprocess
import sys

import pytest
from sqlalchemy import URL

from thoughts_api.config import (
    DEFAULT_SPEC_PATH,
    ConfigError,
    Settings,
    database_url_from_env,
    jwt_public_key_from_env,
    spec_path_from_env,
)
from thoughts_api.devtokens import generate_key_pair

POSTGRES_PARTS = {
    "DATABASE_ENGINE": "POSTGRESQL",
    "POSTGRES_HOST": "db",
    "POSTGRES_PORT": "5432",
    "POSTGRES_DB": "thoughts",
    "POSTGRES_USER": "thoughts",
    "POSTGRES_PASSWORD": "p@ss:word/",
}


@pytest.fixture(scope="module")
def public_pem() -> str:
    return generate_key_pair()[1].decode()


def test_sqlite_is_the_default():
    assert database_url_from_env({}) == URL.create("sqlite+pysqlite", database="var/thoughts.sqlite3")


def test_sqlite_path():
    url = database_url_from_env({"DATABASE_ENGINE": "sqlite", "SQLITE_PATH": "/data/t.db"})

    assert url == URL.create("sqlite+pysqlite", database="/data/t.db")


def test_postgresql_from_parts_escapes_the_password():
    url = database_url_from_env(POSTGRES_PARTS)

    assert url.drivername == "postgresql+psycopg2"
    assert (url.host, url.port, url.database, url.username, url.password) == (
        "db",
        5432,
        "thoughts",
        "thoughts",
        "p@ss:word/",
    )


def test_database_url_wins_over_the_parts():
    url = database_url_from_env({**POSTGRES_PARTS, "DATABASE_URL": "sqlite:///elsewhere.db"})

    assert url.database == "elsewhere.db"


def test_plain_postgresql_url_uses_psycopg2():
    url = database_url_from_env({"DATABASE_URL": "postgresql://u:p@h:5/d"})

    assert url.drivername == "postgresql+psycopg2"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_ENGINE": "MYSQL"}, "DATABASE_ENGINE must be SQLITE or POSTGRESQL, not 'MYSQL'"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL is not a database URL"),
        ({"DATABASE_URL": "mysql://u@h/d"}, "DATABASE_URL must use sqlite or postgresql, not 'mysql'"),
        (
            {"DATABASE_ENGINE": "POSTGRESQL", "POSTGRES_HOST": "db"},
            "DATABASE_ENGINE=POSTGRESQL needs POSTGRES_PORT, POSTGRES_DB, POSTGRES_USER to be set",
        ),
        ({**POSTGRES_PARTS, "POSTGRES_PORT": "five"}, "POSTGRES_PORT must be a port number, not 'five'"),
        ({**POSTGRES_PARTS, "POSTGRES_PORT": "70000"}, "POSTGRES_PORT must be a port number, not '70000'"),
    ],
)
def test_bad_database_settings(environ, message):
    with pytest.raises(ConfigError, match=r"^" + message.replace("(", r"\(")):
        database_url_from_env(environ)


def test_public_key_from_text(public_pem):
    assert jwt_public_key_from_env({"JWT_PUBLIC_KEY": public_pem}).key_size == 2048


def test_public_key_from_file(public_pem, tmp_path):
    (tmp_path / "public.pem").write_text(public_pem)

    key = jwt_public_key_from_env({"JWT_PUBLIC_KEY_FILE": str(tmp_path / "public.pem")})

    assert key.key_size == 2048


def test_missing_public_key():
    with pytest.raises(ConfigError, match=r"^JWT_PUBLIC_KEY_FILE or JWT_PUBLIC_KEY must be set"):
        jwt_public_key_from_env({})


def test_unreadable_public_key_file(tmp_path):
    with pytest.raises(ConfigError, match=r"^JWT_PUBLIC_KEY_FILE '.*missing.pem' cannot be read"):
        jwt_public_key_from_env({"JWT_PUBLIC_KEY_FILE": str(tmp_path / "missing.pem")})


def test_public_key_that_is_not_pem():
    with pytest.raises(ConfigError, match=r"^JWT_PUBLIC_KEY does not hold a PEM public key$"):
        jwt_public_key_from_env({"JWT_PUBLIC_KEY": "hello"})


def test_private_key_is_not_accepted_as_public(tmp_path):
    private_pem = generate_key_pair()[0].decode()

    with pytest.raises(ConfigError, match=r"^JWT_PUBLIC_KEY does not hold a PEM public key$"):
        jwt_public_key_from_env({"JWT_PUBLIC_KEY": private_pem})


def test_spec_defaults_to_the_repository_document():
    assert spec_path_from_env({}) == DEFAULT_SPEC_PATH


def test_missing_spec_file(tmp_path):
    with pytest.raises(ConfigError, match=r"^OPENAPI_SPEC '.*nope.yaml' is not a file$"):
        spec_path_from_env({"OPENAPI_SPEC": str(tmp_path / "nope.yaml")})


def test_settings_from_env(public_pem):
    settings = Settings.from_env({"JWT_PUBLIC_KEY": public_pem, "SQLITE_PATH": "t.db"})

    assert settings.database_url.database == "t.db"
    assert settings.spec_path == DEFAULT_SPEC_PATH


def test_config_check_prints_one_line_and_fails():
    result = subprocess.run(
        [sys.executable, "-m", "thoughts_api.config"],
        env={"DATABASE_ENGINE": "ORACLE"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr == "configuration error: DATABASE_ENGINE must be SQLITE or POSTGRESQL, not 'ORACLE'\n"
