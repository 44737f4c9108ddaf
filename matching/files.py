"""Does a shared file's path name the recording we want? Pure: no Django, no I/O.

Peers name files every way there is ("01 - Artist - Title (X Remix).flac",
"Artist/Album/03 Title.mp3"), so the test is by words, not by layout: every
word of the title must be in the file name, an artist's words somewhere in the
path, and the version the file name states must be the version wanted. A
remix is never taken for an original, nor an original for a remix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from matching.normalize import normalize_text
from matching.versions import parse_title, same_version
from matching.weights import PATH_VERSION_MISMATCH_FACTOR, PATH_WEIGHTS

_SEPARATORS = re.compile(r"[\\/]")
_DASHES = re.compile(r"\s+[-–—]\s+")
_TRACK_NUMBER = re.compile(r"^\s*(?:\d{1,3}|[A-Da-d]\d{1,2})\s*[-._)]?\s+")


@dataclass(frozen=True)
class PathMatch:
    title: float  # share of the title's words found in the file name, 0..1
    artist: float  # share of the best-matching artist's words found in the path, 0..1
    version_ok: bool
    version_found: str  # the version the file name (or, lacking one, its folder) states, "" for none
    title_exact: bool = False  # the file name's title, once artist and track number are off, is the title
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def confident(self) -> bool:
        """The title itself (not a longer one holding its words), an artist's every word, the right version."""
        return self.title_exact and self.artist >= 1.0 and self.version_ok

    @property
    def score(self) -> float:
        matched = PATH_WEIGHTS["title"] * self.title + PATH_WEIGHTS["artist"] * self.artist
        return matched * (1.0 if self.version_ok else PATH_VERSION_MISMATCH_FACTOR)


def file_stem(path: str) -> str:
    """Return the file's name without folders, extension or a leading track number."""
    name = _SEPARATORS.split(path)[-1]
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 1 <= len(extension) <= 5 and extension.isalnum():
        name = stem
    return _TRACK_NUMBER.sub("", name).replace("_", " ").strip()


def _share(wanted: str, found: set[str]) -> float:
    words = normalize_text(wanted).split()
    if not words:
        return 1.0
    return sum(word in found for word in words) / len(words)


def path_match(path: str, *, title: str, version: str = "", artists: Sequence[str] = ()) -> PathMatch:
    """Score how well a remote path names the recording (title, version, artists)."""
    stem = file_stem(path)
    stem_words = set(normalize_text(stem).split())
    parts = _SEPARATORS.split(path)
    path_words = set(normalize_text(" ".join(parts)).split())
    wanted = parse_title(f"{title} ({version})" if version else title)
    found = parse_title(stem)
    if not found.version and len(parts) > 1:
        # "Strobe (Michael Woods Remix)/01 Strobe.mp3": a folder may say the version its file names leave out.
        folder = parse_title(parts[-2])
        if folder.version and not same_version(folder, parse_title(folder.base)):
            found = replace(found, version=folder.version, version_type=folder.version_type, remixer=folder.remixer)
    title_share = _share(wanted.base or title, stem_words)
    # The title is what follows the last " - " (after "01 - Artist - "), without its version.
    named = _DASHES.split(found.base)[-1]
    title_exact = normalize_text(named) == normalize_text(wanted.base or title) != ""
    artist_share = max((_share(name, path_words) for name in artists if name.strip()), default=1.0)
    version_ok = same_version(wanted, found)
    reasons = []
    if title_share < 1.0:
        reasons.append(f"title words found: {round(title_share * 100)}%")
    elif not title_exact:
        reasons.append(f"the file's title is “{named.strip()}”, not “{wanted.base or title}”")
    if artist_share < 1.0:
        reasons.append(f"artist words found: {round(artist_share * 100)}%")
    if not version_ok:
        wanted_text = wanted.version or "the original"
        found_text = found.version or "the original"
        reasons.append(f"version differs: the file is {found_text}, wanted {wanted_text}")
    return PathMatch(
        title=title_share, artist=artist_share, version_ok=version_ok, version_found=found.version,
        title_exact=title_exact, reasons=tuple(reasons),
    )
