"""Words a person reads: counts with their nouns, lists joined as a sentence."""

from __future__ import annotations

from collections.abc import Sequence


def count_text(number: int, noun: str, plural: str = "") -> str:
    """Return "1 line", "2 lines", "1,204 lines"; plural for nouns that do not just take an s ("1 entry", "2 entries")."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def and_join(parts: Sequence[str]) -> str:
    """Return ["a"] as "a", ["a", "b"] as "a and b", ["a", "b", "c"] as "a, b and c"."""
    parts = [part for part in parts if part]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
