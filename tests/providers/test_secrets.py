"""Credentials stay with their host, and no configured secret reaches a row, a message, a log or an error."""

import io
import json
import logging
import subprocess
import sys

import pytest
from django.core.management import call_command
from pytest_httpserver import HTTPServer
from werkzeug import Response

from common.redact import RedactingFormatter, redact
from core import jobs
from providers.base import ProviderError
from providers.registry import get_provider
from tests.factories import TrackFactory
from tests.services import ROOT, subprocess_env
from tracks import services
from tracks.models import MetadataFetchTask

SECRET = "SEKRET123"
SONG = "/api/v2.25/song/7d534228-5165-11e9-9375-549f35161576"


@pytest.fixture
def elsewhere():
    """A second server on another port: where a hostile redirect points, recording what arrives."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request("/steal").respond_with_data("{}", content_type="application/json")
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def keys(settings, replay):
    settings.SOUNDCHARTS_APP_ID = f"app-{SECRET}"
    settings.SOUNDCHARTS_API_KEY = SECRET
    settings.SLSKD_API_KEY = SECRET
    settings.METADATA_PROVIDERS = ["soundcharts"]
    return replay


def test_a_redirect_to_another_port_never_receives_the_soundcharts_keys(keys, elsewhere):
    keys.serve(SONG, status=302, headers={"Location": elsewhere.url_for("/steal")})
    with pytest.raises(ProviderError) as excinfo:
        get_provider("soundcharts").get_metadata("7d534228-5165-11e9-9375-549f35161576")
    assert elsewhere.log == []  # nothing at all reached the other port
    assert f"redirected to http://127.0.0.1:{elsewhere.port}, another address; not followed" in str(excinfo.value)
    assert SECRET not in str(excinfo.value)


def test_a_redirect_to_another_port_never_receives_the_slskd_key(keys, elsewhere):
    keys.serve("/api/v0/session", status=307, headers={"Location": elsewhere.url_for("/steal")})
    with pytest.raises(ProviderError, match="another address; not followed"):
        get_provider("slskd").check()
    assert elsewhere.log == []


def test_a_redirect_on_the_same_host_is_followed_with_the_keys(keys):
    body = (ROOT / "tests/fixtures/soundcharts/mcai-song-v2.25-7d534228-bad-guy.json").read_bytes()
    keys.serve(SONG, status=301, headers={"Location": keys.url + "/api/v2.25/song/moved"})
    keys.serve("/api/v2.25/song/moved", body=body)
    found = get_provider("soundcharts").get_metadata("7d534228-5165-11e9-9375-549f35161576")
    assert found.title == "bad guy"
    moved = [request for request in keys.requests() if request.path.endswith("/moved")][0]
    assert moved.headers["x-api-key"] == SECRET


def echo(request):
    """A provider that answers 400 with the request's own headers in the body."""
    body = {"key": request.headers.get("x-api-key"), "error": "bad request", "you_sent": dict(request.headers)}
    return Response(json.dumps(body), status=400, content_type="application/json")


@pytest.mark.django_db
def test_an_echoed_key_reaches_no_row_message_or_error(keys, django_capture_on_commit_callbacks):
    keys.server.expect_request(SONG).respond_with_handler(echo)
    track = TrackFactory(title="bad guy", soundcharts_uuid="7d534228-5165-11e9-9375-549f35161576")
    [job] = services.metadata_fetch_jobs_create(tracks=[track], enqueue_now=False)
    jobs.job_run(model=MetadataFetchTask, job_id=job.pk)
    job.refresh_from_db()
    item = job.items.get()
    assert job.failed == 1 and "400" in item.error
    rows = json.dumps([job.last_error, item.error, item.result])
    assert SECRET not in rows and "***" in rows

    with pytest.raises(services.NothingFound) as excinfo:
        services.track_metadata_fetch(track=track, force_refresh=True)
    assert SECRET not in str(excinfo.value)


@pytest.mark.django_db
def test_providers_check_never_prints_an_echoed_key(keys):
    keys.server.expect_request(SONG).respond_with_handler(echo)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("providers", "--check", stdout=out, stderr=io.StringIO())
    assert "soundcharts" in out.getvalue() and SECRET not in out.getvalue()


def test_logs_are_redacted_tracebacks_included(settings):
    settings.SLSKD_API_KEY = SECRET
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "sent %s", (f"X-API-Key: {SECRET}",), None)
    try:
        raise RuntimeError(f"token={SECRET}")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    text = RedactingFormatter("%(message)s").format(record)
    assert SECRET not in text and "RuntimeError" in text


def test_token_shapes_are_redacted_even_when_not_configured():
    assert redact("Authorization: Bearer abcdef123456") == "Authorization: Bearer ***"
    assert redact("?token=abcdef123456&q=x") == "?token=***&q=x"


def test_a_worker_log_never_shows_a_configured_key():
    """The settings' own check, in a child process with the real logging config."""
    result = subprocess.run(
        [sys.executable, "-c", "import django, logging; django.setup(); "
         "logging.getLogger('probe').error('key is %s', 'SEKRET123-long-key')"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=subprocess_env(SLSKD_API_KEY="SEKRET123-long-key", DJANGO_SETTINGS_MODULE="config.settings"),
    )
    assert "key is ***" in result.stderr and "SEKRET123" not in result.stderr
