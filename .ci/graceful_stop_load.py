"""Requests in flight while the api container stops: none of them may fail.

Usage: python3 graceful_stop_load.py BASE_URL TOKEN THREADS SECONDS STOP_MARKER

THREADS clients send back-to-back requests to BASE_URL (a big list, then a
create with TOKEN, in turn) for at most SECONDS and at most MAX_REQUESTS each.
Meanwhile the caller writes the wall-clock time (time.time()) into the file
STOP_MARKER just before it asks docker to stop the container.

Through a published port the client talks to docker's userland proxy, which
still accepts connections for a moment after the server stopped listening and
then closes them unanswered. Such a failure cannot be told from a dropped
request by the client alone, so requests are judged by when they started:
  - started before the stop was asked: in flight or done, they must succeed;
  - started after: the server may be gone; counted, not judged.
A client stops at its first refused or failed request after the stop.

Prints one JSON line; exits 1 if a request that started before the stop
failed, or if no request was still in flight when the stop was asked (the
check would then prove nothing).
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request
from pathlib import Path

MAX_REQUESTS = 5_000
TIMEOUT_SECONDS = 20


def main() -> int:
    base_url, token, threads, seconds, marker = (
        sys.argv[1],
        sys.argv[2],
        int(sys.argv[3]),
        float(sys.argv[4]),
        Path(sys.argv[5]),
    )
    # Straight to the address given, whatever proxy the environment names.
    urllib.request.install_opener(urllib.request.build_opener(urllib.request.ProxyHandler({})))
    records: list[tuple[float, float, str | None]] = []  # (started, ended, error or None)
    lock = threading.Lock()

    def send(client: int, number: int) -> None:
        if number % 2:
            request = urllib.request.Request(f"{base_url}/api/thoughts/?limit=1000")
        else:
            request = urllib.request.Request(
                f"{base_url}/api/me/thoughts/",
                data=json.dumps({"text": f"in flight {client}-{number}"}).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:
            reply.read()

    def client(index: int) -> None:
        deadline = time.monotonic() + seconds
        for number in range(MAX_REQUESTS):
            if time.monotonic() > deadline:
                return
            started = time.time()
            error = None
            try:
                send(index, number)
            except Exception as failure:  # an HTTP error, refused, reset, timed out, cut short...
                error = repr(failure)
            with lock:
                records.append((started, time.time(), error))
            if error and marker.exists():
                return  # the server is going away: this client is done

    pool = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + TIMEOUT_SECONDS + 5)

    stop_asked = float(marker.read_text()) if marker.exists() else float("inf")
    before = [record for record in records if record[0] < stop_asked]
    failed_before = [record for record in before if record[2]]
    in_flight = [record for record in before if record[1] >= stop_asked and not record[2]]
    after = [record for record in records if record[0] >= stop_asked]
    summary = {
        "requests": len(records),
        "started_before_stop": len(before),
        "in_flight_at_stop_and_completed": len(in_flight),
        "failed_before_stop": len(failed_before),
        "started_after_stop": len(after),
        "unanswered_after_stop": sum(1 for record in after if record[2]),
        "stop_marker_seen": stop_asked != float("inf"),
        "failures": sorted({record[2] for record in failed_before})[:5],
    }
    print(json.dumps(summary))
    return 1 if failed_before or not in_flight else 0


if __name__ == "__main__":
    sys.exit(main())
