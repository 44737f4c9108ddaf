"""Tests for matching.normalize: folding text and artist credits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching import artist_key, normalize_artist, normalize_text, split_artists

REPO_ROOT = Path(__file__).resolve().parents[2]

# Arbitrary text, plus text built from the characters the parsers split on, so the edge paths get exercised.
messy_text = st.text() | st.text(alphabet=st.sampled_from(list("\x00\x1f\t ()[]{}-–&,/+.'xXfeat ft vs and with")))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Beyoncé", "beyonce"),
        ("Röyksopp", "royksopp"),
        ("Røyksopp", "royksopp"),
        ("Sigur Rós", "sigur ros"),
        ("Mr. Brightside", "mr brightside"),
        ("Mr Brightside ", "mr brightside"),
        ("Don't Stop Me Now", "dont stop me now"),
        ("Don’t Stop Me Now", "dont stop me now"),
        ("  AC/DC -- Back   in Black!! ", "ac dc back in black"),
        ("ＡＢＣ", "abc"),
        ("ガガガ", "ガガガ"),
        ("千と千尋", "千と千尋"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("", ""),
        ("🎵🎶", ""),
        ("a\x00b\x1fc", "a b c"),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_normalize_text_keeps_words() -> None:
    assert normalize_text("Love and Hate vs. The World with X") == "love and hate vs the world with x"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Chemical Brothers", "Chemical Brothers"),
        ("the chemical brothers", "CHEMICAL BROTHERS"),
        ("Bicep & Hammer", "Bicep and Hammer"),
        ("Bicep & Hammer", "Bicep x Hammer"),
        ("Bicep & Hammer", "Bicep vs Hammer"),
        ("Bicep & Hammer", "Bicep vs. Hammer"),
        ("Bicep & Hammer", "Bicep versus Hammer"),
        ("Bicep & Hammer", "Bicep, Hammer"),
        ("Daft Punk feat. Pharrell Williams", "Daft Punk ft. Pharrell Williams"),
        ("Daft Punk feat. Pharrell Williams", "Daft Punk featuring Pharrell Williams"),
        ("Daft Punk feat. Pharrell Williams", "Daft Punk feat Pharrell Williams"),
        ("Daft Punk feat. Pharrell Williams", "Daft Punk with Pharrell Williams"),
        ("Beyoncé", "Beyonce"),
    ],
)
def test_normalize_artist_equal(a: str, b: str) -> None:
    assert normalize_artist(a) == normalize_artist(b)


def test_normalize_artist_keeps_a_band_called_the() -> None:
    assert normalize_artist("The The") == "the"
    assert normalize_artist("Theo Parrish") == "theo parrish"


@pytest.mark.parametrize(
    ("credit", "names"),
    [
        ("Bicep & Hammer", ("Bicep", "Hammer")),
        ("Daft Punk feat. Pharrell Williams & Nile Rodgers", ("Daft Punk", "Pharrell Williams", "Nile Rodgers")),
        ("A, B and C", ("A", "B", "C")),
        ("A x B", ("A", "B")),
        ("A + B / C", ("A", "B", "C")),
        ("A vs. B", ("A", "B")),
        ("Daft Punk (feat. Pharrell Williams)", ("Daft Punk", "Pharrell Williams")),
        ("AC/DC", ("AC/DC",)),
        ("Blink+182", ("Blink+182",)),
        ("Malcolm X", ("Malcolm X",)),
        ("Alexander Andrews", ("Alexander Andrews",)),
        ("Röyksopp", ("Röyksopp",)),
        ("", ()),
        (" , & ", ()),
    ],
)
def test_split_artists(credit: str, names: tuple[str, ...]) -> None:
    assert split_artists(credit) == names


def test_artist_key_ignores_order_and_joiners() -> None:
    assert artist_key(["Bicep & Hammer"]) == artist_key(["Hammer", "Bicep"]) == frozenset({"bicep", "hammer"})
    assert artist_key(["The Killers"]) == artist_key(["Killers"])
    assert artist_key("Fleetwood Mac") == frozenset({"fleetwood mac"})
    assert artist_key([]) == frozenset()


@given(messy_text)
def test_normalize_text_never_raises_and_is_clean(text: str) -> None:
    folded = normalize_text(text)
    assert folded == folded.strip()
    assert "  " not in folded


@given(messy_text)
def test_artist_functions_never_raise(text: str) -> None:
    normalize_artist(text)
    names = split_artists(text)
    assert all(name and name == name.strip() for name in names)
    artist_key([text, text])


def test_normalize_text_survives_long_input() -> None:
    assert normalize_text("Ab, " * 50_000).startswith("ab ab")


def test_package_imports_without_django_or_requests() -> None:
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    check = (
        "import matching, sys; "
        "assert not any(m == 'django' or m.startswith('django.') or m == 'requests' for m in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_long_whitespace_runs_stay_fast() -> None:
    started = time.perf_counter()
    split_artists(" " * 20_000 + "a")
    normalize_artist("a" + "\t " * 20_000 + "b")
    assert time.perf_counter() - started < 5


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_the_ascii_fast_path_folds_exactly_as_the_unicode_path(text):
    from matching.normalize import _normalize_unicode

    assert normalize_text(text) == _normalize_unicode(text)
