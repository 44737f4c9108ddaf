"""Text from outside (a provider, a peer, a file's tags, an upload) made safe to store."""

from __future__ import annotations

import re
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
