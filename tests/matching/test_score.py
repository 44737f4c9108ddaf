"""Tests for matching.score: scoring hits, accepting one (`decide`), and telling respellings from other recordings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import ACCEPT_GAP, ACCEPT_THRESHOLD, Outcome, Recording, decide, rank, same_recording, score

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


def accepted(query: Recording, candidates: list[Recording], **options) -> int | None:
    """Return the index of the candidate `decide` links without a person, or None when a person decides."""
    decision = decide(query, candidates, **options)
    return decision.index if decision.outcome == Outcome.ACCEPT else None


def test_fleetwood_mac_picks_the_exact_chain_over_the_instrumental() -> None:
    query = Recording(title="The Chain", artists=FLEETWOOD)
    instrumental = Recording(title="The Chain (instrumental)", artists=FLEETWOOD)
    exact = Recording(title="The Chain", artists=FLEETWOOD)

    decision = decide(query, [instrumental, exact])

    assert decision.outcome == Outcome.ACCEPT
    assert decision.index == 1
    assert decision.score.same_version


def test_fleetwood_mac_never_accepts_the_instrumental_alone() -> None:
    query = Recording(title="The Chain", artists=FLEETWOOD)
    instrumental = Recording(title="The Chain (instrumental)", artists=FLEETWOOD)

    assert accepted(query, [instrumental]) is None
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

    assert accepted(query, candidates) == 1
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
    assert (accepted(query, [candidate]) is not None) is same
    assert same_recording(query, candidate) is same


def test_same_isrc_outweighs_spelling() -> None:
    query = Recording(title="Mr Brightside", artists=("The Killers",), isrc="USIR20400274")
    candidate = Recording(title="Mr. Brightside ", artists=("Killers",), isrc="us-ir2-04-00274")

    verdict = score(query, candidate)

    assert verdict.identifier_match
    assert "ISRC matches" in verdict.reasons
    assert accepted(query, [candidate]) is not None


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
    assert accepted(query, [candidate]) is None


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

    assert accepted(query, [album_take, other_take]) is None


def test_close_different_artists_go_to_review() -> None:
    query = Recording(title="Hello", artists=("Adele",))
    assert accepted(query, [Recording(title="Hello", artists=("Adele",)), Recording("Hello", ("Adel",))]) is None


def test_copies_of_one_recording_do_not_block_acceptance() -> None:
    query = Recording(title="Angel", artists=("Massive Attack",))
    single = Recording(title="Angel", artists=("Massive Attack",), duration=379)
    album = Recording(title="Angel", artists=("Massive Attack",), duration=380)

    decision = decide(query, [single, album])

    assert decision.outcome == Outcome.ACCEPT
    assert decision.index == 0
    assert decision.rival is None and decision.alternatives == (1,)


def test_a_copy_does_not_hide_a_close_different_recording() -> None:
    query = Recording(title="Hello", artists=("Adele",))
    candidates = [Recording("Hello", ("Adele",)), Recording("Hello", ("Adele",)), Recording("Hello", ("Adel",))]
    assert accepted(query, candidates) is None


def test_duration_fades_between_tolerance_and_limit() -> None:
    query = Recording(title="Strobe", artists=("deadmau5",), duration=600)
    values = [score(query, Recording("Strobe", ("deadmau5",), duration=600 + gap)).value for gap in (0, 3, 9, 15, 90)]
    assert values[0] == values[1] == 1.0
    assert values[1] > values[2] > values[3] == values[4]
    assert accepted(query, [Recording("Strobe", ("deadmau5",), duration=690)]) is None


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
    assert accepted(Recording("Hello", ("Adele",)), [Recording("Hello", ("Lionel Richie",))]) is None


def test_featured_artist_missing_on_one_side_still_matches() -> None:
    query = Recording(title="Get Lucky", artists=("Daft Punk",))
    candidate = Recording(title="Get Lucky (feat. Pharrell Williams)", artists=("Daft Punk",))
    assert accepted(query, [candidate]) is not None


def test_numbered_parts_are_different_recordings() -> None:
    query = Recording(title="Shine On You Crazy Diamond Part II", artists=("Pink Floyd",))
    assert accepted(query, [Recording("Shine On You Crazy Diamond Part III", ("Pink Floyd",))]) is None
    assert accepted(query, [Recording("Shine On You Crazy Diamond Part 2", ("Pink Floyd",))]) is not None


def test_rank_is_best_first_and_stable() -> None:
    query = Recording(title="The Chain", artists=FLEETWOOD)
    candidates = [
        Recording("The Chain (Instrumental)", FLEETWOOD),
        Recording("The Chain", FLEETWOOD),
        Recording("The Chain", FLEETWOOD),
    ]
    assert [index for index, _ in rank(query, candidates)] == [1, 2, 0]
    assert accepted(query, []) is None


def test_decide_honours_threshold_and_gap_arguments() -> None:
    query = Recording(title="Hello", artists=("Adele",))
    candidates = [Recording("Hello", ("Adele",)), Recording("Hello", ("Adel",))]
    assert accepted(query, candidates, gap=0.01) is not None
    assert accepted(query, candidates[:1], threshold=1.01) is None


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
def test_decide_never_raises(query: Recording, candidates: list[Recording]) -> None:
    decision = decide(query, candidates)
    if decision.outcome == Outcome.ACCEPT:
        assert decision.score.same_version
        assert decision.score.value >= ACCEPT_THRESHOLD


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
    assert accepted(recording, [recording]) is not None


# --- Candidates found by a file's sound (AcoustID): the same rule, each score capped by how alike it sounds ---------

FOCUS = ("Focus",)
UNTAGGED = Recording(title="", duration=202)  # a file without tags: its length is all it says


def test_an_untagged_file_is_judged_by_length_capped_by_its_sound() -> None:
    decision = decide(UNTAGGED, [Recording("Hocus Pocus", FOCUS, duration=200)], sound=[0.9468])
    assert decision.outcome == Outcome.ACCEPT
    assert decision.score.value == pytest.approx(0.9468)
    assert decision.score.reasons == ("sound 95%", "duration 2 s apart")
    far = decide(UNTAGGED, [Recording("Hocus Pocus", FOCUS, duration=240)], sound=[0.99])
    assert far.outcome == Outcome.NOTHING and far.score.value == 0.0  # 38 s apart: another cut, however alike


def test_two_listings_heard_as_one_sound_are_one_recording_whatever_their_lengths() -> None:
    # AcoustID's recorded answer for Focus: one fingerprint, two MusicBrainz recordings 200 and 204 s long. Found
    # by sound they are duplicates (the sound is the evidence, as an ISRC is); found by a search they are two
    # takes a person tells apart.
    listings = [Recording("Hocus Pocus", FOCUS, duration=200), Recording("Hocus Pocus", FOCUS, duration=204)]
    heard = decide(UNTAGGED, listings, sound=[0.9468, 0.9468])
    assert (heard.outcome, heard.index, heard.alternatives, heard.rival) == (Outcome.ACCEPT, 0, (1,), None)
    searched = decide(Recording("Hocus Pocus", FOCUS), listings)
    assert searched.outcome == Outcome.REVIEW and searched.rival_index == 1


def test_a_close_call_by_sound_waits_for_a_person() -> None:
    candidates = [Recording("Hocus Pocus", FOCUS, duration=200), Recording("Nina", ("Ed Sheeran",), duration=203)]
    assert decide(UNTAGGED, candidates, sound=[0.8, 0.78]).outcome == Outcome.REVIEW  # under the threshold
    alike = decide(UNTAGGED, candidates, sound=[0.95, 0.93])
    assert alike.outcome == Outcome.REVIEW and alike.rival_index == 1 and "two different recordings" in alike.reason


def test_a_sound_too_unlike_finds_nothing() -> None:
    decision = decide(UNTAGGED, [Recording("Hocus Pocus", FOCUS, duration=200)], sound=[0.3])
    assert decision.outcome == Outcome.NOTHING


def test_a_tagged_file_never_takes_another_version_however_alike_it_sounds() -> None:
    tagged = Recording(title="Hocus Pocus", artists=FOCUS, duration=202)
    live = decide(tagged, [Recording("Hocus Pocus (Live)", FOCUS, duration=201)], sound=[1.0])
    assert live.outcome == Outcome.REVIEW and live.score.value <= 0.5
    same = decide(tagged, [Recording("Hocus Pocus", FOCUS, duration=201)], sound=[0.92])
    assert same.outcome == Outcome.ACCEPT and same.score.value == pytest.approx(0.92)


def test_by_sound_a_title_spelled_alike_is_a_rival_not_the_same_recording() -> None:
    # The scan once judged rivals by same_recording (titles 85% alike, credits alike), which took "Angel" and
    # "Angels" by one act for one recording and linked the first. Now a rival is whatever is not a duplicate (the
    # same folded title, credit and version), everywhere: two songs heard alike are a person's to pick.
    angel, angels = (Recording("Angel", ("Massive Attack",), duration=379),
                     Recording("Angels", ("Massive Attack",), duration=379))
    assert same_recording(angel, angels)
    decision = decide(Recording(title="", duration=379), [angel, angels], sound=[0.95, 0.95])
    assert decision.outcome == Outcome.REVIEW and decision.rival_index == 1


@settings(max_examples=100, deadline=None)
@given(recordings, st.lists(st.tuples(recordings, st.none() | st.floats(allow_nan=True)), max_size=5))
def test_decide_by_sound_never_raises_nor_accepts_more_than_it_heard(query: Recording, heard: list) -> None:
    candidates, sound = [candidate for candidate, _ in heard], [value for _, value in heard]
    decision = decide(query, candidates, sound=sound)
    if decision.outcome == Outcome.ACCEPT:
        assert ACCEPT_THRESHOLD <= decision.score.value <= sound[decision.index]
