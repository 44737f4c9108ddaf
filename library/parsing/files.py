"""Uploaded tracklist files: CSV exports (one tracklist per mix, as MixesDB writes them), CUE sheets, and text;
the bytes decoded first, or refused in words a person can act on (TracklistError)."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import replace
from pathlib import PurePosixPath

from .fields import _UNKNOWN_FIELDS, _segment
from .headings import _date_in
from .lines import _clean, _Context, _emit, _labels_from_brackets, _read_line, _seconds
from .patterns import _CELL_TIME, _CSV_CONTROLS, _CUE_TIME, _CUE_TRACK
from .results import LineStatus, ParsedTracklist, TracklistError
from .text import parse_text


def _read_cells(context: _Context, *, artist: str, title: str, raw: str, timestamp: int | None) -> None:
    """Append the lines one CSV row or CUE track holds, from its artist and title as given."""
    artist, title = " ".join(_clean(artist).split()), " ".join(_clean(title).split())
    # "?" for a row with neither: what MixesDB writes for an unknown track, so the raw text reads back the same.
    raw = _clean(raw) or (f"{artist} - {title}" if artist and title else artist or title or "?")
    if artist or not title:
        # No title, or neither: a numbered slot where something was played and nobody wrote down what.
        _emit(context, raw, _segment(artist, title) if artist else _UNKNOWN_FIELDS, timestamp, False)
        return
    # No artist: the title cell may hold the whole line ("The Mountain People -Mountain 004"). Its rows are the
    # tracklist's positions, so a number the cell prints is not one, nor is the cell a date or a link.
    cell = _Context(last_number=-1)
    printed = _read_line(title, title, cell)
    found = cell.lines
    if printed < 0 or (len(found) == 1 and found[0].status == LineStatus.UNPARSED):
        fields = _segment("", title)  # a known title without its artist
        _emit(context, raw, (LineStatus.UNIDENTIFIABLE, *fields[1:]), timestamp, False)
        return
    context.loose += cell.loose
    context.bracketed += cell.bracketed
    lines = context.lines
    for index, line in enumerate(found):
        lines.append(
            replace(
                line,
                position=(lines[-1].position if lines else 0) + 1,
                raw=raw if len(found) == 1 else line.raw,
                timestamp=timestamp if index == 0 and line.timestamp is None else line.timestamp,
                together=line.together and bool(lines),
            )
        )


_COLUMNS = {
    "artist": ("artist", "artists", "performer"),
    "title": ("title", "track", "track title", "song"),
    "timestamp": ("timestamp", "time", "start", "start time"),
    "label": ("label", "record label"),
    "catalog_number": ("catalog number", "catalogue number", "catalog", "catalogue", "cat", "cat no", "catno"),
    "raw": ("raw", "line"),
    "mix": ("mix title", "mix", "mix name"),
    "url": ("mix url", "url", "source url"),
    "dj": ("dj",),
}  # position and part are not read: lines are numbered in the order of the rows, on across parts


def _header_columns(row: list[str]) -> dict[str, int] | None:
    """Return where each known column is in a header row, or None if it has no artist and title columns."""
    names = [" ".join(cell.replace("_", " ").casefold().split()) for cell in row]
    columns = {}
    for key, aliases in _COLUMNS.items():
        index = next((names.index(alias) for alias in aliases if alias in names), None)
        if index is not None:
            columns[key] = index
    return columns if "artist" in columns and "title" in columns else None


def _cell_seconds(value: str) -> int | None:
    """Return a CSV time cell ("05:00", "1:02:03", MixesDB's minutes "003") as seconds, or None."""
    value = value.strip()
    return _seconds(value) if _CELL_TIME.fullmatch(value) else None


def parse_csv(text: str) -> list[ParsedTracklist]:
    """Read a CSV export with artist and title columns: one tracklist per mix (MixesDB files hold several)."""
    cleaned = text.translate(_CSV_CONTROLS)
    first_line = cleaned.lstrip("\r\n").partition("\n")[0]
    delimiter = max(",;\t|", key=first_line.count)
    try:
        rows = [row for row in csv.reader(io.StringIO(cleaned, newline=""), delimiter=delimiter) if any(row)]
    except csv.Error:
        rows = []
    columns = _header_columns(rows[0]) if rows else None
    if columns is None:
        tracklist = parse_text(text)
        # Lines of unparsed text are what a CSV file without its header looks like, not a tracklist.
        if all(line.status == LineStatus.UNPARSED for line in tracklist.lines):
            raise TracklistError(
                "This CSV file needs a header row with artist and title columns (for example "
                '"position,artist,title,label"), and none of its lines reads as a track either.'
            )
        return [tracklist]
    mixes: dict[str, tuple[str, str, _Context]] = {}
    for row in rows[1:]:
        if not any(value.strip() for value in row):
            continue
        cell = {key: row[index] if index < len(row) else "" for key, index in columns.items()}
        mix = " ".join(cell.get("mix", "").split())
        url, dj, context = mixes.setdefault(
            mix, (cell.get("url", "").strip(), " ".join(cell.get("dj", "").split()), _Context())
        )
        lines = context.lines
        before = len(lines)
        _read_cells(
            context, artist=cell["artist"], title=cell["title"], raw=cell.get("raw", ""),
            timestamp=_cell_seconds(cell.get("timestamp", "")),
        )  # fmt: skip
        label, catalog = _clean(cell.get("label", "")), _clean(cell.get("catalog_number", ""))
        for index in range(before, len(lines)) if label or catalog else ():
            line = lines[index]
            lines[index] = replace(line, label=label or line.label, catalog_number=catalog or line.catalog_number)
    for _, _, context in mixes.values():
        _labels_from_brackets(context)
    return [
        ParsedTracklist(name=mix, dj=dj, source_url=url, lines=tuple(context.lines), date=_date_in(mix)[0])
        for mix, (url, dj, context) in mixes.items()
    ]


def _cue_value(text: str) -> str:
    """Return a CUE command's argument without its quotes."""
    text = text.strip()
    if text.startswith('"'):
        text = text[1:]
        end = text.rfind('"')
        text = text[:end] if end >= 0 else text
    return " ".join(text.split())


def parse_cue(text: str) -> ParsedTracklist:
    """Read a CUE sheet: the sheet's PERFORMER is the DJ, its TITLE the mix, and each audio TRACK a line."""
    name = dj = ""
    tracks: list[dict] = []
    current: dict | None = None
    in_tracks = False
    for line in text.splitlines():
        keyword, _, value = _clean(line).partition(" ")
        keyword = keyword.upper()
        if keyword == "TRACK":
            in_tracks = True
            current = {"PERFORMER": "", "TITLE": "", "INDEX": None} if "AUDIO" in value.upper() else None
            if current is not None:
                tracks.append(current)
        elif keyword in ("PERFORMER", "TITLE"):
            if current is not None:
                current[keyword] = _cue_value(value)
            elif not in_tracks:
                dj, name = (_cue_value(value), name) if keyword == "PERFORMER" else (dj, _cue_value(value))
        elif keyword == "INDEX" and current is not None:
            number, _, stamp = value.strip().partition(" ")
            found = _CUE_TIME.fullmatch(stamp.strip())
            if number.lstrip("0") == "1" and found:
                current["INDEX"] = int(found.group(1)) * 60 + int(found.group(2))
    context = _Context()
    for track in tracks:
        _read_cells(context, artist=track["PERFORMER"], title=track["TITLE"], raw="", timestamp=track["INDEX"])
    _labels_from_brackets(context)
    return ParsedTracklist(name=name, dj=dj, lines=tuple(context.lines), date=_date_in(name)[0])


_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_TEXT_BYTES = bytes(byte for byte in range(256) if byte >= 32 or byte in b"\t\n\r\f\v\x1a")


def _decode(filename: str, data: bytes) -> str:
    """Return an uploaded file's text, or raise TracklistError saying why it has none."""
    if not data.strip():
        raise TracklistError(f"{filename} is empty: paste the tracklist or choose the file that holds it.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        sample = data[:8192]
        if sample.startswith(_BINARY_MAGIC) or len(sample.translate(None, _TEXT_BYTES)) > len(sample) // 20:
            raise TracklistError(
                f"{filename} is not a text file (it looks like audio, an image or an archive): "
                "export the tracklist as .txt, .csv or .cue and upload that."
            )
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise TracklistError(f"{filename} is in a text encoding we cannot read: save it as UTF-8 and upload it again.")


def parse_file(filename: str, data: bytes) -> list[ParsedTracklist]:
    """Read an uploaded tracklist file (.txt, .csv or .cue; other names by their content) into its tracklists."""
    text = _decode(filename, data)
    path = PurePosixPath(filename.replace("\\", "/"))
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        tracklists = parse_csv(text)
    elif suffix == ".cue" or (suffix != ".txt" and _CUE_TRACK.search(text)):
        tracklists = [parse_cue(text)]
    else:
        tracklists = [parse_text(text)]
    if not any(tracklist.lines for tracklist in tracklists):
        raise TracklistError(f'{filename} holds no track lines: put one track a line, as "Artist - Title".')
    # A mix without a name of its own is known by its file's name.
    return [tracklist if tracklist.name else replace(tracklist, name=path.stem) for tracklist in tracklists]
