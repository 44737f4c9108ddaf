"""The want-list API: add from a library track, a catalogue track or a line; read, change (purchased records when),
remove; purchase links and their refresh; exports of the want list and the library."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.api.conftest import error_of
from tests.factories import LibraryTrackFactory, LineToReviewFactory, TrackFactory, WantListFactory
from wantlist.models import PurchaseLinksJob, WantList

pytestmark = pytest.mark.django_db


def test_want_a_library_track_a_catalogue_track_and_a_line(api):
    entry = LibraryTrackFactory()
    response = api.post("/api/v1/want-list/", {"library_track_id": str(entry.pk), "priority": 1, "notes": "vinyl"},
                        format="json")
    assert response.status_code == 201, response.content
    want = response.json()["want"]
    assert want["priority"] == 1 and want["notes"] == "vinyl" and want["status"] == "wanted"
    assert response["Location"] == f"/api/v1/want-list/{want['id']}/"
    again = api.post("/api/v1/want-list/", {"library_track_id": str(entry.pk), "priority": 2}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["want"]["priority"] == 2
    track = TrackFactory()
    assert api.post("/api/v1/want-list/", {"track_id": str(track.pk)}, format="json").status_code == 201
    line = LineToReviewFactory()
    from_line = api.post("/api/v1/want-list/", {"line_id": str(line.pk)}, format="json")
    assert from_line.status_code == 201 and from_line.json()["want"]["found_in"]["id"] == str(line.tracklist_id)
    assert from_line.json()["want"]["library_track"]["provisional"] is True
    assert WantList.objects.count() == 3


def test_want_refuses_bad_input_and_a_full_list(api, settings):
    response = api.post("/api/v1/want-list/", {"priority": 9}, format="json")
    assert response.status_code == 400 and "priority" in error_of(response)["fields"]
    both = api.post("/api/v1/want-list/", {"track_id": str(TrackFactory().pk),
                                           "library_track_id": str(LibraryTrackFactory().pk)}, format="json")
    assert both.status_code == 400 and "exactly one" in error_of(both)["message"]
    missing = api.post("/api/v1/want-list/", {"track_id": "8f7d2a1e-0000-4000-8000-000000000000"}, format="json")
    assert missing.status_code == 404
    unidentifiable = LineToReviewFactory(status="unidentifiable")
    response = api.post("/api/v1/want-list/", {"line_id": str(unidentifiable.pk)}, format="json")
    assert response.status_code == 400 and "cannot be wanted" in error_of(response)["fields"]["line_id"][0]
    settings.WANTLIST_MAX = 1
    WantListFactory()
    full = api.post("/api/v1/want-list/", {"track_id": str(TrackFactory().pk)}, format="json")
    assert full.status_code == 409 and "WANTLIST_MAX" in error_of(full)["message"]
    assert WantList.objects.count() == 1


def test_a_want_is_read_changed_and_removed(api):
    want = WantListFactory(priority=3)
    url = f"/api/v1/want-list/{want.pk}/"
    body = api.get(url).json()
    assert body["priority"] == 3 and body["library_track"]["track"]["title"]
    changed = api.patch(url, {"status": "purchased"}, format="json")
    assert changed.status_code == 200 and changed.json()["status"] == "purchased" and changed.json()["purchased_at"]
    replaced = api.put(url, {"priority": 1, "notes": "again"}, format="json")
    assert replaced.json()["status"] == "wanted" and replaced.json()["purchased_at"] is None
    assert replaced.json()["priority"] == 1
    bad = api.patch(url, {"priority": 0, "status": "stolen"}, format="json")
    assert bad.status_code == 400 and {"priority", "status"} <= set(error_of(bad)["fields"])
    listed = api.get("/api/v1/want-list/", {"status": "wanted"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == str(want.pk)
    assert api.get("/api/v1/want-list/", {"status": "nope"}).status_code == 400
    assert api.delete(url).status_code == 204 and not WantList.objects.exists()
    assert api.get(url).status_code == 404


def test_purchase_links_are_read_cheapest_first_and_refreshed_by_a_job(api):
    want = WantListFactory(purchase_links=[
        {"store": "Beatport", "url": "https://www.beatport.com/track/x/1", "price": "1.99", "currency": "USD"},
        {"store": "iTunes", "url": "https://music.apple.com/x", "price": "0.99", "currency": "USD"},
        {"store": "Bandcamp", "url": "https://bandcamp.com/search?q=x", "kind": "search"},
    ])
    url = f"/api/v1/library/tracks/{want.library_track_id}/"
    links = api.get(url + "purchase-links/").json()
    assert [link["store"] for link in links["links"]] == ["iTunes", "Beatport", "Bandcamp"]
    assert links["links"][0]["price"] == 0.99 and links["wanted"] is True
    started = api.post(url + "refresh-purchase-links/")
    assert started.status_code == 202 and started.json()["job"]["kind"] == "purchase_links"
    again = api.post(url + "refresh-purchase-links/")
    assert again.status_code == 200 and again.json()["job"]["id"] == started.json()["job"]["id"]
    assert PurchaseLinksJob.objects.count() == 1
    unwanted = LibraryTrackFactory()
    assert api.get(f"/api/v1/library/tracks/{unwanted.pk}/purchase-links/").json()["wanted"] is False
    refused = api.post(f"/api/v1/library/tracks/{unwanted.pk}/refresh-purchase-links/")
    assert refused.status_code == 409 and "not on the want list" in error_of(refused)["message"]


def test_exports_of_the_want_list_and_the_library_in_every_format(api):
    WantListFactory(priority=1, library_track=LibraryTrackFactory(track=TrackFactory(title="Subzero", genre="Techno")))
    WantListFactory(priority=2, status="purchased")
    response = api.get("/api/v1/want-list/export/", {"format": "csv", "status": "wanted"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["title"] for row in rows] == ["Subzero"] and rows[0]["priority"] == "1"
    as_json = api.get("/api/v1/want-list/export/", {"format": "json"})
    import json

    assert len(json.loads(b"".join(as_json.streaming_content))) == 2
    txt = api.get("/api/v1/library/export/", {"format": "txt", "genre": "techno"})
    assert b"".join(txt.streaming_content).decode().strip().endswith("Subzero")
    xlsx = api.get("/api/v1/library/export/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == 3 and "attachment" in xlsx["Content-Disposition"]
    bad = api.get("/api/v1/want-list/export/", {"format": "pdf"})
    assert bad.status_code == 400 and "csv, json, txt, xlsx" in error_of(bad)["fields"]["format"][0]
