"""Musical keys as DJs read them: Camelot codes ("8A"), musical names ("A minor"), and the wheel.

Providers spell keys many ways ("A minor", "Am", "A min", "Ebm", "D# minor", "8A",
Open Key "1m"); this module reads them all and says each one the same two ways.
Pure: no Django, no I/O.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The Camelot wheel: number -> (minor key, major key), in the spelling Camelot charts use.
WHEEL = {
    1: ("Ab minor", "B major"), 2: ("Eb minor", "F# major"), 3: ("Bb minor", "Db major"),
    4: ("F minor", "Ab major"), 5: ("C minor", "Eb major"), 6: ("G minor", "Bb major"),
    7: ("D minor", "F major"), 8: ("A minor", "C major"), 9: ("E minor", "G major"),
    10: ("B minor", "D major"), 11: ("F# minor", "A major"), 12: ("Db minor", "E major"),
}
_PITCH = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# Pitch class of the tonic -> Camelot number, for minor and for major keys.
_MINOR = {9: 8, 4: 9, 11: 10, 6: 11, 1: 12, 8: 1, 3: 2, 10: 3, 5: 4, 0: 5, 7: 6, 2: 7}
_MAJOR = {0: 8, 7: 9, 2: 10, 9: 11, 4: 12, 11: 1, 6: 2, 1: 3, 8: 4, 3: 5, 10: 6, 5: 7}
_CAMELOT = re.compile(r"^0?([1-9]|1[0-2])\s*([AB])$", re.IGNORECASE)
_OPEN_KEY = re.compile(r"^([1-9]|1[0-2])\s*([MD])$", re.IGNORECASE)
_MUSICAL = re.compile(
    r"^([A-G])\s*(#|♯|b|♭|sharp|flat)?\s*(m|min|minor|maj|major|moll|dur)?$", re.IGNORECASE
)
KEY_HELP = "Write a key like 8A (Camelot), A minor, Am or F# major."


@lru_cache(maxsize=512)
def camelot(text: str) -> str | None:
    """Return the Camelot code ("8A") of a key written any usual way, or None if it is not a key."""
    value = " ".join((text or "").replace("-", " ").split())
    if not value:
        return None
    if match := _CAMELOT.match(value):
        return f"{int(match.group(1))}{match.group(2).upper()}"
    if match := _OPEN_KEY.match(value):
        # Open Key 1d is C major (8B), 1m is A minor (8A): seven steps round the wheel.
        number = (int(match.group(1)) + 6) % 12 + 1
        return f"{number}{'A' if match.group(2).lower() == 'm' else 'B'}"
    if match := _MUSICAL.match(value):
        note, accidental, mode = match.groups()
        # "b" alone after a note is a flat ("Eb"), and "Bb"'s first b is the note itself.
        pitch = _PITCH[note.upper()]
        if accidental:
            pitch += 1 if accidental.lower() in ("#", "♯", "sharp") else -1
        minor = (mode or "").lower() in ("m", "min", "minor", "moll") and mode != "M"
        number = (_MINOR if minor else _MAJOR)[pitch % 12]
        return f"{number}{'A' if minor else 'B'}"
    return None


def musical(code: str) -> str:
    """Return the musical name of a Camelot code ("8A" -> "A minor")."""
    number, letter = int(code[:-1]), code[-1]
    return WHEEL[number][0 if letter == "A" else 1]


def key_text(text: str) -> str:
    """Return a key as the track list shows it: "8A · A minor", or the text as given if it is not a key."""
    code = camelot(text)
    return f"{code} · {musical(code)}" if code else (text or "")


def key_short_text(text: str) -> str:
    """Return a key as a narrow column shows it: "8A · Am", "9B · G"; the text as given if it is not a key."""
    code = camelot(text)
    if code is None:
        return text or ""
    name = musical(code)
    return f"{code} · {name.replace(' minor', 'm').replace(' major', '')}"


def wheel_position(code: str) -> tuple[int, str]:
    """Return where a Camelot code sits on the wheel, for sorting: 1A, 1B, 2A, ... 12B."""
    return int(code[:-1]), code[-1]


def wheel_index(text: str) -> int | None:
    """Return a key's place on the wheel as one number, 1A=1, 1B=2 ... 12B=24, or None if it is not a key."""
    code = camelot(text)
    if code is None:
        return None
    number, letter = wheel_position(code)
    return number * 2 - (1 if letter == "A" else 0)


def code_of_index(index: int) -> str:
    """Return the Camelot code at a wheel index (the inverse of wheel_index)."""
    return f"{(index + 1) // 2}{'A' if index % 2 else 'B'}"


def compatible(code: str) -> list[str]:
    """Return the keys that mix with code: itself, its relative major or minor, and one step either way."""
    number, letter = wheel_position(code)
    other = "B" if letter == "A" else "A"
    up, down = number % 12 + 1, (number - 2) % 12 + 1
    return [code, f"{number}{other}", f"{up}{letter}", f"{down}{letter}"]


def parse_duration(text: str) -> int:
    """Return the seconds in "3:14", "1:02:03" or "194"; raise ValueError with a sentence otherwise."""
    parts = (text or "").strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(part.strip().isdigit() for part in parts):
        raise ValueError("Write the length as minutes:seconds, like 3:14 (or 1:02:03 from an hour).")
    numbers = [int(part) for part in parts]
    if len(numbers) > 1 and any(number >= 60 for number in numbers[1:]):
        raise ValueError("Seconds and minutes after the first colon go up to 59, like 3:14.")
    total = 0
    for number in numbers:
        total = total * 60 + number
    return total
