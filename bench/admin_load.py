"""Benchmark: the admin under load, as 20 people at once use it over a 100,000-track catalogue.

    BENCH_DATABASE_URL=postgres://.../bench_admin BENCH_REDIS_URL=redis://127.0.0.1:6379/6 \
        python bench/admin_load.py [--tracks 100000] [--users 20] [--rounds 10] [--workers 3]

Fills the database (once: a later run with the same count reuses it) with --tracks tracks, each in the library,
a 5,000-line tracklist and a few jobs, then:

1. weighs each page and times its rendering in this process (median of 5; the targets: the track and library
   lists under 300 KB and 0.3 s, a 5,000-line tracklist's page under 1 MB and 2 s);
2. starts gunicorn (config.wsgi) with --workers processes, logs --users people in, and has each of them request
   the track list, a search, the dashboard and a track's page in turn, --rounds times, all at once; prints p50
   and p95 of each page (the target: p95 under 1 s).

Runs on SQLite under a temporary folder unless BENCH_DATABASE_URL is set (the figures that count are PostgreSQL's).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import configure  # noqa: E402 - after the repo root is on the path
from bench.track_list import fill, tidy  # noqa: E402

PASSWORD = "bench-admin-load-password"
TRACKLIST_LINES = 5000
TARGETS = {"list": (300 * 1024, 0.3), "tracklist": (1024 * 1024, 2.0)}


def fill_library_and_more() -> dict[str, str]:
    """Put every track in the library, add a 5,000-line tracklist and a few jobs; return the pages' paths."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from library import services as library_services
    from library.models import LibraryTrack, Tracklist
    from tracks.models import Track

    if LibraryTrack.objects.count() != Track.objects.count():
        LibraryTrack.objects.all().delete()
        ids = list(Track.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            LibraryTrack.objects.bulk_create([LibraryTrack(track_id=pk, discovery_count=1)
                                              for pk in ids[start:start + 5000]])
    tracklist = Tracklist.objects.filter(name="Bench marathon").first()
    if tracklist is None:
        text = "\n".join(
            f"{n:04d}. Artist {n % 5000} feat. Someone - "
            f"Track {n:06d} Tool (Someone's Extended Remix) [Label - CAT {n}]"
            for n in range(1, TRACKLIST_LINES + 1)
        )
        tracklist = library_services.tracklist_create(name="Bench marathon", dj="Bench", raw_text=text)
    user, _ = get_user_model().objects.get_or_create(username="bench",
                                                     defaults={"is_staff": True, "is_superuser": True})
    user.set_password(PASSWORD)
    user.save()
    track = Track.objects.order_by("title").first()
    return {
        "track list": reverse("admin:tracks_track_changelist"),
        "a search": reverse("admin:tracks_track_changelist") + "?q=Artist+4321",
        "dashboard": reverse("admin:index"),
        "a track's page": reverse("admin:tracks_track_change", args=[track.pk]),
        "library list": reverse("admin:library_librarytrack_changelist"),
        "5,000-line tracklist": reverse("admin:library_tracklist_change", args=[tracklist.pk]),
    }


def weigh(pages: dict[str, str]) -> None:
    """Print each page's size and its rendering time in this process."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    print(f"\n{'page':<24} {'KB':>8} {'render ms (median of 5)':>24}")
    for name, path in pages.items():
        client.get(path)
        times, size = [], 0
        for _ in range(5):
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
            size = len(response.content)
        median = statistics.median(times)
        limit = TARGETS["tracklist" if "tracklist" in name else "list"]
        verdict = "" if "list" not in name else ("  ok" if size <= limit[0] and median <= limit[1] else "  MISSES")
        print(f"{name:<24} {size / 1024:>8.0f} {median * 1000:>24.0f}{verdict}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_in(base: str):
    import requests

    session = requests.Session()
    login = session.get(f"{base}/admin/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    done = session.post(f"{base}/admin/login/", data={
        "csrfmiddlewaretoken": token, "username": "bench", "password": PASSWORD, "next": "/admin/",
    }, headers={"Referer": f"{base}/admin/login/"}, timeout=30)
    assert "Log out" in done.text or "logout" in done.text, "the bench user could not log in"
    return session


def load(pages: dict[str, str], *, users: int, rounds: int, workers: int, workdir: str) -> None:
    """Serve the app with gunicorn and have users request the four pages at once; print p50/p95 per page."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50,
           "CRATEDIGGER_VAR_DIR": workdir}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)
        sessions = [log_in(base) for _ in range(users)]
        timed = {name: [] for name in ("track list", "a search", "dashboard", "a track's page")}
        lock = threading.Lock()
        start = threading.Barrier(users)

        def person(session) -> None:
            start.wait()
            for _ in range(rounds):
                for name in timed:
                    began = time.perf_counter()
                    response = session.get(base + pages[name], timeout=120)
                    took = time.perf_counter() - began
                    assert response.status_code == 200, (name, response.status_code)
                    with lock:
                        timed[name].append(took)

        threads = [threading.Thread(target=person, args=(session,)) for session in sessions]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        print(f"\n{users} people at once, {rounds} rounds each, gunicorn with {workers} workers ({wall:.1f} s in all)")
        print(f"{'page':<18} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8}  target p95 < 1000 ms")
        for name, times in timed.items():
            times.sort()
            p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{name:<18} {len(times):>9} {p50 * 1000:>8.0f} {p95 * 1000:>8.0f}  {'ok' if p95 < 1 else 'MISSES'}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cratedigger-bench-") as workdir:
        configure(workdir, redis=True)
        from django.core.management import call_command
        from django.db import connection

        call_command("collectstatic", "--noinput", verbosity=0)
        fill(args.tracks)
        pages = fill_library_and_more()
        tidy()
        print(f"database: {connection.vendor}; tracks: {args.tracks:,}, each in the library; "
              f"a {TRACKLIST_LINES:,}-line tracklist")
        weigh(pages)
        connection.close()
        load(pages, users=args.users, rounds=args.rounds, workers=args.workers, workdir=workdir)


if __name__ == "__main__":
    main()
