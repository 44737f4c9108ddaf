"""AcoustID: a real fpcalc on a generated file, the real client against a local server replaying recorded answers,
the decision (linked, close call for a person, nothing), the key kept out of every text, and garbage answers."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from audio import scanning, selectors
from audio.models import ScanItemKind, ScanJob, ScanJobItem
from common.redact import RedactingFormatter
from core import jobs
from library.models import LibraryTrack
from providers.acoustid import AcoustID, candidates_from_body, fingerprint_file, fingerprint_parse
from providers.base import ProviderError
from tests.audio_factory import make_audio
from tests.pages import messages_of
from tests.replay import fixture_json
from tracks.models import Track

pytestmark = pytest.mark.django_db

KEY = "sEcReT-AcoustID-key-123"
FOCUS = "acoustid/picard-acoustid-lookup-no-metadata.json"
NINA = "acoustid/picard-acoustid-recording.json"
HOCUS_POCUS_200S = "308d6e5a-52ff-41ca-aae8-7881e92472be"
NINA_MBID = "017830c1-d1cf-46f3-8801-aaaa0a930223"


@pytest.fixture
def acoustid(replay, settings):
    settings.ACOUSTID_API_KEY = KEY
    return replay


@pytest.fixture
def untagged(tmp_path) -> Path:
    """About as long as the recordings in the recorded answer (200 and 204 s), and without tags."""
    root = tmp_path / "music"
    make_audio(root / "Track 07.ogg", format="ogg", seconds=202, bitrate_kbps=64)
    return root


def scan(root: Path) -> ScanJob:
    job = scanning.scan_job_create(root=str(root), enqueue_now=False, analyse=False)
    return jobs.job_run_here(model=ScanJob, job_id=job.pk)


def close_call_body() -> str:
    """Two different recordings for one fingerprint: the recorded Focus answer, and the recorded Nina recording
    wrapped as a second result (see tests/fixtures/acoustid/SOURCES.md)."""
    body = fixture_json(FOCUS)
    body["results"][0]["score"] = 0.8
    body["results"].append({"id": "9ff43b6a-4f16-427c-93c2-92307ca505e0", "score": 0.78,
                            "recordings": [fixture_json(NINA)]})
    return json.dumps(body)


def test_fpcalc_fingerprints_a_real_file(untagged):
    found = fingerprint_file(str(untagged / "Track 07.ogg"))
    assert found.duration == 202 and len(found.fingerprint) > 100


@pytest.mark.parametrize("audio_format", ["flac", "mp3", "m4a", "ogg"])
def test_the_fingerprint_fpcalc_prints_is_used_whatever_its_exit_status(tmp_path, audio_format):
    # Debian's fpcalc 1.5.1 prints a good fingerprint for ffmpeg's FLAC, MP3 and M4A files, then exits with 3
    # ("Error decoding audio frame (End of file)").
    path = make_audio(tmp_path / f"tone.{audio_format}", format=audio_format, seconds=30)
    found = fingerprint_file(str(path))
    assert found.duration == 30 and len(found.fingerprint) > 100


def test_fpcalc_says_why_a_file_cannot_be_fingerprinted(tmp_path):
    (tmp_path / "noise.mp3").write_bytes(b"\x00not audio at all" * 100)
    with pytest.raises(ProviderError, match="fpcalc could not read the audio"):
        fingerprint_file(str(tmp_path / "noise.mp3"))


def test_the_recorded_answer_becomes_candidates_best_first():
    candidates = candidates_from_body(fixture_json(FOCUS))
    # The third recording carries only an id: nothing to show a person, so it is left out.
    assert [(c.external_id, c.title, c.artists, c.duration) for c in candidates] == [
        (HOCUS_POCUS_200S, "Hocus Pocus", ("Focus",), 200),
        ("af578913-c456-4d27-bb69-612c8cea0799", "Hocus Pocus", ("Focus",), 204),
    ]
    first = candidates[0]
    assert (first.source, first.score, first.album) == ("acoustid", 0.9468, "Testament van de Seventies")
    assert first.release_date.isoformat() == "1989-01-01" and first.url.endswith(HOCUS_POCUS_200S)


def test_an_untagged_file_is_linked_to_the_recording_its_sound_clearly_matches(acoustid, untagged):
    acoustid.serve("/v2/lookup", FOCUS)
    job = scan(untagged)
    assert job.status == "completed" and job.failed == 0, job.last_error
    track = Track.objects.get()
    assert (track.title, track.artists, track.musicbrainz_recording_id) == ("Hocus Pocus", ["Focus"], HOCUS_POCUS_200S)
    assert track.metadata_sources["title"]["source"] == "acoustid"
    assert track.metadata_sources["musicbrainz_recording_id"]["source"] == "acoustid"
    assert LibraryTrack.objects.get(track=track).is_provisional is False
    summary = selectors.scan_summary(job=job)
    assert summary.counts["new"] == 1 and summary.counts["identified"] == 1
    [request] = acoustid.requests()
    assert request.args["client"] == KEY and request.args["meta"] == "recordings releasegroups compress"
    assert request.args["duration"] == "202" and len(request.args["fingerprint"]) > 100


def test_a_close_call_waits_for_a_person_who_picks_a_candidate_on_the_scan_page(acoustid, untagged, admin_client):
    acoustid.serve("/v2/lookup", body=close_call_body())
    job = scan(untagged)
    track = Track.objects.get()
    assert (track.title, track.musicbrainz_recording_id) == ("Track 07", "")  # known from its name only
    entry = LibraryTrack.objects.get(track=track)
    assert entry.is_provisional and "AcoustID: a close call" in entry.notes
    summary = selectors.scan_summary(job=job)
    assert summary.counts["needs_review"] == 1
    [review] = summary.reviews
    assert [c["title"] for c in review["candidates"]] == ["Hocus Pocus", "Hocus Pocus", "Nina"]
    page = admin_client.get(reverse("admin:audio_scanjob_change", args=[job.pk])).content.decode()
    assert 'id="scan-reviews"' in page and "Nina" in page and "Hocus Pocus" in page
    nina = reverse("admin:audio_scanjob_accept", args=[job.pk, review["item"], 2])
    response = admin_client.post(nina, follow=True)
    assert messages_of(response) == [
        f"{untagged / 'Track 07.ogg'} is now linked to the recording you chose."
    ]
    track.refresh_from_db()
    assert (track.title, track.artists, track.musicbrainz_recording_id) == ("Nina", ["Ed Sheeran"], NINA_MBID)
    assert LibraryTrack.objects.get(track=track).is_provisional is False
    item = ScanJobItem.objects.get(kind=ScanItemKind.IDENTIFY)
    assert item.result["status"] == "identified" and item.result["chosen_by"] == "admin"


def test_a_recording_already_in_the_catalogue_without_a_file_takes_the_file(acoustid, untagged):
    known = Track.objects.create(title="Hocus Pocus", artists=["Focus"], musicbrainz_recording_id=HOCUS_POCUS_200S,
                                 label="Imperial")
    acoustid.serve("/v2/lookup", FOCUS)
    scan(untagged)
    known.refresh_from_db()
    assert known.file_path == str(untagged / "Track 07.ogg") and known.label == "Imperial"
    assert Track.objects.count() == 1 and LibraryTrack.objects.get().track == known


def test_an_answer_that_matches_nothing_well_leaves_the_track_as_it_was(acoustid, untagged):
    body = fixture_json(FOCUS)
    body["results"][0]["score"] = 0.3
    acoustid.serve("/v2/lookup", body=json.dumps(body))
    job = scan(untagged)
    assert Track.objects.get().title == "Track 07"
    assert selectors.scan_summary(job=job).counts["not_identified"] == 1


def test_the_key_never_appears_in_errors_logs_or_pages(acoustid, untagged, caplog, admin_client):
    # A server that echoes the request (with its key) in an error.
    acoustid.serve("/v2/lookup", body=f"bad request: /v2/lookup?client={KEY}&meta=recordings", status=400,
                   content_type="text/plain")
    caplog.set_level(logging.DEBUG)
    job = scan(untagged)
    item = ScanJobItem.objects.get(kind=ScanItemKind.IDENTIFY)
    assert item.status == "failed" and "400 bad request" in item.error.lower()
    job.refresh_from_db()
    page = admin_client.get(reverse("admin:audio_scanjob_change", args=[job.pk])).content.decode()
    # Logs pass through the project's redacting formatter (config/settings.py LOGGING) on their way out.
    formatted = "\n".join(RedactingFormatter().format(record) for record in caplog.records)
    assert "/v2/lookup" in formatted
    for text in (item.error, job.last_error, page, formatted):
        assert KEY not in text
    assert "***" in item.error


def test_without_a_key_no_lookup_is_made_and_the_job_says_so(replay, untagged, settings):
    settings.ACOUSTID_API_KEY = ""
    job = scan(untagged)
    assert job.failed == 0 and replay.requests() == []
    assert not ScanJobItem.objects.filter(kind=ScanItemKind.IDENTIFY).exists()
    [note] = selectors.scan_summary(job=job).notes
    assert "The look-up by sound (AcoustID) was skipped: ACOUSTID_API_KEY is not set" in note


def test_an_error_answer_is_a_provider_error_naming_it():
    with pytest.raises(ProviderError, match="status 'error' \\(invalid API key\\)"):
        candidates_from_body({"status": "error", "error": {"code": 4, "message": "invalid API key"}})


def test_the_client_is_disabled_without_a_key(settings):
    settings.ACOUSTID_API_KEY = ""
    assert AcoustID.disabled_reason().startswith("ACOUSTID_API_KEY is not set")


JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["status", "results", "recordings", "id", "title", "score", "artists", "name", "duration",
                         "releasegroups", "releases", "date", "year", "month", "day", "secondarytypes", "error"]),
        children, max_size=6),
    max_leaves=30,
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(body=JSON)
def test_any_answer_gives_candidates_or_a_provider_error_never_a_crash(body):
    try:
        candidates = candidates_from_body(body)
    except ProviderError:
        return
    assert all(0.0 <= (candidate.score or 0.0) <= 1.0 and candidate.title for candidate in candidates)


@hypothesis_settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200) | JSON.map(json.dumps))
def test_any_fpcalc_output_gives_a_fingerprint_or_a_provider_error_never_a_crash(text):
    try:
        found = fingerprint_parse(text)
    except ProviderError:
        return
    assert found.duration >= 1 and found.fingerprint
