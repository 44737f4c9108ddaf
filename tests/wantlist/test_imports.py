"""Importing a want list from CSV or XLSX: the preview, the import, and every kind of bad file."""

import io

import openpyxl
import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from library.models import LibraryTrack
from tests.factories import LibraryTrackFactory, TrackFactory, UserFactory, WantListFactory
from tracks.models import Track
from wantlist.imports import WantListResource
from wantlist.models import WantList

pytestmark = pytest.mark.django_db

HEADER = "artist,title,version,priority,notes\n"


def dataset(text: str):
    """Return the rows of a CSV file as the admin reads them."""
    return CSV(encoding="utf-8-sig").create_dataset(text.encode("utf-8"))


def counts() -> tuple[int, int, int]:
    return WantList.objects.count(), LibraryTrack.objects.count(), Track.objects.count()


def totals(result) -> dict[str, int]:
    return {kind: result.totals[kind] for kind in ("new", "update", "skip", "error", "invalid")}


@pytest.fixture
def crate():
    """A catalogue with one track wanted as asked, one wanted at another priority, and one not wanted yet."""
    kept = WantListFactory(
        library_track=LibraryTrackFactory(track=TrackFactory(title="Strobe", credit_name="deadmau5",
                                                             artists=["deadmau5"])),
        priority=2, notes="closer",
    )
    bumped = WantListFactory(
        library_track=LibraryTrackFactory(track=TrackFactory(title="Opus", credit_name="Eric Prydz",
                                                             artists=["Eric Prydz"])),
        priority=4, notes="",
    )
    fresh = TrackFactory(title="Xtal", credit_name="Aphex Twin", artists=["Aphex Twin"])
    return kept, bumped, fresh


CRATE_FILE = (
    HEADER
    + "deadmau5,Strobe,,2,closer\n"  # already wanted exactly so: skipped
    + "Eric Prydz,opus,,1,peak time\n"  # wanted at 4: updated
    + "Aphex Twin,Xtal,,,\n"  # in the catalogue, not wanted: new, priority 3
    + "Nobody Known,Unreleased Dub,,5,ID from a mix\n"  # nowhere: a provisional library track
)


def test_the_preview_counts_new_updated_and_skipped_rows_and_writes_nothing(crate):
    kept, bumped, fresh = crate
    before = counts()
    result = WantListResource().import_data(dataset(CRATE_FILE), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert totals(result) == {"new": 2, "update": 1, "skip": 1, "error": 0, "invalid": 0}
    assert [row.import_type for row in result.rows] == ["skip", "update", "new", "new"]
    assert counts() == before
    bumped.refresh_from_db()
    assert (bumped.priority, bumped.notes) == (4, "")


def test_the_import_creates_and_updates_entries_and_a_provisional_track(crate):
    kept, bumped, fresh = crate
    result = WantListResource().import_data(dataset(CRATE_FILE), dry_run=False)
    assert totals(result) == {"new": 2, "update": 1, "skip": 1, "error": 0, "invalid": 0}
    bumped.refresh_from_db()
    assert (bumped.priority, bumped.notes) == (1, "peak time")
    assert WantList.objects.get(library_track__track=fresh).priority == 3
    unknown = WantList.objects.select_related("library_track__track").get(library_track__track__title="Unreleased Dub")
    assert unknown.library_track.is_provisional
    assert (unknown.priority, unknown.notes) == (5, "ID from a mix")
    assert (unknown.library_track.track.credit_name, unknown.library_track.track.artists) == (
        "Nobody Known", ["Nobody Known"])
    assert not LibraryTrack.objects.get(track=fresh).is_provisional
    # The same file again changes nothing: every row is skipped.
    again = WantListResource().import_data(dataset(CRATE_FILE), dry_run=True)
    assert totals(again) == {"new": 0, "update": 0, "skip": 4, "error": 0, "invalid": 0}


def test_a_blank_priority_keeps_the_one_an_entry_has(crate):
    kept, bumped, fresh = crate
    result = WantListResource().import_data(dataset(HEADER + "deadmau5,Strobe,,,\n"))
    assert totals(result)["skip"] == 1
    kept.refresh_from_db()
    assert (kept.priority, kept.notes) == (2, "closer")


@pytest.mark.django_db(transaction=True)
def test_a_preview_rolls_back_the_provisional_tracks_it_made():
    before = counts()
    result = WantListResource().import_data(dataset(HEADER + "Nobody Known,Unreleased Dub,,5,\n"), dry_run=True)
    assert totals(result)["new"] == 1
    assert counts() == before == (0, 0, 0)


def test_isrc_only_rows_are_matched_by_isrc():
    track = TrackFactory(title="Windowlicker", isrc="GBAYE0601498")
    result = WantListResource().import_data(dataset("isrc,priority\nGB-AYE-06-01498,1\n"))
    assert totals(result)["new"] == 1
    assert WantList.objects.get().library_track.track == track
    assert Track.objects.count() == 1


def test_an_isrc_nobody_has_is_reported_on_its_row_and_nothing_is_written():
    TrackFactory(title="Windowlicker", isrc="GBAYE0601498")
    before = counts()
    result = WantListResource().import_data(dataset("isrc\nGBAYE0601498\nUSRC17607839\nnot-an-isrc\n"))
    assert [row.number for row in result.invalid_rows] == [2, 3]
    assert "No track in the catalogue has the ISRC USRC17607839" in str(result.invalid_rows[0].error_dict["isrc"])
    assert "is not an ISRC" in str(result.invalid_rows[1].error_dict["isrc"])
    assert counts() == before


def test_a_remix_is_never_matched_to_the_original():
    original = LibraryTrackFactory(track=TrackFactory(title="Strobe", credit_name="deadmau5", artists=["deadmau5"]))
    result = WantListResource().import_data(dataset(
        HEADER + "deadmau5,Strobe,Bicep Remix,2,\n" + "deadmau5,Strobe (Club Edit),,3,\n"
    ))
    assert totals(result)["new"] == 2
    assert not WantList.objects.filter(library_track=original).exists()
    versions = sorted(WantList.objects.values_list("library_track__track__version", flat=True))
    assert versions == ["Bicep Remix", "Club Edit"]
    assert all(WantList.objects.values_list("library_track__is_provisional", flat=True))


def test_the_same_title_by_someone_else_is_another_track():
    LibraryTrackFactory(track=TrackFactory(title="Intro", credit_name="The xx", artists=["The xx"]))
    WantListResource().import_data(dataset(HEADER + "M83,Intro,,,\n"))
    assert WantList.objects.get().library_track.track.credit_name == "M83"


def test_a_bad_priority_is_reported_by_row_and_nothing_is_written(crate):
    before = counts()
    result = WantListResource().import_data(dataset(
        HEADER + "Aphex Twin,Xtal,,1,\n" + "Nobody,Track One,,0,\n" + "Nobody,Track Two,,high,\n"
        + "Nobody,Track Three,,2.5,\n"
    ), dry_run=False)
    assert [row.number for row in result.invalid_rows] == [2, 3, 4]
    messages = [str(row.error_dict["priority"]) for row in result.invalid_rows]
    assert all("priority must be 1 to 5" in message for message in messages)
    assert "“high”" in messages[1]
    assert counts() == before


def test_unknown_columns_are_named_and_nothing_is_written():
    before = counts()
    result = WantListResource().import_data(dataset("Artist,Title,Mood,Colour\nBicep,Glue,happy,blue\n"))
    assert result.has_errors()
    message = str(result.base_errors[0].error)
    assert message.startswith("Unknown columns: mood, colour.")
    assert result.totals["new"] == 0 and not result.rows
    assert counts() == before


def test_a_file_with_neither_title_nor_isrc_is_refused():
    result = WantListResource().import_data(dataset("artist,priority\nBicep,1\n"))
    assert "needs a title column" in str(result.base_errors[0].error)
    assert counts() == (0, 0, 0)


def test_more_than_ten_thousand_rows_are_refused_whole():
    rows = "".join(f"Artist {n},Title {n},,,\n" for n in range(10_001))
    result = WantListResource().import_data(dataset(HEADER + rows))
    assert str(result.base_errors[0].error).startswith("The file has 10,001 rows; one import takes at most 10,000.")
    assert not result.rows
    assert counts() == (0, 0, 0)


def test_a_file_that_would_pass_the_cap_is_refused_whole(settings, crate):
    settings.WANTLIST_MAX = 3
    kept, bumped, fresh = crate
    before = counts()
    result = WantListResource().import_data(dataset(CRATE_FILE), dry_run=False)
    assert "at most 3 tracks (WANTLIST_MAX) and has 2; this file would add 2, so nothing was imported" in str(
        result.base_errors[0].error)
    assert counts() == before
    bumped.refresh_from_db()
    assert bumped.priority == 4
    # Updates add nothing, and one new entry still fits.
    result = WantListResource().import_data(dataset(HEADER + "Eric Prydz,Opus,,1,\n" + "Aphex Twin,Xtal,,,\n"))
    assert not result.has_errors()
    assert WantList.objects.count() == 3


def test_xlsx_cells_import_like_csv(crate):
    kept, bumped, fresh = crate
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Artist", "Title", "Version", "Priority", "Notes"])
    sheet.append(["Aphex Twin", "Xtal", None, 2, None])
    stream = io.BytesIO()
    book.save(stream)
    result = WantListResource().import_data(XLSX().create_dataset(stream.getvalue()))
    assert totals(result)["new"] == 1
    assert WantList.objects.get(library_track__track=fresh).priority == 2


# --- Through the admin ---------------------------------------------------------------------------


@pytest.fixture
def import_admin(client):
    """The admin, logged in; the want list's admin has the import pages."""
    assert hasattr(admin.site._registry.get(WantList), "import_action")
    client.force_login(UserFactory())
    return client


def upload(client, name: str, content: bytes, format_index: int = 0):
    """Post a file to the import page (format 0 is CSV, 1 is XLSX) and return the response."""
    return client.post(reverse("admin:wantlist_wantlist_import"), {
        "resource": "0", "format": str(format_index), "import_file": SimpleUploadedFile(name, content),
    })


def test_the_admin_previews_then_imports(import_admin, crate):
    kept, bumped, fresh = crate
    before = counts()
    response = upload(import_admin, "wants.csv", CRATE_FILE.encode())
    assert response.status_code == 200
    result = response.context["result"]
    assert totals(result) == {"new": 2, "update": 1, "skip": 1, "error": 0, "invalid": 0}
    assert counts() == before
    # The priority that changes reads as a change, not as two numbers run together.
    assert "<del>4</del> → <ins>1</ins>" in response.content.decode()
    confirm = response.context["confirm_form"]
    response = import_admin.post(reverse("admin:wantlist_wantlist_process_import"), confirm.initial)
    assert response.status_code == 302
    assert WantList.objects.count() == before[0] + 2
    bumped.refresh_from_db()
    assert bumped.priority == 1


def test_a_row_needs_the_artist_beside_the_title_unless_it_gives_an_isrc():
    result = WantListResource().import_data(dataset(HEADER + ",Strobe,,2,\n"), dry_run=True)
    [invalid] = result.invalid_rows
    assert "Give the artist as well as the title" in str(invalid.error_dict["artist"])
    assert WantList.objects.count() == 0


def test_the_admin_offers_only_csv_and_xlsx(import_admin):
    response = import_admin.get(reverse("admin:wantlist_wantlist_import"))
    assert [label for value, label in response.context["form"].fields["format"].choices if value] == ["csv", "xlsx"]


def test_the_admin_reports_a_bad_priority_by_row(import_admin):
    response = upload(import_admin, "wants.csv", (HEADER + "Bicep,Glue,,1,\nBicep,Atlas,,high,\n").encode())
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2]
    assert "priority must be 1 to 5" in response.content.decode()
    assert "confirm_form" not in response.context
    assert counts() == (0, 0, 0)


def test_the_admin_names_unknown_columns(import_admin):
    response = upload(import_admin, "wants.csv", b"artist,title,mood\nBicep,Glue,happy\n")
    page = response.content.decode()
    assert "Unknown column: mood." in page
    assert "Traceback" not in page
    assert counts() == (0, 0, 0)


def test_the_admin_refuses_a_file_that_is_not_csv_or_xlsx(import_admin):
    response = upload(import_admin, "wants.txt", HEADER.encode() + b"Bicep,Glue,,1,\n")
    errors = response.context["form"].errors["import_file"]
    assert "“wants.txt” is not a CSV file" in errors[0]
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\xff\xfe"
    response = upload(import_admin, "cover.csv", png)
    assert "is not UTF-8 text" in response.context["form"].errors["import_file"][0]
    response = upload(import_admin, "wants.xlsx", b"artist,title\nBicep,Glue\n", format_index=1)
    assert "could not be read as XLSX" in response.context["form"].errors["import_file"][0]
    assert counts() == (0, 0, 0)


def test_the_admin_refuses_broken_encoding_readably(import_admin):
    response = upload(import_admin, "wants.csv", (HEADER + "Röyksopp,Eple,,1,café\n").encode("latin-1"))
    assert "is not UTF-8 text" in response.content.decode()
    assert counts() == (0, 0, 0)


@pytest.mark.django_db
def test_the_want_lists_own_export_imports_again_unchanged():
    import io

    import tablib

    from core.exports import write
    from tests.factories import LibraryTrackFactory
    from wantlist import exports, services
    from wantlist.imports import WantListResource
    from wantlist.models import WantList

    services.wants_add(library_tracks=LibraryTrackFactory.create_batch(2), priority=2)
    out = io.BytesIO()
    write(rows=exports.rows(WantList.objects.all()), columns=exports.columns(), fmt="csv", out=out)
    dataset = tablib.Dataset().load(out.getvalue().decode(), format="csv")
    result = WantListResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.base_errors
    assert WantList.objects.count() == 2


@pytest.mark.django_db
def test_a_price_that_is_no_number_never_breaks_the_list():
    from tests.factories import WantListFactory

    want = WantListFactory(purchase_links=[{"store": "X", "url": "https://x", "price": "n/a"},
                                           {"store": "Y", "url": "https://y", "price": "2.00"}])
    assert want.cheapest["store"] == "Y"
