"""Tests for matching.score: scoring hits, accepting one, and telling respellings from other recordings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import ACCEPT_GAP, ACCEPT_THRESHOLD, Recording, best_match, rank, same_recording, score

FLEETWOOD = ("Fleetwood Mac",)

_PIECES = [*"\x00\x1f\t ()[]-&,.'", " - ", "Remix", "Live", " feat. ", "Instrumental", "Chain", "The "]
messy_text = st.text(max_size=60) | st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
recordings = st.builds(
    Recording,
    title=messy_text,
    artists=st.lists(messy_text, max_size=3).map(tuple),
    version=messy_text,
    label=messy_text,
    catalog_number=messy_text,
    duration=st.none() | st.integers(min_value=-10, max_value=10**6),
    isrc=st.sampled_from(["", "GBAHT0500600", "gb-aht-05-00600", "USUM71703861"]) | messy_text,
    ids=st.dictionaries(st.sampled_from(["musicbrainz_recording_id", "spotify_id"]), messy_text, max_size=2),
)
letters = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=40)


def test_fleetwood_mac_picks_the_exact_chain_over_the_instrumental() -> None:
    query = Recording(title="The Chain", artists=FLEETWOOD)
    instrumental = Recording(title="The Chain (instrumental)", artists=FLEETWOOD)
    exact = Recording(title="The Chain", artists=FLEETWOOD)

    match = best_match(query, [instrumental, exact])

    assert match is not None
    assert match.index == 1
    assert match.candidate == exact
    assert match.score.same_version


def test_fleetwood_mac_never_accepts_the_instrumental_alone() -> None:
    query = Recording(title="The Chain", artists=FLEETWOOD)
    instrumental = Recording(title="The Chain (instrumental)", artists=FLEETWOOD)

    assert best_match(query, [instrumental]) is None
    verdict = score(query, instrumental)
    assert not verdict.same_version
    assert verdict.value < ACCEPT_THRESHOLD
    assert any(reason.startswith("version differs") for reason in verdict.reasons)


def test_exact_title_beats_a_title_containing_it() -> None:
    query = Recording(title="The Chain", artists=FLEETWOOD)
    candidates = [
        Recording(title="The Chain Reaction", artists=FLEETWOOD),
        Recording(title="The Chain", artists=FLEETWOOD),
    ]

    match = best_match(query, candidates)

    assert match is not None and match.index == 1
    assert score(query, candidates[0]).value < score(query, candidates[1]).value - ACCEPT_GAP


def test_subset_title_scores_clearly_lower() -> None:
    query = Recording(title="Chain")
    assert score(query, Recording(title="Chain Instrumental Outtake")).value < 0.6
    assert score(query, Recording(title="Chain")).value == 1.0


@pytest.mark.parametrize(
    ("query", "candidate", "same"),
    [
        (Recording("Title"), Recording("Title (Instrumental)"), False),
        (Recording("Title (X Remix)"), Recording("Title"), False),
        (Recording("Title (X Remix)"), Recording("Title (Y Remix)"), False),
        (Recording("Title (X Remix)"), Recording("Title [X Remix]"), True),
        (Recording("Title"), Recording("Title (Original Mix)"), True),
        (Recording("Title (Extended Mix)"), Recording("Title (Radio Edit)"), False),
        (Recording("Title (Live)"), Recording("Title"), False),
        (Recording("Title (Mono)"), Recording("Title"), False),
        (Recording("Title (Acapella)"), Recording("Title"), False),
        # Documented choice: a remaster is the same performance, hence the same recording.
        (Recording("Title - 2011 Remaster"), Recording("Title"), True),
        (Recording(title="Strobe", version="Club Edit"), Recording(title="Strobe (Club Edit)"), True),
        (Recording(title="Strobe", version="Extended Mix"), Recording(title="Strobe (Extended Mix)"), True),
        (Recording(title="Strobe", version="Original Mix"), Recording(title="Strobe"), True),
        (Recording(title="Strobe (Club Edit)", version="Club Edit"), Recording(title="Strobe (Club Edit)"), True),
        (Recording(title="Strobe", version="Extended Mix"), Recording(title="Strobe"), False),
    ],
)
def test_version_rules(query: Recording, candidate: Recording, same: bool) -> None:
    verdict = score(query, candidate)
    assert verdict.same_version is same
    assert (best_match(query, [candidate]) is not None) is same
    assert same_recording(query, candidate) is same


def test_same_isrc_outweighs_spelling() -> None:
    query = Recording(title="Mr Brightside", artists=("The Killers",), isrc="USIR20400274")
    candidate = Recording(title="Mr. Brightside ", artists=("Killers",), isrc="us-ir2-04-00274")

    verdict = score(query, candidate)

    assert verdict.identifier_match
    assert "ISRC matches" in verdict.reasons
    assert best_match(query, [candidate]) is not None


def test_same_isrc_rescues_a_poorly_spelled_title() -> None:
    query = Recording(title="Mr Brightside", artists=("The Killers",), isrc="USIR20400274")
    candidate = Recording(title="Mister Bright Side", artists=("Killers",), isrc="USIR20400274")
    assert score(query, candidate).value >= 0.98


def test_same_isrc_on_another_version_is_not_trusted() -> None:
    query = Recording(title="Mr Brightside", artists=("The Killers",), isrc="USIR20400274")
    candidate = Recording(title="Mr. Brightside (Instrumental)", artists=("The Killers",), isrc="USIR20400274")

    verdict = score(query, candidate)

    assert not verdict.identifier_match
    assert verdict.value < ACCEPT_THRESHOLD
    assert best_match(query, [candidate]) is None


def test_shared_provider_id_counts_as_identifier() -> None:
    query = Recording(title="Halcyon", ids={"musicbrainz_recording_id": "abc-123"})
    candidate = Recording(title="Halcyon + On + On", ids={"musicbrainz_recording_id": "abc-123", "spotify_id": "x"})
    verdict = score(query, candidate)
    assert verdict.identifier_match
    assert verdict.value >= 0.98


def test_different_isrcs_do_not_penalise() -> None:
    query = Recording(title="Angel", artists=("Massive Attack",), isrc="GBAAA9800001")
    candidate = Recording(title="Angel", artists=("Massive Attack",), isrc="GBAAA0600002")
    verdict = score(query, candidate)
    assert verdict.value == 1.0
    assert not verdict.identifier_match
    assert "ISRCs differ" in verdict.reasons


def test_close_different_recordings_go_to_review() -> None:
    query = Recording(title="Angel", artists=("Massive Attack",))
    album_take = Recording(title="Angel", artists=("Massive Attack",), duration=379)
    other_take = Recording(title="Angel", artists=("Massive Attack",), duration=250)

    assert best_match(query, [album_take, other_take]) is None


def test_close_different_artists_go_to_review() -> None:
    query = Recording(title="Hello", artists=("Adele",))
    assert best_match(query, [Recording(title="Hello", artists=("Adele",)), Recording("Hello", ("Adel",))]) is None


def test_copies_of_one_recording_do_not_block_acceptance() -> None:
    query = Recording(title="Angel", artists=("Massive Attack",))
    single = Recording(title="Angel", artists=("Massive Attack",), duration=379)
    album = Recording(title="Angel", artists=("Massive Attack",), duration=380)

    match = best_match(query, [single, album])

    assert match is not None
    assert match.index == 0
    assert match.runner_up is None


def test_a_copy_does_not_hide_a_close_different_recording() -> None:
    query = Recording(title="Hello", artists=("Adele",))
    candidates = [Recording("Hello", ("Adele",)), Recording("Hello", ("Adele",)), Recording("Hello", ("Adel",))]
    assert best_match(query, candidates) is None


def test_duration_fades_between_tolerance_and_limit() -> None:
    query = Recording(title="Strobe", artists=("deadmau5",), duration=600)
    values = [score(query, Recording("Strobe", ("deadmau5",), duration=600 + gap)).value for gap in (0, 3, 9, 15, 90)]
    assert values[0] == values[1] == 1.0
    assert values[1] > values[2] > values[3] == values[4]
    assert best_match(query, [Recording("Strobe", ("deadmau5",), duration=690)]) is None


def test_label_and_catalogue_number_count_only_when_both_known() -> None:
    query = Recording(title="Glue", artists=("Bicep",), label="Ninja Tune", catalog_number="ZEN 12345")
    same = Recording(title="Glue", artists=("Bicep",), label="Ninja Tune Records", catalog_number="zen-12345")
    unknown = Recording(title="Glue", artists=("Bicep",))
    other = Recording(title="Glue", artists=("Bicep",), label="Warp", catalog_number="WAP 1")
    assert score(query, same).value == 1.0
    assert score(query, unknown).value == 1.0
    assert score(query, other).value < ACCEPT_THRESHOLD
    assert "catalogue number matches" in score(query, same).reasons


def test_unknown_artist_is_not_a_mismatch() -> None:
    verdict = score(Recording(title="Glue"), Recording(title="Glue", artists=("Bicep",)))
    assert verdict.value == 1.0
    assert "artist unknown" in verdict.reasons


def test_wrong_artist_is_rejected() -> None:
    assert best_match(Recording("Hello", ("Adele",)), [Recording("Hello", ("Lionel Richie",))]) is None


def test_featured_artist_missing_on_one_side_still_matches() -> None:
    query = Recording(title="Get Lucky", artists=("Daft Punk",))
    candidate = Recording(title="Get Lucky (feat. Pharrell Williams)", artists=("Daft Punk",))
    assert best_match(query, [candidate]) is not None


def test_numbered_parts_are_different_recordings() -> None:
    query = Recording(title="Shine On You Crazy Diamond Part II", artists=("Pink Floyd",))
    assert best_match(query, [Recording("Shine On You Crazy Diamond Part III", ("Pink Floyd",))]) is None
    assert best_match(query, [Recording("Shine On You Crazy Diamond Part 2", ("Pink Floyd",))]) is not None


def test_rank_is_best_first_and_stable() -> None:
    query = Recording(title="The Chain", artists=FLEETWOOD)
    candidates = [
        Recording("The Chain (Instrumental)", FLEETWOOD),
        Recording("The Chain", FLEETWOOD),
        Recording("The Chain", FLEETWOOD),
    ]
    assert [index for index, _ in rank(query, candidates)] == [1, 2, 0]
    assert best_match(query, []) is None


def test_best_match_honours_threshold_and_gap_arguments() -> None:
    query = Recording(title="Hello", artists=("Adele",))
    candidates = [Recording("Hello", ("Adele",)), Recording("Hello", ("Adel",))]
    assert best_match(query, candidates, gap=0.01) is not None
    assert best_match(query, candidates[:1], threshold=1.01) is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (Recording("Mr Brightside", ("The Killers",)), Recording("Mr. Brightside", ("The Killers",)), True),
        (Recording("the chain", FLEETWOOD), Recording("The Chain", FLEETWOOD), True),
        (Recording("The Chain", FLEETWOOD), Recording("The Chain (Instrumental)", FLEETWOOD), False),
        (Recording("The Chain", FLEETWOOD), Recording("The Chain Reaction", FLEETWOOD), False),
        (Recording("bad guy", "Billie Eilish"), Recording("bad guy", ("Billie Eilish",)), True),
        (Recording("bad guy", ("Billie Eilish",)), Recording("bad guy", FLEETWOOD), False),
        (Recording("Get Lucky", ("Daft Punk",)), Recording("Get Lucky", ("Daft Punk", "Pharrell Williams")), True),
        (Recording("bad guy"), Recording("Bad Guy", ("Billie Eilish",)), True),
        (Recording("bad guy", ("Billie Eilish",)), Recording("bad guy (Live)"), False),
        (Recording("Song 1"), Recording("Song 2"), False),
    ],
)
def test_same_recording(a: Recording, b: Recording, same: bool) -> None:
    assert same_recording(a, b) is same
    assert same_recording(b, a) is same


@settings(max_examples=200, deadline=None)
@given(recordings, recordings)
def test_score_never_raises_and_stays_in_range(query: Recording, candidate: Recording) -> None:
    verdict = score(query, candidate)
    assert 0.0 <= verdict.value <= 1.0
    same_recording(query, candidate)


@settings(max_examples=100, deadline=None)
@given(recordings, st.lists(recordings, max_size=5))
def test_best_match_never_raises(query: Recording, candidates: list[Recording]) -> None:
    match = best_match(query, candidates)
    if match is not None:
        assert match.score.same_version
        assert match.score.value >= ACCEPT_THRESHOLD
        assert candidates[match.index] == match.candidate


@settings(max_examples=200, deadline=None)
@given(recordings)
def test_a_recording_always_matches_itself(recording: Recording) -> None:
    verdict = score(recording, recording)
    if recording.parsed.base and any(char.isalnum() for char in recording.parsed.base):
        assert verdict.value >= ACCEPT_THRESHOLD
        assert same_recording(recording, recording)


@given(letters, st.lists(letters, max_size=3).map(tuple))
def test_a_letters_only_title_always_matches_itself(title: str, artists: tuple[str, ...]) -> None:
    recording = Recording(title=title, artists=artists)
    assert score(recording, recording).value >= ACCEPT_THRESHOLD
    assert best_match(recording, [recording]) is not None
