"""One spelling per genre: "techno", "TECHNO" and "Techno" file under one name, "dnb" and "Drum and Bass"
under "Drum & Bass". Pure: no Django."""

from __future__ import annotations

import re
from functools import lru_cache

# The canonical spelling of the genres DJs file by, then other spellings providers and people use.
CANONICAL = (
    "Acid House", "Afro House", "Ambient", "Bass House", "Big Room", "Breakbeat", "Breaks", "Dance", "Deep House",
    "Deep Tech", "Disco", "Downtempo", "Drum & Bass", "Dub", "Dub Techno", "Dubstep", "EBM", "Electro",
    "Electronica", "Electronic", "Funk", "Funky House", "Garage", "Hard Dance", "Hard Techno", "Hardcore",
    "Hardstyle", "Hip-Hop", "House", "IDM", "Indie Dance", "Italo Disco", "Jazz", "Jungle", "Leftfield",
    "Melodic House & Techno", "Minimal", "Minimal / Deep Tech", "Nu Disco", "Organic House", "Pop",
    "Progressive House", "Psy-Trance", "R&B", "Reggae", "Rock", "Soul", "Synthwave", "Tech House", "Techno",
    "Trance", "Trap", "UK Garage",
)
ALIASES = {
    "dnb": "Drum & Bass", "d&b": "Drum & Bass", "d and b": "Drum & Bass", "drum and bass": "Drum & Bass",
    "drum n bass": "Drum & Bass", "drum'n'bass": "Drum & Bass", "drumnbass": "Drum & Bass",
    "hip hop": "Hip-Hop", "hiphop": "Hip-Hop", "rap/hip hop": "Hip-Hop", "hip-hop/rap": "Hip-Hop",
    "rnb": "R&B", "r and b": "R&B", "r'n'b": "R&B", "r&b/soul": "R&B", "rhythm and blues": "R&B",
    "psytrance": "Psy-Trance", "psy trance": "Psy-Trance", "psychedelic trance": "Psy-Trance",
    "nu-disco": "Nu Disco", "nudisco": "Nu Disco", "nu disco / disco": "Nu Disco",
    "ukg": "UK Garage", "uk garage / bassline": "UK Garage", "2-step": "UK Garage",
    "melodic house and techno": "Melodic House & Techno", "electronic music": "Electronic",
    "break beat": "Breakbeat", "tech-house": "Tech House", "deep-house": "Deep House",
    "techno (peak time / driving)": "Techno", "techno (raw / deep / hypnotic)": "Techno",
    "dance/electronic": "Electronic", "electronic/dance": "Electronic",
}
# Words kept in capitals when a genre not listed above is spelled in title case.
_UPPER = {"uk", "us", "edm", "ebm", "idm", "r&b", "dj", "lofi", "ii"}
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.lower().replace("_", " ")).strip()


_KNOWN = {**{_key(name): name for name in CANONICAL}, **{_key(alias): name for alias, name in ALIASES.items()}}


@lru_cache(maxsize=4096)
def normalise_genre(text: str) -> str:
    """Return the one spelling of a genre: the canonical name if known, else the words in title case."""
    key = _key(text or "")
    if not key:
        return ""
    if key in _KNOWN:
        return _KNOWN[key]
    return " ".join(_word(word) for word in key.split(" "))


def _word(word: str) -> str:
    if word in _UPPER:
        return word.upper()
    # "drum-and-bass" -> "Drum-And-Bass"; "post-punk" -> "Post-Punk"; "a/b" -> "A/B"
    return re.sub(r"[a-z0-9]+", lambda part: part.group(0).capitalize(), word)
