"""Two processes sharing a provider's limiter never exceed its rate, as the server counts it."""

import math
import subprocess
import sys
import time
from collections import Counter

import pytest
from werkzeug import Response

from providers.ratelimit import parse_rate
from tests.services import ROOT, subprocess_env


def test_rates_are_read_as_one_request_per_even_interval():
    assert (parse_rate("1/s").limit, parse_rate("1/s").interval) == (1, 1000)
    assert (parse_rate("55/m").limit, parse_rate("55/m").interval) == (1, 1091)  # never faster than 55 a minute
    assert (parse_rate("20/m").limit, parse_rate("20/m").interval) == (1, 3000)
    assert (parse_rate("1000/h").limit, parse_rate("1000/h").interval) == (1, 3600)
    for bad in ("fast", "0/s", "-5/m", "3/x", "/s"):
        with pytest.raises(ValueError, match="looks like '1/s'"):
            parse_rate(bad)


def test_two_processes_share_the_musicbrainz_limit(httpserver, settings):
    arrivals = []

    def record(request):
        arrivals.append(time.time())
        return Response('{"ok": true}', content_type="application/json")

    httpserver.expect_request("/ping").respond_with_handler(record)
    url = httpserver.url_for("").rstrip("/")
    env = subprocess_env(MUSICBRAINZ_RATE_LIMIT="1/s")
    time.sleep(1.1)  # let an earlier test's requests leave the window
    started = time.monotonic()
    children = [
        subprocess.Popen([sys.executable, "bench/providers_rate.py", "send", url, "musicbrainz", "3"],
                         cwd=ROOT, env=env)
        for _ in range(2)
    ]
    assert [child.wait(60) for child in children] == [0, 0]
    elapsed = time.monotonic() - started

    assert len(arrivals) == 6
    per_second = Counter(math.floor(t) for t in arrivals)
    assert max(per_second.values()) == 1, sorted(arrivals)
    gaps = [later - earlier for earlier, later in zip(sorted(arrivals), sorted(arrivals)[1:], strict=False)]
    assert min(gaps) >= 0.95
    assert elapsed >= 5
