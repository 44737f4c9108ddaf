"""Exports DJ software reads, from the command and the admin: every track with its file, path, BPM and key; the
crates as playlists; tracks without a file left out and counted."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pyrekordbox.rbxml import RekordboxXml

from core import jobs
from crates import services
from crates.djformats import m3u, rekordbox, traktor
from crates.djformats.common import key_of_traktor_number
from crates.models import ExportJob
from library.models import LibraryTrack, TrackDiscovery, Tracklist
from tests.factories import UserFactory
from tracks import keys

pytestmark = pytest.mark.django_db


def _export(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_library", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_the_library_as_rekordbox_xml_reads_back_in_pyrekordbox_with_every_file_bpm_and_key(library_of_files, tmp_path):
    tracks, without = library_of_files
    crate = services.crate_create(name="Peak time", folder="Gigs/2026")
    services.crate_tracks_add(crate=crate, library_tracks=[tracks[2].library_entry, tracks[0].library_entry,
                                                           without.library_entry])
    target = tmp_path / "out" / "rekordbox.xml"
    target.parent.mkdir()
    said = _export("--format", "rekordbox", "--output", str(target))
    assert "3 tracks" in said and "1 playlist" in said and "1 track without a file was left out" in said
    collection = RekordboxXml(str(target))
    assert collection.num_tracks == 3
    by_path = {"/" + track["Location"]: track for track in collection.get_tracks()}
    for track in tracks:
        read = by_path[track.file_path]
        assert Path(track.file_path).is_file()
        assert Decimal(str(read["AverageBpm"])) == track.bpm
        assert keys.camelot(read["Tonality"]) == keys.camelot(track.key)
        assert read["Kind"] == "FLAC File" and read["Size"] == track.file_size and read["SampleRate"] == 44100
        assert read["TotalTime"] == round(track.file_duration)
    ids = {("/" + track["Location"]): track["TrackID"] for track in collection.get_tracks()}
    assert collection.get_playlist("Gigs", "2026", "Peak time").get_tracks() == [
        ids[tracks[2].file_path], ids[tracks[0].file_path]]
    # The standard parser reads the same, Location as a file://localhost/ URI of each file.
    root = ET.parse(target).getroot()
    paths = {rekordbox.path_of_location(element.get("Location")) for element in root.iter("TRACK")
             if element.get("Location")}
    assert paths == {track.file_path for track in tracks}


def test_a_crate_as_traktor_nml_points_at_each_file_with_its_bpm_and_traktors_key(library_of_files, tmp_path):
    tracks, _ = library_of_files
    crate = services.crate_create(name="Warm-up")
    services.crate_tracks_add(crate=crate, library_tracks=[track.library_entry for track in tracks])
    target = tmp_path / "warm-up.nml"
    _export("--format", "traktor", "--crate", "Warm-up", "--output", str(target))
    root = ET.parse(target).getroot()
    entries = root.findall("COLLECTION/ENTRY")
    assert len(entries) == 3
    for entry, track in zip(entries, tracks, strict=True):
        location = entry.find("LOCATION")
        path = traktor.path_of_location(traktor.Location(location.get("VOLUME"),
                                                         location.get("DIR"), location.get("FILE")))
        assert path == track.file_path and Path(path).is_file()
        assert Decimal(entry.find("TEMPO").get("BPM")) == track.bpm
        assert key_of_traktor_number(int(entry.find("MUSICAL_KEY").get("VALUE"))) == keys.camelot(track.key)
    assert [key.get("KEY") for key in root.iter("PRIMARYKEY")] == [
        traktor.location_of(track.file_path).key for track in tracks]


def test_a_tracklist_as_m3u8_with_paths_relative_to_the_playlist_that_all_exist(library_of_files, music, tmp_path):
    tracks, without = library_of_files
    tracklist = Tracklist.objects.create(name="Essential Mix", dj="Bicep")
    for position, library_track in enumerate(
            [tracks[1].library_entry, without.library_entry, tracks[0].library_entry], 1):
        TrackDiscovery.objects.create(tracklist=tracklist, position=position, raw_text="x", library_track=library_track)
    target = music / "Playlists" / "essential.m3u8"
    target.parent.mkdir()
    said = _export("--format", "m3u8", "--tracklist", str(tracklist.pk), "--output", str(target))
    assert "2 tracks" in said and "1 track without a file was left out" in said
    text = target.read_text(encoding="utf-8")
    assert text.startswith("#EXTM3U\n#PLAYLIST:Bicep - Essential Mix\n")
    assert f"#EXTINF:{round(tracks[1].file_duration)},{tracks[1].credit_name} - {tracks[1].title}" in text
    listed = m3u.read_paths(text, folder=str(target.parent))
    assert listed == [tracks[1].file_path, tracks[0].file_path]
    assert all(Path(path).is_file() for path in listed)
    assert all(not line.startswith("/") for line in text.splitlines() if not line.startswith("#"))
    _export("--format", "m3u8", "--tracklist", str(tracklist.pk), "--output", str(target), "--paths", "absolute")
    assert m3u.read_paths(target.read_text(encoding="utf-8"), folder="/nowhere") == [
        tracks[1].file_path, tracks[0].file_path,
    ]


def test_paths_are_written_as_the_djs_computer_sees_the_music_folder(library_of_files, music, settings, tmp_path):
    tracks, _ = library_of_files
    settings.DJ_MUSIC_ROOT = "D:\\Music"
    target = tmp_path / "library.xml"
    _export("--format", "rekordbox", "--output", str(target))
    locations = sorted(track["Location"] for track in RekordboxXml(str(target)).get_tracks())
    expected = sorted("D:/Music/" + str(Path(track.file_path).relative_to(music)) for track in tracks)
    assert locations == expected


def test_a_saved_filter_crate_is_refilled_before_it_is_exported(library_of_files, tmp_path):
    tracks, _ = library_of_files
    crate = services.crate_create(name="Techno 124-128, 4A and neighbours", rule={
        "genres": ["techno"], "bpm_from": "124", "bpm_to": "128", "key": "C# minor", "key_compatible": True})
    assert [entry.library_track.track for entry in crate.entries.order_by("position")] == [tracks[2]]
    target = tmp_path / "smart.xml"
    _export("--format", "rekordbox", "--crate", crate.name, "--output", str(target))
    names = [track["Name"] for track in RekordboxXml(str(target)).get_tracks()]
    # 124.5 BPM F# major (2B) is no neighbour of Db minor (12A); 126 Db minor is; 130 is out of range.
    assert names == ["Selected"]


def test_an_unknown_crate_or_format_is_refused_with_what_there_is(library_of_files, tmp_path):
    services.crate_create(name="Peak time")
    with pytest.raises(CommandError, match="There is no crate “Nope”. Crates: Peak time"):
        _export("--format", "rekordbox", "--crate", "Nope", "--output", str(tmp_path / "x.xml"))
    with pytest.raises(CommandError, match="rekordbox, traktor, m3u8"):
        _export("--format", "serato", "--output", str(tmp_path / "x.xml"))
    with pytest.raises(CommandError, match="save the filter as a crate"):
        _export("--format", "traktor", "--genre", "Techno")


def test_the_table_exports_take_a_crate_too(library_of_files, tmp_path):
    tracks, _ = library_of_files
    crate = services.crate_create(name="Two")
    services.crate_tracks_add(crate=crate, library_tracks=[tracks[2].library_entry, tracks[0].library_entry])
    target = tmp_path / "two.txt"
    _export("--format", "txt", "--crate", "Two", "--output", str(target))
    assert target.read_text().splitlines() == ["Charlotte de Witte - Selected", "Bicep - Glue"]


def test_the_admin_exports_a_crate_at_once_and_a_large_library_as_a_job_with_its_file(
    library_of_files, client, settings, monkeypatch
):
    tracks, _ = library_of_files
    crate = services.crate_create(name="Peak time")
    services.crate_tracks_add(crate=crate, library_tracks=[tracks[0].library_entry])
    client.force_login(UserFactory())
    response = client.get(reverse("admin:crates_crate_export", args=[crate.pk, "traktor"]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith(
        'attachment; filename="peak-time-')
    assert ET.fromstring(response.content).find("COLLECTION").get("ENTRIES") == "1"
    monkeypatch.setattr(services, "EXPORT_DIRECT_MAX", 1)
    from core import queue

    monkeypatch.setattr(queue, "enqueue", lambda *args, **kwargs: None)
    response = client.get(reverse("admin:crates_crate_export_library", args=["rekordbox"]))
    job = ExportJob.objects.get()
    assert (response.status_code == 302
            and response["Location"] == reverse("admin:crates_exportjob_change", args=[job.pk]))
    jobs.job_run_here(model=ExportJob, job_id=job.pk)
    page = client.get(reverse("admin:crates_exportjob_change", args=[job.pk]))
    assert "3 tracks" in page.content.decode() and "1 track without a file was left out" in page.content.decode()
    download = client.get(reverse("admin:crates_exportjob_download", args=[job.pk]))
    body = b"".join(download.streaming_content)
    assert download["Content-Disposition"].startswith('attachment; filename="library-')
    assert ET.fromstring(body).find("COLLECTION").get("Entries") == "3"


def test_export_actions_on_tracklists_and_library_tracks(library_of_files, client):
    tracks, without = library_of_files
    tracklist = Tracklist.objects.create(name="Mix")
    TrackDiscovery.objects.create(tracklist=tracklist, position=1, raw_text="x", library_track=tracks[0].library_entry)
    client.force_login(UserFactory())
    response = client.post(reverse("admin:library_tracklist_changelist"), {
        "action": "export_tracklist_m3u8", "_selected_action": [tracklist.pk]})
    assert response.status_code == 200 and response.content.decode().splitlines()[-1] == tracks[0].file_path
    response = client.post(reverse("admin:library_librarytrack_changelist"), {
        "action": "export_librarytrack_rekordbox",
        "_selected_action": [tracks[1].library_entry.pk, without.library_entry.pk]}, follow=False)
    assert response.status_code == 200
    assert [track.name for track in rekordbox.read(io.BytesIO(response.content)).tracks] == [tracks[1].title]
    assert LibraryTrack.objects.count() == 4
