"""Scanning a music folder: what becomes of each file, rescans that touch nothing, moves, deletions, links,
the order in which a file finds its track, the command, the admin button and page, and a real worker."""

from __future__ import annotations

import io
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from audio import scanning, selectors
from audio.models import ScanItemKind, ScanJob, ScanJobItem
from audio.tags import TagValues, read_tags, write_tags
from core import jobs
from library.models import LibraryTrack
from tests.audio_factory import make_audio
from tests.pages import messages_of
from tests.services import wait_for
from tracks.models import Track

pytestmark = pytest.mark.django_db

STROBE_MBID = "017830c1-d1cf-46f3-8801-aaaa0a930223"


def tagged(path: Path, fmt: str, seconds: float = 2.0, frequency: int = 440, **tags) -> Path:
    make_audio(path, format=fmt, seconds=seconds, frequency=frequency)
    write_tags(path, TagValues(**tags))
    return path


def touch_later(path: Path) -> None:
    """Make sure the file's mtime differs from what the last scan saw, however coarse the clock."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))


def scan(root: Path, **options) -> ScanJob:
    job = scanning.scan_job_create(root=str(root), enqueue_now=False, analyse=False, started_by="test", **options)
    return jobs.job_run_here(model=ScanJob, job_id=job.pk)


def counts(job: ScanJob) -> dict[str, int]:
    found = selectors.scan_summary(job=job).counts
    return {name: count for name, count in found.items() if count}


@pytest.fixture
def library(tmp_path) -> Path:
    """A music folder with two tagged files, an untagged one named "Artist - Title", a damaged one and a note."""
    root = tmp_path / "music"
    tagged(root / "deadmau5" / "Strobe (Club Edit).mp3", "mp3", title="Strobe", version="Club Edit",
           artists=("deadmau5",), album="For Lack of a Better Name", label="mau5trap", bpm=Decimal("128"),
           key="F minor", isrc="USUS10900001", genre="progressive house", date="2009-09", track_number=10)
    tagged(root / "Trevino" / "Sombre Tones.flac", "flac", title="Sombre Tones", artists=("Trevino",),
           musicbrainz_recording_id=STROBE_MBID, bpm=Decimal("130"), key="8A")
    make_audio(root / "Bicep - Glue.ogg", format="ogg", seconds=2)
    (root / "broken.mp3").write_bytes(os.urandom(4096))
    (root / "notes.txt").write_text("bought at the record fair")
    return root


def test_a_scan_makes_a_track_and_library_entry_of_each_audio_file_and_lists_the_rest_with_why(library):
    job = scan(library)
    assert job.status == "completed" and job.failed == 0, job.last_error
    assert counts(job) == {"new": 3, "unreadable": 1, "not_audio": 1}
    strobe = Track.objects.get(title="Strobe")
    assert (strobe.version, strobe.artists, strobe.credit_name) == ("Club Edit", ["deadmau5"], "deadmau5")
    assert (strobe.album, strobe.label, strobe.isrc, strobe.genre) == (
        "For Lack of a Better Name", "mau5trap", "USUS10900001", "Progressive House",
    )
    assert (strobe.bpm, strobe.key, strobe.key_wheel, strobe.track_number) == (Decimal("128.00"), "F minor", 7, 10)
    assert (strobe.release_date.isoformat(), strobe.release_date_precision) == ("2009-09-01", "month")
    assert strobe.file_path == str(library / "deadmau5" / "Strobe (Club Edit).mp3")
    assert (strobe.file_format, strobe.file_bitrate, strobe.duration, strobe.file_missing) == ("mp3", 320, 2, False)
    assert strobe.file_size == Path(strobe.file_path).stat().st_size
    assert strobe.file_mtime_ns == Path(strobe.file_path).stat().st_mtime_ns
    assert strobe.metadata_sources["title"]["source"] == "tags"
    assert strobe.metadata_sources["bpm"]["source"] == "tags"
    sombre = Track.objects.get(title="Sombre Tones")
    assert (sombre.musicbrainz_recording_id, sombre.key) == (STROBE_MBID, "A minor")
    # The file without tags is added under its name: "Artist - Title".
    glue = Track.objects.get(title="Glue")
    assert glue.artists == ["Bicep"] and glue.metadata_sources["title"]["source"] == "filename"
    # Every track with a file is in the library; one tied to a MusicBrainz recording is not provisional.
    entries = {entry.track.title: entry.is_provisional for entry in LibraryTrack.objects.select_related("track")}
    assert entries == {"Strobe": True, "Sombre Tones": False, "Glue": True}
    summary = selectors.scan_summary(job=job)
    problems = {Path(problem["file"]).name: (problem["label"], problem["reason"]) for problem in summary.problems}
    assert problems["broken.mp3"][0] == "unreadable" and "damaged or not audio" in problems["broken.mp3"][1]
    assert problems["notes.txt"] == ("not audio", "not an audio file (.txt files are not read)")
    # No ACOUSTID_API_KEY: the look-up of the untagged file is skipped with a note, not an error.
    assert any("ACOUSTID_API_KEY is not set" in note for note in summary.notes)
    assert not ScanJobItem.objects.filter(kind=ScanItemKind.IDENTIFY).exists()


def test_a_second_scan_of_an_unchanged_folder_reads_and_writes_nothing(library):
    scan(library)
    before = dict(Track.objects.values_list("pk", "updated_at"))
    again = scan(library)
    assert counts(again) == {"unchanged": 3, "unreadable": 1, "not_audio": 1}
    assert dict(Track.objects.values_list("pk", "updated_at")) == before
    assert LibraryTrack.objects.count() == 3


def test_an_unchanged_rescan_costs_the_same_few_queries_however_many_files_a_chunk_holds(library):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rescan_queries() -> int:
        job = scanning.scan_job_create(root=str(library), enqueue_now=False, analyse=False)
        with CaptureQueriesContext(connection) as captured:
            jobs.job_run_here(model=ScanJob, job_id=job.pk)
        return len(captured)

    scan(library)
    few = rescan_queries()
    for number in range(40):
        tagged(library / "more" / f"{number:02d}.mp3", "mp3", title=f"Tool {number}", artists=("Someone",))
    scan(library)
    assert rescan_queries() == few


def test_a_changed_file_is_read_again_and_a_providers_value_is_kept(library):
    scan(library)
    strobe = Track.objects.get(title="Strobe")
    sources = {**strobe.metadata_sources, "bpm": {"source": "beatport", "at": "2024-01-01T00:00:00+00:00"}}
    Track.objects.filter(pk=strobe.pk).update(bpm=Decimal("127"), metadata_sources=sources)
    path = Path(strobe.file_path)
    write_tags(path, TagValues(title="Strobe", version="Club Edit", artists=("deadmau5",), bpm=Decimal("140"),
                               key="F minor", album="Strobe (Remixes)", label="mau5trap"))
    touch_later(path)
    job = scan(library)
    assert counts(job) == {"updated": 1, "unchanged": 2, "unreadable": 1, "not_audio": 1}
    strobe.refresh_from_db()
    assert strobe.album == "Strobe (Remixes)"  # the tags' own earlier value is replaced
    assert strobe.bpm == Decimal("127.00")  # Beatport's is kept
    assert strobe.file_mtime_ns == path.stat().st_mtime_ns and strobe.file_size == path.stat().st_size
    assert strobe.isrc == "USUS10900001"  # a field the tags no longer give is left as it was


def test_a_deleted_file_is_flagged_missing_not_deleted_and_found_again_when_it_is_back(library, tmp_path):
    scan(library)
    path = library / "Trevino" / "Sombre Tones.flac"
    kept = tmp_path / "kept.flac"
    shutil.move(path, kept)
    job = scan(library)
    assert counts(job)["missing"] == 1
    sombre = Track.objects.get(title="Sombre Tones")
    assert sombre.file_missing is True and sombre.file_path == str(path)
    assert any(problem["label"] == "missing" for problem in selectors.scan_summary(job=job).problems)
    shutil.move(kept, path)
    job = scan(library)
    assert counts(job)["updated"] == 1
    sombre.refresh_from_db()
    assert sombre.file_missing is False
    assert Track.objects.filter(title="Sombre Tones").count() == 1


def test_files_behind_a_link_the_scan_does_not_follow_are_not_called_missing(library, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (library / "Mounted").symlink_to(elsewhere, target_is_directory=True)
    behind = Track.objects.create(title="Behind", artists=["Someone"], file_path=str(library / "Mounted" / "a.flac"))
    job = scan(library)
    behind.refresh_from_db()
    assert behind.file_missing is False and "missing" not in counts(job)
    assert any(problem["label"] == "skipped" for problem in selectors.scan_summary(job=job).problems)


def test_a_moved_file_keeps_its_track(library):
    scan(library)
    sombre = Track.objects.get(title="Sombre Tones")
    target = library / "Techno" / "Trevino - Sombre Tones.flac"
    target.parent.mkdir()
    shutil.move(library / "Trevino" / "Sombre Tones.flac", target)
    job = scan(library)
    assert counts(job)["missing"] == 1 and counts(job)["updated"] == 1 and "new" not in counts(job)
    sombre.refresh_from_db()
    assert (sombre.file_path, sombre.file_missing) == (str(target), False)


def test_links_that_leave_the_folder_are_not_followed_and_a_loop_does_not_hang(tmp_path):
    root, outside = tmp_path / "music", tmp_path / "elsewhere"
    tagged(root / "inside.mp3", "mp3", title="Inside", artists=("A",))
    tagged(outside / "outside.mp3", "mp3", title="Outside", artists=("B",))
    (root / "sub").mkdir()
    os.symlink(outside, root / "sub" / "to-elsewhere")
    os.symlink(outside / "outside.mp3", root / "outside-file.mp3")
    os.symlink(root, root / "sub" / "loop")  # inside the folder, back to its top
    os.symlink(root / "sub" / "nowhere", root / "dangling.mp3")
    job = scan(root)
    assert list(Track.objects.values_list("title", flat=True)) == ["Inside"]
    summary = selectors.scan_summary(job=job)
    reasons = {Path(problem["file"]).name: problem["reason"] for problem in summary.problems}
    assert reasons["to-elsewhere"].startswith("a link that leads outside the folder")
    assert reasons["outside-file.mp3"].startswith("a link that leads outside the folder")
    assert reasons["dangling.mp3"] == "a link to a file that does not exist"


def test_a_folder_that_is_not_there_or_not_a_folder_is_refused_and_nothing_is_created(tmp_path):
    (tmp_path / "a-file.mp3").write_bytes(b"x")
    with pytest.raises(scanning.ScanError, match="does not exist"):
        scanning.scan_job_create(root=str(tmp_path / "nope"), enqueue_now=False)
    with pytest.raises(scanning.ScanError, match="is a file, not a folder"):
        scanning.scan_job_create(root=str(tmp_path / "a-file.mp3"), enqueue_now=False)
    assert not ScanJob.objects.exists()


# --- Which track a file is -------------------------------------------------------------------------------------------


def test_a_musicbrainz_id_finds_the_catalogues_track_before_anything_else(tmp_path):
    known = Track.objects.create(title="Strobe", artists=["deadmau5"], musicbrainz_recording_id=STROBE_MBID)
    decoy = Track.objects.create(title="Strobe", artists=["deadmau5"], isrc="USUS10900001")
    tagged(tmp_path / "s.mp3", "mp3", title="Strobe", artists=("deadmau5",), musicbrainz_recording_id=STROBE_MBID,
           isrc="USUS10900001")
    job = scan(tmp_path)
    assert counts(job) == {"updated": 1}
    known.refresh_from_db()
    decoy.refresh_from_db()
    assert known.file_path.endswith("s.mp3") and decoy.file_path == ""
    assert LibraryTrack.objects.get().track == known


def test_an_isrc_finds_the_track_but_never_across_versions(tmp_path):
    original = Track.objects.create(title="Strobe", artists=["deadmau5"], isrc="USUS10900001", duration=600)
    tagged(tmp_path / "remix.mp3", "mp3", title="Strobe", version="Bicep Remix", artists=("deadmau5",),
           isrc="USUS10900001")
    tagged(tmp_path / "original.mp3", "mp3", title="Strobe", artists=("deadmau5",), isrc="USUS10900001")
    job = scan(tmp_path)
    assert counts(job) == {"new": 1, "updated": 1}
    original.refresh_from_db()
    assert original.file_path.endswith("original.mp3")
    remix = Track.objects.get(version="Bicep Remix")
    assert remix.file_path.endswith("remix.mp3") and remix.pk != original.pk


def test_the_path_keeps_a_retagged_file_on_its_track_unless_the_tags_now_say_another_recording(tmp_path):
    path = tagged(tmp_path / "a.mp3", "mp3", title="Strobe", artists=("deadmau5",))
    scan(tmp_path)
    track = Track.objects.get()
    write_tags(path, TagValues(title="Strobe", artists=("deadmau5", "Kaskade")))
    touch_later(path)
    scan(tmp_path)
    track.refresh_from_db()
    assert track.artists == ["deadmau5", "Kaskade"] and Track.objects.count() == 1
    # The same path now holds a remix: another recording, so another track; the original keeps its row.
    write_tags(path, TagValues(title="Strobe", version="Bicep Remix", artists=("deadmau5",)))
    touch_later(path)
    job = scan(tmp_path)
    assert counts(job) == {"new": 1}
    track.refresh_from_db()
    assert (track.version, track.file_path) == ("", "")
    assert Track.objects.get(version="Bicep Remix").file_path == str(path)


def test_the_musicbrainz_id_in_the_tags_outranks_the_path(tmp_path):
    path = tagged(tmp_path / "a.mp3", "mp3", title="Strobe", artists=("deadmau5",))
    scan(tmp_path)
    first = Track.objects.get()
    other = Track.objects.create(title="Ghosts n Stuff", artists=["deadmau5"], musicbrainz_recording_id=STROBE_MBID)
    write_tags(path, TagValues(title="Ghosts n Stuff", artists=("deadmau5",), musicbrainz_recording_id=STROBE_MBID))
    touch_later(path)
    scan(tmp_path)
    first.refresh_from_db()
    other.refresh_from_db()
    assert other.file_path == str(path) and first.file_path == ""


def test_artist_title_version_and_duration_find_a_track_without_a_file_but_a_remix_never_takes_the_original(tmp_path):
    original = Track.objects.create(title="Strobe", artists=["deadmau5"], duration=2, label="mau5trap")
    tagged(tmp_path / "original.mp3", "mp3", title="STROBE", artists=("Deadmau5",))
    tagged(tmp_path / "remix.mp3", "mp3", title="Strobe", version="Bicep Remix", artists=("deadmau5",))
    job = scan(tmp_path)
    assert counts(job) == {"new": 1, "updated": 1}
    original.refresh_from_db()
    assert original.file_path.endswith("original.mp3")
    assert original.title == "Strobe"  # a value of unknown origin is kept; the file only attached
    assert Track.objects.get(version="Bicep Remix").file_path.endswith("remix.mp3")


def test_a_second_copy_of_a_recording_with_a_file_is_listed_as_a_duplicate(tmp_path):
    tagged(tmp_path / "a.mp3", "mp3", title="Strobe", artists=("deadmau5",), musicbrainz_recording_id=STROBE_MBID)
    tagged(tmp_path / "b.flac", "flac", title="Strobe", artists=("deadmau5",), musicbrainz_recording_id=STROBE_MBID)
    job = scan(tmp_path)
    assert counts(job) == {"new": 1, "duplicate": 1}
    problem = next(p for p in selectors.scan_summary(job=job).problems if p["outcome"] == "duplicate")
    assert problem["file"].endswith("b.flac") and "another copy of" in problem["reason"]


def test_a_large_folder_is_read_in_chunks_and_each_file_once(tmp_path, monkeypatch):
    monkeypatch.setattr("audio.scan.SCAN_CHUNK", 4)
    for number in range(10):
        tagged(tmp_path / "big" / f"{number:02d}.mp3", "mp3", title=f"Tool {number}", artists=("A",))
    tagged(tmp_path / "small" / "x.mp3", "mp3", title="X", artists=("B",))
    job = scan(tmp_path)
    assert counts(job) == {"new": 11}
    chunks = ScanJobItem.objects.filter(job=job, kind=ScanItemKind.FILES)
    assert chunks.count() == 3
    assert Track.objects.values("file_path").distinct().count() == 11


# --- The command -------------------------------------------------------------------------------------------------


def test_the_command_scans_here_and_prints_the_counts_and_the_files_it_could_not_take(library):
    out = io.StringIO()
    call_command("scan_library", str(library), "--sync", "--no-analysis", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert f"scanned {library}: new: 3, updated: 0, unchanged: 0, missing: 0, unreadable: 1, not audio: 1" in text
    assert f"unreadable: {library / 'broken.mp3'}: the file is damaged or not audio" in text
    assert f"not audio: {library / 'notes.txt'}: not an audio file (.txt files are not read)" in text
    assert "note: 1 file has no title or no artist" in text
    assert ScanJob.objects.get().analyse is False


def test_the_command_queues_a_job_without_sync_and_scans_music_root_by_default(library, settings):
    settings.MUSIC_ROOT = str(library)
    out = io.StringIO()
    call_command("scan_library", stdout=out)
    job = ScanJob.objects.get()
    assert out.getvalue().strip() == f"queued scan job {job.pk} of {library}"
    assert (job.root, job.status, job.total) == (str(library), "pending", 1)


def test_the_command_refuses_a_missing_folder_or_a_file(tmp_path):
    with pytest.raises(CommandError, match=f"The folder {tmp_path / 'gone'} does not exist"):
        call_command("scan_library", str(tmp_path / "gone"), "--sync")
    (tmp_path / "song.mp3").write_bytes(b"x")
    with pytest.raises(CommandError, match="is a file, not a folder"):
        call_command("scan_library", str(tmp_path / "song.mp3"))
    assert not ScanJob.objects.exists() and not Track.objects.exists()


def test_a_second_scan_of_a_folder_being_scanned_is_refused(library):
    scanning.scan_job_create(root=str(library), enqueue_now=False)
    with pytest.raises(CommandError, match="already under way"):
        call_command("scan_library", str(library), "--sync")


# --- The admin ---------------------------------------------------------------------------------------------------


def test_the_scan_button_starts_a_scan_of_music_root_and_its_page_shows_what_it_found(admin_client, library, settings):
    settings.MUSIC_ROOT = str(library)
    listing = admin_client.get(reverse("admin:audio_scanjob_changelist")).content.decode()
    assert 'id="scan-music-folder"' in listing and "Scan the music folder" in listing
    response = admin_client.post(reverse("admin:audio_scanjob_scan"), follow=True)
    job = ScanJob.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:audio_scanjob_change", args=[job.pk])
    assert messages_of(response)[0].startswith(
        f'Started <a href="{response.redirect_chain[-1][0]}">Scan of {library}</a>')
    jobs.job_run_here(model=ScanJob, job_id=job.pk)
    page = admin_client.get(reverse("admin:audio_scanjob_change", args=[job.pk])).content.decode()
    assert 'id="scan-counts"' in page
    # What it found is drawn again as each step ends, without a reload (core/job_progress.js).
    assert 'id="scan-summary" data-live' in page and 'data-live-on="processed status"' in page
    assert "<th scope=\"row\">New</th><td class=\"scan-count\">3</td>" in page
    assert "<th scope=\"row\">Not audio</th><td class=\"scan-count\">1</td>" in page
    assert "broken.mp3" in page and "the file is damaged or not audio" in page


def test_the_scan_button_says_why_when_the_music_folder_is_not_there(admin_client, settings, tmp_path):
    settings.MUSIC_ROOT = str(tmp_path / "not-mounted")
    response = admin_client.post(reverse("admin:audio_scanjob_scan"), follow=True)
    assert messages_of(response) == [
        f"Nothing was scanned: The folder {tmp_path / 'not-mounted'} does not exist. Check the path (or MUSIC_ROOT) "
        "and try again. (the music folder is the MUSIC_ROOT setting)"
    ]
    assert not ScanJob.objects.exists()


def test_someone_who_may_only_look_gets_no_button_and_cannot_start_a_scan(client, library, settings):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    settings.MUSIC_ROOT = str(library)
    user = UserFactory(username="looker", is_staff=True, is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_scanjob"))
    client.force_login(user)
    listing = client.get(reverse("admin:audio_scanjob_changelist")).content.decode()
    assert 'id="scan-music-folder"' not in listing
    response = client.post(reverse("admin:audio_scanjob_scan"), follow=True)
    assert "nothing was started" in messages_of(response)[0]
    assert not ScanJob.objects.exists()


# --- A real worker -------------------------------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_scan_runs_on_a_real_worker(celery_worker, library):
    job = scanning.scan_job_create(root=str(library), analyse=False, started_by="test")
    wait_for(lambda: ScanJob.objects.get(pk=job.pk).is_finished, timeout=90,
             message=f"the scan to finish; worker log:\n{celery_worker.log_text()[-2000:]}")
    job.refresh_from_db()
    assert job.status == "completed", job.last_error
    assert counts(job) == {"new": 3, "unreadable": 1, "not_audio": 1}
    assert read_tags(Track.objects.get(title="Strobe").file_path).bpm == Decimal("128")
    assert timezone.now() >= job.finished_at
