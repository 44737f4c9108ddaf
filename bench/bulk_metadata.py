"""Benchmark: metadata fetch jobs on the job engine, three ways.

    python bench/bulk_metadata.py [--tracks 10000] [--small 1000] [--limited 20] [--cached 2000]

1. Throughput and memory: a job over --small and then --tracks tracks against one
   local provider with no rate limit; tracks per second, queries per track, peak
   memory. On the embedded cache the large job must be no slower per track.
2. Seven providers at their real default rate limits against an instant local
   stand-in, --limited tracks that every provider knows by id: wall time against
   the floor (the most requests any one provider got, divided by its rate).
3. A fully cached re-fetch of --cached tracks from all seven providers:
   tracks per second, queries per track, peak memory.

Runs in a throw-away SQLite database and var/ directory, or in BENCH_DATABASE_URL,
with the cache and rate limiter in Redis when BENCH_REDIS_URL is set. Every job
runs through the engine's own `job_run`, in this process; a job put aside for a
rate limit is run again once its wait is over, as a worker would.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import configure  # noqa: E402 - after the repo root is on the path

FIXTURES = ROOT / "tests/fixtures"
PROVIDERS = ["beatport", "discogs", "musicbrainz", "spotify", "soundcharts", "deezer", "itunes"]


def _beatport_track() -> bytes:
    import json

    search = json.loads((FIXTURES / "beatport/postmanlog-catalog-tracks-name-feeling-artist-newtone.json").read_text())
    return json.dumps(search["results"][0]).encode()


class StandIn(BaseHTTPRequestHandler):
    """Answers every provider's lookup by id at once with a recorded body, counting requests per provider."""

    counts: collections.Counter = collections.Counter()
    lock = threading.Lock()
    routes = [
        ("/api/token", "spotify", b'{"access_token": "bench", "token_type": "Bearer", "expires_in": 3600}', "json"),
        ("/v1/tracks/", "spotify", (FIXTURES / "spotify/swaj-track-3n3Ppam7vgaVa1iaRUc9Lp.json").read_bytes(), "json"),
        ("/v1/audio-features/", "spotify",
         (FIXTURES / "spotify/swaj-audio-features-06AKEBrKUckW0KREUWRnvT.json").read_bytes(), "json"),
        ("/api/v2.25/song/", "soundcharts",
         (FIXTURES / "soundcharts/mcai-song-v2.25-7d534228-bad-guy.json").read_bytes(),
         "json"),
        ("/ws/2/recording/", "musicbrainz",
         (FIXTURES / "musicbrainz/mbngs-recording-f606f733-c1eb-43f3-93c1-71994ea611e3-artist-rels.xml").read_bytes(),
         "xml"),
        ("/releases/", "discogs", (FIXTURES / "discogs/jdc-release-3329867.json").read_bytes(), "json"),
        ("/v4/catalog/tracks/", "beatport", _beatport_track(), "json"),
        ("/track/", "deezer", (FIXTURES / "deezer/dzpy-track-3135556.json").read_bytes(), "json"),
        ("/lookup", "itunes", (FIXTURES / "itunes/harmony-lookup-album-1441458047-gb.json").read_bytes(), "json"),
    ]

    def _answer(self):
        for prefix, provider, body, kind in self.routes:
            if self.path.startswith(prefix):
                with self.lock:
                    self.counts[provider] += 1
                self.send_response(200)
                self.send_header("Content-Type", f"application/{kind}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer  # noqa: N815 - the names http.server calls

    def log_message(self, *args):
        pass


def configure_for(workdir: str, server_url: str) -> None:
    urls = {name: server_url for name in ("MUSICBRAINZ_URL", "COVERART_URL", "DISCOGS_API_URL", "SPOTIFY_ACCOUNTS_URL",
                                          "SOUNDCHARTS_API_URL", "ITUNES_API_URL", "DEEZER_API_URL")}
    configure(
        workdir, redis=True, **urls, SPOTIFY_API_URL=f"{server_url}/v1", BEATPORT_API_URL=f"{server_url}/v4",
        CACHE_KEY_PREFIX=f"cratedigger-bench-{os.getpid()}",
        CELERY_BROKER_URL="memory://",  # a job put aside is run again here, not by a worker
        DISCOGS_TOKEN="bench", SPOTIFY_CLIENT_ID="bench", SPOTIFY_CLIENT_SECRET="bench",
        SOUNDCHARTS_APP_ID="bench", SOUNDCHARTS_API_KEY="bench", BEATPORT_TOKEN="bench",
    )


def make_tracks(count: int, *, with_all_ids: bool) -> list:
    from tracks.models import Track

    Track.objects.all().delete()
    rows = []
    for n in range(count):
        ids = {"soundcharts_uuid": f"00000000-0000-0000-0000-{n:012d}"}
        if with_all_ids:
            ids.update(musicbrainz_recording_id=f"10000000-0000-0000-0000-{n:012d}", spotify_id=f"sp{n}",
                       discogs_id=str(1_000_000 + n), beatport_id=str(2_000_000 + n), deezer_id=str(3_000_000 + n),
                       itunes_id=str(4_000_000 + n))
        rows.append(Track(title="bad guy", credit_name="Billie Eilish", artists=["Billie Eilish"], **ids))
    Track.objects.bulk_create(rows, batch_size=2000)
    return list(Track.objects.order_by("pk").values_list("pk", flat=True))


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRss(threading.Thread):
    """Sample how far resident memory grows above where it stood at the start, every 20 ms.

    (tracemalloc would slow the very run it measures several times over.)
    """

    def __init__(self):
        super().__init__(daemon=True)
        self.baseline = self.peak = resident_bytes()
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.02):
            self.peak = max(self.peak, resident_bytes())

    def stop(self) -> float:
        self.done.set()
        self.join()
        return (self.peak - self.baseline) / 2**20


def run_to_the_end(track_ids, *, force_refresh: bool) -> tuple[float, int, float]:
    """Run one job over track_ids here until it finishes; return seconds, queries and MiB of memory growth."""
    from django.conf import settings
    from django.db import connection

    from core import jobs
    from tracks import services
    from tracks.models import MetadataFetchTask

    settings.BULK_CHUNK = len(track_ids)
    [job] = services.metadata_fetch_jobs_create(tracks=track_ids, force_refresh=force_refresh, enqueue_now=False)
    queries = 0

    def count_queries(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    memory = PeakRss()
    memory.start()
    started = time.perf_counter()
    with connection.execute_wrapper(count_queries):
        job = jobs.job_run_here(model=MetadataFetchTask, job_id=job.pk)
    elapsed = time.perf_counter() - started
    peak = memory.stop()
    assert (job.status, job.processed) == ("completed", len(track_ids)), (job.status, job.processed, job.last_error)
    return elapsed, queries, peak


def throughput(counts: list[int]) -> None:
    from django.conf import settings

    settings.METADATA_PROVIDERS = ["soundcharts"]
    settings.PROVIDER_RATE_LIMITS = {}
    print("\n1. One provider, no rate limit (force refresh: every track is a request)")
    print(f"{'tracks':>7} {'seconds':>8} {'tracks/s':>9} {'queries/track':>14} {'RSS growth MiB':>15}")
    for count in counts:
        ids = make_tracks(count, with_all_ids=False)
        seconds, queries, peak = run_to_the_end(ids, force_refresh=True)
        print(f"{count:>7} {seconds:>8.1f} {count / seconds:>9.1f} {queries / count:>14.2f} {peak:>15.1f}")


def limited(count: int) -> None:
    from django.conf import settings

    from providers.ratelimit import parse_rate

    settings.METADATA_PROVIDERS = PROVIDERS
    settings.PROVIDER_RATE_LIMITS = dict(DEFAULT_LIMITS)
    StandIn.counts.clear()
    ids = make_tracks(count, with_all_ids=True)
    seconds, _queries, _peak = run_to_the_end(ids, force_refresh=True)
    print(f"\n2. Seven providers at their default rate limits, {count} tracks, instant stand-in")
    print(f"{'provider':>12} {'requests':>9} {'limit':>7} {'floor s':>8}")
    floors = {}
    for name in PROVIDERS:
        rate = parse_rate(settings.PROVIDER_RATE_LIMITS[name])
        floors[name] = StandIn.counts[name] * rate.interval / 1000 / rate.limit
        print(f"{name:>12} {StandIn.counts[name]:>9} {settings.PROVIDER_RATE_LIMITS[name]:>7} {floors[name]:>8.1f}")
    floor = max(floors.values())
    print(f"wall {seconds:.1f} s, floor {floor:.1f} s ({max(floors, key=floors.get)}): "
          f"{seconds / floor:.3f}x the floor")


def cached(count: int) -> None:
    from django.conf import settings

    settings.METADATA_PROVIDERS = PROVIDERS
    settings.PROVIDER_RATE_LIMITS = {}
    ids = make_tracks(count, with_all_ids=True)
    run_to_the_end(ids, force_refresh=True)  # fills the cache
    StandIn.counts.clear()
    seconds, queries, peak = run_to_the_end(ids, force_refresh=False)
    print(f"\n3. Fully cached re-fetch from seven providers ({sum(StandIn.counts.values())} requests reached them)")
    print(f"{'tracks':>7} {'seconds':>8} {'tracks/s':>9} {'queries/track':>14} {'RSS growth MiB':>15}")
    print(f"{count:>7} {seconds:>8.1f} {count / seconds:>9.1f} {queries / count:>14.2f} {peak:>15.1f}")


DEFAULT_LIMITS: dict[str, str] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--limited", type=int, default=20)
    parser.add_argument("--cached", type=int, default=2_000)
    parser.add_argument("--only", choices=["throughput", "limited", "cached"], action="append")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="cratedigger-bench-") as workdir:
        configure_for(workdir, f"http://127.0.0.1:{server.server_port}")
        from django.conf import settings
        from django.db import connection

        DEFAULT_LIMITS.update(settings.PROVIDER_RATE_LIMITS)
        print(f"database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
        only = set(args.only or ["throughput", "limited", "cached"])
        if "throughput" in only:
            throughput([args.small, args.tracks])
        if "cached" in only:
            cached(args.cached)
        if "limited" in only:
            limited(args.limited)
    server.shutdown()


if __name__ == "__main__":
    main()
