"""Downloads in the admin: the actions on tracks, library tracks and the want list, the list with live
progress, a download's page, cancel, and what a person without the right may not do."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from downloads.models import Download, DownloadJob, DownloadState
from tests.factories import DownloadFactory, LibraryTrackFactory, TrackFactory, UserFactory, WantListFactory
from tests.pages import messages_of
from tests.slskd_standin import standin_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def slskd(settings, tmp_path):
    standin = standin_for(settings, tmp_path)
    yield standin
    standin.close()


@pytest.mark.parametrize(("changelist", "make"), [
    ("admin:tracks_track_changelist", lambda: TrackFactory()),
    ("admin:library_librarytrack_changelist", lambda: LibraryTrackFactory()),
    ("admin:wantlist_wantlist_changelist", lambda: WantListFactory()),
])
def test_download_actions_on_tracks_library_tracks_and_the_want_list(admin_client, slskd, changelist, make):
    row = make()
    response = admin_client.post(reverse(changelist), {"action": "download_good", "_selected_action": [row.pk]},
                                 follow=True)
    assert any(m.startswith("Started 1 download.") for m in messages_of(response))
    download = Download.objects.get()
    assert download.quality == "good" and download.state == DownloadState.PENDING
    assert DownloadJob.objects.get().total == 1
    # Asked again: the same download, nothing new.
    response = admin_client.post(reverse(changelist), {"action": "download_good", "_selected_action": [row.pk]},
                                 follow=True)
    assert any("1 was already under way" in m for m in messages_of(response)) and Download.objects.count() == 1


def test_slskd_down_is_said_in_words_and_nothing_is_started(admin_client, slskd):
    track = TrackFactory()
    slskd.set_down(True)
    response = admin_client.post(reverse("admin:tracks_track_changelist"),
                                 {"action": "download_best", "_selected_action": [track.pk]}, follow=True)
    [message] = messages_of(response)
    assert message.startswith("No download was started: slskd at http://127.0.0.1:") and "cannot be reached" in message
    assert not Download.objects.exists()


def test_the_list_shows_live_progress_and_filters_by_state_and_source(admin_client):
    DownloadFactory(state=DownloadState.DOWNLOADING, progress=42, speed=1_500_000, source="slskd",
                    chosen={"filename": "@@x\\Artist\\01 Song.flac", "username": "peer"})
    DownloadFactory(state=DownloadState.FAILED, error="Nothing found for Artist Song.")
    page = admin_client.get(reverse("admin:downloads_download_changelist")).content.decode()
    assert "42% · 1.5 MB/s · 01 Song.flac" in page and "Failed: Nothing found for Artist Song." in page
    assert "job_progress.js" in page
    filtered = admin_client.get(reverse("admin:downloads_download_changelist"), {"state": "failed"})
    assert filtered.context["cl"].result_count == 1
    by_source = admin_client.get(reverse("admin:downloads_download_changelist"), {"source": "slskd"})
    assert by_source.context["cl"].result_count == 1


def test_the_progress_endpoint_follows_downloads(admin_client):
    download = DownloadFactory(state=DownloadState.QUEUED, place_in_queue=3, chosen={"filename": "a\\b.mp3"})
    key = f"downloads.download:{download.pk}"
    data = admin_client.get(reverse("admin:job_progress"), {"job": key}).json()["jobs"][key]
    assert data["status_text"] == "Queued at the peer" and "#3 in the peer's queue" in data["counts_text"]
    assert data["finished"] is False


def test_a_download_page_cancels_and_a_viewer_may_not(admin_client, client):
    download = DownloadFactory(state=DownloadState.AWAITING_CHOICE, candidates=[{
        "source": "slskd", "username": "peer", "filename": "@@x\\A\\Song.flac", "size": 30_000_000, "format": "flac",
        "duration": 200, "reasons": ["artist words found: 0%"], "confident": False, "queue_length": 2,
    }])
    page = admin_client.get(reverse("admin:downloads_download_change", args=[download.pk])).content.decode()
    assert "Song.flac" in page and "30.0 MB" in page and "3:20" in page and "artist words found: 0%" in page
    assert "Download this" in page and "Search again" in page

    viewer = UserFactory(username="viewer", is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_download"))
    client.force_login(viewer)
    page = client.get(reverse("admin:downloads_download_change", args=[download.pk])).content.decode()
    assert "Download this" not in page and "Cancel the download" not in page
    response = client.post(reverse("admin:downloads_download_cancel", args=[download.pk]), follow=True)
    assert "nothing was done" in messages_of(response)[0]
    assert Download.objects.get().state == DownloadState.AWAITING_CHOICE

    response = admin_client.post(reverse("admin:downloads_download_cancel", args=[download.pk]), follow=True)
    assert messages_of(response) == ["Cancelled the download."]
    response = admin_client.post(reverse("admin:downloads_download_cancel", args=[download.pk]), follow=True)
    assert "had already cancelled" in messages_of(response)[0]
    assert Download.objects.get().state == DownloadState.CANCELLED


def test_a_locked_file_offers_no_download_says_why_and_a_pick_of_it_is_refused(admin_client):
    def candidate(name: str, user: str, locked: bool) -> dict:
        return {"source": "slskd", "username": user, "filename": f"@@x\\A\\{name}", "size": 30_000_000,
                "format": "flac", "duration": 200, "reasons": ["locked by the peer"] if locked else [],
                "confident": False, "locked": locked, "queue_length": 0, "free_slot": True}

    download = DownloadFactory(state=DownloadState.AWAITING_CHOICE, candidates=[
        candidate("Open Song.flac", "sharer", False), candidate("Locked Song.flac", "locker", True),
    ])
    page = admin_client.get(reverse("admin:downloads_download_change", args=[download.pk])).content.decode()
    rows = {row.split("</strong>")[0].rsplit(">", 1)[-1]: row for row in page.split('<tr class="candidate')[1:]}
    assert "Download this" in rows["Open Song.flac"] and "Locked by the peer" not in rows["Open Song.flac"]
    assert "Download this" not in rows["Locked Song.flac"]
    assert "Locked by the peer: shared only with some users, so slskd's request would be refused." in rows[
        "Locked Song.flac"]

    # A page from before, or a hand-made request: the pick is refused, with why, and nothing changes.
    response = admin_client.post(reverse("admin:downloads_download_choose", args=[download.pk]),
                                 {"username": "locker", "filename": "@@x\\A\\Locked Song.flac"}, follow=True)
    [message] = messages_of(response)
    assert message.startswith("“Locked Song.flac” is locked by the peer") and "choose another file" in message
    download.refresh_from_db()
    assert download.state == DownloadState.AWAITING_CHOICE and download.job is None
    assert not DownloadJob.objects.exists()


def test_a_completed_downloads_page_plays_its_file_and_the_sidebar_counts_those_awaiting_a_choice(
    admin_client, tmp_path
):
    from downloads.models import DownloadState
    from tests.audio_factory import make_audio
    from tests.factories import DownloadFactory, TrackFactory

    path = make_audio(tmp_path / "glue.ogg", format="ogg", seconds=2)
    done = DownloadFactory(track=TrackFactory(file_path=str(path), file_format="ogg"), state=DownloadState.COMPLETED)
    page = admin_client.get(reverse("admin:downloads_download_change", args=[done.pk])).content.decode()
    assert 'id="download-player"' in page and reverse("admin:tracks_track_audio", args=[done.track.pk]) in page
    DownloadFactory.create_batch(2, state=DownloadState.AWAITING_CHOICE)
    index = admin_client.get(reverse("admin:index")).content.decode()
    downloads = index[index.index('href="/admin/downloads/download/"'):]
    assert ">2<" in downloads[:downloads.index("</a>")].replace(" ", "").replace("\n", "")
