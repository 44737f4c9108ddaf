"""The OpenAPI schema: generated here and compared with the one committed (api/openapi.yaml), so the schema and
the code never drift apart unnoticed; and schemathesis runs every operation against it."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.api.conftest import client_for
from tests.factories import (
    DownloadFactory,
    LibraryTrackFactory,
    LineToReviewFactory,
    MetadataFetchTaskFactory,
    TrackFactory,
    TracklistFactory,
    UserFactory,
    WantListFactory,
)
from tests.slskd_standin import standin_for

COMMITTED = Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"
REGENERATE = "python manage.py spectacular --api-version 1 --file api/openapi.yaml"


def generated() -> dict:
    return SchemaGenerator(api_version="1").get_schema(request=None, public=True)


def test_the_committed_schema_is_the_one_the_code_makes():
    made = OpenApiYamlRenderer().render(generated(), renderer_context={}).decode()
    assert COMMITTED.read_text() == made, f"The API changed but api/openapi.yaml did not: run `{REGENERATE}`."


def test_every_operation_answers_401_403_and_429_with_the_error_shape():
    schema = generated()
    operations = [(path, method, spec) for path, item in schema["paths"].items() for method, spec in item.items()]
    assert len(operations) >= 35
    for path, method, spec in operations:
        assert {"401", "403", "429"} <= set(spec["responses"]), (method, path)
        assert spec["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


@pytest.fixture
def providers_answer_nothing(replay, settings, tmp_path):
    """Every provider reachable and knowing nothing, Spotify set up, slskd up: a 503 here would be a bug."""
    settings.PROVIDER_RETRIES = 0
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "test-id", "test-secret"
    replay.serve("/api/token", body=json.dumps({"access_token": "t", "token_type": "Bearer", "expires_in": 3600}),
                 method="POST")
    replay.serve("/v1/search", body=json.dumps({"tracks": {"items": [], "total": 0}}))
    replay.serve("/ws/2/recording", body='<?xml version="1.0" encoding="UTF-8"?><metadata '
                 'xmlns="http://musicbrainz.org/ns/mmd-2.0#"><recording-list count="0" offset="0"/></metadata>',
                 content_type="application/xml")
    replay.server.expect_request(re.compile(".*")).respond_with_data("", status=404)
    slskd = standin_for(settings, tmp_path)
    yield
    slskd.close()


def seeded() -> dict[str, str]:
    """One row of each kind an operation's path names, by the path's collection."""
    track = TrackFactory(title="Strobe", credit_name="deadmau5", bpm=128, key="8A")
    entry = LibraryTrackFactory()
    want = WantListFactory(library_track=entry)
    tracklist = TracklistFactory()
    line = LineToReviewFactory(tracklist=tracklist)
    download = DownloadFactory(track=track, state="awaiting_choice", candidates=[{
        "source": "slskd", "username": "peer", "filename": "@@m\\deadmau5\\Strobe.flac", "size": 1000,
        "format": "flac", "score": 0.7, "reasons": ["length fits"], "meets_quality": True, "confident": False,
    }])
    job = MetadataFetchTaskFactory(status="completed", total=1, processed=1, failed=1)
    return {
        "tracks": str(track.pk), "library/tracks": str(entry.pk), "want-list": str(want.pk),
        "tracklists": str(tracklist.pk), "review-queue": str(line.pk), "downloads": str(download.pk),
        "jobs": str(job.pk), "discovery/sources": str(tracklist.pk),
    }


def _collection(path: str) -> str:
    return path.removeprefix("/api/v1/").split("/{", 1)[0]


# Examples generated for each operation: enough to reach its 400s, 404s and answers, fast enough for CI.
EXAMPLES = 20


@pytest.fixture
def connection_kept():
    """Keep the test's database connection through each WSGI request, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_every_operation_against_its_schema(providers_answer_nothing, connection_kept):
    """schemathesis over every operation: never a server error, every answer as the schema documents it."""
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(generated(), default=str)))
    loaded.app = get_wsgi_application()
    token = client_for(UserFactory(username="schemathesis")).token
    headers = {"Authorization": f"Bearer {token}"}
    rows = seeded()
    turn = itertools.count()
    failures, ran = [], 0
    for result in loaded.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case):
            # Every other case names a row that exists, so the answers are not only 404s.
            for name in case.path_parameters or {}:
                if next(turn) % 2 == 0:
                    case.path_parameters[name] = rows.get(_collection(case.path), case.path_parameters[name])
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - every operation is run; the failures are listed together
            failures.append(f"{operation.label}: {exc}")
        ran += 1
    assert ran >= 35
    assert not failures, "\n\n".join(failures)
