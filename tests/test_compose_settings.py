"""docker-compose.yml takes its settings from .env, under names of its own.

Compose reads a variable from the shell before .env. The host's own settings
(POSTGRES_PORT for a test server, say) must not silently move or rewire the
stack, so no name the compose file interpolates is one the API reads.
"""

import re

import tasks
from thoughts_api.config import POSTGRES_VARIABLES

REPO_ROOT = tasks.REPO_ROOT  # bound at import: some task tests point tasks.REPO_ROOT elsewhere
API_SETTINGS = {
    *POSTGRES_VARIABLES,
    "DATABASE_URL",
    "DATABASE_ENGINE",
    "SQLITE_PATH",
    "JWT_PUBLIC_KEY",
    "JWT_PUBLIC_KEY_FILE",
}
# ${NAME}, ${NAME:-default}, ${NAME:?error}; $${NAME} is left to the container's shell.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)")


def interpolated_names() -> set[str]:
    return set(INTERPOLATION.findall((REPO_ROOT / "docker-compose.yml").read_text()))


def test_the_compose_file_reads_none_of_the_apis_settings():
    assert interpolated_names() & API_SETTINGS == set()


def test_every_setting_the_compose_file_reads_is_in_dotenv_except_the_optional_ca():
    assert interpolated_names() - set(tasks._dotenv(REPO_ROOT / ".env")) == {"PIP_CA_FILE"}
