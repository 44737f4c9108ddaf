"""Traktor NML (a `collection.nml`, or a playlist file for *Import Playlist*), as Traktor Pro 3 and 4 write it.

    <NML VERSION="19">
      <HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"/>
      <COLLECTION ENTRIES="1">
        <ENTRY TITLE="..." ARTIST="...">
          <LOCATION DIR="/:Users/:dj/:Music/:" FILE="a.mp3" VOLUME="Macintosh HD" VOLUMEID="Macintosh HD"/>
          <ALBUM TITLE="..." TRACK="3"/>
          <MODIFICATION_INFO AUTHOR_TYPE="user"/>
          <INFO BITRATE="320000" GENRE="..." LABEL="..." KEY="Am" PLAYTIME="412" PLAYTIME_FLOAT="412.345000"
                RANKING="204" IMPORT_DATE="2026/9/1" RELEASE_DATE="2024/1/1" FILESIZE="9766"/>
          <TEMPO BPM="124.000000" BPM_QUALITY="100.000000"/>
          <MUSICAL_KEY VALUE="21"/>
        </ENTRY>
      </COLLECTION>
      <PLAYLISTS>
        <NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1">
          <NODE TYPE="PLAYLIST" NAME="Set"><PLAYLIST ENTRIES="1" TYPE="LIST" UUID="...">
            <ENTRY><PRIMARYKEY TYPE="TRACK" KEY="Macintosh HD/:Users/:dj/:Music/:a.mp3"/></ENTRY>

A file's place is split as Traktor does: the volume (a drive "D:" on Windows; on a Mac the disk under /Volumes,
else the start-up disk, TRAKTOR_VOLUME), the folders each preceded by "/:" and ended by "/:", and the file name;
a playlist names a track by VOLUME + DIR + FILE. BITRATE is in bit/s, FILESIZE in kB, dates Y/M/D without
zeros, RANKING 0-255 as Rekordbox's rating, MUSICAL_KEY Traktor's 0-23 (common.traktor_key_number).
No Django here.
"""

from __future__ import annotations

import datetime
import hashlib
import ntpath
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree import ElementTree as ET

from crates.djformats.common import (
    ExportPlaylist,
    ExportTrack,
    classic_key,
    is_windows_path,
    traktor_key_number,
    xml_text,
)
from crates.djformats.rekordbox import rating_value

DEFAULT_VOLUME = "Macintosh HD"


@dataclass(frozen=True)
class Location:
    volume: str
    dir: str
    file: str

    @property
    def key(self) -> str:
        """The PRIMARYKEY a playlist names the track by."""
        return f"{self.volume}{self.dir}{self.file}"


def location_of(path: str, *, volume: str = DEFAULT_VOLUME) -> Location:
    """Return Traktor's LOCATION of a path: "D:\\Music\\a.mp3" -> ("D:", "/:Music/:", "a.mp3"),
    "/Volumes/USB/Sets/a.mp3" -> ("USB", "/:Sets/:", "a.mp3"), "/Users/dj/a.mp3" -> (volume, "/:Users/:dj/:", ...)."""
    if is_windows_path(path):
        drive, rest = ntpath.splitdrive(path)
        parts = [part for part in rest.replace("\\", "/").split("/") if part]
        return Location(drive.upper(), "/:" + "".join(f"{part}/:" for part in parts[:-1]), parts[-1] if parts else "")
    parts = [part for part in posixpath.normpath(path).split("/") if part]
    if len(parts) > 2 and parts[0] == "Volumes":
        volume, parts = parts[1], parts[2:]
    return Location(volume, "/:" + "".join(f"{part}/:" for part in parts[:-1]), parts[-1] if parts else "")


def path_of_location(location: Location, *, volume: str = DEFAULT_VOLUME) -> str:
    """Return the path a LOCATION names (location_of read backwards)."""
    parts = [part for part in location.dir.split("/:") if part]
    if len(location.volume) == 2 and location.volume.endswith(":"):
        return location.volume + "\\" + "\\".join([*parts, location.file])
    prefix = "" if location.volume in ("", volume) else f"/Volumes/{location.volume}"
    return prefix + "/" + "/".join([*parts, location.file])


def _date(value: datetime.date | None) -> str:
    return f"{value.year}/{value.month}/{value.day}" if value else ""


def _set(element: ET.Element, name: str, value) -> None:
    if value not in (None, ""):
        element.set(name, xml_text(value))


def _entry(track: ExportTrack, location: Location) -> ET.Element:
    entry = ET.Element("ENTRY")
    today = datetime.date.today()
    entry.set("MODIFIED_DATE", _date(today))
    _set(entry, "TITLE", track.title)
    _set(entry, "ARTIST", track.artist)
    ET.SubElement(entry, "LOCATION", DIR=xml_text(location.dir), FILE=xml_text(location.file),
                  VOLUME=xml_text(location.volume), VOLUMEID=xml_text(location.volume))
    album = ET.SubElement(entry, "ALBUM")
    _set(album, "TITLE", track.album)
    _set(album, "TRACK", track.track_number)
    ET.SubElement(entry, "MODIFICATION_INFO", AUTHOR_TYPE="user")
    info = ET.SubElement(entry, "INFO")
    _set(info, "BITRATE", track.bitrate * 1000 if track.bitrate else None)
    _set(info, "GENRE", track.genre)
    _set(info, "LABEL", track.label)
    _set(info, "COMMENT", track.comment)
    _set(info, "MIX", track.mix)
    _set(info, "REMIXER", track.remixer)
    _set(info, "KEY", classic_key(track.key_code))
    if track.duration:
        info.set("PLAYTIME", str(int(round(track.duration))))
        info.set("PLAYTIME_FLOAT", f"{track.duration:.6f}")
    if track.rating:
        info.set("RANKING", str(rating_value(track.rating)))
    _set(info, "IMPORT_DATE", _date(track.date_added or today))
    release = track.release_date or (datetime.date(track.year, 1, 1) if track.year else None)
    _set(info, "RELEASE_DATE", _date(release))
    _set(info, "FILESIZE", (track.size + 1023) // 1024 if track.size else None)
    if track.bpm:
        ET.SubElement(entry, "TEMPO", BPM=f"{track.bpm:.6f}", BPM_QUALITY="100.000000")
    number = traktor_key_number(track.key_code)
    if number is not None:
        ET.SubElement(entry, "MUSICAL_KEY", VALUE=str(number))
    return entry


def _uuid(playlist: ExportPlaylist) -> str:
    # Traktor keeps a playlist by its UUID: the same crate exported again is the same playlist, updated in place.
    return hashlib.md5("/".join((*playlist.folders, playlist.name)).encode(), usedforsecurity=False).hexdigest()


def write(out: BinaryIO, *, tracks: Sequence[ExportTrack], playlists: Iterable[ExportPlaylist] = (),
          volume: str = DEFAULT_VOLUME) -> int:
    """Write an NML collection of tracks (each file once) with playlists; return the tracks written."""
    root = ET.Element("NML", VERSION="19")
    ET.SubElement(root, "HEAD", COMPANY="www.native-instruments.com", PROGRAM="Traktor")
    ET.SubElement(root, "MUSICFOLDERS")
    collection = ET.SubElement(root, "COLLECTION")
    keys: dict[str, str] = {}
    for track in tracks:
        location = location_of(track.path, volume=volume)
        if track.key in keys or location.key in keys.values():
            continue
        keys[track.key] = location.key
        collection.append(_entry(track, location))
    collection.set("ENTRIES", str(len(keys)))
    lists = ET.SubElement(root, "PLAYLISTS")
    top = ET.SubElement(lists, "NODE", TYPE="FOLDER", NAME="$ROOT")
    folders: dict[tuple[str, ...], ET.Element] = {(): ET.SubElement(top, "SUBNODES")}

    def subnodes(path: tuple[str, ...]) -> ET.Element:
        if path not in folders:
            parent = subnodes(path[:-1])
            node = ET.SubElement(parent, "NODE", TYPE="FOLDER", NAME=xml_text(path[-1]))
            folders[path] = ET.SubElement(node, "SUBNODES")
        return folders[path]

    for playlist in playlists:
        node = ET.SubElement(subnodes(tuple(playlist.folders)), "NODE", TYPE="PLAYLIST", NAME=xml_text(playlist.name))
        entries = [keys[key] for key in playlist.keys if key in keys]
        body = ET.SubElement(node, "PLAYLIST", ENTRIES=str(len(entries)), TYPE="LIST", UUID=_uuid(playlist))
        for key in entries:
            ET.SubElement(ET.SubElement(body, "ENTRY"), "PRIMARYKEY", TYPE="TRACK", KEY=key)
    for element in folders.values():
        element.set("COUNT", str(len(element)))
    ET.indent(root, space="  ")
    out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n')
    out.write(ET.tostring(root, encoding="utf-8", xml_declaration=False))
    out.write(b"\n")
    return len(keys)
