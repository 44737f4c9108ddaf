"""import_tracklist and discover_tracks: files, standard input, --discover --sync, --json."""

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from library.models import DiscoveryJob, Tracklist
from tests.services import clear_test_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_providers(settings):
    settings.METADATA_PROVIDERS = []  # nothing to ask: found lines become provisional
    clear_test_cache()


def run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        sys_stdin = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
        try:
            call_command(*args, stdout=out, stderr=io.StringIO())
        finally:
            sys.stdin = sys_stdin
    else:
        call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_from_a_file_says_what_it_read(tmp_path):
    path = tmp_path / "mix.txt"
    path.write_text("01. Trevino - Sombre Tones [Klockworks - KW 20]\n02. ID - ID\nwhat is this\n")
    out = run("import_tracklist", str(path), "--name", "Photon", "--dj", "Ben Klock", "--date", "2017-10-22")
    tracklist = Tracklist.objects.get()
    assert (tracklist.name, tracklist.dj, str(tracklist.date)) == ("Photon", "Ben Klock", "2017-10-22")
    assert f"imported “{tracklist}” ({tracklist.pk}): 3 lines, 1 unparsed" in out


def test_json_prints_only_one_object_per_line_in_order():
    out = run("import_tracklist", "-", "--discover", "--sync", "--json",
              stdin="Trevino - Sombre Tones\nID - ID\n???? what\n")
    rows = json.loads(out)
    assert [row["position"] for row in rows] == [1, 2, 3]
    assert set(rows[0]) == {"position", "raw", "artist", "title", "version", "label", "status", "confidence",
                            "library_track_id", "musicbrainz_id", "isrc"}
    assert [row["status"] for row in rows] == ["provisional", "unidentifiable", rows[2]["status"]]
    assert rows[0]["library_track_id"] and rows[0]["musicbrainz_id"] is None
    assert DiscoveryJob.objects.get().status == "completed"


def test_bad_input_gets_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import_tracklist", str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="is a folder; give a tracklist file in it"):
        run("import_tracklist", str(tmp_path))
    with pytest.raises(CommandError, match="is not a date"):
        run("import_tracklist", "-", "--date", "22/10/2017", stdin="A - B")
    binary = tmp_path / "mix.cue"
    binary.write_bytes(b"\x00\xff\xfe" * 50)
    with pytest.raises(CommandError):
        run("import_tracklist", str(binary))
    assert Tracklist.objects.count() == 0
    with pytest.raises(CommandError, match="No tracklist has the id"):
        run("discover_tracks", "not-an-id")


def test_discover_tracks_sync_reports_the_statuses():
    run("import_tracklist", "-", stdin="Trevino - Sombre Tones\nID - ID\n")
    tracklist = Tracklist.objects.get()
    out = run("discover_tracks", str(tracklist.pk), "--sync")
    assert "provisional: 1" in out and "unidentifiable: 1" in out


def test_discover_tracks_asked_again_while_its_job_waits_answers_that_job():
    run("import_tracklist", "-", stdin="Trevino - Sombre Tones\nID - ID\n")
    tracklist = Tracklist.objects.get()
    first = run("discover_tracks", str(tracklist.pk))
    job = DiscoveryJob.objects.get()
    assert f"queued discovery job {job.pk} over 1 line" in first
    again = run("discover_tracks", str(tracklist.pk))
    assert DiscoveryJob.objects.count() == 1
    assert f"is being identified already by discovery job {job.pk}" in again and "queued" not in again
    # --sync follows that job here to its end.
    out = run("discover_tracks", str(tracklist.pk), "--sync")
    assert DiscoveryJob.objects.count() == 1 and DiscoveryJob.objects.get().status == DiscoveryJob.Status.COMPLETED
    assert "provisional: 1" in out
