"""A Rekordbox collection comes in: written by pyrekordbox (as Rekordbox's own XML), and as Rekordbox wrote it."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pyrekordbox.rbxml import RekordboxXml

from audio import tags
from core import jobs
from crates import imports
from crates.models import Crate, RekordboxImportJob
from library.models import LibraryTrack
from tests.crates.conftest import FIXTURES, track_with_file
from tests.factories import UserFactory
from tracks import metadata
from tracks.models import Track

pytestmark = pytest.mark.django_db


def _import(path, *args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_rekordbox", str(path), "--sync", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def collection(music, tunes, tmp_path):
    """A Rekordbox XML written by pyrekordbox: two files here (one tagged with an ISRC), one missing, one on a
    Windows computer; a playlist in a folder and one at the top."""
    here = tunes(music / "Bicep" / "Glue.flac", tune="a", codec="flac", seconds=6)
    tagged = tunes(music / "Other" / "Opus.mp3", tune="b", codec="mp3", seconds=6)
    tags.write_tags(str(tagged), tags.TagValues(title="Opus", artists=("Eric Prydz",), isrc="GBKQU1500099"))
    xml = RekordboxXml(name="rekordbox", version="6.8.5", company="AlphaTheta")
    xml.add_track(str(here), TrackID=1, Name="Glue (Hammer Remix)", Artist="Bicep", Album="Isles", Genre="techno",
                  Label="Ninja Tune", AverageBpm="130.00", Tonality="Am", Rating=204, Comments="peak time banger",
                  Year=2021, TotalTime=6, Mix="Hammer Remix")
    xml.add_track(str(tagged), TrackID=2, Name="Opus", Artist="Eric Prydz", AverageBpm="126.00", Tonality="11A")
    xml.add_track(str(music / "Gone" / "Missing.mp3"), TrackID=3, Name="Missing", Artist="Nobody", AverageBpm="125.00",
                  Tonality="F#m")
    xml.add_track("C:\\Users\\dj\\Music\\Windows.mp3", TrackID=4, Name="Windows", Artist="Somebody",
                  AverageBpm="122.00", Tonality="Db")
    folder = xml.add_playlist_folder("Gigs")
    peak = folder.add_playlist("Peak")
    for key in (2, 1, 4):
        peak.add_track(key)
    top = xml.add_playlist("Everything")
    for key in (1, 2, 3, 4):
        top.add_track(key)
    target = tmp_path / "rekordbox.xml"
    xml.save(str(target))
    return target, here, tagged


def test_a_collection_comes_in_with_its_values_files_and_playlists(collection):
    target, here, tagged = collection
    said = _import(target)
    assert "new tracks: 4" in said and "files found: 2" in said and "files missing: 1" in said
    assert "paths on another computer: 1" in said
    assert "Missing.mp3 is not there" in said and "C:/Users/dj/Music/Windows.mp3 is a path on another computer" in said
    glue = Track.objects.get(file_path=str(here))
    assert (glue.title, glue.version, glue.credit_name, glue.album, glue.genre, glue.label) == (
        "Glue", "Hammer Remix", "Bicep", "Isles", "Techno", "Ninja Tune")
    assert (glue.bpm, glue.key, glue.key_wheel, glue.rating) == (Decimal("130.00"), "A minor", 15, 4)
    assert glue.release_date.year == 2021 and glue.release_date_precision == "year"
    assert glue.file_format == "flac" and glue.file_size == here.stat().st_size
    assert glue.library_entry.notes == "peak time banger" and glue.library_entry.is_provisional
    # BPM and key from Rekordbox are a person's: recorded as manual, and a provider's fetch keeps them.
    assert metadata.source_of(glue.metadata_sources["bpm"]) == metadata.MANUAL
    assert metadata.source_of(glue.metadata_sources["genre"]) == imports.SOURCE
    metadata.apply(glue, {"bpm": (Decimal("65.00"), "beatport"), "key": ("E major", "beatport"),
                          "genre": ("House", "beatport")}, at=glue.updated_at)
    assert (glue.bpm, glue.key, glue.genre) == (Decimal("130.00"), "A minor", "House")
    opus = Track.objects.get(file_path=str(tagged))
    assert opus.isrc == "GBKQU1500099" and opus.key == "F# minor"
    missing = Track.objects.get(title="Missing")
    assert (missing.file_path == "" and missing.bpm == Decimal("125.00")
            and LibraryTrack.objects.filter(track=missing).exists())
    peak = Crate.objects.get(folder="Gigs", name="Peak")
    assert [entry.library_track.track.title for entry in peak.entries.order_by("position")] == [
        "Opus", "Glue", "Windows",
    ]
    assert Crate.objects.get(folder="", name="Everything").entries.count() == 4


def test_a_second_import_updates_the_same_tracks_and_crates(collection):
    target, here, _ = collection
    _import(target)
    said = _import(target)
    assert "new tracks" not in said and Track.objects.count() == 4 and LibraryTrack.objects.count() == 4
    assert Crate.objects.count() == 2
    assert Track.objects.get(file_path=str(here)).library_entry.notes == "peak time banger"


def test_tracks_already_in_the_catalogue_are_found_by_path_then_isrc_then_artist_title_and_version(collection, music):
    target, here, tagged = collection
    by_path = track_with_file(here, title="Glue", version="Hammer Remix", credit_name="Bicep", bpm=Decimal("128"),
                              genre="House")
    by_isrc = Track.objects.create(title="Opus", credit_name="Eric Prydz", artists=["Eric Prydz"], isrc="GBKQU1500099")
    by_text = Track.objects.create(title="Windows", credit_name="Somebody", artists=["Somebody"])
    original = Track.objects.create(title="Missing (Extended Mix)", credit_name="Nobody", artists=["Nobody"])
    said = _import(target)
    assert "new tracks: 1" in said
    by_path.refresh_from_db(), by_isrc.refresh_from_db(), by_text.refresh_from_db()
    # the BPM is the person's; the genre only fills
    assert by_path.bpm == Decimal("130.00") and by_path.genre == "House"
    assert by_isrc.file_path == str(tagged) and by_isrc.bpm == Decimal("126.00")
    assert by_text.bpm == Decimal("122.00") and by_text.key == "Db major"
    assert Track.objects.filter(title="Missing").exists() and original.title == "Missing (Extended Mix)"


def test_rekordboxs_own_export_comes_in_with_its_paths_on_another_computer_named(music):
    said = _import(FIXTURES / "pyrekordbox-rekordbox5-database.xml")
    assert "new tracks: 6" in said and "paths on another computer: 6" in said
    demo = Track.objects.get(title="Demo Track 1")
    assert (demo.credit_name, demo.bpm, demo.label, demo.file_path) == (
        "Loopmasters", Decimal("128.00"), "Loopmasters", "",
    )
    assert demo.library_entry.notes == "Tracks by www.loopmasters.com"
    assert Track.objects.get(title="NOISE").bpm is None
    sub = Crate.objects.get(folder="Folder", name="Sub Playlist")
    assert [entry.library_track.track.title for entry in sub.entries.order_by("position")] == [
        "Demo Track 1", "Demo Track 2",
    ]
    assert Crate.objects.filter(folder="", name="Playlist1").exists()


def test_the_music_folder_of_the_djs_computer_maps_to_ours(music, tunes, settings, tmp_path):
    tunes(music / "PioneerDJ" / "Demo Tracks" / "Demo Track 1.mp3", tune="a", codec="mp3", seconds=5)
    settings.DJ_MUSIC_ROOT = "C:\\Music"
    said = _import(FIXTURES / "pyrekordbox-rekordbox6-database.xml")
    assert "files found: 1" in said and "files missing: 5" in said  # mapped into MUSIC_ROOT, and not there
    demo = Track.objects.get(title="Demo Track 1")
    assert demo.file_path == str(music / "PioneerDJ" / "Demo Tracks" / "Demo Track 1.mp3") and demo.key == "F minor"


def test_bad_xml_is_refused_whole_saying_where(tmp_path, music):
    broken = tmp_path / "broken.xml"
    shutil.copyfile(FIXTURES / "pyrekordbox-rekordbox5-database.xml", broken)
    broken.write_text(broken.read_text().replace("<TRACK TrackID=\"3\"", "<TRACK TrackID=\"3\" <", 1))
    with pytest.raises(CommandError, match=r"broken.xml cannot be imported: the XML is broken at line 18, column 24"):
        _import(broken)
    assert not Track.objects.exists() and not RekordboxImportJob.objects.exists()
    with pytest.raises(CommandError, match="not a Rekordbox collection"):
        _import(FIXTURES / "traktor-nml-utils-collection.nml")


def test_an_upload_in_the_admin_starts_the_import_and_its_page_names_what_did_not_come_whole(
    collection, client, monkeypatch
):
    from core import queue

    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)
    target, _, _ = collection
    client.force_login(UserFactory())
    page = client.get(reverse("admin:crates_crate_import_rekordbox"))
    assert page.status_code == 200 and "Export Collection in xml format" in page.content.decode()
    with target.open("rb") as upload:
        response = client.post(reverse("admin:crates_crate_import_rekordbox"), {"collection": upload})
    job = RekordboxImportJob.objects.get()
    assert response.status_code == 302 and job.total == 5
    jobs.job_run_here(model=RekordboxImportJob, job_id=job.pk)
    page = client.get(reverse("admin:crates_rekordboximportjob_change", args=[job.pk])).content.decode()
    assert "Files missing" in page and "Missing.mp3 is not there" in page and "Gigs/Peak" in page
    bad = io.BytesIO(b"<DJ_PLAYLISTS><COLLECTION>")
    bad.name = "bad.xml"
    response = client.post(reverse("admin:crates_crate_import_rekordbox"), {"collection": bad})
    assert response.status_code == 200 and "the XML is broken" in response.content.decode()
