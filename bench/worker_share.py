"""Benchmark: does a job started now get a worker while downloads wait in peers' queues?

    python bench/worker_share.py [--downloads 20] [--repeat 3] [--concurrency 2] [--max-wait 120]
    BENCH_DATABASE_URL=postgres://... BENCH_REDIS_URL=redis://... python bench/worker_share.py

Starts a real Celery worker with CELERY_CONCURRENCY=--concurrency processes against the bench's database
and broker (BENCH_DATABASE_URL and BENCH_REDIS_URL; otherwise a throw-away SQLite file and the filesystem
broker under a temporary folder), a slskd stand-in (tests/slskd_standin.py: a real local HTTP server) whose
peer keeps every file in its queue for an hour, and a local replay server for Soundcharts (the recorded
song body). Then it measures the delay from creating a metadata fetch of one track until a worker starts it
(the job's started_at), --repeat times: first with nothing else to do, then with --downloads downloads asked
for one by one (one job each, as a person clicking through a list) and all waiting in the peer's queue. It
prints the median and the worst delay of each. The downloads must first reach the peer's queue; if they have
not within --max-wait seconds, it says how many did and measures anyway; a fetch not started within
--max-wait seconds is reported as such. It removes what it created.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import configure  # noqa: E402 - after the repo root is on the path

SOUNDCHARTS_UUID = "7d534228-5165-11e9-9375-549f35161576"
SONG = ROOT / "tests/fixtures/soundcharts/mcai-song-v2.25-7d534228-bad-guy.json"
FOLDER = "@@bench\\Bench Artist\\Bench Album"


class _Soundcharts(BaseHTTPRequestHandler):
    """Soundcharts, instantly: every song lookup gets the recorded body."""

    body = b""

    def do_GET(self):  # noqa: N802 - the http.server API
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def start_worker(workdir: str, concurrency: int) -> tuple[subprocess.Popen, Path]:
    log = Path(workdir) / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", f"--concurrency={concurrency}",
         "--without-mingle", "--without-gossip", "--hostname", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env={**os.environ, "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"},
        stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The worker exited at start:\n{log.read_text(errors='replace')[-2000:]}")
        if " ready." in log.read_text(errors="replace"):
            return process, log
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit(f"The worker was not ready within 60 s:\n{log.read_text(errors='replace')[-2000:]}")


def fetch_delays(track, repeat: int, max_wait: float) -> list[float | None]:
    """Start a metadata fetch of track `repeat` times; return the seconds each waited for a worker (None: never)."""
    from tracks.models import MetadataFetchTask
    from tracks.services import metadata_fetch_jobs_create

    delays: list[float | None] = []
    for _ in range(repeat):
        [job] = metadata_fetch_jobs_create(tracks=[track], provider="soundcharts", force_refresh=True,
                                           started_by="bench")
        deadline = time.monotonic() + max_wait
        row = MetadataFetchTask.objects.get(pk=job.pk)
        while row.started_at is None and time.monotonic() < deadline:
            time.sleep(0.05)
            row = MetadataFetchTask.objects.get(pk=job.pk)
        if row.started_at is None:
            delays.append(None)
            continue
        delays.append((row.started_at - row.created_at).total_seconds())
        while not row.is_finished and time.monotonic() < deadline + 30:
            time.sleep(0.1)
            row = MetadataFetchTask.objects.get(pk=job.pk)
    return delays


def summary(delays: list[float | None], max_wait: float) -> str:
    started = [d for d in delays if d is not None]
    if not started:
        return f"none of {len(delays)} started within {max_wait:g} s"
    text = f"median {statistics.median(started):.2f} s, worst {max(started):.2f} s"
    missing = len(delays) - len(started)
    return text + (f"; {missing} of {len(delays)} not started within {max_wait:g} s" if missing else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--downloads", type=int, default=20, help="downloads waiting in the peer's queue")
    parser.add_argument("--repeat", type=int, default=3, help="metadata fetches measured each way")
    parser.add_argument("--concurrency", type=int, default=2, help="the worker's processes (CELERY_CONCURRENCY)")
    parser.add_argument("--max-wait", type=float, default=120.0, help="seconds to wait for the downloads, and a fetch")
    args = parser.parse_args()

    from tests.slskd_standin import SharedFile, SlskdStandin

    workdir = tempfile.mkdtemp(prefix="cratedigger-bench-")
    slskd = SlskdStandin(Path(workdir) / "slskd-downloads").start()
    titles = [f"Bench Title {n:02d}" for n in range(1, args.downloads + 1)]
    # One peer, its upload queue full for the next hour: every download waits there.
    slskd.share(*(SharedFile("busy", f"{FOLDER}\\Bench Artist - {title}.mp3", "mp3", seconds=1, bitrate=320,
                             free_slot=False, queue_length=40, queued_seconds=3600) for title in titles))
    _Soundcharts.body = SONG.read_bytes()
    soundcharts = ThreadingHTTPServer(("127.0.0.1", 0), _Soundcharts)
    threading.Thread(target=soundcharts.serve_forever, daemon=True).start()
    tag = f"cratedigger-bench-{os.getpid()}"
    configure(
        workdir, redis=True, **slskd.settings_values(), MUSIC_ROOT=str(Path(workdir) / "music"),
        SLSKD_SEARCHES_PER_WINDOW="1000", SLSKD_SEARCH_TIMEOUT="5", CELERY_CONCURRENCY=str(args.concurrency),
        CELERY_TASK_DEFAULT_QUEUE=tag, CACHE_KEY_PREFIX=tag, METADATA_PROVIDERS="soundcharts",
        SOUNDCHARTS_API_URL=f"http://127.0.0.1:{soundcharts.server_port}", SOUNDCHARTS_APP_ID="soundcharts",
        SOUNDCHARTS_API_KEY="soundcharts", SOUNDCHARTS_RATE_LIMIT="100/s",
    )
    from django.db import connection

    from downloads.models import Download, DownloadJob, DownloadState
    from downloads.starts import downloads_request
    from tracks.models import MetadataFetchTask, Track

    tracks_before = set(Track.objects.values_list("pk", flat=True))
    worker, log = start_worker(workdir, args.concurrency)
    print(f"worker share: a worker of {args.concurrency} processes; database {connection.vendor}; broker "
          f"{'Redis' if os.environ.get('REDIS_URL') else 'files'}; {args.repeat} metadata fetches each way")
    try:
        song = Track.objects.create(title="bad guy", credit_name="Billie Eilish", artists=["Billie Eilish"],
                                    soundcharts_uuid=SOUNDCHARTS_UUID)
        alone = fetch_delays(song, args.repeat, args.max_wait)
        print(f"  no downloads waiting:            a fetch waited for a worker {summary(alone, args.max_wait)}")

        asked = time.monotonic()
        for title in titles:
            track = Track.objects.create(title=title, credit_name="Bench Artist", artists=["Bench Artist"],
                                         album="Bench Album", duration=1)
            downloads_request(tracks=[track], quality="good", started_by="bench")
        queued = Download.objects.none()
        deadline = time.monotonic() + args.max_wait
        while time.monotonic() < deadline:
            queued = Download.objects.filter(state=DownloadState.QUEUED, enqueued_at__isnull=False)
            if queued.count() >= len(titles):
                break
            time.sleep(0.2)
        reached = queued.count()
        took = time.monotonic() - asked
        if reached < len(titles):
            print(f"  only {reached} of {len(titles)} downloads reached the peer's queue within {args.max_wait:g} s")
        else:
            print(f"  {reached} downloads reached the peer's queue in {took:.1f} s (one job each)")
        time.sleep(2)  # well into their wait
        waiting = fetch_delays(song, args.repeat, args.max_wait)
        print(f"  {reached} downloads waiting in queues: a fetch waited for a worker {summary(waiting, args.max_wait)}")
        jobs_now = DownloadJob.objects.filter(downloads__track__title__in=titles).distinct()
        running = jobs_now.filter(status="running").count()
        print(f"  meanwhile: {jobs_now.filter(status='waiting').count()} download jobs waiting between runs, "
              f"{running} running")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        created = Track.objects.exclude(pk__in=tracks_before)
        DownloadJob.objects.filter(downloads__track__in=created).delete()
        Download.objects.filter(track__in=created).delete()
        MetadataFetchTask.objects.filter(started_by="bench", items__track__in=created).delete()
        created.delete()
        slskd.close()
        soundcharts.shutdown()
        _forget_redis(tag)
        shutil.rmtree(workdir, ignore_errors=True)


def _forget_redis(tag: str) -> None:
    """Delete the bench's queue, cache and slot keys from the bench's Redis."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    for key in [*client.scan_iter(f"{tag}*"), *client.scan_iter(f"*{tag}*")]:
        client.delete(key)


if __name__ == "__main__":
    main()
