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
    """Return "1 line", "2 lines", "1,204 lines"; plural for nouns that do not just take an s ("1 entry", "2 entries")."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def and_join(parts: Sequence[str]) -> str:
    """Return ["a"] as "a", ["a", "b"] as "a and b", ["a", "b", "c"] as "a, b and c"."""
    parts = [part for part in parts if part]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
