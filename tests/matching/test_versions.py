"""Tests for matching.versions: parsing versions out of titles and comparing them."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching import ParsedTitle, parse_title, same_version

# Arbitrary text, plus text assembled from the pieces the parser looks for, so its branches get exercised.
_PIECES = [*"\x00\x1f\t ()[]{}-–—&,/.'x", " - ", "Remix", "Live", " feat. ", "Mix", "Original", "by", "Title", "'s"]
messy_text = st.text() | st.lists(st.sampled_from(_PIECES)).map("".join)


@pytest.mark.parametrize(
    ("title", "base", "version", "version_type", "remixer"),
    [
        ("Title (Bicep Remix)", "Title", "Bicep Remix", "remix", "Bicep"),
        ("Title [Bicep Remix]", "Title", "Bicep Remix", "remix", "Bicep"),
        ("Title - Bicep Remix", "Title", "Bicep Remix", "remix", "Bicep"),
        ("Title (Bicep's Remix)", "Title", "Bicep's Remix", "remix", "Bicep"),
        ("Title (Remix by Dixon)", "Title", "Remix by Dixon", "remix", "Dixon"),
        ("Title - Extended Mix", "Title", "Extended Mix", "extended", ""),
        ("Title (Extended Mix)", "Title", "Extended Mix", "extended", ""),
        ("Title (Live)", "Title", "Live", "live", ""),
        ("Title - Live at Wembley 1986", "Title", "Live at Wembley 1986", "live", ""),
        ("Title (Instrumental)", "Title", "Instrumental", "instrumental", ""),
        ("Title (instrumental)", "Title", "instrumental", "instrumental", ""),
        ("Title (Instrumental Mix)", "Title", "Instrumental Mix", "instrumental", ""),
        ("Title (Acapella)", "Title", "Acapella", "acapella", ""),
        ("Title (A Cappella)", "Title", "A Cappella", "acapella", ""),
        ("Title - 2011 Remaster", "Title", "2011 Remaster", "remaster", ""),
        ("Title (Remastered 2004)", "Title", "Remastered 2004", "remaster", ""),
        ("Title (Mono)", "Title", "Mono", "mono", ""),
        ("Title (Demo)", "Title", "Demo", "demo", ""),
        ("Title (Radio Edit)", "Title", "Radio Edit", "radio", ""),
        ("Title (Club Mix)", "Title", "Club Mix", "club", ""),
        ("Title (Dub Mix)", "Title", "Dub Mix", "dub", ""),
        ("Title (Dub)", "Title", "Dub", "dub", ""),
        ("Title (Dixon Dub)", "Title", "Dixon Dub", "dub", "Dixon"),
        ("Title (Bicep Edit)", "Title", "Bicep Edit", "edit", "Bicep"),
        ("Title (Bicep Re-Edit)", "Title", "Bicep Re-Edit", "edit", "Bicep"),
        ("Title (Dixon Mix)", "Title", "Dixon Mix", "mix", "Dixon"),
        ("Title (Bicep Rework)", "Title", "Bicep Rework", "rework", "Bicep"),
        ("Title (Bicep Bootleg)", "Title", "Bicep Bootleg", "bootleg", "Bicep"),
        ("Title (Bicep VIP)", "Title", "Bicep VIP", "vip", "Bicep"),
        ("Title (Acoustic Version)", "Title", "Acoustic Version", "acoustic", ""),
        ("Title (Single Version)", "Title", "Single Version", "version", ""),
        ("Title (Original Mix)", "Title", "Original Mix", "original", ""),
        ("Title (Album Version)", "Title", "Album Version", "original", ""),
        ("Title", "Title", "", "", ""),
        ("Don't Stop (Wiggle Wiggle)", "Don't Stop (Wiggle Wiggle)", "", "", ""),
        ("(I Can't Get No) Satisfaction", "(I Can't Get No) Satisfaction", "", "", ""),
        ("Blue Monday - 1988", "Blue Monday - 1988", "", "", ""),
        ("Blue Monday - 1988 Remaster", "Blue Monday", "1988 Remaster", "remaster", ""),
        ("Title (Bicep Remix) [Remastered]", "Title", "Bicep Remix", "remix", "Bicep"),
        ("Title (Bicep Remix", "Title", "Bicep Remix", "remix", "Bicep"),
        ("(Remix)", "(Remix)", "", "", ""),
    ],
)
def test_parse_title(title: str, base: str, version: str, version_type: str, remixer: str) -> None:
    parsed = parse_title(title)
    assert (parsed.base, parsed.version, parsed.version_type, parsed.remixer) == (base, version, version_type, remixer)


@pytest.mark.parametrize(
    ("title", "base", "featuring"),
    [
        ("Get Lucky (feat. Pharrell Williams)", "Get Lucky", ("Pharrell Williams",)),
        ("Get Lucky (feat. Pharrell Williams & Nile Rodgers)", "Get Lucky", ("Pharrell Williams", "Nile Rodgers")),
        ("Get Lucky feat. Pharrell Williams", "Get Lucky", ("Pharrell Williams",)),
        ("Get Lucky ft. Pharrell Williams - Bicep Remix", "Get Lucky", ("Pharrell Williams",)),
        ("Peaches (with Daniel Caesar)", "Peaches", ("Daniel Caesar",)),
        ("5 ft 2", "5 ft 2", ()),
    ],
)
def test_parse_title_featuring(title: str, base: str, featuring: tuple[str, ...]) -> None:
    parsed = parse_title(title)
    assert (parsed.base, parsed.featuring) == (base, featuring)


def test_parse_title_featuring_and_remix_together() -> None:
    assert parse_title("Title (feat. B) [X Remix]") == ParsedTitle(
        base="Title", version="X Remix", version_type="remix", remixer="X", featuring=("B",)
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Title", "Title (Instrumental)", False),
        ("Title (X Remix)", "Title", False),
        ("Title (X Remix)", "Title (Y Remix)", False),
        ("Title (X Remix)", "Title [X Remix]", True),
        ("Title (X Remix)", "Title - X Remix", True),
        ("Title (X's Remix)", "Title (x remix)", True),
        ("Title", "Title (Original Mix)", True),
        ("Title", "Title (Album Version)", True),
        ("Title (Extended Mix)", "Title (Radio Edit)", False),
        ("Title (Extended Mix)", "Title", False),
        ("Title (Radio Edit)", "Title", False),
        ("Title (Extended Mix)", "Title - Extended Version", True),
        ("Title (Live)", "Title", False),
        ("Title (Live)", "Title (Live at Wembley 1986)", True),
        ("Title (Live at Wembley 1986)", "Title (Live at Glastonbury 1998)", False),
        ("Title (Mono)", "Title", False),
        ("Title (Acapella)", "Title", False),
        ("Title (Acapella)", "Title (A Cappella)", True),
        ("Title (Instrumental)", "Title (instrumental)", True),
        ("Title - 2011 Remaster", "Title", True),
        ("Title (Remastered 2004)", "Title - 2011 Remaster", True),
        ("Title (X Remix) [Remastered]", "Title (X Remix)", True),
        ("Title (X Remix) [Radio Edit]", "Title (X Remix)", False),
        ("Title (Dixon Club Mix)", "Title (Bicep Club Mix)", False),
        ("Title (Demo 1)", "Title (Demo 2)", False),
    ],
)
def test_same_version_rules(a: str, b: str, same: bool) -> None:
    assert same_version(parse_title(a), parse_title(b)) is same
    assert same_version(parse_title(b), parse_title(a)) is same


def test_same_version_of_hand_built_titles() -> None:
    bicep = ParsedTitle(base="Title", version_type="remix", remixer="Bicep")
    assert same_version(bicep, ParsedTitle(base="Title", version="Bicep Remix", version_type="remix", remixer="bicep"))
    assert not same_version(bicep, ParsedTitle(base="Title"))


@given(messy_text)
def test_parse_title_never_raises_and_never_grows(title: str) -> None:
    parsed = parse_title(title)
    assert len(parsed.base) <= len(title)
    assert same_version(parsed, parsed)


def test_long_titles_stay_fast() -> None:
    started = time.perf_counter()
    assert parse_title("x" + " - Remix" * 5_000).base == "x"
    assert parse_title("x" + " (feat. a)" * 5_000).base == "x"
    parse_title("x" + " " * 20_000 + "feat")
    assert time.perf_counter() - started < 5
