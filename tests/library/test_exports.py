"""Library exports: every format read back, filters, empty results, round trips, export_library, the admin, memory.

The admin tests run against a copy of the admin site whose library and want-list admins carry ExportActionsMixin
(the real ones once they are wired), so they check the mixin with the real filters and search.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import tempfile
import tracemalloc
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import path, reverse
from django.utils import timezone

from common import dates
from core.admin import CratediggerAdminSite
from core.exports import CONTENT_TYPES, FORMATS, ExportActionsMixin, write
from library import exports as library_exports
from library.admin import LibraryTrackAdmin
from library.models import LibraryTrack
from tests.factories import LibraryTrackFactory, TrackFactory, UserFactory
from tests.pages import messages_of
from tracks import keys
from tracks.models import PROVIDER_ID_FIELDS, Track
from wantlist import exports as wantlist_exports
from wantlist.admin import WantListAdmin
from wantlist.models import WantList

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

LIBRARY_HEADERS = [
    "artist", "artists", "title", "version", "remixers", "label", "catalog_number", "isrc", "genre", "bpm", "key",
    "duration", "release_date", *PROVIDER_ID_FIELDS, "discovery_count", "first_discovered", "last_seen",
    "provisional", "library_track_id", "track_id",
]


# --- An admin site whose library and want-list admins export ----------------------------------------------------

def with_exports(admin_class, module):
    """Return admin_class with the export mixin and its attributes, as the admin modules are to wire it."""
    attrs = {
        "export_name": module.EXPORT_NAME,
        "export_columns": staticmethod(module.columns),
        "export_rows": staticmethod(module.rows),
        "list_before_template": "admin/includes/export_links.html",
    }
    if issubclass(admin_class, ExportActionsMixin):  # already wired: test it as it is
        return admin_class
    return type(admin_class.__name__, (ExportActionsMixin, admin_class), {"__module__": __name__, **attrs})


site = CratediggerAdminSite(name="admin")
for _model, _model_admin in admin.site._registry.items():
    site.register(_model, type(_model_admin))
site.unregister(LibraryTrack)
site.register(LibraryTrack, with_exports(LibraryTrackAdmin, library_exports))
site.unregister(WantList)
site.register(WantList, with_exports(WantListAdmin, wantlist_exports))
urlpatterns = [path("admin/", site.urls)]


# --- Helpers the want-list tests share ----------------------------------------------------------------------------

def export_bytes(*, rows, columns, fmt: str) -> bytes:
    out = io.BytesIO()
    write(rows=rows, columns=columns, fmt=fmt, out=out)
    return out.getvalue()


def read_back(data: bytes, fmt: str) -> list:
    """Return what a person's tools would read from an export: dicts per row, or (TXT) the lines."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    if fmt == "json":
        return json.loads(data)
    if fmt == "txt":
        return data.decode("utf-8").splitlines()
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    table = list(workbook.worksheets[0].iter_rows(values_only=True))
    return [dict(zip(table[0], values, strict=True)) for values in table[1:]]


def headers_of(data: bytes, fmt: str) -> list[str]:
    if fmt == "csv":
        return next(csv.reader(io.StringIO(data.decode("utf-8"))))
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return list(next(workbook.worksheets[0].iter_rows(values_only=True)))


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def peak_megabytes(export) -> float:
    """Return the peak of Python memory while export() runs, in MB."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        export()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def bulk_library(count: int, *, genre: str = "Techno") -> None:
    """Create count library tracks quickly, each with an ISRC and a MusicBrainz id."""
    tracks = Track.objects.bulk_create(
        Track(title=f"Bulk {n:05d}", version="Original Mix" if n % 2 else "", credit_name=f"Artist {n % 700}",
              artists=[f"Artist {n % 700}", "Guest"], label="Kompakt", genre=genre, bpm=Decimal(120 + n % 10),
              key="8A", duration=300 + n % 60, isrc=f"DEA{n:09d}", musicbrainz_recording_id=f"mb-{n:06d}")
        for n in range(count)
    )
    now = timezone.now()
    LibraryTrack.objects.bulk_create(
        LibraryTrack(track=track, discovery_count=1 + n % 4, first_discovered=now, last_seen=now)
        for n, track in enumerate(tracks)
    )


# --- Rows and formats -------------------------------------------------------------------------------------------

FIRST = timezone.make_aware(datetime.datetime(2024, 3, 9, 22, 15))
LAST = timezone.make_aware(datetime.datetime(2025, 1, 4, 2, 30))


@pytest.fixture
def library():
    """Two library tracks: one with every field, one with most left empty."""
    provider_ids = {field: f"{field}-1" for field in PROVIDER_ID_FIELDS}
    strobe = LibraryTrackFactory(
        track=TrackFactory(
            title="Strobe", version="Club Edit", remixers=["Deadmau5"], credit_name="deadmau5",
            artists=["deadmau5", "Kaskade"], label="mau5trap", catalog_number="MAU5023", isrc="USUS11000356",
            genre="progressive house", bpm=Decimal("128.50"), key="A minor", duration=637,
            release_date=datetime.date(2009, 1, 1), release_date_precision=dates.YEAR, **provider_ids,
        ),
        discovery_count=3, first_discovered=FIRST, last_seen=LAST,
    )
    plain = LibraryTrackFactory(
        track=TrackFactory(title="Untitled", credit_name="", artists=["Anonymous", "Someone, Else"], label="",
                           genre="Techno"),
        discovery_count=0, is_provisional=True,
    )
    return strobe, plain


def library_rows(**filters) -> list[dict]:
    return list(library_exports.rows(library_exports.library_queryset(**filters).order_by("track__title")))


def test_csv_reads_back_as_the_rows(library):
    strobe, plain = library
    data = export_bytes(rows=library_rows(), columns=library_exports.columns(), fmt="csv")
    assert headers_of(data, "csv") == LIBRARY_HEADERS
    first, second = read_back(data, "csv")
    assert first == {
        "artist": "deadmau5", "artists": "deadmau5; Kaskade", "title": "Strobe", "version": "Club Edit",
        "remixers": "Deadmau5", "label": "mau5trap", "catalog_number": "MAU5023", "isrc": "USUS11000356",
        "genre": "Progressive House", "bpm": "128.5", "key": "A minor", "duration": "10:37", "release_date": "2009",
        **{field: f"{field}-1" for field in PROVIDER_ID_FIELDS},
        "discovery_count": "3", "first_discovered": FIRST.isoformat(), "last_seen": LAST.isoformat(),
        "provisional": "false", "library_track_id": str(strobe.pk), "track_id": str(strobe.track.pk),
    }
    assert (second["artists"], second["version"], second["bpm"], second["duration"], second["release_date"]) == (
        "Anonymous; Someone, Else", "", "", "", "")
    assert (second["first_discovered"], second["provisional"], second["discovery_count"]) == ("", "true", "0")


def test_json_is_an_array_of_objects_with_numbers_as_numbers(library):
    data = export_bytes(rows=library_rows(), columns=library_exports.columns(), fmt="json")
    first, second = read_back(data, "json")
    assert list(first) == LIBRARY_HEADERS
    assert first["bpm"] == 128.5 and first["discovery_count"] == 3 and first["provisional"] is False
    assert first["first_discovered"] == FIRST.isoformat()
    assert datetime.datetime.fromisoformat(first["last_seen"]) == LAST
    assert second["bpm"] is None and second["release_date"] is None and second["provisional"] is True


def test_xlsx_holds_the_rows_with_numbers_as_numbers(library):
    strobe, _ = library
    data = export_bytes(rows=library_rows(), columns=library_exports.columns(), fmt="xlsx")
    assert headers_of(data, "xlsx") == LIBRARY_HEADERS
    first, second = read_back(data, "xlsx")
    assert (first["title"], first["version"], first["isrc"], first["library_track_id"]) == (
        "Strobe", "Club Edit", "USUS11000356", str(strobe.pk))
    assert first["bpm"] == 128.5 and first["discovery_count"] == 3 and first["provisional"] is False
    assert first["first_discovered"] == FIRST.isoformat() and first["release_date"] == "2009"
    assert second["bpm"] is None and second["provisional"] is True


def test_txt_is_one_artist_title_version_line_per_track(library):
    data = export_bytes(rows=library_rows(), columns=library_exports.columns(), fmt="txt")
    # No credit name: the artists stand in; no version: no parentheses.
    assert read_back(data, "txt") == ["deadmau5 - Strobe (Club Edit)", "Anonymous, Someone, Else - Untitled"]


def test_text_that_looks_like_a_formula_stays_text_in_xlsx():
    LibraryTrackFactory(track=TrackFactory(title="=1+1", credit_name="@artist", genre="Techno"))
    data = export_bytes(rows=library_rows(), columns=library_exports.columns(), fmt="xlsx")
    (row,) = read_back(data, "xlsx")
    assert (row["title"], row["artist"]) == ("=1+1", "@artist")


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_provider_ids_isrc_and_the_rest_round_trip(library, fmt):
    data = export_bytes(rows=library_rows(), columns=library_exports.columns(), fmt=fmt)
    for row in read_back(data, fmt):
        track = Track.objects.get(pk=row["track_id"])
        assert {field: row[field] or "" for field in ("isrc", *PROVIDER_ID_FIELDS)} == {
            field: getattr(track, field) for field in ("isrc", *PROVIDER_ID_FIELDS)}
        assert LibraryTrack.objects.get(pk=row["library_track_id"]).track_id == track.pk
        if track.duration is not None:
            assert keys.parse_duration(row["duration"]) == track.duration
        if track.release_date is not None:
            back = dates.parse_release_date(row["release_date"])
            assert (back, back.precision) == (track.release_date, track.release_date_precision)
        if track.bpm is not None:
            assert Decimal(str(row["bpm"])) == track.bpm


def test_filters_by_genre_in_any_spelling_and_by_first_discovery(library):
    strobe, plain = library
    assert [row["title"] for row in library_rows(genre="PROGRESSIVE house")] == ["Strobe"]
    assert [row["title"] for row in library_rows(genre="techno")] == ["Untitled"]
    assert [row["title"] for row in library_rows(discovered_after=datetime.date(2024, 3, 9))] == ["Strobe"]
    assert library_rows(discovered_after=datetime.date(2024, 3, 10)) == []
    assert library_rows(genre="Techno", discovered_after=datetime.date(2000, 1, 1)) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_filter_that_matches_nothing_gives_an_empty_file_with_headers(library, fmt):
    data = export_bytes(rows=library_rows(genre="Polka"), columns=library_exports.columns(), fmt=fmt)
    if fmt == "json":
        assert json.loads(data) == [] and data.strip() == b"[]"
    elif fmt == "txt":
        assert data == b""
    else:
        assert headers_of(data, fmt) == LIBRARY_HEADERS and read_back(data, fmt) == []


# --- export_library ---------------------------------------------------------------------------------------------

def run(*args) -> str:
    out = io.StringIO()
    call_command("export_library", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_command_writes_each_format_to_a_file(library, tmp_path, fmt):
    target = tmp_path / f"library.{fmt}"
    out = run("--format", fmt, "--output", str(target))
    assert out.strip() == f"Wrote the library (2 tracks) as {fmt} to {target}."
    rows = read_back(target.read_bytes(), fmt)
    assert len(rows) == 2
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left beside it


@pytest.mark.parametrize("fmt", ["csv", "json", "txt"])
def test_command_writes_text_formats_to_standard_output(library, fmt):
    out = run("--format", fmt, "--genre", "techno")
    rows = read_back(out.encode(), fmt)
    assert rows == ["Anonymous, Someone, Else - Untitled"] if fmt == "txt" else [rows[0]]
    if fmt != "txt":
        assert rows[0]["title"] == "Untitled"


def test_command_writes_xlsx_bytes_to_a_binary_standard_output(library):
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    call_command("export_library", "--format", "xlsx", "--discovered-after", "2024-01-01", stdout=stdout)
    stdout.flush()
    rows = read_back(stdout.buffer.getvalue(), "xlsx")
    assert [row["title"] for row in rows] == ["Strobe"]


def test_command_default_is_csv_of_everything(library):
    assert len(read_back(run().encode(), "csv")) == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "pdf"], "There is no 'pdf' export; choose one of csv, json, txt, xlsx"),
    (["--discovered-after", "yesterday"], "--discovered-after 'yesterday' is not a date; write it as YYYY-MM-DD"),
    (["--discovered-after", "2024-13-01"], "is not a date"),
])
def test_command_refuses_bad_options_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_command_refuses_an_output_in_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="does not exist; create it first"):
        run("--output", str(tmp_path / "no" / "such" / "library.csv"))
    with pytest.raises(CommandError, match="is a folder"):
        run("--output", str(tmp_path))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_crash_midway_leaves_the_old_file_and_no_partial_one(library, tmp_path, monkeypatch, fmt):
    target = tmp_path / f"library.{fmt}"
    target.write_text("the old export\n")
    openpyxl_files = set(Path(tempfile.gettempdir()).glob("openpyxl.*"))

    rows = library_exports.rows

    def crashing(queryset):
        yield from list(rows(queryset))[:1]
        raise RuntimeError("the database went away")

    monkeypatch.setattr(library_exports, "rows", crashing)
    with pytest.raises(RuntimeError, match="went away"):
        run("--format", fmt, "--output", str(target))
    assert target.read_text() == "the old export\n"
    assert list(tmp_path.iterdir()) == [target]
    assert set(Path(tempfile.gettempdir()).glob("openpyxl.*")) <= openpyxl_files  # nor openpyxl's rows file


# --- The admin --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_export_selected_action_answers_with_a_download(admin_client, library, fmt):
    strobe, _ = library
    response = admin_client.post(reverse("admin:library_librarytrack_changelist"), {
        "action": f"export_{fmt}", "_selected_action": [str(strobe.pk)],
    })
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="library-{today}.{fmt}"'
    data = body_of(response)
    rows = read_back(data, fmt)
    assert rows == ["deadmau5 - Strobe (Club Edit)"] if fmt == "txt" else [row["title"] for row in rows] == ["Strobe"]


def test_the_actions_are_offered_by_name(admin_client, library):
    response = admin_client.get(reverse("admin:library_librarytrack_changelist"))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert choices["export_csv"] == "Export selected as CSV"
    assert {"export_json", "export_txt", "export_xlsx", "merge_duplicates"} <= set(choices)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_view_exports_the_list_as_filtered(admin_client, library, fmt):
    url = reverse("admin:library_librarytrack_export", args=[fmt])
    response = admin_client.get(url, {"genre": "Techno", "p": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    rows = read_back(body_of(response), fmt)
    assert rows == ["Anonymous, Someone, Else - Untitled"] if fmt == "txt" else [row["title"] for row in rows] == [
        "Untitled"]


def test_export_view_follows_the_search_and_the_order(admin_client, library):
    url = reverse("admin:library_librarytrack_export", args=["json"])
    assert [row["title"] for row in json.loads(body_of(admin_client.get(url, {"q": "strobe"})))] == ["Strobe"]
    ordered = json.loads(body_of(admin_client.get(url, {"o": "-3"})))  # by title (the third column), descending
    assert [row["title"] for row in ordered] == ["Untitled", "Strobe"]


def test_export_view_of_nothing_is_headers_only(admin_client, library):
    url = reverse("admin:library_librarytrack_export", args=["csv"])
    data = body_of(admin_client.get(url, {"genre": "Polka"}))
    assert headers_of(data, "csv") == LIBRARY_HEADERS and read_back(data, "csv") == []


def test_export_view_refuses_an_unknown_format_and_bad_filters(admin_client, library):
    assert admin_client.get(reverse("admin:library_librarytrack_export", args=["pdf"])).status_code == 404
    response = admin_client.get(reverse("admin:library_librarytrack_export", args=["csv"]), {"nonsense": "1"},
                                follow=True)
    assert "Those filters do not fit this list" in " ".join(messages_of(response))


def test_a_person_who_may_only_view_may_export(client, library):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(username="viewer", is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_librarytrack"))
    client.force_login(viewer)
    response = client.get(reverse("admin:library_librarytrack_export", args=["csv"]))
    assert response.status_code == 200 and len(read_back(body_of(response), "csv")) == 2
    nobody = UserFactory(username="nobody", is_superuser=False)
    client.force_login(nobody)
    assert client.get(reverse("admin:library_librarytrack_export", args=["csv"])).status_code == 403


def test_changelist_links_export_the_list_with_its_filters(admin_client, library):
    response = admin_client.get(reverse("admin:library_librarytrack_changelist"), {"genre": "Techno"})
    html = response.content.decode()
    for fmt in FORMATS:
        assert f'href="{reverse("admin:library_librarytrack_export", args=[fmt])}?genre=Techno"' in html
    assert "Export all as CSV" in html


# --- Memory -----------------------------------------------------------------------------------------------------

def count_rows(data: bytes, fmt: str) -> int:
    """Return how many rows an export holds, without reading every cell of an XLSX."""
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return sum(1 for _ in workbook.worksheets[0].iter_rows(min_row=2, max_col=1, values_only=True))
    return len(read_back(data, fmt))


# Rows are read CHUNK_SIZE at a time. Here the chunks are made small (200 rows) so that the same shape shows at
# 500 and 2,000 rows as at 4,000 and 10,000 with the real 2,000, in seconds: bench/exports.py measures the real
# sizes (10,000 rows and more) in every format.
SMALL_CHUNK, FEWER, MORE = 200, 500, 2_000


def assert_flat_memory(*, queryset, rows, columns, tmp_path, monkeypatch, formats=FORMATS) -> dict:
    """Export FEWER and MORE rows in each format, read SMALL_CHUNK at a time; assert the peak does not grow with the
    rows (each export is read back whole)."""
    monkeypatch.setattr(library_exports, "CHUNK_SIZE", SMALL_CHUNK)
    runs = [(fmt, count) for fmt in formats for count in (FEWER, MORE)]
    peaks = {}
    for fmt, count in runs:
        target = tmp_path / f"export-{count}.{fmt}"

        def export(sliced=queryset[:count], target=target, fmt=fmt):
            with target.open("wb") as out:
                write(rows=rows(sliced), columns=columns, fmt=fmt, out=out)

        peaks[fmt, count] = peak_megabytes(export)
        assert count_rows(target.read_bytes(), fmt) == count
    for fmt in formats:
        fewer, more = peaks[fmt, FEWER], peaks[fmt, MORE]
        # Two chunks alive while the next is fetched, rows written one by one: four times the rows, the same peak.
        assert more < fewer * 1.25 + 0.5, f"{fmt}: {fewer:.1f} MB at {FEWER:,} rows but {more:.1f} MB at {MORE:,}"
    return peaks


def test_an_export_stays_flat_in_memory_as_its_rows_grow(tmp_path, monkeypatch):
    bulk_library(MORE)
    assert_flat_memory(queryset=library_exports.library_queryset(), rows=library_exports.rows,
                       columns=library_exports.columns(), tmp_path=tmp_path, monkeypatch=monkeypatch)
