"""Want-list exports: every format read back, filters, empty results, round trips, export_wantlist, the admin, memory.

The admin tests use the admin site of tests/library/test_exports.py, whose want-list admin carries
ExportActionsMixin (the real one once it is wired).
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from core.exports import CONTENT_TYPES, FORMATS
from library.models import LibraryTrack
from tests.factories import LibraryTrackFactory, TrackFactory, TracklistFactory, WantListFactory
from tests.library.test_exports import (
    LIBRARY_HEADERS,
    MORE,
    assert_flat_memory,
    body_of,
    bulk_library,
    export_bytes,
    headers_of,
    read_back,
)
from tracks.models import PROVIDER_ID_FIELDS, Track
from wantlist import exports as wantlist_exports
from wantlist.models import WantList

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.library.test_exports")]

WANT_HEADERS = [
    *LIBRARY_HEADERS, "priority", "status", "notes", "found_in", "added_at", "purchased_at", "cheapest_price",
    "cheapest_currency", "cheapest_store", "purchase_links",
]
DISCOVERED = timezone.make_aware(datetime.datetime(2024, 3, 9, 22, 15))
PURCHASED = timezone.make_aware(datetime.datetime(2025, 2, 1, 12, 0))
LINKS = [
    {"store": "Beatport", "url": "https://www.beatport.com/track/strobe/1", "price": "1.99", "currency": "EUR"},
    {"store": "Bandcamp", "url": "https://mau5trap.bandcamp.com/track/strobe", "price": 1.49, "currency": "EUR"},
    {"store": "Deezer", "url": "https://www.deezer.com/track/3", "kind": "search"},
    {"store": "Juno Download", "url": "https://www.junodownload.com/x", "price": ""},
    "not a link",
]


@pytest.fixture
def wants():
    """Two wanted tracks: one with everything, heard in a mix and priced; one purchased, with little else."""
    provider_ids = {field: f"{field}-7" for field in PROVIDER_ID_FIELDS}
    strobe = WantListFactory(
        library_track=LibraryTrackFactory(
            track=TrackFactory(title="Strobe", version="Club Edit", credit_name="deadmau5", artists=["deadmau5"],
                               genre="Progressive House", isrc="USUS11000356", bpm=Decimal("128"), duration=637,
                               **provider_ids),
            first_discovered=DISCOVERED, last_seen=DISCOVERED,
        ),
        found_in=TracklistFactory(name="Essential Mix 2009"), priority=1, status="wanted",
        notes="the closer,\n\"play it loud\"", purchase_links=LINKS,
    )
    bought = WantListFactory(
        library_track=LibraryTrackFactory(track=TrackFactory(title="Sombre Tones", credit_name="Trevino",
                                                             genre="Techno")),
        found_in=None, priority=4, status="purchased",
    )
    if hasattr(bought, "purchased_at"):  # the field another change adds; the export reads it when it is there
        WantList.objects.filter(pk=bought.pk).update(purchased_at=PURCHASED)
        bought.refresh_from_db()
    return strobe, bought


def want_rows(**filters) -> list[dict]:
    queryset = wantlist_exports.wantlist_queryset(**filters).order_by("priority")
    return list(wantlist_exports.rows(queryset))


def test_csv_reads_back_as_the_rows(wants):
    strobe, bought = wants
    data = export_bytes(rows=want_rows(), columns=wantlist_exports.columns(), fmt="csv")
    assert headers_of(data, "csv") == WANT_HEADERS
    first, second = read_back(data, "csv")
    assert {name: first[name] for name in WANT_HEADERS[len(LIBRARY_HEADERS):]} == {
        "priority": "1", "status": "wanted", "notes": "the closer,\n\"play it loud\"", "found_in": "Essential Mix 2009",
        "added_at": strobe.added_at.isoformat(), "purchased_at": "", "cheapest_price": "1.49",
        "cheapest_currency": "EUR", "cheapest_store": "Bandcamp",
        "purchase_links": "Beatport: https://www.beatport.com/track/strobe/1; "
                          "Bandcamp: https://mau5trap.bandcamp.com/track/strobe; "
                          "Deezer: https://www.deezer.com/track/3; "
                          "Juno Download: https://www.junodownload.com/x",
    }
    assert (first["title"], first["version"], first["isrc"], first["first_discovered"]) == (
        "Strobe", "Club Edit", "USUS11000356", DISCOVERED.isoformat())
    assert (second["title"], second["priority"], second["status"], second["found_in"]) == (
        "Sombre Tones", "4", "purchased", "")
    assert (second["cheapest_price"], second["cheapest_store"], second["purchase_links"]) == ("", "", "")
    if hasattr(bought, "purchased_at"):
        assert second["purchased_at"] == PURCHASED.isoformat()


def test_json_has_numbers_as_numbers_and_none_as_null(wants):
    first, second = read_back(export_bytes(rows=want_rows(), columns=wantlist_exports.columns(), fmt="json"), "json")
    assert list(first) == WANT_HEADERS
    assert first["priority"] == 1 and first["cheapest_price"] == 1.49 and first["bpm"] == 128
    assert first["purchased_at"] is None and second["cheapest_price"] is None
    assert first["notes"] == "the closer,\n\"play it loud\""


def test_xlsx_holds_the_rows(wants):
    data = export_bytes(rows=want_rows(), columns=wantlist_exports.columns(), fmt="xlsx")
    assert headers_of(data, "xlsx") == WANT_HEADERS
    first, second = read_back(data, "xlsx")
    assert (first["title"], first["priority"], first["cheapest_price"], first["cheapest_store"]) == (
        "Strobe", 1, 1.49, "Bandcamp")
    assert first["notes"] == "the closer,\n\"play it loud\""
    assert (second["title"], second["status"], second["cheapest_price"]) == ("Sombre Tones", "purchased", None)


def test_txt_is_what_djs_paste_into_a_store_search(wants):
    data = export_bytes(rows=want_rows(), columns=wantlist_exports.columns(), fmt="txt")
    assert read_back(data, "txt") == ["deadmau5 - Strobe (Club Edit)", "Trevino - Sombre Tones"]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_provider_ids_and_isrc_round_trip(wants, fmt):
    data = export_bytes(rows=want_rows(), columns=wantlist_exports.columns(), fmt=fmt)
    for row in read_back(data, fmt):
        track = Track.objects.get(pk=row["track_id"])
        assert {field: row[field] or "" for field in ("isrc", *PROVIDER_ID_FIELDS)} == {
            field: getattr(track, field) for field in ("isrc", *PROVIDER_ID_FIELDS)}
        want = WantList.objects.get(library_track_id=row["library_track_id"])
        assert want.library_track.track_id == track.pk and int(row["priority"]) == want.priority


def test_filters_by_status_priority_genre_and_first_discovery(wants):
    titles = lambda **filters: [row["title"] for row in want_rows(**filters)]  # noqa: E731
    assert titles(status="purchased") == ["Sombre Tones"]
    assert titles(status="wanted", priority=1) == ["Strobe"]
    assert titles(priority=4) == ["Sombre Tones"]
    assert titles(priority=2) == []
    assert titles(genre="techno") == ["Sombre Tones"]
    assert titles(genre="PROGRESSIVE HOUSE", discovered_after=datetime.date(2024, 3, 9)) == ["Strobe"]
    assert titles(discovered_after=datetime.date(2024, 3, 10)) == []
    assert titles(status="unavailable") == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_filter_that_matches_nothing_gives_an_empty_file_with_headers(wants, fmt):
    data = export_bytes(rows=want_rows(status="unavailable"), columns=wantlist_exports.columns(), fmt=fmt)
    if fmt == "json":
        assert json.loads(data) == []
    elif fmt == "txt":
        assert data == b""
    else:
        assert headers_of(data, fmt) == WANT_HEADERS and read_back(data, fmt) == []


def test_cheapest_ignores_links_without_a_number_for_a_price():
    link, price = wantlist_exports.cheapest([
        {"store": "A", "price": "abc"}, {"store": "B", "price": "2.50"}, {"store": "C", "price": None},
        {"store": "D", "price": "NaN"}, {"store": "E", "price": 0.99}, {"store": "F", "price": True},
    ])
    assert (link["store"], price) == ("E", Decimal("0.99"))
    assert wantlist_exports.cheapest([{"store": "A"}]) == (None, None)


# --- export_wantlist --------------------------------------------------------------------------------------------

def run(*args) -> str:
    out = io.StringIO()
    call_command("export_wantlist", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_command_writes_each_format_to_a_file(wants, tmp_path, fmt):
    target = tmp_path / f"wantlist.{fmt}"
    out = run("--format", fmt, "--output", str(target), "--status", "wanted")
    assert out.strip() == f"Wrote the want list (1 track) as {fmt} to {target}."
    rows = read_back(target.read_bytes(), fmt)
    assert rows == ["deadmau5 - Strobe (Club Edit)"] if fmt == "txt" else [row["title"] for row in rows] == ["Strobe"]
    assert list(tmp_path.iterdir()) == [target]


def test_command_replaces_an_existing_file_whole(wants, tmp_path):
    target = tmp_path / "wantlist.csv"
    target.write_text("an older export that was much longer than the new one\n" * 100)
    run("--output", str(target), "--priority", "4")
    assert [row["title"] for row in read_back(target.read_bytes(), "csv")] == ["Sombre Tones"]


@pytest.mark.parametrize("fmt", ["csv", "json", "txt"])
def test_command_writes_to_standard_output_with_the_filters(wants, fmt):
    out = run("--format", fmt, "--priority", "4", "--genre", "Techno", "--status", "PURCHASED")
    rows = read_back(out.encode(), fmt)
    assert rows == ["Trevino - Sombre Tones"] if fmt == "txt" else [row["title"] for row in rows] == ["Sombre Tones"]


def test_command_writes_xlsx_bytes_to_a_binary_standard_output(wants):
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    call_command("export_wantlist", "--format", "xlsx", "--discovered-after", "2024-01-01", stdout=stdout)
    stdout.flush()
    assert [row["title"] for row in read_back(stdout.buffer.getvalue(), "xlsx")] == ["Strobe"]


def test_command_with_a_filter_that_matches_nothing_writes_the_headers(wants):
    assert json.loads(run("--format", "json", "--status", "unavailable")) == []
    assert run("--status", "unavailable").strip() == ",".join(WANT_HEADERS)


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xls"], "There is no 'xls' export; choose one of csv, json, txt, xlsx"),
    (["--status", "bought"], "--status 'bought' is not a want-list status; choose one of wanted, purchased, "
                             "unavailable"),
    (["--priority", "0"], "--priority '0' is not a priority; give a whole number from 1"),
    (["--priority", "6"], "--priority '6' is not a priority"),
    (["--priority", "high"], "--priority 'high' is not a priority"),
    (["--discovered-after", "09/03/2024"], "--discovered-after '09/03/2024' is not a date; write it as YYYY-MM-DD"),
])
def test_command_refuses_bad_options_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_command_refuses_an_output_in_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match=r"the folder .*missing does not exist; create it first"):
        run("--output", str(tmp_path / "missing" / "wantlist.csv"))


# --- The admin --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_export_selected_action_answers_with_a_download(admin_client, wants, fmt):
    strobe, bought = wants
    response = admin_client.post(reverse("admin:wantlist_wantlist_changelist"), {
        "action": f"export_{fmt}", "_selected_action": [str(strobe.pk), str(bought.pk)],
    })
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="wantlist-{today}.{fmt}"'
    rows = read_back(body_of(response), fmt)
    assert len(rows) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_view_exports_the_list_as_filtered(admin_client, wants, fmt):
    url = reverse("admin:wantlist_wantlist_export", args=[fmt])
    response = admin_client.get(url, {"status__exact": "purchased"})
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    rows = read_back(body_of(response), fmt)
    assert rows == ["Trevino - Sombre Tones"] if fmt == "txt" else [row["title"] for row in rows] == ["Sombre Tones"]


def test_export_view_by_priority_and_genre_filters(admin_client, wants):
    url = reverse("admin:wantlist_wantlist_export", args=["json"])
    assert [row["title"] for row in json.loads(body_of(admin_client.get(url, {"priority__exact": "1"})))] == [
        "Strobe"]
    assert json.loads(body_of(admin_client.get(url, {"genre": "Techno", "priority__exact": "1"}))) == []


def test_changelist_links_export_the_list_with_its_filters(admin_client, wants):
    response = admin_client.get(reverse("admin:wantlist_wantlist_changelist"), {"status__exact": "wanted"})
    html = response.content.decode()
    for fmt in FORMATS:
        assert f'href="{reverse("admin:wantlist_wantlist_export", args=[fmt])}?status__exact=wanted"' in html


# --- Memory -----------------------------------------------------------------------------------------------------

def test_a_want_list_export_stays_flat_in_memory_as_its_rows_grow(tmp_path, monkeypatch):
    bulk_library(MORE)
    mix = TracklistFactory(name="A long mix", raw_text="1. Artist - Title\n" * 500)
    links = [{"store": store, "url": f"https://{store.lower()}.example/t", "price": "1.99", "currency": "EUR"}
             for store in ("Beatport", "Bandcamp", "Deezer")]
    WantList.objects.bulk_create(
        WantList(library_track=entry, priority=1 + n % 5, found_in=mix, notes="heard it", purchase_links=links)
        for n, entry in enumerate(LibraryTrack.objects.all())
    )
    # The writers are the library's, measured there in every format; here the want list's own rows, with a long
    # tracklist and three links each, through CSV. bench/exports.py measures 10,000 of them in every format.
    assert_flat_memory(queryset=wantlist_exports.wantlist_queryset(), rows=wantlist_exports.rows,
                       columns=wantlist_exports.columns(), tmp_path=tmp_path, monkeypatch=monkeypatch, formats=("csv",))
