"""The folder follows its tags: files moved to where DOWNLOAD_PATH_TEMPLATE says, atomically, never overwriting, the
library's paths kept true, exports pointing at the new places."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from pyrekordbox.rbxml import RekordboxXml

from crates import files
from crates.models import FileMoveJob
from tests.crates.conftest import track_with_file
from tests.factories import UserFactory
from tracks.models import Track

pytestmark = pytest.mark.django_db


def _organise(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("organise_library", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def misplaced(music, tunes, tmp_path):
    """Files whose names no longer follow their tags, one already in place, one outside the music folder."""
    wrong = track_with_file(tunes(music / "incoming" / "track01.flac", codec="flac", seconds=4), title="Glue",
                            version="Hammer Remix", credit_name="Bicep", artists=["Bicep"], album="Isles")
    renamed = track_with_file(tunes(music / "Bicep" / "Isles" / "Bicep - Old Name.mp3", codec="mp3", seconds=4),
                              title="Atlas", credit_name="Bicep", artists=["Bicep"], album="Isles")
    placed = track_with_file(tunes(music / "Bicep" / "Isles" / "Bicep - Apricots.flac", codec="flac", seconds=4),
                             title="Apricots", credit_name="Bicep", artists=["Bicep"], album="Isles")
    outside = track_with_file(tunes(tmp_path / "elsewhere" / "x.flac", codec="flac", seconds=4), title="Outside",
                              credit_name="Someone", artists=["Someone"])
    return wrong, renamed, placed, outside


def test_a_dry_run_lists_the_moves_and_moves_nothing(misplaced, music):
    wrong, renamed, placed, outside = misplaced
    said = _organise("--dry-run")
    assert f"would move {wrong.file_path}\n        to {music}/Bicep/Isles/Bicep - Glue (Hammer Remix).flac" in said
    assert f"would move {renamed.file_path}" in said and "Apricots" not in said
    assert "2 of 4 files would move; 1 outside the music folder left alone" in said
    assert Path(wrong.file_path).is_file() and Track.objects.get(pk=wrong.pk).file_path == wrong.file_path


def test_organise_moves_the_files_keeps_the_library_true_and_exports_follow(misplaced, music, tmp_path):
    wrong, renamed, placed, outside = misplaced
    said = _organise("--sync")
    assert "moved 2 of 2 files; failed: 0" in said
    wrong.refresh_from_db(), renamed.refresh_from_db(), placed.refresh_from_db(), outside.refresh_from_db()
    assert wrong.file_path == str(music / "Bicep" / "Isles" / "Bicep - Glue (Hammer Remix).flac")
    assert renamed.file_path == str(music / "Bicep" / "Isles" / "Bicep - Atlas.mp3")
    for track in (wrong, renamed, placed, outside):
        assert Path(track.file_path).is_file()
    assert not (music / "incoming").exists()  # the folder it left empty is gone
    assert outside.file_path == str(tmp_path / "elsewhere" / "x.flac")
    target = tmp_path / "after.xml"
    call_command("export_library", "--format", "rekordbox", "--output", str(target), stdout=io.StringIO())
    assert {"/" + track["Location"] for track in RekordboxXml(str(target)).get_tracks()} == {
        track.file_path for track in (wrong, renamed, placed, outside)}
    assert "Every file of 4 is where its tags say" in _organise("--sync")


def test_a_name_taken_by_another_file_is_never_overwritten(music, tunes):
    occupant = tunes(music / "Bicep" / "Isles" / "Bicep - Glue.flac", tune="b", codec="flac", seconds=4)
    before = occupant.read_bytes()
    track = track_with_file(tunes(music / "x.flac", codec="flac", seconds=4), title="Glue", credit_name="Bicep",
                            artists=["Bicep"], album="Isles")
    _organise("--sync")
    track.refresh_from_db()
    assert track.file_path == str(music / "Bicep" / "Isles" / "Bicep - Glue (2).flac")
    assert occupant.read_bytes() == before
    assert "Every file" in _organise("--sync")  # "(2)" is where it belongs while the name is taken


def test_an_edit_offers_the_move_or_with_the_setting_makes_it(misplaced, music, client, settings):
    wrong, renamed, placed, outside = misplaced
    client.force_login(UserFactory())
    url = reverse("admin:tracks_track_change", args=[placed.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields
            and not form.fields[name].disabled}
    data.update({"title": "Apricots (Live)", "artists": "Bicep", "release_date": "", "duration": ""})
    response = client.post(url, data, follow=True)
    page = response.content.decode()
    assert "no longer follows its tags" in page and "Bicep - Apricots (Live).flac" in page
    offer = reverse("admin:crates_crate_organise_track", args=[placed.pk])
    assert "Move the file" in client.get(offer).content.decode()
    client.post(offer)
    placed.refresh_from_db()
    assert (placed.file_path == str(music / "Bicep" / "Isles" / "Bicep - Apricots (Live).flac")
            and Path(placed.file_path).is_file())
    settings.MUSIC_RENAME_ON_EDIT = True
    url = reverse("admin:tracks_track_change", args=[renamed.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields
            and not form.fields[name].disabled}
    data.update({"album": "Isles (Deluxe)", "artists": "Bicep", "release_date": "", "duration": ""})
    page = client.post(url, data, follow=True).content.decode()
    renamed.refresh_from_db()
    assert renamed.file_path == str(music / "Bicep" / "Isles (Deluxe)" / "Bicep - Atlas.mp3")
    assert "The file was moved to" in page and Path(renamed.file_path).is_file()


def test_the_organise_action_and_button_start_a_job_that_lists_what_moved(misplaced, client, monkeypatch):
    from core import jobs, queue

    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)
    wrong, renamed, placed, outside = misplaced
    client.force_login(UserFactory())
    response = client.post(reverse("admin:tracks_track_changelist"), {
        "action": "organise_tracks", "_selected_action": [wrong.pk, placed.pk]})
    job = FileMoveJob.objects.get()
    assert response.status_code == 302 and job.total == 1
    jobs.job_run_here(model=FileMoveJob, job_id=job.pk)
    page = client.get(reverse("admin:crates_filemovejob_change", args=[job.pk])).content.decode()
    assert "What moved" in page and "Bicep - Glue (Hammer Remix).flac" in page
    client.post(reverse("admin:crates_crate_organise"))
    assert FileMoveJob.objects.count() == 2 and FileMoveJob.objects.latest("created_at").total == 1


def test_a_file_that_moved_since_the_job_began_is_left_alone(misplaced):
    wrong, *_ = misplaced
    job, _plan = files.organise_job_create(tracks=[wrong], enqueue_now=False)
    Track.objects.filter(pk=wrong.pk).update(file_path="/somewhere/else.flac")
    from core import jobs

    jobs.job_run_here(model=FileMoveJob, job_id=job.pk)
    assert job.items.get().result["status"] == "skipped" and Path(wrong.file_path).is_file()
