"""The discovery API: tracklists sent as text or a file, their lines, identification jobs (all lines or some,
the one under way answered again), the review queue, library tracks identified again, statistics and sources."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from library import services
from library.models import DiscoveryJob, DiscoveryStatus, LibraryTrack, TrackDiscovery, Tracklist
from tests.api.conftest import error_of
from tests.factories import LibraryTrackFactory, LineToReviewFactory, TrackFactory, TracklistFactory
from tests.services import clear_test_cache

pytestmark = pytest.mark.django_db

MIX = "01. Mark Ronson feat. Bruno Mars - Uptown Funk [Columbia]\n02. ID - ID\n[00:12:34] Daft Punk - One More Time"
MB_FLEETWOOD = "musicbrainz/revsrev-search-recording-artist-fleetwood-mac.xml"


def test_a_tracklist_sent_as_text_is_read_into_lines(api):
    response = api.post("/api/v1/tracklists/", {"name": "Essential Mix", "dj": "Ben Klock", "date": "2017-10-22",
                                                "source_url": "https://www.mixesdb.com/w/x", "text": MIX},
                        format="json")
    assert response.status_code == 201, response.content
    [created] = response.json()["tracklists"]
    assert created["name"] == "Essential Mix" and created["date"] == "2017-10-22"
    assert created["lines_by_status"]["unidentifiable"] == 1 and created["lines_by_status"]["pending"] == 2
    detail = api.get(f"/api/v1/tracklists/{created['id']}/").json()
    lines = detail["lines"]
    assert [line["position"] for line in lines] == [1, 2, 3]
    assert lines[0]["artist"] == "Mark Ronson feat. Bruno Mars" and lines[0]["title"].startswith("Uptown Funk")
    assert lines[2]["timestamp"] == 754 and lines[1]["status"] == "unidentifiable"
    assert response["Location"] == f"/api/v1/tracklists/{created['id']}/"
    listed = api.get("/api/v1/tracklists/", {"dj": "klock"}).json()["results"]
    assert [row["id"] for row in listed] == [created["id"]]


def test_a_tracklist_file_is_read_and_a_file_holding_two_mixes_makes_two(api):
    cue = (b'PERFORMER "Ben Klock"\nTITLE "Fabric 66"\nFILE "mix.wav" WAVE\n  TRACK 01 AUDIO\n    TITLE "Subzero"\n'
           b'    PERFORMER "Ben Klock"\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    TITLE "Goodly"\n'
           b'    PERFORMER "DVS1"\n    INDEX 01 05:10:00\n')
    response = api.post("/api/v1/tracklists/", {"file": SimpleUploadedFile("fabric.cue", cue)}, format="multipart")
    assert response.status_code == 201, response.content
    [created] = response.json()["tracklists"]
    assert len(created["lines"]) == 2 and created["lines"][1]["title"] == "Goodly"
    bad = api.post("/api/v1/tracklists/", {"file": SimpleUploadedFile("mix.mp3", b"\xff\xfb\x90")}, format="multipart")
    assert bad.status_code == 400 and "file" in error_of(bad)["fields"]


def test_a_tracklist_needs_text_or_a_file_and_a_name(api):
    response = api.post("/api/v1/tracklists/", {"name": "Mix"}, format="json")
    assert response.status_code == 400 and "text" in error_of(response)["fields"]
    response = api.post("/api/v1/tracklists/", {"text": "A - B"}, format="json")
    assert response.status_code == 400 and "name" in error_of(response)["fields"]
    response = api.post("/api/v1/tracklists/", {"name": "Mix", "text": "A - B", "date": "yesterday",
                                                "source_url": "not a url"}, format="json")
    assert response.status_code == 400 and {"date", "source_url"} <= set(error_of(response)["fields"])
    assert not Tracklist.objects.exists()


def test_an_oversized_tracklist_is_a_413_and_nothing_is_made(api, settings):
    big = SimpleUploadedFile("huge.txt", b"A - B\n" * (services.TRACKLIST_MAX_BYTES // 6 + 10))
    response = api.post("/api/v1/tracklists/", {"name": "Huge", "file": big}, format="multipart")
    assert response.status_code == 413 and "at most 5 MB" in error_of(response)["message"]
    response = api.post("/api/v1/tracklists/", {"name": "Huge", "text": "A - B\n" * 1_000_000}, format="json")
    assert response.status_code == 413 and "MB" in error_of(response)["message"]
    assert not Tracklist.objects.exists()


def test_discover_tracks_starts_one_job_and_asking_again_answers_it(api):
    tracklist = services.tracklist_create(name="Mix", raw_text=MIX)
    response = api.post(f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/", {"process_all": True}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["created"] is True and body["job"]["kind"] == "discovery" and body["job"]["total"] == 2
    assert response["Location"] == f"/api/v1/jobs/{body['job']['id']}/"
    again = api.post(f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/", {}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["job"]["id"] == body["job"]["id"] and DiscoveryJob.objects.count() == 1
    # Some of those lines are covered by it too; another line is not.
    some = api.post(f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/", {"positions": [3]}, format="json")
    assert some.status_code == 200 and some.json()["job"]["id"] == body["job"]["id"]
    settled = api.post(f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/", {"positions": [2, 3],
                                                                               "force_refresh": True}, format="json")
    assert settled.status_code == 202 and settled.json()["settled"] == [2] and settled.json()["job"]["total"] == 1


def test_discover_tracks_refuses_positions_the_tracklist_does_not_have(api):
    tracklist = services.tracklist_create(name="Mix", raw_text=MIX)
    response = api.post(f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/", {"positions": [1, 9]}, format="json")
    assert response.status_code == 400 and "has no line 9" in error_of(response)["fields"]["positions"][0]
    response = api.post(f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/", {"process_all": False}, format="json")
    assert response.status_code == 400 and "positions" in error_of(response)["fields"]
    response = api.post(f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/", {"positions": ["one"]}, format="json")
    assert response.status_code == 400
    assert not DiscoveryJob.objects.exists()


def test_an_idempotency_key_answers_the_first_discovery_again(api):
    tracklist = services.tracklist_create(name="Mix", raw_text=MIX)
    url = f"/api/v1/tracklists/{tracklist.pk}/discover-tracks/"
    first = api.post(url, {"force_refresh": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    DiscoveryJob.objects.update(status="completed")  # it finished meanwhile
    repeat = api.post(url, {"force_refresh": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == repeat.status_code == 202 and repeat.json() == first.json()
    assert DiscoveryJob.objects.count() == 1
    changed = api.post(url, {"force_refresh": False}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert changed.status_code == 409
    fresh = api.post(url, {"force_refresh": True}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert fresh.status_code == 202 and DiscoveryJob.objects.count() == 2
    too_long = api.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert too_long.status_code == 400 and "Idempotency-Key" in error_of(too_long)["fields"]


def test_the_review_queue_lists_close_calls_and_a_person_accepts_one(api):
    line = LineToReviewFactory()
    queue = api.get("/api/v1/review-queue/").json()
    assert queue["count"] == 1 and queue["results"][0]["candidates"][0]["index"] == 0
    response = api.post(f"/api/v1/review-queue/{line.pk}/accept/", {"candidate": 0}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["line"]["status"] == "identified" and body["line"]["method"] == "manual"
    assert body["library_track"]["track"]["title"] == "Title"
    assert api.get("/api/v1/review-queue/").json()["count"] == 0
    bad = api.post(f"/api/v1/review-queue/{line.pk}/accept/", {"candidate": 7}, format="json")
    assert bad.status_code == 400 and "no longer on this line" in error_of(bad)["fields"]["candidate"][0]
    assert api.post(f"/api/v1/review-queue/{line.pk}/accept/", {}, format="json").status_code == 400


def test_a_line_is_marked_unidentifiable(api):
    line = LineToReviewFactory()
    response = api.post(f"/api/v1/review-queue/{line.pk}/unidentifiable/")
    assert response.status_code == 200 and response.json()["line"]["status"] == "unidentifiable"
    assert response.json()["library_track"] is None


def test_search_again_identifies_a_line_with_corrected_words(api, replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve("/ws/2/recording", MB_FLEETWOOD)
    line = LineToReviewFactory(artist="Fleetwod Mac", title="Black Magic Woman")
    response = api.post(f"/api/v1/review-queue/{line.pk}/search/", {"artist": "Fleetwood Mac",
                                                                   "title": "Black Magic Woman"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["line"]["artist"] == "Fleetwood Mac" and response.json()["message"].startswith("Searched")
    assert api.post(f"/api/v1/review-queue/{line.pk}/search/", {"artist": ""}, format="json").status_code == 400


def test_library_tracks_are_listed_with_filters_and_read_with_their_mixes(api):
    old = LibraryTrackFactory(track=TrackFactory(title="Subzero", credit_name="Ben Klock", genre="Techno"),
                              first_discovered=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    new = LibraryTrackFactory(track=TrackFactory(title="Goodly", credit_name="DVS1", genre="Drum & Bass"),
                              first_discovered=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC))
    line = TrackDiscovery.objects.create(tracklist=TracklistFactory(name="Fabric"), position=1, raw_text="x",
                                         library_track=new, status=DiscoveryStatus.IDENTIFIED)
    new.discovered_from.add(line.tracklist)

    def ids(**query):
        return [row["id"] for row in api.get("/api/v1/library/tracks/", query).json()["results"]]

    assert ids(genre="drum and bass") == [str(new.pk)] and ids(artist="klock") == [str(old.pk)]
    assert ids(discovered_after="2023-01-01") == [str(new.pk)] and ids(title="sub") == [str(old.pk)]
    assert ids(label="Drumcode") and ids(label="nothing") == []
    bad = api.get("/api/v1/library/tracks/", {"discovered_after": "last year"})
    assert bad.status_code == 400 and "discovered_after" in error_of(bad)["fields"]
    detail = api.get(f"/api/v1/library/tracks/{new.pk}/").json()
    assert detail["discovered_from"][0]["name"] == "Fabric" and detail["lines"][0]["position"] == 1


def test_identify_a_provisional_library_track_again(api, replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve("/ws/2/recording", MB_FLEETWOOD)
    clear_test_cache()
    tracklist = services.tracklist_create(name="Mix", raw_text="Fleetwood Mac - Black Magic Woman")
    line = tracklist.discoveries.get()
    entry = services.library_track_provisional_create(discovery=line)
    services.line_link(discovery=line, library_track=entry)
    TrackDiscovery.objects.filter(pk=line.pk).update(status=DiscoveryStatus.PROVISIONAL)
    response = api.post(f"/api/v1/library/tracks/{entry.pk}/identify/")
    assert response.status_code == 200, response.content
    body = response.json()
    # Two studio takes with no length to tell them apart: a close call, for a person.
    assert body["status"] == "needs_review" and body["line"]["candidates"] and body["merged"] is False
    scanned = LibraryTrackFactory()
    refused = api.post(f"/api/v1/library/tracks/{scanned.pk}/identify/")
    assert refused.status_code == 409 and "fetch its metadata instead" in error_of(refused)["message"]


def test_statistics_trends_and_a_tracklists_sources(api):
    tracklist = TracklistFactory(dj="Ben Klock")
    entry = LibraryTrackFactory(track=TrackFactory(genre="Techno", credit_name="Ben Klock"))
    TrackDiscovery.objects.create(tracklist=tracklist, position=1, raw_text="x", library_track=entry,
                                  status=DiscoveryStatus.IDENTIFIED, identified_by="spotify",
                                  sources_consulted=["library", "spotify"],
                                  identified_at=datetime.datetime.now(datetime.UTC))
    clear_test_cache()
    stats = api.get("/api/v1/discovery/statistics/", {"period": "all-time"}).json()
    assert stats["tracks_discovered"] == 1 and stats["top_genres"] == [{"name": "Techno", "tracks": 1}]
    assert stats["top_mixes"][0]["tracklist_id"] == str(tracklist.pk) and stats["most_played"][0]["mixes"] == 1
    assert api.get("/api/v1/discovery/statistics/", {"period": "yearly"}).status_code == 400
    trends = api.get("/api/v1/discovery/trends/", {"days": 7}).json()
    assert trends["days"] == 7 and len(trends["discovery_rate"]) == 12 and trends["success"]["identified"] == 1
    assert api.get("/api/v1/discovery/trends/", {"days": 0}).status_code == 400
    sources = api.get(f"/api/v1/discovery/sources/{tracklist.pk}/").json()
    assert sources["lines"] == 1 and sources["by_status"]["identified"] == 1
    assert {"source": "spotify", "consulted": 1, "identified": 1} in sources["sources"]
    assert LibraryTrack.objects.count() == 1
