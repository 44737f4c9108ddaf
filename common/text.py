"""Text: from outside (a provider, a peer, a file's tags, an upload) made safe to store; counts and lists in words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# What PostgreSQL refuses in text and JSON (NUL; lone UTF-16 surrogates, which UTF-8 cannot carry). Each becomes
# U+FFFD, the replacement character, so a person sees that something was there.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def storable(value: Any) -> Any:
    """Return value with every string in it (inside lists, tuples and dicts too, keys included) made storable."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(REPLACEMENT, value) if _UNSTORABLE.search(value) else value
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, tuple):
        return tuple(storable(item) for item in value)
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    return value


def count_text(number: int, noun: str, plural: str = "") -> str:
    """Return "1 line", "2 lines", "1,204 lines"; plural for nouns that do not just take an s
    ("1 entry", "2 entries")."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def and_join(parts: Sequence[str]) -> str:
    """Return ["a"] as "a", ["a", "b"] as "a and b", ["a", "b", "c"] as "a, b and c"."""
    parts = [part for part in parts if part]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


# --- Figures a person reads ---------------------------------------------------------------------------------------


def bpm_text(bpm) -> str:
    """Return a BPM as a whole number, with one decimal only when it has a fraction ("124", "123.5")."""
    if bpm is None:
        return ""
    value = round(float(bpm), 1)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def length_text(seconds) -> str:
    """Return a length in seconds as m:ss ("3:14"), or h:mm:ss from an hour; fractions are rounded; "" for
    anything that is not a number of seconds."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds != seconds or seconds < 0:
        return ""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_text(size: int | None) -> str:
    """Return a file size as people read it: "8.4 MB", "260.2 kB", "512 bytes"; "" when unknown."""
    if size is None:
        return ""
    for unit, scale in (("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size:,} bytes"


def duration_text(seconds: float) -> str:
    """Return a duration as a person says it: "6 h", "90 min", "45 s"."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600:g} h"
    if seconds >= 60:
        return f"{round(seconds / 60):g} min"
    return f"{round(seconds):g} s"
