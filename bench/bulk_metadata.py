"""Benchmark: a bulk metadata task over many tracks against a local provider with no rate limit.

    python bench/bulk_metadata.py [--tracks 10000] [--small 1000]

Runs in a throw-away SQLite database and var/ directory (or the database in
BENCH_DATABASE_URL), serves a recorded Soundcharts song from a local HTTP server
on 127.0.0.1, and runs the same service the Celery task runs, in this process.
Prints tracks per second, database queries per track and peak Python memory for
a small and a large task, so that memory growth with the number of tracks shows.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SONG = (ROOT / "tests/fixtures/soundcharts/mcai-song-v2.25-7d534228-bad-guy.json").read_bytes()


class Songs(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(SONG)))
        self.end_headers()
        self.wfile.write(SONG)

    def log_message(self, *args):
        pass


def configure(workdir: str, server_url: str) -> None:
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CRATEDIGGER_VAR_DIR": workdir,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"),
        "SOUNDCHARTS_API_URL": server_url,
        "SOUNDCHARTS_APP_ID": "bench",
        "SOUNDCHARTS_API_KEY": "bench",
        "SOUNDCHARTS_RATE_LIMIT": "",  # no limit: measure Cratedigger, not the provider
        "METADATA_PROVIDERS": "soundcharts",
        "LOG_LEVEL": "WARNING",
    })
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_task(count: int) -> dict[str, float]:
    from django.db import connection

    from tracks import services
    from tracks.models import Track

    Track.objects.all().delete()
    Track.objects.bulk_create(
        [Track(title=f"Track {n}", soundcharts_uuid=f"00000000-0000-0000-0000-{n:012d}") for n in range(count)],
        batch_size=2000,
    )
    # The queued message goes to the filesystem broker under the throw-away var/; no worker takes it.
    task = services.metadata_fetch_task_create(tracks=Track.objects.values_list("pk", flat=True), force_refresh=True)
    queries = 0

    def count_queries(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(count_queries):
        services.metadata_fetch_task_claim(task_id=task.pk)
        task = services.metadata_fetch_task_run(task_id=task.pk)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (task.status, task.processed, task.successful) == ("completed", count, count), task
    return {"tracks": count, "seconds": elapsed, "per_second": count / elapsed,
            "queries_per_track": queries / count, "peak_mib": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Songs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="cratedigger-bench-") as workdir:
        configure(workdir, f"http://127.0.0.1:{server.server_port}")
        from django.db import connection

        print(f"database: {connection.vendor}; provider: local Soundcharts replay, no rate limit")
        print(f"{'tracks':>7} {'seconds':>8} {'tracks/s':>9} {'queries/track':>14} {'peak MiB':>9}")
        for count in (args.small, args.tracks):
            row = run_task(count)
            print(f"{row['tracks']:>7} {row['seconds']:>8.1f} {row['per_second']:>9.1f} "
                  f"{row['queries_per_track']:>14.1f} {row['peak_mib']:>9.2f}")
    server.shutdown()


if __name__ == "__main__":
    main()
