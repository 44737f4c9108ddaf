"""M3U8: the playlist every DJ program (Serato, Engine DJ, VirtualDJ, Traktor, Rekordbox) and every player opens.

    #EXTM3U
    #PLAYLIST:Peak time
    #EXTINF:412,Bicep - Glue (Hammer Remix)
    ../Bicep/Glue/Bicep - Glue (Hammer Remix).flac

UTF-8 (the "8"), one track per #EXTINF line (its length in whole seconds, then "Artist - Title") and its path:
relative to the playlist's own folder, so the playlist and the music move together, or absolute. No Django here.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from typing import BinaryIO

from crates.djformats.common import ExportTrack, is_windows_path, one_line


def entry_path(path: str, *, relative_to: str | None) -> str:
    """Return the path as the playlist writes it: relative to the folder relative_to (with "/" separators, as
    every program reads them), or absolute when relative_to is None or the file is on another drive."""
    if relative_to is None or is_windows_path(path):
        return path
    try:
        return os.path.relpath(path, relative_to).replace(os.sep, "/")
    except ValueError:
        return path


def write(out: BinaryIO, *, tracks: Sequence[ExportTrack], name: str = "", relative_to: str | None = None) -> int:
    """Write tracks as an M3U8 playlist; paths relative to the folder relative_to, or absolute. Return the count."""
    lines = ["#EXTM3U"]
    if name:
        lines.append(f"#PLAYLIST:{one_line(name)}")
    for track in tracks:
        seconds = int(round(track.duration)) if track.duration else -1
        label = f"{track.artist} - {track.title}" if track.artist else track.title
        lines.append(f"#EXTINF:{seconds},{one_line(label)}")
        lines.append(entry_path(track.path, relative_to=relative_to))
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(tracks)


def read_paths(text: str, *, folder: str) -> list[str]:
    """Return the file paths an M3U8 lists, each relative path taken from folder (how a player resolves them)."""
    paths = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        paths.append(line if posixpath.isabs(line) or is_windows_path(line) else posixpath.normpath(
            posixpath.join(folder, line)))
    return paths
