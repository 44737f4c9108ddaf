"""Listen before you decide: a track's file played from its page and the lists, in parts, to staff only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.audio_factory import make_audio
from tests.factories import LibraryTrackFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_file(tmp_path):
    path = make_audio(tmp_path / "glue.ogg", format="ogg", seconds=3)
    return TrackFactory(title="Glue", credit_name="Bicep", file_path=str(path), file_format="ogg")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_file_is_served_whole_and_in_the_parts_a_player_asks_for(client, with_file):
    client.force_login(UserFactory())
    url = reverse("admin:tracks_track_audio", args=[with_file.pk])
    data = open(with_file.file_path, "rb").read()
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Content-Type"] == "audio/ogg" and whole["Accept-Ranges"] == "bytes"
    assert _body(whole) == data
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert _body(part) == data[100:200] and part["Content-Length"] == "100"
    tail = client.get(url, HTTP_RANGE="bytes=-50")
    assert _body(tail) == data[-50:]
    past = client.get(url, HTTP_RANGE=f"bytes={len(data) + 10}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(data)}"


def test_only_staff_who_may_see_tracks_can_listen(client, with_file):
    url = reverse("admin:tracks_track_audio", args=[with_file.pk])
    assert client.get(url).status_code == 302  # to the login page
    staff = UserFactory(username="helper", is_superuser=False)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_track"))
    assert client.get(url).status_code == 200


def test_a_track_without_its_file_has_nothing_to_play(client, with_file, tmp_path):
    client.force_login(UserFactory())
    gone = TrackFactory(file_path=str(tmp_path / "gone.flac"), file_format="flac")
    assert client.get(reverse("admin:tracks_track_audio", args=[gone.pk])).status_code == 404
    none = TrackFactory(file_path="")
    assert client.get(reverse("admin:tracks_track_audio", args=[none.pk])).status_code == 404


def test_the_lists_and_the_tracks_page_offer_the_player(client, with_file):
    client.force_login(UserFactory())
    LibraryTrackFactory(track=with_file)
    audio = reverse("admin:tracks_track_audio", args=[with_file.pk])
    for page in ("admin:tracks_track_changelist", "admin:library_librarytrack_changelist"):
        content = client.get(reverse(page)).content.decode()
        assert f'data-src="{audio}"' in content and "core/player.js" in content
    track_page = client.get(reverse("admin:tracks_track_change", args=[with_file.pk])).content.decode()
    assert f'<audio class="crate-player" controls preload="none" src="{audio}">' in track_page
