"""Rekordbox XML (`DJ_PLAYLISTS`), written for Rekordbox's *rekordbox xml* import (the file chosen under Preferences ›
Advanced › Database › rekordbox xml) and read from *File › Export Collection in xml format*.

The shape, as Rekordbox writes it (its "xml_format_list" and the collections it exports):

    <DJ_PLAYLISTS Version="1.0.0">
      <PRODUCT Name="rekordbox" Version="6.6.2" Company="AlphaTheta"/>
      <COLLECTION Entries="2">
        <TRACK TrackID="1" Name="..." Artist="..." ... Location="file://localhost/C:/Music/a%20b.mp3" .../>
      </COLLECTION>
      <PLAYLISTS>
        <NODE Type="0" Name="ROOT" Count="1">               (Type 0: a folder)
          <NODE Name="Set" Type="1" KeyType="0" Entries="2"> (Type 1: a playlist; KeyType 0: by TrackID, 1: by Location)
            <TRACK Key="1"/> ...

Every TRACK carries the attributes Rekordbox writes itself, in its order; `Location` is a `file://localhost/` URI of
the path, percent-encoded as UTF-8 (a Windows path keeps its drive: `file://localhost/D:/Music/...`). `AverageBpm`
has two decimals, `TotalTime` whole seconds, `Rating` 0/51/102/153/204/255 for 0-5 stars, `Tonality` the key in the
musical spelling ("Am", "F#"). No TEMPO (beat grid) is written: the grid's first beat is not known here, and without
one Rekordbox analyses the file itself. Nothing here touches Django or the database.
"""

from __future__ import annotations

import datetime
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO
from urllib.parse import quote, unquote

from crates.djformats.common import ExportPlaylist, ExportTrack, FormatError, classic_key, kind_of, xml_text

PRODUCT = {"Name": "Cratedigger", "Version": "1.0", "Company": "Cratedigger"}
LOCATION_PREFIX = "file://localhost"
# Stars -> Rekordbox's Rating value, and back (a value between two steps is read as the lower star).
RATING_VALUES = (0, 51, 102, 153, 204, 255)
TRACK_ATTRIBUTES = (
    "TrackID", "Name", "Artist", "Composer", "Album", "Grouping", "Genre", "Kind", "Size", "TotalTime",
    "DiscNumber", "TrackNumber", "Year", "AverageBpm", "DateAdded", "BitRate", "SampleRate", "Comments",
    "PlayCount", "Rating", "Location", "Remixer", "Tonality", "Label", "Mix",
)
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
_TO_ESCAPE = re.compile('[&<>"\n\r\t]')


def attribute(value) -> str:
    """Return value as the text of a double-quoted XML attribute (line breaks kept as character references)."""
    return _TO_ESCAPE.sub(lambda match: _ESCAPES[match.group()], xml_text(value))


def location_of(path: str) -> str:
    """Return Rekordbox's Location URI of a path: "/Users/dj/a b.mp3" -> "file://localhost/Users/dj/a%20b.mp3",
    "D:\\Music\\a.mp3" -> "file://localhost/D:/Music/a.mp3"."""
    posix = path.replace("\\", "/")
    if not posix.startswith("/"):
        posix = "/" + posix  # a drive letter: /D:/Music/...
    return LOCATION_PREFIX + quote(posix, safe="/:")


def path_of_location(location: str) -> str:
    """Return the path a Location URI names ("file://localhost/D:/a%20b.mp3" -> "D:/a b.mp3"); raise ValueError
    for a Location that is no file URI."""
    text = (location or "").strip()
    for prefix in ("file://localhost/", "file:///", "file://"):
        if text.lower().startswith(prefix):
            rest = text[len(prefix):]
            break
    else:
        raise ValueError(f"“{text[:80]}” is not a file location (file://localhost/...)")
    path = unquote(rest)
    if re.match(r"^[A-Za-z]:([/\\]|$)", path):
        return path  # Windows: D:/Music/...
    return "/" + path.lstrip("/")


def rating_value(stars: int | None) -> int:
    return RATING_VALUES[max(0, min(5, int(stars or 0)))]


def stars_of_rating(value: int) -> int:
    return max(index for index, threshold in enumerate(RATING_VALUES) if value >= threshold) if value > 0 else 0


def _number(value, digits: int = 0) -> str:
    if value is None:
        return "0" if not digits else f"{0:.{digits}f}"
    if digits:
        return f"{Decimal(value):.{digits}f}"
    return str(int(round(float(value))))


def _track_attributes(track: ExportTrack, track_id: int) -> dict[str, str]:
    year = track.year or (track.release_date.year if track.release_date else None)
    return {
        "TrackID": str(track_id), "Name": track.title, "Artist": track.artist, "Composer": "", "Album": track.album,
        "Grouping": "", "Genre": track.genre, "Kind": kind_of(track.file_format, track.path),
        "Size": _number(track.size), "TotalTime": _number(track.duration), "DiscNumber": _number(track.disc_number),
        "TrackNumber": _number(track.track_number), "Year": _number(year),
        "AverageBpm": _number(track.bpm, 2), "DateAdded": (track.date_added or datetime.date.today()).isoformat(),
        "BitRate": _number(track.bitrate), "SampleRate": _number(track.sample_rate), "Comments": track.comment,
        "PlayCount": "0", "Rating": str(rating_value(track.rating)), "Location": location_of(track.path),
        "Remixer": track.remixer, "Tonality": classic_key(track.key_code), "Label": track.label, "Mix": track.mix,
    }


def write(out: BinaryIO, *, tracks: Sequence[ExportTrack], playlists: Iterable[ExportPlaylist] = ()) -> int:
    """Write a Rekordbox XML collection of tracks (each path once) with playlists; return the tracks written.

    A playlist entry whose track is not in the collection is left out of it."""
    ids: dict[str, int] = {}
    unique: list[ExportTrack] = []
    seen_paths: set[str] = set()
    for track in tracks:
        if track.key in ids or track.path in seen_paths:
            continue  # Rekordbox keys its collection by file: one TRACK per path
        ids[track.key] = len(ids) + 1
        seen_paths.add(track.path)
        unique.append(track)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    text.write('<?xml version="1.0" encoding="UTF-8"?>\n\n<DJ_PLAYLISTS Version="1.0.0">\n')
    text.write("  <PRODUCT " + " ".join(f'{name}="{attribute(value)}"' for name, value in PRODUCT.items()) + "/>\n")
    text.write(f'  <COLLECTION Entries="{len(unique)}">\n')
    for track in unique:
        attributes = _track_attributes(track, ids[track.key])
        text.write("    <TRACK " + " ".join(f'{name}="{attribute(attributes[name])}"' for name in TRACK_ATTRIBUTES)
                   + "/>\n")
    text.write("  </COLLECTION>\n  <PLAYLISTS>\n")
    _write_playlists(text, playlists, ids)
    text.write("  </PLAYLISTS>\n</DJ_PLAYLISTS>\n")
    text.flush()
    text.detach()
    return len(unique)


@dataclass
class _Folder:
    name: str
    children: list = field(default_factory=list)  # _Folder or (ExportPlaylist, keys)

    def folder(self, name: str) -> _Folder:
        for child in self.children:
            if isinstance(child, _Folder) and child.name == name:
                return child
        made = _Folder(name)
        self.children.append(made)
        return made


def _write_playlists(text, playlists: Iterable[ExportPlaylist], ids: dict[str, int]) -> None:
    root = _Folder("ROOT")
    for playlist in playlists:
        folder = root
        for name in playlist.folders:
            folder = folder.folder(name)
        folder.children.append((playlist, [ids[key] for key in playlist.keys if key in ids]))

    def node(folder: _Folder, depth: int) -> None:
        pad = "  " * depth
        text.write(f'{pad}<NODE Type="0" Name="{attribute(folder.name)}" Count="{len(folder.children)}">\n')
        for child in folder.children:
            if isinstance(child, _Folder):
                node(child, depth + 1)
                continue
            playlist, track_ids = child
            text.write(f'{pad}  <NODE Name="{attribute(playlist.name)}" Type="1" KeyType="0" '
                       f'Entries="{len(track_ids)}">\n')
            for track_id in track_ids:
                text.write(f'{pad}    <TRACK Key="{track_id}"/>\n')
            text.write(f"{pad}  </NODE>\n")
        text.write(f"{pad}</NODE>\n")

    node(root, 2)


# --- Reading ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RekordboxTrack:
    """One TRACK of a collection, its values read (numbers as numbers, the Location as a path)."""

    track_id: str
    location: str  # the Location URI as written
    path: str  # the path it names ("" if it names none)
    name: str = ""
    artist: str = ""
    album: str = ""
    genre: str = ""
    label: str = ""
    mix: str = ""
    remixer: str = ""
    comments: str = ""
    tonality: str = ""
    kind: str = ""
    year: int | None = None
    bpm: Decimal | None = None
    rating: int = 0  # stars, 0-5
    total_time: int | None = None
    bitrate: int | None = None
    sample_rate: int | None = None
    size: int | None = None
    track_number: int | None = None
    disc_number: int | None = None
    problems: tuple[str, ...] = ()  # values that could not be read, named; the track is kept

    def as_dict(self) -> dict:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["bpm"] = str(self.bpm) if self.bpm is not None else None
        values["problems"] = list(self.problems)
        return values

    @classmethod
    def from_dict(cls, values: dict) -> RekordboxTrack:
        values = dict(values)
        values["bpm"] = Decimal(values["bpm"]) if values.get("bpm") not in (None, "") else None
        values["problems"] = tuple(values.get("problems") or ())
        known = cls.__dataclass_fields__
        return cls(**{name: value for name, value in values.items() if name in known})


@dataclass(frozen=True)
class RekordboxPlaylist:
    name: str
    folders: tuple[str, ...]
    by_location: bool  # KeyType 1: the entries are Locations, not TrackIDs
    keys: tuple[str, ...]


@dataclass
class RekordboxCollection:
    product: str
    tracks: list[RekordboxTrack]
    playlists: list[RekordboxPlaylist]


def _int(attrib: dict, name: str, problems: list[str], *, positive: bool = True) -> int | None:
    text = (attrib.get(name) or "").strip()
    if not text:
        return None
    try:
        value = int(float(text))
    except ValueError:
        problems.append(f"{name}={text[:20]!r} is not a number")
        return None
    return value if value > 0 or not positive else None


def _bpm(attrib: dict, problems: list[str]) -> Decimal | None:
    text = (attrib.get("AverageBpm") or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(f"AverageBpm={text[:20]!r} is not a number")
        return None
    if not value.is_finite() or value <= 0:
        return None  # Rekordbox writes 0.00 for a track it has not analysed
    if value >= 1000:
        problems.append(f"AverageBpm={text[:20]!r} is not a tempo")
        return None
    return value.quantize(Decimal("0.01"))


def track_of(attrib: dict) -> RekordboxTrack:
    """Return a TRACK element's attributes read into a RekordboxTrack."""
    problems: list[str] = []
    location = (attrib.get("Location") or "").strip()
    try:
        path = path_of_location(location) if location else ""
    except ValueError as exc:
        problems.append(str(exc))
        path = ""
    rating = _int(attrib, "Rating", problems) or 0
    return RekordboxTrack(
        track_id=(attrib.get("TrackID") or "").strip(), location=location, path=path,
        name=attrib.get("Name") or "", artist=attrib.get("Artist") or "", album=attrib.get("Album") or "",
        genre=attrib.get("Genre") or "", label=attrib.get("Label") or "", mix=attrib.get("Mix") or "",
        remixer=attrib.get("Remixer") or "", comments=attrib.get("Comments") or "",
        tonality=(attrib.get("Tonality") or "").strip(), kind=(attrib.get("Kind") or "").strip(),
        year=_int(attrib, "Year", problems), bpm=_bpm(attrib, problems), rating=stars_of_rating(rating),
        total_time=_int(attrib, "TotalTime", problems), bitrate=_int(attrib, "BitRate", problems),
        sample_rate=_int(attrib, "SampleRate", problems), size=_int(attrib, "Size", problems),
        track_number=_int(attrib, "TrackNumber", problems), disc_number=_int(attrib, "DiscNumber", problems),
        problems=tuple(problems),
    )


def read(source) -> RekordboxCollection:
    """Read a Rekordbox XML collection (a path or a binary file); raise FormatError saying where and why it cannot.

    The collection is read element by element, each TRACK let go once read, so a large collection is never held
    whole as XML. A TRACK with a value that cannot be read is kept, the value named in its problems.
    """
    tracks: list[RekordboxTrack] = []
    playlists: list[RekordboxPlaylist] = []
    product = ""
    stack: list[str] = []
    seen_root = False
    try:
        for event, element in ET.iterparse(source, events=("start", "end")):
            if event == "start":
                if not seen_root:
                    seen_root = True
                    if element.tag != "DJ_PLAYLISTS":
                        raise FormatError(
                            f"this is not a Rekordbox collection: its root element is <{element.tag[:40]}>, "
                            "not <DJ_PLAYLISTS>. In Rekordbox use File › Export Collection in xml format."
                        )
                stack.append(element.tag)
                continue
            stack.pop()
            if element.tag == "PRODUCT" and stack == ["DJ_PLAYLISTS"]:
                product = " ".join(filter(None, (element.get("Name"), element.get("Version"))))
            elif element.tag == "TRACK" and stack[-1:] == ["COLLECTION"]:
                tracks.append(track_of(element.attrib))
                element.clear()
            elif element.tag == "PLAYLISTS" and stack == ["DJ_PLAYLISTS"]:
                for node in element.findall("NODE"):
                    _playlists_of(node, (), playlists, top=True)
                element.clear()
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise FormatError(
            f"the XML is broken at line {line}, column {column + 1} ({str(exc).split(':')[0]}); "
            "export the collection from Rekordbox again"
        ) from None
    if not seen_root:
        raise FormatError("the file is empty")
    return RekordboxCollection(product=product, tracks=tracks, playlists=playlists)


def _playlists_of(node, folders: tuple[str, ...], found: list[RekordboxPlaylist], *, top: bool = False) -> None:
    name = node.get("Name") or ""
    if node.get("Type") == "1":
        by_location = node.get("KeyType") == "1"
        keys = tuple((entry.get("Key") or "").strip() for entry in node.findall("TRACK"))
        found.append(RekordboxPlaylist(name=name or "Untitled playlist", folders=folders, by_location=by_location,
                                       keys=tuple(key for key in keys if key)))
        return
    # A folder: the top one is Rekordbox's ROOT, never a folder of its own.
    inner = folders if top else (*folders, name or "Untitled folder")
    for child in node.findall("NODE"):
        _playlists_of(child, inner, found)
