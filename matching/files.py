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
from dataclasses import dataclass, field

from matching.normalize import normalize_text
from matching.versions import parse_title, same_version

_SEPARATORS = re.compile(r"[\\/]")
_TRACK_NUMBER = re.compile(r"^\s*(?:\d{1,3}|[A-Da-d]\d{1,2})\s*[-._)]?\s+")


@dataclass(frozen=True)
class PathMatch:
    title: float  # share of the title's words found in the file name, 0..1
    artist: float  # share of the best-matching artist's words found in the path, 0..1
    version_ok: bool
    version_found: str  # the version the file name states, "" for none
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def confident(self) -> bool:
        """Every title word, every word of an artist, and the right version."""
        return self.title >= 1.0 and self.artist >= 1.0 and self.version_ok

    @property
    def score(self) -> float:
        return (0.55 * self.title + 0.45 * self.artist) * (1.0 if self.version_ok else 0.3)


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
    path_words = set(normalize_text(" ".join(_SEPARATORS.split(path))).split())
    wanted = parse_title(f"{title} ({version})" if version else title)
    found = parse_title(stem)
    title_share = _share(wanted.base or title, stem_words)
    artist_share = max((_share(name, path_words) for name in artists if name.strip()), default=1.0)
    version_ok = same_version(wanted, found)
    reasons = []
    if title_share < 1.0:
        reasons.append(f"title words found: {round(title_share * 100)}%")
    if artist_share < 1.0:
        reasons.append(f"artist words found: {round(artist_share * 100)}%")
    if not version_ok:
        wanted_text = wanted.version or "the original"
        found_text = found.version or "the original"
        reasons.append(f"version differs: the file is {found_text}, wanted {wanted_text}")
    return PathMatch(
        title=title_share, artist=artist_share, version_ok=version_ok, version_found=found.version,
        reasons=tuple(reasons),
    )
