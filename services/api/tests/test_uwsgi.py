"""The real server: uWSGI with services/api/uwsgi.ini, as `invoke serve` and the image run it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from thoughts_api.devtokens import ensure_key_pair, sign_token

UWSGI_INI = Path(__file__).resolve().parents[1] / "uwsgi.ini"
UWSGI = Path(sys.executable).parent / "uwsgi"
START_TIMEOUT_SECONDS = 30
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def server_env(tmp_path_factory) -> dict[str, str]:
    state = tmp_path_factory.mktemp("uwsgi")
    private_key, public_key = ensure_key_pair(state / "keys")
    env = {
        **os.environ,
        "DATABASE_ENGINE": "SQLITE",
        "SQLITE_PATH": str(state / "thoughts.sqlite3"),
        "JWT_PUBLIC_KEY_FILE": str(public_key),
        "MASTER_FIFO": str(state / "uwsgi.fifo"),
        "LISTEN_ADDRESS": f"127.0.0.1:{free_port()}",
        "PRIVATE_KEY_FOR_TESTS": str(private_key),
    }
    env.pop("DATABASE_URL", None)
    return env


class ServerLog:
    """uWSGI's output, read on a thread so that the pipe never fills up."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self.lines.extend, args=(stream,), daemon=True)
        self._reader.start()

    def count(self, fragment: str) -> int:
        return sum(fragment in line for line in list(self.lines))

    def text(self, *, wait_seconds: float = 0) -> str:
        self._reader.join(wait_seconds)
        return "".join(self.lines)


@contextmanager
def running_uwsgi(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen, ServerLog]]:
    """uWSGI started as `invoke serve` starts it; killed on exit unless it has stopped."""
    process = subprocess.Popen(
        [UWSGI, "--ini", UWSGI_INI], env={**env, "UWSGI_PROCESSES": str(WORKERS)}, stdout=subprocess.PIPE, text=True
    )
    log = ServerLog(process.stdout)
    base_url = f"http://{env['LISTEN_ADDRESS']}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        # Every worker must have loaded the app: uWSGI 2.0 loses a "q" that
        # arrives while a lazy-apps worker is still loading (see start_server.sh).
        while log.count("WSGI app 0 (mountpoint='') ready") < WORKERS or not readyz_answers(base_url):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"uWSGI did not become ready:\n{log.text()}")
            time.sleep(0.2)
        yield base_url, process, log
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        log.text(wait_seconds=5)  # the reader has seen the end of the output
        process.stdout.close()


def readyz_answers(base_url: str) -> bool:
    try:
        return request(f"{base_url}/readyz")[0] == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def seeded_env(server_env) -> dict[str, str]:
    # The same two steps as `invoke seed --local serve`.
    subprocess.run([sys.executable, "-m", "thoughts_seed", "--wait", "5"], env=server_env, check=True)
    return server_env


@pytest.fixture(scope="module")
def server(seeded_env) -> Iterator[str]:
    with running_uwsgi(seeded_env) as (base_url, _, _):
        yield base_url


def test_serves_health_and_readiness(server):
    base_url = server

    assert request(f"{base_url}/healthz") == (200, b'{\n  "status": "ok"\n}\n')
    assert request(f"{base_url}/readyz")[0] == 200


def test_serves_the_seeded_thoughts(server):
    base_url = server

    status, body = request(f"{base_url}/api/thoughts/?search=final")

    assert status == 200
    assert [thought["text"] for thought in json.loads(body)] == ["Waiting for the final cut"]


def test_posts_with_a_token_through_the_whole_stack(server, server_env):
    base_url = server
    token = sign_token(Path(server_env["PRIVATE_KEY_FOR_TESTS"]).read_bytes(), "bruce", padding="x" * 6000)

    status, body = request(
        f"{base_url}/api/me/thoughts/",
        data=json.dumps({"text": "Through uWSGI"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )

    assert status == 201  # an 8 KB header fits the configured buffer-size
    assert json.loads(body)["username"] == "bruce"


def test_rejects_a_missing_token_through_the_whole_stack(server):
    base_url = server

    assert request(f"{base_url}/api/me/thoughts/")[0] == 401


def test_master_fifo_q_stops_gracefully(seeded_env, tmp_path):
    env = {**seeded_env, "LISTEN_ADDRESS": f"127.0.0.1:{free_port()}", "MASTER_FIFO": str(tmp_path / "fifo")}
    with running_uwsgi(env) as (_, process, log):
        Path(env["MASTER_FIFO"]).write_text("q")

        returncode = process.wait(timeout=30)

    assert returncode == 0
    assert "graceful shutdown triggered" in log.text()


def test_bad_configuration_stops_start_up_with_one_line(server_env, tmp_path):
    env = {
        **server_env,
        "JWT_PUBLIC_KEY_FILE": str(tmp_path / "absent.pem"),
        "LISTEN_ADDRESS": f"127.0.0.1:{free_port()}",
        "MASTER_FIFO": str(tmp_path / "fifo"),
    }

    result = subprocess.run(
        [UWSGI, "--ini", UWSGI_INI], env=env, capture_output=True, text=True, timeout=30, check=False
    )

    assert result.returncode == 1
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if "configuration error" in line]
    absent = tmp_path / "absent.pem"
    assert errors == [f"configuration error: JWT_PUBLIC_KEY_FILE '{absent}' cannot be read: No such file or directory"]
    assert "Traceback" not in output
