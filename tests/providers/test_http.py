"""The shared HTTP session: retries with backoff, Retry-After, typed errors, garbage."""

import time

import pytest
from werkzeug import Response

from providers.base import ProviderError, RateLimited, Unauthorized
from providers.http import NotFound, ProviderSession, retry_after_seconds


def session(replay) -> ProviderSession:
    return ProviderSession("musicbrainz", replay.url, headers={"X-Secret": "s3cret-token"})


def test_a_server_that_fails_twice_then_answers_is_retried_with_backoff(replay, settings):
    settings.PROVIDER_BACKOFF_SECONDS = 0.2
    seen = []

    def flaky(request):
        seen.append(time.monotonic())
        if len(seen) <= 2:
            return Response("busy", status=503)
        return Response('{"ok": true}', content_type="application/json")

    replay.server.expect_request("/flaky").respond_with_handler(flaky)
    assert session(replay).get_json("/flaky") == {"ok": True}
    assert len(seen) == 3
    first_wait, second_wait = seen[1] - seen[0], seen[2] - seen[1]
    # Exponential: 0.2 s, then 0.4 s.
    assert 0.18 <= first_wait < 0.35
    assert 0.38 <= second_wait < 0.6


def test_retries_stop_after_three_and_say_so(replay):
    replay.serve("/down", body="oops", status=502)
    with pytest.raises(ProviderError) as excinfo:
        session(replay).get_json("/down")
    assert len(replay.requests()) == 4  # the first try and three retries
    assert str(excinfo.value) == (
        "musicbrainz: GET /down: server error 502 BAD GATEWAY after 4 attempts; try again later"
    )


def test_the_backoff_doubles_from_one_second_up_to_thirty():
    from tenacity import wait_exponential

    wait = wait_exponential(multiplier=1, min=1, max=30)

    class State:
        def __init__(self, attempt):
            self.attempt_number = attempt

    assert [wait(State(n)) for n in (1, 2, 3, 6, 9)] == [1, 2, 4, 30, 30]


def test_a_connection_error_is_retried_then_reported(settings, replay):
    settings.PROVIDER_BACKOFF_SECONDS = 0.01
    client = ProviderSession("deezer", "http://127.0.0.1:1")
    with pytest.raises(ProviderError) as excinfo:
        client.get_json("/track/1")
    assert excinfo.value.provider == "deezer"
    assert "could not connect" in str(excinfo.value) and "after 4 attempts" in str(excinfo.value)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "7"}, 7), ({"x-ratelimit-reset": "12"}, 12), ({}, 60)],
)
def test_429_surfaces_as_rate_limited_with_the_wait(replay, headers, expected):
    replay.serve("/limited", body="slow down", status=429, headers=headers)
    with pytest.raises(RateLimited) as excinfo:
        session(replay).get_json("/limited")
    assert excinfo.value.retry_after == pytest.approx(expected, abs=1)
    assert len(replay.requests()) == 1  # never retried by sleeping in the worker


def test_retry_after_as_an_epoch_or_a_date():
    class Fake:
        def __init__(self, headers):
            self.headers = headers

    assert retry_after_seconds(Fake({"x-ratelimit-reset": str(int(time.time()) + 30)})) == pytest.approx(30, abs=2)
    assert retry_after_seconds(Fake({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0


def test_other_4xx_fail_at_once_with_a_clear_error(replay):
    replay.serve("/bad", body='{"error": "invalid mbid"}', status=400)
    replay.serve("/auth", body="no", status=401)
    replay.serve("/missing", body="", status=404)
    client = session(replay)
    with pytest.raises(ProviderError, match=r"musicbrainz: GET /bad: 400 BAD REQUEST: .*invalid mbid"):
        client.get_json("/bad")
    with pytest.raises(Unauthorized, match="refused the credentials"):
        client.get_json("/auth")
    with pytest.raises(NotFound):
        client.get_json("/missing")
    assert len(replay.requests()) == 3


@pytest.mark.parametrize(
    "body",
    ["<!DOCTYPE html><html><body>Maintenance</body></html>", '{"truncated": [1, 2', ""],
    ids=["html", "truncated", "empty"],
)
def test_a_body_that_is_not_json_is_a_provider_error(replay, body):
    replay.serve("/garbage", body=body, content_type="text/html")
    with pytest.raises(ProviderError) as excinfo:
        session(replay).get_json("/garbage", endpoint="GET /garbage")
    assert str(excinfo.value).startswith("musicbrainz: GET /garbage: expected JSON but got text/html")


def test_requests_carry_the_user_agent_and_no_secret_leaks_into_errors(replay, settings):
    settings.CRATEDIGGER_CONTACT = "ops@example.com"
    replay.serve("/auth", body="no", status=403)
    with pytest.raises(Unauthorized) as excinfo:
        ProviderSession("musicbrainz", replay.url, headers={"X-Secret": "s3cret-token"}).get_json("/auth")
    assert "s3cret-token" not in str(excinfo.value)
    assert replay.requests()[0].headers["User-Agent"] == f"Cratedigger/{settings.VERSION} ( ops@example.com )"


def test_the_timeout_depends_on_the_kind_of_request(replay, settings):
    settings.PROVIDER_TIMEOUTS = {"search": 0.2, "metadata": 10, "download": 300}
    settings.PROVIDER_RETRIES = 0

    def slow(request):
        time.sleep(0.5)
        return Response("{}", content_type="application/json")

    replay.server.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(ProviderError, match="no answer within 0.2 s"):
        session(replay).get_json("/slow", kind="search")
    time.sleep(0.5)  # let the server finish the abandoned request before the next test's server log starts
