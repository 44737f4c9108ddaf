"""One track's fields from its artist and title: remixers told from the mix's description, closing brackets read by
their shape (label, catalogue number, version or a note), and the fast paths that agree with parse_title."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from library.parsing import parse_text
from library.parsing.fields import _parsed_title, _version_fields
from tests.library.parsing.helpers import only_line, read

# --- Remixers and versions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "version", "remixers"),
    [
        ("Kollektiv Turmstrasse - Ordinary (Lake People's Circle Motive Remix)", "Ordinary",
         "Lake People's Circle Motive Remix", ("Lake People",)),
        ("Derek Marin - We've Been Expecting You - Hreno's Deep Pockets Dub", "We've Been Expecting You",
         "Hreno's Deep Pockets Dub", ("Hreno",)),
        ("Artist - Title - Vocal Mix", "Title", "Vocal Mix", ()),
        ("Umek & Uto Karem - Crossing the Lines - Original Mix", "Crossing the Lines", "Original Mix", ()),
        ("Noir & Fraser Owen - &U - Mendo & Danny Serrano Remix", "&U", "Mendo & Danny Serrano Remix",
         ("Mendo", "Danny Serrano")),
    ],
)  # fmt: skip
def test_the_remixer_is_told_apart_from_the_mix_description(text, title, version, remixers) -> None:
    line = only_line(text)

    assert (line.title, line.version, line.remixers) == (title, version, remixers)


# --- Brackets: labels, catalogue numbers, notes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "label", "catalog"),
    [
        ("Erik Burka - Pigeon [MNRM003]", "Pigeon", "", "MNRM003"),
        ("Artist - Title [CAT001]", "Title", "", "CAT001"),
        ("Artist - Title [KW 20]", "Title", "", "KW 20"),
        ("Artist - Title [PRH-002]", "Title", "", "PRH-002"),
        ("Artist - Title [Label - CAT 001]", "Title", "Label", "CAT 001"),
        ("Gareth Wild - DDS [Locked Groove]", "DDS [Locked Groove]", "", ""),
        ("Artist - Title [2019]", "Title [2019]", "", ""),  # a year is no catalogue number
        ("Artist - Title [Unreleased]", "Title", "", ""),
    ],
)
def test_a_closing_square_bracket_is_read_by_its_shape(text: str, title: str, label: str, catalog: str) -> None:
    line = only_line(text)

    assert (line.title, line.label, line.catalog_number) == (title, label, catalog)


def test_a_list_that_writes_its_labels_in_brackets_has_them_read_as_labels() -> None:
    lines = parse_text(read("mixesdb-paste-tracklist-searcher-example.txt")).lines

    assert len(lines) == 36
    assert [(line.title, line.label, line.catalog_number) for line in lines[:2]] == [
        ("Tibetische Klangschalen 1", "Edition Ak", ""),
        ("Full Late Night", "Ovum", ""),
    ]
    assert (lines[15].label, lines[15].catalog_number) == ("Ovum", "OVM-259")
    assert (lines[27].title, lines[27].label) == ("Untitled (B1)", "Paling Trax")
    assert [line.timestamp for line in lines[:3]] == [0, None, None]  # "[0??]": a minute nobody wrote down


# --- The fast paths read what parse_title reads ----------------------------------------------------------------------


_TITLE_PIECES = ["Title", "Drift", "Left", " ", "(", ")", "[", "]", "{", "}", "（", "）", "Remix", "X Remix", "feat.",
                 " feat. B", " ft. B", "Mix", "-", " - ", "–", "Extended", "Mashup", "A vs B",
                 "Original", "x", "'s"]  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=10).map(lambda pieces: " ".join("".join(pieces).split())))
def test_the_title_shortcuts_agree_with_parse_title(title: str) -> None:
    # _version_fields skips parse_title for a plain title and gives it only the brackets of "Head (...)";
    # _parsed_title always gives it the whole title.
    assert _version_fields(title) == _parsed_title(title)
