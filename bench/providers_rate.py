"""Benchmark: requests through the shared rate limiter, from 1 and from 4 processes.

    python bench/providers_rate.py [--requests 20] [--provider musicbrainz] [--processes 1 4]

Starts a local HTTP server on 127.0.0.1 that records when each request arrives,
sends N requests through the provider's limiter (its configured rate, 1/s for
MusicBrainz) from P processes sharing the limiter, and prints the rate the
server saw, the busiest one-second window, and the wall time against the
N/rate floor. With REDIS_URL set the limiter lives in Redis, otherwise in a
SQLite file under var/.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def send(url: str, provider: str, count: int) -> None:
    """Send count requests to url through provider's session (runs in a child process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from providers.http import ProviderSession

    session = ProviderSession(provider, url)
    for _ in range(count):
        session.request("GET", "/ping", endpoint="GET /ping")


class Recorder(BaseHTTPRequestHandler):
    arrivals: list[float] = []
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 - the name http.server calls
        with self.lock:
            self.arrivals.append(time.time())
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def busiest_second(arrivals: list[float]) -> int:
    return max(Counter(math.floor(t) for t in arrivals).values()) if arrivals else 0


def run(url: str, provider: str, total: int, processes: int) -> float:
    share = [total // processes + (1 if i < total % processes else 0) for i in range(processes)]
    started = time.monotonic()
    children = [
        subprocess.Popen([sys.executable, __file__, "send", url, provider, str(count)], cwd=ROOT)
        for count in share if count
    ]
    if any(child.wait() for child in children):
        raise SystemExit("a sending process failed")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--provider", default="musicbrainz")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    from providers.ratelimit import parse_rate

    rate = parse_rate(settings.PROVIDER_RATE_LIMITS[args.provider])
    per_second = rate.limit * 1000 / rate.interval
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    backend = "Redis" if settings.REDIS_URL else "SQLite + file lock"
    print(f"{args.provider}: limit {rate.limit} per {rate.interval} ms ({per_second:g}/s), limiter in {backend}")
    # The first `limit` requests may go at once; the rest wait their turn.
    floor = max(0.0, (args.requests - rate.limit) / per_second)
    print(f"{'processes':>9} {'requests':>8} {'wall s':>8} {'floor s':>8} {'server req/s':>12} {'busiest 1 s':>11}")
    for processes in args.processes:
        time.sleep(rate.interval / 1000)  # let the previous run's window pass
        Recorder.arrivals = []
        wall = run(url, args.provider, args.requests, processes)
        seen = sorted(Recorder.arrivals)
        span = seen[-1] - seen[0] if len(seen) > 1 else 0
        observed = (len(seen) - 1) / span if span else float("inf")
        print(f"{processes:>9} {len(seen):>8} {wall:>8.2f} {floor:>8.2f} {observed:>12.2f} {busiest_second(seen):>11}")
    server.shutdown()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
