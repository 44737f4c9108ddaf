"""The track API: list with filters, details with an ETag, a person's edit reaching the file's tags, MusicBrainz
enrichment, Spotify search and import, a download at a quality; bad input, providers down and repeats."""

from __future__ import annotations

import json
import os
from decimal import Decimal

import pytest

from audio.tags import read_tags
from downloads.models import Download, DownloadJob
from tests.api.conftest import error_of
from tests.factories import TrackFactory
from tests.replay import fixture_json
from tests.slskd_standin import standin_for
from tests.tracks.conftest import MB_ID, MB_RECORDING, SPOTIFY_SEARCH, serve_spotify_token
from tracks.models import Track

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def test_tracks_are_listed_with_their_filters_and_pages(api):
    TrackFactory(title="Strobe", credit_name="deadmau5", artists=["deadmau5"], genre="Progressive House",
                 label="mau5trap", bpm=Decimal("128"), key="8A", isrc="CAN110900151")
    TrackFactory(title="Opus", credit_name="Eric Prydz", artists=["Eric Prydz"], genre="Techno", bpm=Decimal("126"),
                 key="9A", label="Virgin")
    TrackFactory(title="Pump Up", credit_name="Hardwell", genre="Drum & Bass", bpm=Decimal("174"), key="1B")
    assert [t["title"] for t in results(api.get("/api/v1/tracks/", {"artist": "prydz"}))] == ["Opus"]
    assert [t["title"] for t in results(api.get("/api/v1/tracks/", {"title": "stro"}))] == ["Strobe"]
    assert [t["title"] for t in results(api.get("/api/v1/tracks/", {"genre": "dnb"}))] == ["Pump Up"]
    assert [t["title"] for t in results(api.get("/api/v1/tracks/", {"label": "mau5"}))] == ["Strobe"]
    ranged = results(api.get("/api/v1/tracks/", {"bpm_min": 125, "bpm_max": 130}))
    assert sorted(t["title"] for t in ranged) == ["Opus", "Strobe"]
    assert [t["title"] for t in results(api.get("/api/v1/tracks/", {"key": "Am"}))] == ["Strobe"]
    compatible = results(api.get("/api/v1/tracks/", {"key": "8A", "key_compatible": "true"}))
    assert sorted(t["title"] for t in compatible) == ["Opus", "Strobe"]
    assert [t["title"] for t in results(api.get("/api/v1/tracks/", {"search": "isrc:CAN110900151"}))] == ["Strobe"]
    assert [t["title"] for t in results(api.get("/api/v1/tracks/", {"search": "eric opus"}))] == ["Opus"]
    first = api.get("/api/v1/tracks/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert {t["id"] for t in first["results"]}.isdisjoint({t["id"] for t in second["results"]})
    [row] = results(api.get("/api/v1/tracks/", {"title": "stro"}))
    assert row["bpm"] == 128 and row["key_camelot"] == "8A" and row["created_at"].endswith(("Z", "+00:00"))


def test_bad_filters_are_a_400_naming_them(api):
    response = api.get("/api/v1/tracks/", {"bpm_min": "fast", "key": "H major"})
    error = error_of(response)
    assert response.status_code == 400 and "bpm_min" in error["fields"]
    response = api.get("/api/v1/tracks/", {"key": "H major"})
    assert response.status_code == 400 and "not a key" in error_of(response)["fields"]["key"][0]
    response = api.get("/api/v1/tracks/", {"cursor": "garbage"})
    assert response.status_code == 400 and "cursor" in error_of(response)["fields"]


def test_a_tracks_details_carry_an_etag_and_dates_in_iso_8601(api):
    track = TrackFactory(title="Strobe", release_date="2009-09-22", spotify_id="x1")
    Track.objects.filter(pk=track.pk).update(release_date_precision="month")
    response = api.get(f"/api/v1/tracks/{track.pk}/")
    body = response.json()
    assert body["release_date"] == "2009-09" and body["provider_ids"]["spotify_id"] == "x1"
    assert body["file"] is None and body["want"] is None and body["updated_at"]
    etag = response["ETag"]
    again = api.get(f"/api/v1/tracks/{track.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    TrackFactory._meta.model.objects.filter(pk=track.pk).update(title="Strobe!")
    assert api.get(f"/api/v1/tracks/{track.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_manual_edit_is_saved_marked_yours_and_written_into_the_file(api, filed):
    response = api.patch(f"/api/v1/tracks/{filed.pk}/metadata/", {
        "version": "Club Edit", "bpm": 123, "key": "Am", "label": "Virgin", "artists": ["Daft Punk", "Romanthony"],
        "release_date": "2000", "duration": 320,
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body["updated_fields"]) == {"version", "bpm", "key", "label", "artists", "release_date", "duration"}
    assert body["tags"] == {"written": True, "error": ""} and "tags were written" in body["message"]
    assert body["track"]["key"] == "8A" and body["track"]["release_date"] == "2000"
    filed.refresh_from_db()
    assert filed.metadata_sources["label"]["source"] == "manual" and filed.artists == ["Daft Punk", "Romanthony"]
    tags = read_tags(filed.file_path)
    assert tags.full_title == "One More Time (Club Edit)" and tags.label == "Virgin" and float(tags.bpm) == 123


def test_protected_and_unknown_fields_are_refused_by_name_and_nothing_changes(api, filed):
    response = api.patch(f"/api/v1/tracks/{filed.pk}/metadata/",
                         {"isrc": "XXXXX0000000", "file_path": "/etc/passwd", "spotify_id": "x", "mood": "happy",
                          "title": "Changed"}, format="json")
    error = error_of(response)
    assert response.status_code == 400 and set(error["fields"]) == {"isrc", "file_path", "spotify_id", "mood"}
    filed.refresh_from_db()
    assert filed.title == "One More Time" and filed.isrc == "GBDUW0000059"


def test_a_bad_value_is_a_400_in_the_forms_words(api, filed):
    response = api.patch(f"/api/v1/tracks/{filed.pk}/metadata/", {"bpm": 0, "release_date": "spring 2000",
                                                                  "key": "Z"}, format="json")
    fields = error_of(response)["fields"]
    assert response.status_code == 400
    assert fields["bpm"] == ["BPM counts beats per minute, so it is at least 1."]
    assert "is not a date" in fields["release_date"][0] and "is not a key" in fields["key"][0]
    response = api.patch(f"/api/v1/tracks/{filed.pk}/metadata/", {"artists": "not a list", "title": ""}, format="json")
    assert response.status_code == 400 and {"artists", "title"} <= set(error_of(response)["fields"])
    assert api.patch(f"/api/v1/tracks/{filed.pk}/metadata/", ["title"], format="json").status_code == 400


def test_a_rating_is_read_and_edited_as_stars_and_needs_no_tag_write(api, filed):
    response = api.patch(f"/api/v1/tracks/{filed.pk}/metadata/", {"rating": 4}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["updated_fields"] == ["rating"] and body["tags"] is None
    assert body["track"]["rating"] == 4 and body["message"] == "Saved."
    assert api.get(f"/api/v1/tracks/{filed.pk}/").json()["rating"] == 4
    too_many = api.patch(f"/api/v1/tracks/{filed.pk}/metadata/", {"rating": 6}, format="json")
    assert too_many.status_code == 400 and "rating" in error_of(too_many)["fields"]
    cleared = api.patch(f"/api/v1/tracks/{filed.pk}/metadata/", {"rating": None}, format="json").json()
    assert cleared["track"]["rating"] is None
    filed.refresh_from_db()
    assert filed.rating is None


def test_a_failed_tag_write_keeps_the_edit_and_says_why(api, filed):
    os.chmod(filed.file_path, 0o444)
    try:
        response = api.patch(f"/api/v1/tracks/{filed.pk}/metadata/", {"genre": "House"}, format="json")
    finally:
        os.chmod(filed.file_path, 0o644)
    body = response.json()
    assert response.status_code == 200 and body["tags"]["written"] is False and "read-only" in body["tags"]["error"]
    assert "not written" in body["message"] and body["track"]["file"]["tags_out_of_date"] is True
    filed.refresh_from_db()
    assert filed.genre == "House"


def test_enrich_from_musicbrainz_says_which_fields_it_filled(api, replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve(f"/ws/2/recording/{MB_ID}", MB_RECORDING)
    track = TrackFactory(title="shades of grey", credit_name="", artists=[], musicbrainz_recording_id=MB_ID)
    response = api.post(f"/api/v1/tracks/{track.pk}/enrich/", {"force_refresh": True}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["enriched"] is True and body["musicbrainz_id"] == MB_ID
    assert "title" in body["enriched_fields"] and body["track"]["title"] == "Shades of Gray" and body["errors"] == []


def test_enrich_of_a_track_musicbrainz_does_not_know_is_a_200_saying_so(api, replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve(f"/ws/2/recording/{MB_ID}", body="", status=404)
    track = TrackFactory(title="Nothing", musicbrainz_recording_id=MB_ID)
    response = api.post(f"/api/v1/tracks/{track.pk}/enrich/", {}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["enriched"] is False and "no provider knows" in body["message"]


def test_enrich_while_musicbrainz_is_down_is_a_503_in_words(api, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    settings.PROVIDER_RETRIES = 0
    track = TrackFactory(title="Strobe", musicbrainz_recording_id=MB_ID)
    response = api.post(f"/api/v1/tracks/{track.pk}/enrich/", {"force_refresh": True}, format="json")
    assert response.status_code == 503 and "MusicBrainz could not answer" in error_of(response)["message"]
    assert api.post(f"/api/v1/tracks/{track.pk}/enrich/", {"force_refresh": "maybe"}, format="json").status_code == 400


def test_spotify_search_says_in_words_when_it_is_not_set_up(api, settings):
    settings.SPOTIFY_CLIENT_ID = settings.SPOTIFY_CLIENT_SECRET = ""
    response = api.get("/api/v1/tracks/search/", {"query": "muse"})
    assert response.status_code == 503 and error_of(response)["message"].startswith("Spotify is not set up:")
    assert api.get("/api/v1/tracks/search/").status_code == 400
    assert api.get("/api/v1/tracks/search/", {"query": "x", "limit": 0}).status_code == 400


def test_search_spotify_then_import_then_download(api, replay, settings, tmp_path):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "test-id", "test-secret-never-shown"
    serve_spotify_token(replay)
    replay.serve("/v1/search", SPOTIFY_SEARCH)
    response = api.get("/api/v1/tracks/search/", {"query": "muse - uprising", "limit": 5})
    hits = response.json()["results"]
    assert response.status_code == 200 and hits and hits[0]["spotify_id"] and hits[0]["track_id"] is None
    assert "test-secret-never-shown" not in response.content.decode()
    item = next(item for item in fixture_json(SPOTIFY_SEARCH)["tracks"]["items"] if item["id"] == hits[0]["spotify_id"])
    replay.serve(f"/v1/tracks/{item['id']}", body=json.dumps(item))
    imported = api.post("/api/v1/tracks/import/spotify/", {"spotify_ids": [hits[0]["spotify_id"]]}, format="json")
    assert imported.status_code == 201, imported.content
    track_id = imported.json()["created"][0]["id"]
    assert api.get("/api/v1/tracks/search/", {"query": "muse - uprising"}).json()["results"][0]["track_id"] == track_id
    assert api.post("/api/v1/tracks/import/spotify/", {"spotify_ids": ["bad id"]}, format="json").status_code == 400
    slskd = standin_for(settings, tmp_path)
    try:
        started = api.post(f"/api/v1/tracks/{track_id}/download/?quality=good")
        assert started.status_code == 202, started.content
        body = started.json()
        assert body["created"] is True and body["download"]["state"] == "pending"
        assert body["download"]["candidates_found"] == 0 and body["download"]["quality"] == "good"
        assert (started["Location"] == f"/api/v1/downloads/{body['download']['id']}/"
                and body["job"]["kind"] == "download")
        again = api.post(f"/api/v1/tracks/{track_id}/download/?quality=good")
        assert again.status_code == 200 and again.json()["created"] is False
        assert again.json()["download"]["id"] == body["download"]["id"] and Download.objects.count() == 1
    finally:
        slskd.close()


def test_a_download_honours_its_idempotency_key_and_refuses_a_bad_quality(api, settings, tmp_path):
    track, other = TrackFactory(), TrackFactory()
    slskd = standin_for(settings, tmp_path)
    try:
        key = {"HTTP_IDEMPOTENCY_KEY": "phone-1"}
        first = api.post(f"/api/v1/tracks/{track.pk}/download/?quality=best", **key)
        repeat = api.post(f"/api/v1/tracks/{track.pk}/download/?quality=best", **key)
        assert first.status_code == repeat.status_code == 202 and repeat["Idempotent-Replayed"] == "true"
        assert first.json() == repeat.json() and DownloadJob.objects.count() == 1
        clash = api.post(f"/api/v1/tracks/{other.pk}/download/?quality=best", **key)
        assert clash.status_code == 409 and "another request" in error_of(clash)["message"]
        bad = api.post(f"/api/v1/tracks/{track.pk}/download/?quality=perfect")
        assert bad.status_code == 400 and "quality" in error_of(bad)["fields"]
        slskd.set_down(True)
        down = api.post(f"/api/v1/tracks/{other.pk}/download/?quality=best")
        assert down.status_code == 503 and "cannot be reached" in error_of(down)["message"]
        assert not Download.objects.filter(track=other).exists()
    finally:
        slskd.close()
