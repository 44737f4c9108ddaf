"""Benchmark: discovery, from a pasted tracklist to its parsed lines, and their identification.

    python bench/discovery.py [--section parser|identification|all] [--lines 100000] [--repeat 3]
    BENCH_DATABASE_URL=postgres://... BENCH_REDIS_URL=redis://... python bench/discovery.py --section identification

parser: parses --lines generated tracklist lines in the mixed styles people paste (numbered, timestamped,
MixesDB "[003] ... [Label - CAT]", feat. credits, remixes, "w/" and mashup lines, ID lines, headers, blank
lines and junk) with library.parsing.parse_text, and prints lines per second and the time per line. Each run
starts with cold caches (the figure held to the target of at least 100,000 lines per second) and is followed by
one with the caches warm.

identification: a --tracklist-lines tracklist (default 100) identified by a discovery job run in this process,
against an instant local stand-in for MusicBrainz (a recorded search answer, served from 127.0.0.1) at
MusicBrainz's real limit of one request a second; prints the provider requests per line and the wall time against
the floor (MusicBrainz requests divided by its rate), first cold and then warm (the same tracklist again: the
library and the cache answer, so zero requests). Runs on SQLite under a temporary folder unless
BENCH_DATABASE_URL (and BENCH_REDIS_URL, for the shared rate limit and cache) are set; it removes what it created.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import configure  # noqa: E402 - after the repo root is on the path

PARSER_TARGET = 100_000  # lines per second


def bench_parser(lines: int = 100_000, *, repeat: int = 3, seed: int = 2017) -> dict:
    """Parse `lines` generated lines `repeat` times, cold and then warm;
    return the lines per second and time per line."""
    from library import parsing
    from matching import normalize, versions

    rng = random.Random(seed)
    syllables = ["ka", "lo", "ve", "tri", "mon", "dax", "rel", "su", "bo", "ne", "zig", "or", "fa", "ul", "pre"]
    words = ["Acid", "Night", "Tones", "Echo", "Drift", "Signal", "Loop", "Pulse", "Dark", "Room", "Machine",
             "Soul", "Trax", "Deep", "Motion", "Circle", "Sand", "Space", "Fire", "Rain",
             "Shadow", "Velvet"]  # fmt: skip

    def name() -> str:
        return " ".join("".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))).title() for _ in range(2))

    artists = [name() for _ in range(3000)]
    titles = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(20000)]
    labels = [f"{name()} Records" for _ in range(300)]
    versions_written = ["Extended Mix", "Original Mix", "Dub", "Radio Edit", "Instrumental", "Live"]

    def stamp(index: int) -> str:
        seconds = index * 7 % 10800
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"

    def line(index: int) -> str:
        artist, title, other = rng.choice(artists), rng.choice(titles), rng.choice(artists)
        label, catalog = rng.choice(labels), f"{rng.choice('ABCDKZ')}{rng.choice('RWX')} {rng.randint(1, 400):03d}"
        style = rng.random()
        if style < 0.25:
            return f"{artist} - {title}"
        if style < 0.40:
            return f"{index % 99 + 1:02d}. {artist} - {title} ({other} Remix) [{label}]"
        if style < 0.50:
            return f"[{stamp(index)}] {artist} - {title}"
        if style < 0.58:
            return f"{stamp(index)[3:]} {artist} – {title} ({rng.choice(versions_written)})"
        if style < 0.68:
            return f"[{index % 180:03d}] {artist} - {title} [{label} - {catalog}]"
        if style < 0.73:
            return f"{artist} feat. {other} - {title}"
        if style < 0.77:
            return f"{artist} & {other} - {title} (feat. {rng.choice(artists)})"
        if style < 0.80:
            return f"{artist} - {title} w/ {other} - {rng.choice(titles)}"
        if style < 0.82:
            return f"{artist} - {title} vs. {other} - {rng.choice(titles)}"
        if style < 0.85:
            return rng.choice(["ID - ID", f"{artist} - ID", "?", f"{artist} - ?", "Unknown Artist - Unknown Track"])
        if style < 0.88:
            return f"{artist} - {title} ({other} Remix)".upper()
        if style < 0.93:
            return rng.choice(["", "", "Tracklist:", "CD 2", "----------", "Part 1"])
        return rng.choice(["just some words", "((((", "Artist -", "- Title", f"{title}\t\x00"])

    text = "\n".join(line(index) for index in range(lines))
    parser_modules = [module for name, module in sys.modules.items() if name.split(".")[:2] == ["library", "parsing"]]
    timings, warm_timings = [], []
    parsed = 0
    for _ in range(repeat):
        # Cold: as in a fresh worker. Every cache of the parser (each of its modules) and of matching starts empty.
        for module in (*parser_modules, normalize, versions):
            for cached in [value for value in vars(module).values() if hasattr(value, "cache_clear")]:
                cached.cache_clear()
        started = time.perf_counter()
        parsed = len(parsing.parse_text(text).lines)
        timings.append(time.perf_counter() - started)
        # Warm: the same text again, as in a worker that has read other mixes of these DJs.
        started = time.perf_counter()
        parsing.parse_text(text)
        warm_timings.append(time.perf_counter() - started)
    median, best, warm = statistics.median(timings), min(timings), statistics.median(warm_timings)
    return {
        "lines": lines,
        "parsed_lines": parsed,
        "median_seconds": median,
        "lines_per_second": lines / median,
        "best_lines_per_second": lines / best,
        "microseconds_per_line": median / lines * 1e6,
        "warm_lines_per_second": lines / warm,
    }


def parser_section(args: argparse.Namespace) -> None:
    result = bench_parser(args.lines, repeat=args.repeat)
    verdict = "meets" if result["lines_per_second"] >= PARSER_TARGET else "MISSES"
    print(f"parser: {result['lines']:,} generated lines -> {result['parsed_lines']:,} tracklist lines")
    print(f"  median of {args.repeat}: {result['median_seconds']:.3f} s")
    print(
        f"  cold caches: {result['lines_per_second']:,.0f} lines/s (best {result['best_lines_per_second']:,.0f}); "
        f"{result['microseconds_per_line']:.2f} µs per line; {verdict} the {PARSER_TARGET:,} lines/s target"
    )
    print(f"  warm caches: {result['warm_lines_per_second']:,.0f} lines/s")  # fmt: skip


class _StandIn(BaseHTTPRequestHandler):
    """MusicBrainz, instantly: every recording search gets the same recorded answer."""

    body = b""
    requests = 0
    lock = threading.Lock()

    def do_GET(self):  # noqa: N802 - the http.server API
        with _StandIn.lock:
            _StandIn.requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def identification_section(args: argparse.Namespace) -> None:
    _StandIn.body = (ROOT / "tests/fixtures/musicbrainz/revsrev-search-recording-artist-fleetwood-mac.xml").read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    workdir = tempfile.mkdtemp(prefix="cratedigger-bench-")
    configure(
        workdir, redis=True, MUSICBRAINZ_URL=f"http://127.0.0.1:{server.server_port}",
        METADATA_PROVIDERS="musicbrainz", MUSICBRAINZ_RATE_LIMIT="1/s",
    )
    from django.core.cache import cache
    from django.db import connection

    from core import jobs
    from library import services
    from library.models import DiscoveryJob, LibraryTrack, Tracklist
    from tracks.models import Track

    cache.clear()
    count = args.tracklist_lines
    text = "\n".join(f"{n + 1:02d}. Bench Artist {n} - Bench Title {n} (Bench {n} Remix) [Bench Label - BL {n:03d}]"
                     for n in range(count))
    tracks_before = set(Track.objects.values_list("pk", flat=True))
    tracklist = services.tracklist_create(name="Bench mix", raw_text=text)
    print(f"identification: a {count}-line tracklist; MusicBrainz stand-in at 1 request/s; "
          f"database {connection.vendor}; cache {'Redis' if os.environ.get('REDIS_URL') else 'files'}")
    print(f"{'run':<6} {'requests':>9} {'per line':>9} {'seconds':>8} {'floor s':>8} {'x floor':>8}")
    try:
        for run in ("cold", "warm"):
            before = _StandIn.requests
            [job] = services.discovery_jobs_create(tracklists=[tracklist], started_by="bench", enqueue_now=False)
            started = time.perf_counter()
            finished = jobs.job_run_here(model=DiscoveryJob, job_id=job.pk)
            elapsed = time.perf_counter() - started
            asked = _StandIn.requests - before
            floor = asked / 1.0
            ratio = f"{elapsed / floor:.2f}" if floor else "-"
            print(f"{run:<6} {asked:>9} {asked / count:>9.2f} {elapsed:>8.1f} {floor:>8.1f} {ratio:>8}"
                  f"   ({finished.status_text}, {finished.succeeded} lines decided)")
    finally:
        Tracklist.objects.filter(pk=tracklist.pk).delete()
        created = Track.objects.exclude(pk__in=tracks_before)
        LibraryTrack.objects.filter(track__in=created).delete()
        created.delete()
        server.shutdown()


# Each section takes the parsed arguments.
SECTIONS = {"parser": parser_section, "identification": identification_section}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--section", choices=[*SECTIONS, "all"], default="all", help="which benchmark to run")
    parser.add_argument("--lines", type=int, default=100_000, help="generated tracklist lines for the parser")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is reported")
    parser.add_argument("--tracklist-lines", type=int, default=100, help="lines of the tracklist identified")
    args = parser.parse_args()
    for section_name, section in SECTIONS.items():
        if args.section in (section_name, "all"):
            section(args)


if __name__ == "__main__":
    main()
