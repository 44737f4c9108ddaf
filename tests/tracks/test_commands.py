"""`manage.py fetch_track_metadata`: dry runs, synchronous fetches with a summary, and queued tasks."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.factories import TrackFactory
from tests.tracks.conftest import SOUNDCHARTS_SONG, SOUNDCHARTS_UUID
from tracks.models import MetadataFetchTask

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("fetch_track_metadata", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_dry_run_lists_and_changes_nothing():
    stale = TrackFactory.create_batch(2)
    code, out, _ = run("--all", "--dry-run")
    assert code == 0
    assert all(str(track.pk) in out for track in stale)
    assert "2 tracks would be fetched; nothing was changed." in out
    assert not MetadataFetchTask.objects.exists()


def test_sync_fetches_here_with_a_summary_and_fails_when_a_track_failed(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    good = TrackFactory(title="bad guy", credit_name="Billie Eilish", artists=["Billie Eilish"],
                        soundcharts_uuid=SOUNDCHARTS_UUID, label="")
    TrackFactory(title="No ids at all", credit_name="")
    code, out, err = run("--bulk", "--sync")
    assert code == 1
    assert "fetched: 1, unchanged: 0, failed: 1" in out
    assert "No metadata for “No ids at all”" in err
    assert "2/2" in out
    good.refresh_from_db()
    assert good.label == "Interscope"

    code, out, _ = run("--track-uuid", SOUNDCHARTS_UUID, "--sync", "--provider", "soundcharts")
    assert code == 0 and "fetched: 0, unchanged: 1, failed: 0" in out


def test_track_uuid_takes_the_id_too_and_unknown_ones_are_an_error(django_capture_on_commit_callbacks):
    track = TrackFactory()
    with django_capture_on_commit_callbacks(execute=False):
        code, out, _ = run("--track-uuid", str(track.pk))
    assert code == 0 and "queued job" in out and "over 1 track" in out
    assert MetadataFetchTask.objects.get().started_by == "command"
    with pytest.raises(CommandError, match="No track has the id or Soundcharts UUID 'nope'"):
        call_command("fetch_track_metadata", "--track-uuid", "nope")


def test_an_empty_track_uuid_is_an_error_not_every_stale_track(django_capture_on_commit_callbacks):
    TrackFactory.create_batch(3)
    with pytest.raises(CommandError, match="--track-uuid is empty"):
        call_command("fetch_track_metadata", "--track-uuid", " ")
    assert not MetadataFetchTask.objects.exists()
