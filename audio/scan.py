"""The file system side of a folder scan: list a folder safely, and read what one file says.

No database here. `walk` lists every folder under a root with the names of the files in it;
`chunk_entries` lists again the files of a chunk (a few folders, or a name range of a large one)
with their size and modification time; `read_file` reads one file's stream properties and tags.

Links: a symbolic link whose target leaves the scanned folder is not followed (it is listed,
with the reason); a folder is entered once however many links lead to it, so a link loop
cannot make the walk go round. Hidden names (a leading dot) are left alone: they are
AppleDouble "._" files, editors' backups and the tag writer's own temporary copies.
"""

from __future__ import annotations

import os
import stat as stat_module
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from audio.probe import AUDIO_EXTENSIONS, AudioError, AudioInfo, probe
from audio.tags import TagValues, read_tags

# Files per chunk item: big enough that the per-item costs (a transaction, a few queries) vanish, small
# enough that one item's writes stay short and a cancel is seen within a second or two.
SCAN_CHUNK = 500


class ScanError(ValueError):
    """A folder that cannot be scanned; the message says why, for a person."""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class FolderListing:
    folder: str  # absolute, under the root as given (links inside the root are kept in the path)
    names: list[str]  # the files in it, sorted
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One file of a chunk, as the folder lists it."""

    path: str
    size: int | None = None
    mtime_ns: int | None = None
    error: str = ""  # why it could not even be looked at (a broken link, a loop, no permission)

    @property
    def is_audio_name(self) -> bool:
        return extension_of(self.path) in AUDIO_EXTENSIONS


@dataclass(frozen=True)
class FileRead:
    info: AudioInfo
    tags: TagValues


def extension_of(path: str) -> str:
    name = os.path.basename(path)
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def folder_checked(path: str | os.PathLike[str]) -> str:
    """Return the folder as an absolute path; raise ScanError if it does not exist or is not a folder."""
    text = os.fspath(path).strip() if isinstance(path, str) else os.fspath(path)
    if not text:
        raise ScanError("No folder was given to scan.")
    folder = os.path.abspath(os.path.expanduser(text))
    if not os.path.exists(folder):
        raise ScanError(f"The folder {folder} does not exist. Check the path (or MUSIC_ROOT) and try again.")
    if not os.path.isdir(folder):
        raise ScanError(f"{folder} is a file, not a folder. Give the folder that holds the music.")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise ScanError(f"The folder {folder} cannot be read (permission denied).")
    return folder


def _inside(target: str, real_root: str) -> bool:
    return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)


def _link_leaves(path: str, real_root: str) -> str:
    """Return the target of a link that leads outside real_root, or "" if it stays inside."""
    target = os.path.realpath(path)
    return "" if _inside(target, real_root) else target


def walk(root: str) -> Iterator[FolderListing]:
    """Yield every folder under root (root first) with its files, depth first, in name order."""
    real_root = os.path.realpath(root)
    try:
        first = os.stat(root)
    except OSError as exc:
        raise ScanError(f"The folder {root} cannot be read: {exc.strerror or exc}.") from None
    visited = {(first.st_dev, first.st_ino)}
    stack = [root]
    while stack:
        folder = stack.pop()
        listing = FolderListing(folder, [])
        try:
            with os.scandir(folder) as entries:
                found = sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            listing.skipped.append(Skipped(folder, f"the folder cannot be read ({exc.strerror or exc})"))
            yield listing
            continue
        subfolders = []
        for entry in found:
            if entry.name.startswith("."):
                continue
            try:
                is_link = entry.is_symlink()
                if is_link:
                    outside = _link_leaves(entry.path, real_root)
                    if outside:
                        listing.skipped.append(Skipped(
                            entry.path, f"a link that leads outside the folder (to {outside}): not followed"))
                        continue
                if entry.is_dir(follow_symlinks=True):
                    status = entry.stat(follow_symlinks=True)
                    key = (status.st_dev, status.st_ino)
                    if key not in visited:  # a folder reached twice (a link to it) is read once
                        visited.add(key)
                        subfolders.append(entry.path)
                elif entry.is_file(follow_symlinks=True) or is_link:
                    listing.names.append(entry.name)  # a broken link is listed, and read as unreadable
                else:
                    listing.skipped.append(Skipped(entry.path, "not a regular file (a device, pipe or socket)"))
            except OSError:
                listing.names.append(entry.name)  # a link loop, say: its chunk reports why it cannot be read
        stack.extend(reversed(subfolders))
        yield listing


def chunks(listings: Iterator[FolderListing], size: int | None = None) -> Iterator[list[dict[str, str]]]:
    """Group the folders' files into chunks of about `size` files, as segments {"folder", "after", "until"}.

    A large folder is cut into name ranges; the last range of a folder is open ("until" empty) and the first
    starts at the beginning ("after" empty), so a file added after the listing still falls in one range.
    """
    size = size or SCAN_CHUNK
    current: list[dict[str, str]] = []
    count = 0
    for listing in listings:
        names = listing.names
        start = 0
        while start < len(names):
            room = size - count
            piece = names[start:start + room]
            end = start + len(piece)
            current.append({
                "folder": listing.folder, "after": names[start - 1] if start else "",
                "until": names[end - 1] if end < len(names) else "",
            })
            count += len(piece)
            start = end
            if count >= size:
                yield current
                current, count = [], 0
    if current:
        yield current


def chunk_entries(segments: list[dict[str, str]], root: str) -> tuple[list[Entry], list[Skipped]]:
    """List the files of a chunk's segments with their size and time; links that leave root are skipped."""
    real_root = os.path.realpath(root)
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    for segment in segments:
        folder, after, until = segment.get("folder", ""), segment.get("after", ""), segment.get("until", "")
        try:
            with os.scandir(folder) as listed:
                found = sorted(listed, key=lambda entry: entry.name)
        except OSError as exc:
            skipped.append(Skipped(folder, f"the folder cannot be read now ({exc.strerror or exc})"))
            continue
        for entry in found:
            name = entry.name
            if name.startswith(".") or (after and name <= after) or (until and name > until):
                continue
            try:
                is_link = entry.is_symlink()
                if is_link and _link_leaves(entry.path, real_root):
                    continue  # not followed; the listing said so already
                if entry.is_dir(follow_symlinks=True):
                    continue
            except OSError:
                pass
            entries.append(_entry(entry.path))
    return entries, skipped


def _entry(path: str) -> Entry:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return Entry(path, error="a link to a file that does not exist")
        return Entry(path, error="the file disappeared while the folder was read")
    except OSError as exc:
        return Entry(path, error=f"the file cannot be read ({exc.strerror or exc})")
    if not stat_module.S_ISREG(status.st_mode):
        return Entry(path, error="not a regular file")
    return Entry(path, size=status.st_size, mtime_ns=status.st_mtime_ns)


def read_file(path: str) -> FileRead:
    """Return the file's stream properties and tags; raise AudioError saying why it is not readable audio."""
    info = probe(path)
    try:
        tags = read_tags(path)
    except AudioError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OSError):
        # Stream properties read fine but a tag frame is broken: the file plays, so it is kept, untagged.
        tags = TagValues()
    return FileRead(info=info, tags=tags)


def file_name_parts(path: str) -> tuple[str, str]:
    """Return (artist, title) as a file name without tags says them: "Artist - Title.mp3", or ("", stem)."""
    from matching.files import file_stem

    stem = file_stem(Path(path).name)
    artist, dash, title = stem.partition(" - ")
    if dash and artist.strip() and title.strip():
        return artist.strip(), title.strip()
    return "", stem.strip()
