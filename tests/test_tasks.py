"""The Invoke tasks' own logic: the commands they run, the environment they pass, their errors.

Commands go to ``invoke.MockContext``, which records them and runs nothing, so
no Docker engine is needed. Each test gets an empty repository root in a
temporary folder and a fixed virtualenv path, so the expected commands can be
written out in full.
"""

from __future__ import annotations

import gc
import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest
from invoke import Config, Context, MockContext, Result
from invoke.exceptions import Exit, UnexpectedExit

from thoughts_api.devtokens import ensure_key_pair, generate_key_pair


def _import_tasks():
    """tasks.py sits at the repository root, which plain `pytest` does not put on sys.path."""
    path = Path(__file__).resolve().parents[1] / "tasks.py"
    spec = importlib.util.spec_from_file_location("tasks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tasks = _import_tasks()

VENV_BIN = Path("/venv/bin")
NO_ENGINE = Result(exited=1, stderr="Cannot connect to the Docker daemon")
SETTINGS = (
    "DATABASE_URL",
    "DATABASE_ENGINE",
    "SQLITE_PATH",
    "MASTER_FIFO",
    "UWSGI_PROCESSES",
    "LISTEN_ADDRESS",
    "JWT_PUBLIC_KEY_FILE",
    "JWT_PUBLIC_KEY",
    "JWT_PRIVATE_KEY_FILE",
    "API_PORT",
    "API_IMAGE",
    "SEED_IMAGE",
    "IMAGE_TAG",
    "IMAGE_REGISTRY",
)


@pytest.fixture(autouse=True)
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository root, made the current directory, with no user settings."""
    monkeypatch.setattr(tasks, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(tasks, "VENV_BIN", VENV_BIN)
    monkeypatch.chdir(tmp_path)
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def mock_context(run=None, *, dry: bool = False) -> MockContext:
    """A context on which every command succeeds, unless ``run`` says otherwise."""
    config = Config(overrides={"run": {"dry": dry}})
    return MockContext(config=config, run=Result() if run is None else run)


def commands(c: MockContext) -> list[str]:
    return [call.args[0] for call in c.run.call_args_list]


def record_directories(c: MockContext) -> list[tuple[str, str]]:
    """Make ``c`` note each command with the directory it is run in ('' for the current one)."""
    seen = []

    def run(command, **kwargs):
        seen.append((command, c.cwd))
        return Result()

    c.run.side_effect = run
    return seen


def make_file(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def decode(token: str, public_key_path: Path) -> dict:
    return jwt.decode(token, public_key_path.read_bytes(), algorithms=["RS256"])


# keys


def test_keys_creates_the_pair_in_var_keys_and_prints_both_paths(root, capsys):
    tasks.keys(mock_context())

    private_key, public_key = root / "var/keys/jwt-private.pem", root / "var/keys/jwt-public.pem"
    assert private_key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public_key.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert capsys.readouterr().out.splitlines() == [
        f"Private key (signs tokens):   {private_key}",
        f"Public key (verifies tokens): {public_key}",
    ]


def test_keys_keeps_an_existing_pair(root):
    (root / "var/keys").mkdir(parents=True)
    (root / "var/keys/jwt-private.pem").write_text("kept private")
    (root / "var/keys/jwt-public.pem").write_text("kept public")

    tasks.keys(mock_context())

    assert (root / "var/keys/jwt-private.pem").read_text() == "kept private"
    assert (root / "var/keys/jwt-public.pem").read_text() == "kept public"


# token


def test_token_is_signed_with_the_development_key(root, capsys):
    tasks.token(mock_context(), "alice", ttl=60)

    claims = decode(capsys.readouterr().out.strip(), root / "var/keys/jwt-public.pem")
    assert claims["username"] == "alice"
    assert "admin" not in claims
    assert 55 <= claims["exp"] - datetime.now(UTC).timestamp() <= 60


def test_token_admin_adds_the_admin_claim(root, capsys):
    tasks.token(mock_context(), "root", admin=True)

    claims = decode(capsys.readouterr().out.strip(), root / "var/keys/jwt-public.pem")
    assert claims["admin"] is True


def test_token_uses_JWT_PRIVATE_KEY_FILE_and_creates_no_development_keys(root, tmp_path_factory, monkeypatch, capsys):
    elsewhere = tmp_path_factory.mktemp("keys")
    private_key, public_key = ensure_key_pair(elsewhere)
    monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", str(private_key))

    tasks.token(mock_context(), "bob")

    assert decode(capsys.readouterr().out.strip(), public_key)["username"] == "bob"
    assert not (root / "var").exists()


def test_token_with_a_missing_key_file_exits_with_one_line(monkeypatch):
    monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", "/nowhere/key.pem")

    with pytest.raises(Exit) as raised:
        tasks.token(mock_context(), "alice")

    assert raised.value.code == 1
    assert raised.value.message == "JWT_PRIVATE_KEY_FILE '/nowhere/key.pem' cannot be read: No such file or directory"


def test_token_with_a_public_key_file_exits_with_one_line(root, monkeypatch):
    (root / "public.pem").write_bytes(generate_key_pair()[1])
    monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", str(root / "public.pem"))

    with pytest.raises(Exit) as raised:
        tasks.token(mock_context(), "alice")

    assert raised.value.message == (
        f"JWT_PRIVATE_KEY_FILE '{root}/public.pem' does not hold an unencrypted RSA private key (PEM)"
    )


# serve


def test_serve_runs_uwsgi_from_the_virtualenv_with_the_development_settings(root):
    c = mock_context()

    tasks.serve(c, port=8123)

    c.run.assert_called_once_with(
        "/venv/bin/uwsgi --ini services/api/uwsgi.ini",
        echo=True,
        pty=False,
        env={
            "SQLITE_PATH": f"{root}/var/thoughts.sqlite3",
            "MASTER_FIFO": f"{root}/var/uwsgi.fifo",
            "LISTEN_ADDRESS": "127.0.0.1:8123",
            "JWT_PUBLIC_KEY_FILE": f"{root}/var/keys/jwt-public.pem",
        },
    )
    assert (root / "var/keys/jwt-public.pem").is_file()


def test_serve_leaves_the_users_own_settings_alone(root, monkeypatch):
    monkeypatch.setenv("SQLITE_PATH", "/data/other.sqlite3")
    monkeypatch.setenv("MASTER_FIFO", "/run/fifo")
    monkeypatch.setenv("JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----...")
    c = mock_context()

    tasks.serve(c)

    assert c.run.call_args.kwargs["env"] == {"LISTEN_ADDRESS": "127.0.0.1:8000"}
    assert not (root / "var/keys").exists()


def test_serve_passes_the_number_of_processes(root):
    c = mock_context()

    tasks.serve(c, processes="4")

    assert c.run.call_args.kwargs["env"]["UWSGI_PROCESSES"] == "4"


def test_serve_prints_the_url_and_how_to_get_a_token(capsys):
    tasks.serve(mock_context(), port=8123)

    assert capsys.readouterr().out.splitlines() == [
        "Thoughts API: http://127.0.0.1:8123  (Swagger UI: http://127.0.0.1:8123/ui/)",
        "A token:      .venv/bin/invoke token alice  (--admin for one that may delete)",
        'Try:          curl -H "Authorization: Bearer $(.venv/bin/invoke token alice)" '
        "http://127.0.0.1:8123/api/me/thoughts/",
    ]


def test_serve_under_dry_creates_no_files(root):
    tasks.serve(mock_context(dry=True))

    assert list(root.iterdir()) == []


# seed


def test_seed_local_runs_the_job_from_the_virtualenv_on_the_default_sqlite_file(root):
    c = mock_context()

    tasks.seed(c, local=True)

    c.run.assert_called_once_with(
        "/venv/bin/thoughts-seed", echo=True, env={"SQLITE_PATH": f"{root}/var/thoughts.sqlite3"}
    )


def test_seed_local_passes_migrate_only_and_count():
    c = mock_context()

    tasks.seed(c, local=True, migrate_only=True, count=500)

    assert commands(c) == ["/venv/bin/thoughts-seed --migrate-only --count 500"]


def test_seed_runs_the_compose_seed_service_with_the_pull_policy():
    c = mock_context()

    tasks.seed(c, count=10, pull="never")

    assert commands(c) == ["docker info", "docker compose run --rm --pull never seed --count 10"]


def test_seed_without_a_docker_engine_exits_with_one_line_and_runs_nothing_else():
    c = mock_context({"docker info": NO_ENGINE})

    with pytest.raises(Exit) as raised:
        tasks.seed(c)

    assert raised.value.message == (
        "No Docker engine answers (docker info failed). Start Docker, or set DOCKER_HOST to a running engine."
    )
    assert raised.value.code == 1
    assert commands(c) == ["docker info"]


def test_a_docker_task_without_the_docker_command_says_to_install_it():
    c = mock_context({"docker info": Result(exited=127)})

    with pytest.raises(Exit, match=r"^The docker command is not installed: install Docker with its compose plugin\.$"):
        tasks.ps(c)


# test


def test_test_local_runs_pytest_with_the_virtualenvs_python():
    c = mock_context()

    tasks.test(c, local=True)

    c.run.assert_called_once_with("/venv/bin/python -m pytest", echo=True)


def test_test_local_pg_selects_postgresql_and_quotes_the_keyword():
    c = mock_context()

    tasks.test(c, local=True, pg=True, keyword="health and not slow")

    assert commands(c) == ["/venv/bin/python -m pytest --db=postgresql -k 'health and not slow'"]


def test_test_runs_the_sqlite_suite_in_compose_by_default():
    c = mock_context()

    tasks.test(c)

    assert commands(c) == ["docker info", "docker compose run --rm test-sqlite"]


def test_test_pg_runs_the_postgresql_suite_in_compose_with_keyword_and_pull():
    c = mock_context()

    tasks.test(c, pg=True, keyword="health", pull="never")

    assert commands(c) == ["docker info", "docker compose run --rm --pull never test-postgresql -k health"]


@pytest.fixture
def real_context():
    """A Context that really runs commands, without reading pytest's stdin."""
    yield Context(Config(overrides={"run": {"in_stream": False}}))
    gc.collect()  # Invoke leaves the pipes of a finished command to the garbage collector


# The fixture's collection closes those pipes within this test, where their warning is expected.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_test_fails_with_the_test_runs_exit_status(root, monkeypatch, real_context):
    fake_python = make_file(root / "bin/python", "#!/bin/sh\nexit 3\n")
    fake_python.chmod(0o755)
    monkeypatch.setattr(tasks, "VENV_BIN", root / "bin")

    with pytest.raises(UnexpectedExit) as raised:
        tasks.test(real_context, local=True)

    assert raised.value.result.exited == 3


# lock


def test_lock_recompiles_the_four_files_in_order_the_way_they_were_made(root):
    c = mock_context()
    ran = record_directories(c)

    tasks.lock(c)

    options = "--strip-extras --no-header --no-emit-index-url --no-emit-find-links"
    assert ran == [
        (
            f"/venv/bin/pip-compile {options} --output-file services/api/requirements.txt services/api/pyproject.toml",
            "",
        ),
        (
            f"/venv/bin/pip-compile {options} --extra test --constraint services/api/requirements.txt "
            "--output-file services/api/requirements-test.txt services/api/pyproject.toml",
            "",
        ),
        (f"/venv/bin/pip-compile {options} --output-file requirements.txt requirements.in", f"{root}/jobs/seed"),
        (f"/venv/bin/pip-compile {options} --output-file requirements-dev.txt requirements-dev.in", ""),
    ]


def test_lock_names_itself_as_the_command_that_made_the_files():
    c = mock_context()

    tasks.lock(c)

    assert {call.kwargs["env"]["CUSTOM_COMPILE_COMMAND"] for call in c.run.call_args_list} == {"invoke lock"}


# the repository root as working directory


def test_a_task_started_in_another_directory_runs_its_commands_from_the_root(root, monkeypatch):
    (root / "services/api").mkdir(parents=True)
    monkeypatch.chdir(root / "services/api")
    c = mock_context()
    ran = record_directories(c)

    tasks.test(c, local=True)

    assert ran == [("/venv/bin/python -m pytest", str(root))]


# lint


@pytest.fixture
def lintable(root, monkeypatch) -> Path:
    """Our two Dockerfiles plus files lint must pass over, and a virtualenv with hadolint."""
    make_file(root / "services/api/Dockerfile")
    make_file(root / "services/api/Dockerfile.dockerignore")
    make_file(root / "jobs/seed/Dockerfile")
    make_file(root / ".ci/standins/postgres.standin.Dockerfile")
    make_file(root / "bin/hadolint")
    monkeypatch.setattr(tasks, "VENV_BIN", root / "bin")
    return root


def test_lint_runs_ruff_hadolint_on_our_dockerfiles_and_compose_config(lintable):
    c = mock_context()

    tasks.lint(c)

    assert commands(c) == [
        f"{lintable}/bin/ruff check .",
        f"{lintable}/bin/ruff format --check .",
        f"{lintable}/bin/hadolint jobs/seed/Dockerfile services/api/Dockerfile",
        "docker compose version",
        "docker compose config --quiet",
    ]


def test_lint_runs_every_check_and_then_names_the_failed_ones(lintable):
    c = mock_context({re.compile(r".*ruff check"): Result(exited=1), re.compile(".*"): Result()})

    with pytest.raises(Exit) as raised:
        tasks.lint(c)

    assert raised.value.message == f"lint failed: {lintable}/bin/ruff check ."
    assert len(commands(c)) == 5


def test_lint_without_hadolint_says_how_to_install_it_and_fails(lintable, capsys):
    (lintable / "bin/hadolint").unlink()

    with pytest.raises(Exit, match=r"^lint failed: hadolint$"):
        tasks.lint(mock_context())

    assert f"{lintable}/bin/hadolint is missing: `make install` installs it" in capsys.readouterr().out


def test_lint_skips_the_compose_file_when_compose_is_not_installed(lintable, capsys):
    c = mock_context({"docker compose version": Result(exited=1), re.compile(".*"): Result()})

    tasks.lint(c)

    assert "docker compose config --quiet" not in commands(c)
    assert "docker compose is not installed, so docker-compose.yml was not checked." in capsys.readouterr().out


# clean


@pytest.fixture
def leftovers(root) -> Path:
    for path in (
        "services/api/thoughts_api/__pycache__/app.cpython-311.pyc",
        "services/api/thoughts_api.egg-info/PKG-INFO",
        "services/api/build/lib/x.py",
        ".pytest_cache/README.md",
        ".ruff_cache/CACHEDIR.TAG",
        ".venv/lib/__pycache__/kept.pyc",
        ".git/build/kept",
        "var/keys/jwt-private.pem",
        "var/thoughts.sqlite3",
        "tasks.py",
    ):
        make_file(root / path)
    return root


def remaining(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_clean_removes_caches_and_build_leftovers_only(leftovers):
    tasks.clean(mock_context())

    assert remaining(leftovers) == [
        ".git/build/kept",
        ".venv/lib/__pycache__/kept.pyc",
        "tasks.py",
        "var/keys/jwt-private.pem",
        "var/thoughts.sqlite3",
    ]


def test_clean_all_also_removes_var(leftovers):
    tasks.clean(mock_context(), all_=True)

    assert remaining(leftovers) == [".git/build/kept", ".venv/lib/__pycache__/kept.pyc", "tasks.py"]


def test_clean_removes_a_linked_cache_but_not_what_it_points_to(root, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    make_file(outside / "precious.txt", "keep me")
    (root / "__pycache__").symlink_to(outside, target_is_directory=True)

    tasks.clean(mock_context())

    assert not (root / "__pycache__").exists()
    assert (outside / "precious.txt").read_text() == "keep me"


def test_clean_under_dry_only_says_what_it_would_remove(leftovers, capsys):
    before = remaining(leftovers)

    tasks.clean(mock_context(dry=True), all_=True)

    assert remaining(leftovers) == before
    assert capsys.readouterr().out.splitlines() == [
        "would remove .pytest_cache",
        "would remove .ruff_cache",
        "would remove services/api/build",
        "would remove services/api/thoughts_api.egg-info",
        "would remove services/api/thoughts_api/__pycache__",
        "would remove var",
    ]


# Docker: build, up, down, logs, ps, shell, psql


def test_build_builds_every_service_tests_included():
    c = mock_context()

    tasks.build(c)

    assert commands(c) == ["docker info", "docker compose --profile test build"]


def test_build_builds_only_the_services_named():
    c = mock_context()

    tasks.build(c, service=["api", "seed"])

    assert commands(c) == ["docker info", "docker compose build api seed"]


def test_up_builds_then_starts_the_api_and_waits_for_health(root):
    c = mock_context()

    tasks.up(c)

    assert commands(c) == [
        "docker info",
        "docker compose build",
        "docker compose up --detach --wait --wait-timeout 120 api",
    ]
    assert c.run.call_args.kwargs == {"echo": True}


def test_up_makes_the_key_pair_the_api_container_mounts(root):
    tasks.up(mock_context())

    assert (root / "var/keys/jwt-public.pem").is_file()


def test_up_passes_pull_and_timeout_and_can_skip_the_build():
    c = mock_context()

    tasks.up(c, pull="never", timeout=300, build=False)

    assert commands(c) == ["docker info", "docker compose up --detach --wait --wait-timeout 300 --pull never api"]


def test_up_prints_the_url_with_API_PORT_from_dotenv(root, capsys):
    make_file(root / ".env", "API_PORT=8080\n")

    tasks.up(mock_context())

    assert "Thoughts API: http://127.0.0.1:8080  (Swagger UI: http://127.0.0.1:8080/ui/)" in capsys.readouterr().out


def test_up_under_dry_echoes_the_commands_and_changes_nothing(root, capsys):
    # A real Context, as `invoke --dry up` makes: it echoes and runs nothing, no engine needed.
    tasks.up(Context(Config(overrides={"run": {"dry": True}})))

    echoed = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in capsys.readouterr().out.splitlines()]
    assert echoed[:3] == [
        "docker info",
        "docker compose build",
        "docker compose up --detach --wait --wait-timeout 120 api",
    ]
    assert list(root.iterdir()) == []


def test_down_removes_the_test_containers_too():
    c = mock_context()

    tasks.down(c)

    assert commands(c) == ["docker info", "docker compose --profile test down --remove-orphans"]


def test_down_volumes_also_removes_the_database_volume():
    c = mock_context()

    tasks.down(c, volumes=True)

    assert commands(c)[-1] == "docker compose --profile test down --remove-orphans --volumes"


def test_logs_follows_one_service():
    c = mock_context()

    tasks.logs(c, service="api", follow=True)

    assert commands(c) == ["docker info", "docker compose logs --follow api"]


def test_ps_lists_stopped_containers_too():
    c = mock_context()

    tasks.ps(c)

    assert commands(c) == ["docker info", "docker compose ps --all"]


def test_shell_enters_the_api_container_on_a_pty():
    c = mock_context()

    tasks.shell(c)

    c.run.assert_called_with("docker compose exec api sh", echo=True, pty=True)


def test_psql_lets_the_db_container_expand_its_own_credentials():
    c = mock_context()

    tasks.psql(c)

    c.run.assert_called_with(
        """docker compose exec db sh -c 'exec psql -U "$POSTGRES_USER" -d "$POSTGRES_DB"'""", echo=True, pty=True
    )


# Docker: tag and push


def test_tag_tags_both_images_from_the_current_tag():
    c = mock_context()

    tasks.tag_images(c, tag="1.0.0")

    assert commands(c) == [
        "docker info",
        "docker tag thoughts-api:dev thoughts-api:1.0.0",
        "docker tag thoughts-seed:dev thoughts-seed:1.0.0",
    ]


def test_tag_also_tags_for_the_registry_in_dotenv(root):
    make_file(root / ".env", "IMAGE_REGISTRY=localhost:5000\nIMAGE_TAG=ci\n")
    c = mock_context()

    tasks.tag_images(c, tag="1.0.0")

    assert commands(c)[1:] == [
        "docker tag thoughts-api:ci thoughts-api:1.0.0",
        "docker tag thoughts-api:ci localhost:5000/thoughts-api:1.0.0",
        "docker tag thoughts-seed:ci thoughts-seed:1.0.0",
        "docker tag thoughts-seed:ci localhost:5000/thoughts-seed:1.0.0",
    ]


def test_push_tags_and_pushes_both_images_to_the_registry():
    c = mock_context()

    tasks.push(c, registry="registry.example:5000", tag="1.0.0")

    assert commands(c) == [
        "docker info",
        "docker tag thoughts-api:dev registry.example:5000/thoughts-api:1.0.0",
        "docker push registry.example:5000/thoughts-api:1.0.0",
        "docker tag thoughts-seed:dev registry.example:5000/thoughts-seed:1.0.0",
        "docker push registry.example:5000/thoughts-seed:1.0.0",
    ]


def test_push_defaults_to_IMAGE_REGISTRY_and_IMAGE_TAG(monkeypatch):
    monkeypatch.setenv("IMAGE_REGISTRY", "localhost:5000")
    monkeypatch.setenv("IMAGE_TAG", "ci")
    c = mock_context()

    tasks.push(c)

    assert commands(c)[1:3] == [
        "docker tag thoughts-api:ci localhost:5000/thoughts-api:ci",
        "docker push localhost:5000/thoughts-api:ci",
    ]


def test_push_without_a_registry_exits_before_touching_docker():
    c = mock_context()

    with pytest.raises(Exit) as raised:
        tasks.push(c)

    assert raised.value.message == "push needs a registry: --registry HOST[:PORT], or IMAGE_REGISTRY in .env"
    assert commands(c) == []


# .env reading, for image names, tag, registry and port


def test_dotenv_reads_key_value_lines_as_compose_does(root):
    dotenv = make_file(
        root / ".env",
        "# Settings for compose\n"
        "\n"
        "API_IMAGE=thoughts-api\n"
        "IMAGE_TAG='1.0 beta'\n"
        'IMAGE_REGISTRY="localhost:5000"\n'
        "export API_PORT=8080  # host port\n"
        "POSTGRES_PASSWORD=pa#ss\n"
        "EMPTY=\n",
    )

    assert tasks._dotenv(dotenv) == {
        "API_IMAGE": "thoughts-api",
        "IMAGE_TAG": "1.0 beta",
        "IMAGE_REGISTRY": "localhost:5000",
        "API_PORT": "8080",
        "POSTGRES_PASSWORD": "pa#ss",
        "EMPTY": "",
    }


def test_the_environment_overrides_dotenv_which_overrides_the_default(root, monkeypatch):
    make_file(root / ".env", "API_IMAGE=from-dotenv\nSEED_IMAGE=seed-from-dotenv\n")
    monkeypatch.setenv("API_IMAGE", "from-environment")

    assert tasks._image_names() == ["from-environment", "seed-from-dotenv"]
    assert tasks._compose_setting("IMAGE_TAG", "dev") == "dev"
