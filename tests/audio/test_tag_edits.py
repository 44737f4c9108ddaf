"""Edits in the admin reach the file by a tag write job; a write that cannot happen keeps the edit and says why;
"Write tags" jobs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audio.models import TagWriteJob
from audio.tags import read_tags
from core.jobs import job_run_here
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def edit(client, track, **changes):
    url = reverse("admin:tracks_track_change", args=[track.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()
            if name not in {"id", "metadata_sources", "audience"}}
    data.update(changes)
    response = client.post(url, data, follow=True)
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def run_tag_job() -> TagWriteJob:
    """Run the tag write job an edit started, here, as a worker would."""
    return job_run_here(model=TagWriteJob, job_id=TagWriteJob.objects.get().pk)


def track_page(client, track) -> str:
    return client.get(reverse("admin:tracks_track_change", args=[track.pk])).content.decode()


# The message about the job is said once the edit is committed: these tests commit, as a request does.
@pytest.mark.django_db(transaction=True)
def test_an_edit_in_the_admin_is_written_into_the_file_by_a_job(admin_client, filed):
    response, messages = edit(admin_client, filed, title="One More Time", version="Club Edit", bpm="123",
                              key="Am", label="Virgin")
    job = TagWriteJob.objects.get()
    [said] = [m for m in messages if "tags are being written in the background" in m]
    assert (response.status_code == 200 and str(job) in said
            and reverse("admin:audio_tagwritejob_change", args=[job.pk]) in said)
    # The request did not touch the file: the job writes it, and until then the track says its tags are out of date.
    assert read_tags(filed.file_path).full_title == "One More Time"
    filed.refresh_from_db()
    assert filed.version == "Club Edit" and filed.tags_out_of_date
    assert "Out of date until its tag write job has run" in track_page(admin_client, filed)
    finished = run_tag_job()
    assert (finished.status, finished.succeeded, finished.with_artwork) == ("completed", 1, False)
    tags = read_tags(filed.file_path)
    assert tags.full_title == "One More Time (Club Edit)" and tags.label == "Virgin"
    assert float(tags.bpm) == 123 and tags.camelot == "8A" and tags.isrc == "GBDUW0000059"
    filed.refresh_from_db()
    assert not filed.tags_out_of_date and filed.tags_written_at and "Written" in track_page(admin_client, filed)
    # The write recorded the file's new size and time, so a scan does not think someone else changed it.
    assert filed.file_mtime_ns == os.stat(filed.file_path).st_mtime_ns


@pytest.mark.django_db(transaction=True)
def test_an_edit_with_the_broker_down_is_kept_and_says_the_tags_wait(admin_client, filed, broker_down):
    before = Path(filed.file_path).read_bytes()
    _, messages = edit(admin_client, filed, genre="House")
    [warning] = [m for m in messages if "tags were not written" in m]
    assert "The change is saved" in warning and "broker" in warning and "“Write tags”" in warning
    filed.refresh_from_db()
    assert filed.genre == "House" and filed.tags_out_of_date
    assert Path(filed.file_path).read_bytes() == before
    assert "Out of date: its tag write job has not written the edit yet" in track_page(admin_client, filed)


def test_an_edit_of_no_field_the_file_holds_starts_no_job(admin_client, filed):
    edit(admin_client, filed, artwork_url="https://example.com/cover.jpg")
    filed.refresh_from_db()
    assert not TagWriteJob.objects.exists() and not filed.tags_out_of_date


def test_ids_the_isrc_and_the_file_are_not_edited_in_the_admin(admin_client, filed):
    form = admin_client.get(reverse("admin:tracks_track_change", args=[filed.pk])).context["adminform"].form
    protected = {"isrc", "file_path", "file_format", "musicbrainz_recording_id", "spotify_id"}
    assert all(form.fields[name].disabled for name in protected)
    edit(admin_client, filed, isrc="XXXXX0000000", file_path="/etc/passwd")
    filed.refresh_from_db()
    assert filed.isrc == "GBDUW0000059" and filed.file_path.endswith(".flac")


def test_a_read_only_file_keeps_the_edit_and_its_job_marks_the_tags_out_of_date(admin_client, filed):
    before = Path(filed.file_path).read_bytes()
    edit(admin_client, filed, genre="House")
    os.chmod(filed.file_path, 0o444)
    try:
        finished = run_tag_job()
    finally:
        os.chmod(filed.file_path, 0o644)
    assert finished.failed == 1 and "read-only" in finished.last_error
    filed.refresh_from_db()
    assert filed.genre == "House" and filed.tags_out_of_date and "read-only" in filed.tags_error
    assert Path(filed.file_path).read_bytes() == before
    page = track_page(admin_client, filed)
    assert "Out of date: the file is read-only" in page and "Write tags" in page


def test_a_file_gone_from_disk_keeps_the_edit_and_its_job_says_why(admin_client, filed):
    edit(admin_client, filed, album="Homework")
    os.remove(filed.file_path)
    finished = run_tag_job()
    assert finished.failed == 1 and "the file does not exist" in finished.last_error
    filed.refresh_from_db()
    assert filed.album == "Homework" and filed.tags_out_of_date


def test_a_file_changed_on_disk_since_it_was_read_is_not_overwritten(admin_client, filed):
    edit(admin_client, filed, album="Homework")
    with open(filed.file_path, "ab") as stream:
        stream.write(b"\0")  # another program wrote the file
    finished = run_tag_job()
    assert "changed on disk" in finished.last_error
    assert read_tags(filed.file_path).album == "Discovery"


def test_write_tags_on_a_selection_is_a_job_with_progress(admin_client, filed, tmp_path):
    other = TrackFactory(title="No File")
    filed.tags_out_of_date = True
    filed.album = "Homework"
    filed.save()
    url = reverse("admin:tracks_track_changelist")
    response = admin_client.post(url, {"action": "write_tags", "_selected_action": [filed.pk, other.pk]}, follow=True)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Writing the tags of 1 file" in message and "1 without a file skipped" in message
    job = TagWriteJob.objects.get()
    finished = job_run_here(model=TagWriteJob, job_id=job.pk)
    assert (finished.status, finished.succeeded, finished.total) == ("completed", 1, 1)
    filed.refresh_from_db()
    assert not filed.tags_out_of_date and read_tags(filed.file_path).album == "Homework"
    assert read_tags(filed.file_path).comment.startswith("Tagged by Cratedigger")


def test_the_write_tags_button_on_a_track_page(admin_client, filed):
    response = admin_client.post(reverse("admin:audio_write_tags", args=[filed.pk]), follow=True)
    assert "Writing the tags of 1 file" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert TagWriteJob.objects.get().total == 1
