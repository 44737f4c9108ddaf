"""Duplicates by sound: real files made with ffmpeg (a FLAC, its MP3 copy, an unrelated file) fingerprinted with
fpcalc, matched by bit-error rate, listed side by side; keep the best sets the others aside, never deleting."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse

from audio import fingerprint
from audio import scanning as audio_scanning
from audio.models import ScanJob
from core import jobs
from crates import files, selectors, services
from crates.models import Crate, FileMoveJob, FingerprintJob
from library.models import LibraryTrack, TrackDiscovery, Tracklist
from matching.weights import PROFILE_CLOSE
from tests.crates.conftest import track_with_file
from tests.factories import UserFactory
from tracks.models import Track

pytestmark = pytest.mark.django_db


@pytest.fixture
def copies(music, tunes):
    """One recording as a FLAC and as its 128 kbit/s MP3 copy, the same FLAC twice, and an unrelated file."""
    flac = track_with_file(tunes(music / "A" / "Glue.flac", tune="a", codec="flac"), title="Glue", credit_name="Bicep")
    mp3 = track_with_file(tunes(music / "Downloads" / "glue.mp3", tune="a", codec="mp3"), title="Glue (copy)",
                          credit_name="Bicep")
    again = track_with_file(tunes(music / "Old" / "Glue.flac", tune="a", codec="flac"),
                            title="Glue", credit_name="bicep")
    other = track_with_file(tunes(music / "B" / "Other.flac", tune="b", codec="flac"), title="Other", credit_name="X")
    return flac, mp3, again, other


def _find(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("find_duplicates", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_fingerprints_of_one_recording_match_and_of_another_do_not(copies):
    flac, mp3, again, other = copies
    prints = {track.pk: np.array(fingerprint.fingerprint_raw(track.file_path), dtype=np.uint32)
              for track in (flac, mp3, again, other)}
    assert fingerprint.same_recording(prints[flac.pk], prints[again.pk]) == (True, 0.0)
    same, rate = fingerprint.same_recording(prints[flac.pk], prints[mp3.pk])
    assert same and rate < 0.05
    same, rate = fingerprint.same_recording(prints[flac.pk], prints[other.pk])
    assert not same and rate > 0.3
    stored = fingerprint.encode(prints[flac.pk])
    assert np.array_equal(fingerprint.decode(stored), prints[flac.pk])
    assert np.abs(fingerprint.profile_array(fingerprint.profile(prints[flac.pk]))
                  - fingerprint.profile_array(fingerprint.profile(prints[mp3.pk]))).sum() < PROFILE_CLOSE


def test_find_duplicates_lists_the_copies_side_by_side_best_first(copies):
    flac, mp3, again, other = copies
    said = _find("--sync")
    assert "fingerprinted 4 files; failed: 0" in said
    assert "1 group of duplicates among 4 fingerprinted files" in said
    groups = selectors.duplicate_groups()
    assert len(groups) == 1
    group = groups[0]
    assert {each.track.pk for each in group.files} == {flac.pk, mp3.pk, again.pk}
    assert group.best.track.file_format == "flac" and group.files[-1].track.pk == mp3.pk
    assert "[keep] FLAC" in said and "MP3 128 kbit/s" in said and mp3.file_path in said and other.file_path not in said


def test_keep_the_best_sets_the_others_aside_and_folds_their_library_entries(copies, music, settings):
    flac, mp3, again, other = copies
    tracklist = Tracklist.objects.create(name="Mix")
    TrackDiscovery.objects.create(tracklist=tracklist, position=1, raw_text="Bicep - Glue",
                                  library_track=mp3.library_entry)
    crate = services.crate_create(name="Set")
    services.crate_tracks_add(crate=crate, library_tracks=[mp3.library_entry, other.library_entry])
    _find("--sync")
    best = selectors.duplicate_groups()[0].best.track
    said = _find("--list", "--keep-best", "--sync")
    aside = Path(settings.DUPLICATES_DIR)
    moved = sorted(path for path in aside.rglob("*") if path.is_file())
    assert len(moved) == 2 and said.count("set aside ") == 2
    assert {path.relative_to(aside).as_posix() for path in moved} == {
        Path(track.file_path).relative_to(music).as_posix() for track in (flac, mp3, again) if track.pk != best.pk}
    assert Path(best.file_path).is_file() and Path(other.file_path).is_file()
    survivor = LibraryTrack.objects.get(track=best)
    assert TrackDiscovery.objects.get().library_track == survivor
    assert [entry.library_track for entry in Crate.objects.get(name="Set").entries.order_by("position")] == [
        survivor, other.library_entry]
    assert Track.objects.filter(pk__in=[flac.pk, mp3.pk, again.pk]).exclude(pk=best.pk).count() == 0
    assert selectors.duplicate_groups() == []


def test_the_duplicates_page_fingerprints_lists_and_keeps_the_chosen_file(copies, client, monkeypatch):
    from core import queue

    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)
    flac, mp3, again, other = copies
    client.force_login(UserFactory())
    page = client.get(reverse("admin:crates_duplicate_changelist")).content.decode()
    assert "0 of 4 files have a fingerprint" in page and "Fingerprint the other files" in page
    client.post(reverse("admin:crates_duplicate_fingerprint"))
    jobs.job_run_here(model=FingerprintJob, job_id=FingerprintJob.objects.get().pk)
    page = client.get(reverse("admin:crates_duplicate_changelist")).content.decode()
    assert "4 of 4 files have a fingerprint" in page and page.count('class="duplicate-file') == 3
    assert "FLAC (lossless)" in page and "128 kbit/s" in page and mp3.file_path in page
    client.post(reverse("admin:crates_duplicate_keep"), {"keep": str(mp3.pk)})
    jobs.job_run_here(model=FileMoveJob, job_id=FileMoveJob.objects.get().pk)
    assert Path(mp3.file_path).is_file() and not Path(flac.file_path).exists() and not Path(again.file_path).exists()
    assert LibraryTrack.objects.filter(track=mp3).exists()
    assert "No two fingerprinted files sound alike" in client.get(
        reverse("admin:crates_duplicate_changelist")).content.decode()


def test_a_duplicates_folder_inside_the_music_folder_is_refused(copies, music, settings):
    settings.DUPLICATES_DIR = str(music / "dups")
    _find("--sync")
    with pytest.raises(Exception, match="inside MUSIC_ROOT"):
        _find("--list", "--keep-best", "--sync")
    assert all(Path(track.file_path).is_file() for track in copies)


def test_a_scan_keeps_a_fingerprint_while_the_file_is_unchanged_and_forgets_it_when_it_changes(music, tunes):
    path = tunes(music / "A" / "Song.flac", tune="a", codec="flac", seconds=6)
    job = audio_scanning.scan_job_create(root=str(music), analyse=False, enqueue_now=False)
    jobs.job_run_here(model=ScanJob, job_id=job.pk)
    track = Track.objects.get()
    job = files.fingerprint_job_create(enqueue_now=False)
    jobs.job_run_here(model=FingerprintJob, job_id=job.pk)
    track.refresh_from_db()
    assert len(track.file_fingerprint_key) == 64 and track.file_fingerprint
    assert files.fingerprint_job_create(enqueue_now=False) is None  # nothing left to fingerprint
    job = audio_scanning.scan_job_create(root=str(music), analyse=False, enqueue_now=False)
    jobs.job_run_here(model=ScanJob, job_id=job.pk)
    track.refresh_from_db()
    assert track.file_fingerprint_key
    shutil.copyfile(tunes(music.parent / "b.flac", tune="b", codec="flac", seconds=6), path)
    job = audio_scanning.scan_job_create(root=str(music), analyse=False, enqueue_now=False)
    jobs.job_run_here(model=ScanJob, job_id=job.pk)
    track.refresh_from_db()
    assert track.file_fingerprint_key == "" and track.file_fingerprint == ""
