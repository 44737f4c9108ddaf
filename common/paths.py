"""Turn outside text (remote file names from Soulseek peers, provider metadata) into safe local paths.

Every name that comes from elsewhere passes through safe_segment before it becomes part of a path: it drops
control and invisible formatting characters, replaces separators and the characters Windows forbids, keeps
Unicode (normalised to NFC), refuses names made only of dots, defuses Windows device names such as CON and
NUL.flac, and keeps each name within 255 UTF-8 bytes, so the same name is safe on Linux, macOS and Windows.
safe_relative_path and safe_join build on it; only safe_join touches the filesystem, and only to follow links.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path, PurePath

MAX_SEGMENT_BYTES = 255  # the usual limit on one file name (ext4, APFS, NTFS), counted in UTF-8 bytes
MAX_EXTENSION_BYTES = 16
# Cc: NUL and other control characters; Cf: invisible formatting such as U+202E, which can disguise
# "evil\u202egalf.exe" as "evilexe.flag"; Cs: lone surrogates, which cannot be written as UTF-8 at all.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_REPLACED = str.maketrans({char: "_" for char in '/\\<>:"|?*'})
# Windows opens the device, not a file, for these names, whatever the extension; ¹²³ count as digits there.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{digit}" for device in ("COM", "LPT") for digit in "0123456789¹²³"}
)
_SEPARATORS = re.compile(r"[\\/]")
_DRIVE = re.compile(r"[A-Za-z]:")


class UnsafePath(ValueError):
    """A name or path that cannot be made safe; the message says what was wrong."""


def safe_segment(name: str, *, fallback: str = "") -> str:
    """Return name as one file or folder name that is safe on Linux, macOS and Windows."""
    text = "".join(char for char in name if unicodedata.category(char) not in _DROPPED_CATEGORIES)
    text = unicodedata.normalize("NFC", text).translate(_REPLACED)
    # Windows drops trailing dots and spaces, so "name. ." and "name" would be the same file there;
    # this also empties names made only of dots, such as "." and "..".
    text = text.lstrip(" ").rstrip(" .")
    if text and text.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        text = f"_{text}"
    text = _fit(text)
    if text:
        return text
    if fallback:
        return safe_segment(fallback)
    raise UnsafePath(f"the file name {name[:80]!r} is empty after removing unsafe characters")


def _fit(text: str) -> str:
    """Return text cut to MAX_SEGMENT_BYTES of UTF-8, keeping a short extension and whole characters."""
    encoded = text.encode("utf-8")
    if len(encoded) <= MAX_SEGMENT_BYTES:
        return text
    stem, dot, extension = text.rpartition(".")
    keep_extension = dot and stem and extension.isalnum() and len(extension.encode("utf-8")) <= MAX_EXTENSION_BYTES
    suffix = f".{extension}" if keep_extension else ""
    budget = MAX_SEGMENT_BYTES - len(suffix.encode("utf-8"))
    # "ignore" drops only the character the byte cut split in two, so the rest stays valid UTF-8.
    cut = text[: len(text) - len(suffix)].encode("utf-8")[:budget].decode("utf-8", "ignore")
    return (cut + suffix).rstrip(" .")


def safe_relative_path(parts: Iterable[str]) -> PurePath:
    """Return the parts, each made safe, as a relative path; drop parts that clean to nothing."""
    cleaned = []
    for part in parts:
        try:
            cleaned.append(safe_segment(part))
        except UnsafePath:
            continue  # "..", "." and names of only unsafe characters name no folder of their own
    if not cleaned:
        raise UnsafePath("no part of the path is left after removing unsafe characters")
    return PurePath(*cleaned)


def split_remote_path(path: str) -> list[str]:
    """Split a remote path on both \\ and / into its parts, without empty parts, "." or a drive."""
    parts = [part for part in _SEPARATORS.split(path) if part and part != "."]
    # A drive ("C:\\Music\\a.flac") says where the file is on the peer's machine, not where it goes here.
    if parts and _DRIVE.fullmatch(parts[0]):
        del parts[0]
    return parts


def safe_join(root: str | os.PathLike[str], parts: Iterable[str]) -> Path:
    """Return root joined with the parts made safe; raise UnsafePath if a link leads outside root."""
    path = Path(root) / safe_relative_path(parts)
    # Cleaned parts cannot climb out on their own, but a symbolic link already inside root can.
    real_root = os.path.realpath(root)
    if not Path(os.path.realpath(path)).is_relative_to(real_root):
        raise UnsafePath(f"{path} leads outside {root} through a symbolic link")
    return path
