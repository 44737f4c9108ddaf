"""Every version signal a provider gives beside the title, the spellings people and stores use, and the choice
among one recording's duplicates (issue 18)."""

from __future__ import annotations

import pytest

from matching import Outcome, Recording, canonical, decide, duplicates, parse_title, same_version, with_hints
from matching.versions import release_type_versions

PLAIN = Recording(title="Albatross", artists=("Fleetwood Mac",), duration=190)


def _mb(title: str = "Albatross", **fields: object) -> Recording:
    fields.setdefault("duration", 190)
    return Recording(title=title, artists=("Fleetwood Mac",), source="musicbrainz", **fields)


# --- MusicBrainz: disambiguation, video, release-group secondary types ---------------------------------------


def test_a_live_disambiguation_makes_the_recording_live() -> None:
    live = _mb(comment="live, 1997-05-23: Warner Brothers Studios, Burbank, CA, USA")
    assert live.parsed.version_type == "live"
    assert not same_version(PLAIN.parsed, live.parsed)
    decision = decide(PLAIN, [live])
    assert decision.outcome != Outcome.ACCEPT


def test_a_live_disambiguation_matches_a_line_that_says_live() -> None:
    live = _mb(comment="live, 1997-05-23: Warner Brothers Studios")
    assert decide(_mb("Albatross (Live)"), [live]).outcome == Outcome.ACCEPT


def test_two_concerts_are_two_recordings() -> None:
    burbank = _mb(comment="live, 1997-05-23: Warner Brothers Studios, Burbank")
    boston = _mb(comment="live, 1970-02-07: Boston Tea Party")
    assert not same_version(burbank.parsed, boston.parsed)
    assert same_version(_mb("Albatross (Live at Boston Tea Party)").parsed, boston.parsed)


@pytest.mark.parametrize(
    ("comment", "version_type"),
    [
        ("demo", "demo"),
        ("instrumental", "instrumental"),
        ("mono", "mono"),
        ("single edit", "edit"),
        ("radio edit", "radio"),
        ("Bicep remix", "remix"),
        ("acoustic", "acoustic"),
    ],
)
def test_a_disambiguation_naming_a_version_is_that_version(comment: str, version_type: str) -> None:
    found = _mb(comment=comment)
    assert found.parsed.version_type == version_type
    assert decide(PLAIN, [found]).outcome != Outcome.ACCEPT


@pytest.mark.parametrize("comment", ["US single", "1969", "original UK pressing", "Peter Green era", "stereo"])
def test_a_disambiguation_without_a_version_changes_nothing(comment: str) -> None:
    found = _mb(comment=comment)
    if comment != "stereo":
        assert found.parsed == PLAIN.parsed
    assert same_version(PLAIN.parsed, found.parsed) or comment == "stereo"
    if comment != "stereo":
        assert decide(PLAIN, [found]).outcome == Outcome.ACCEPT


def test_a_disambiguation_the_title_already_says_adds_nothing() -> None:
    found = _mb("Albatross (Live)", comment="live")
    assert found.parsed == parse_title("Albatross (Live)")


def test_a_video_is_not_the_audio_recording() -> None:
    video = _mb(video=True)
    assert video.parsed.version_type == "video"
    assert decide(PLAIN, [video]).outcome != Outcome.ACCEPT


@pytest.mark.parametrize(
    ("types", "count", "versions"),
    [
        ({"Live": 1}, 3, ("live",)),  # a concert on a compilation is still the concert
        ({"Demo": 1}, 2, ("demo",)),
        ({"Remix": 2}, 2, ("remix",)),  # every release a remix release: a remix
        ({"Remix": 1}, 3, ()),  # remix EPs carry the original too
        ({"DJ-mix": 4}, 4, ("mixed",)),
        ({"DJ-mix": 1}, 5, ()),  # a DJ-mix licenses the original recording
        ({"Compilation": 5}, 5, ()),  # a compilation names no version
        ({"Soundtrack": 1}, 1, ()),
        ({"live": "x"}, 1, ()),  # garbage counts are ignored
    ],
)
def test_release_group_secondary_types(types: dict, count: int, versions: tuple[str, ...]) -> None:
    assert release_type_versions(types, count) == versions


def test_a_recording_only_on_live_albums_is_live() -> None:
    found = _mb(release_types={"Live": 2}, release_count=2)
    assert found.parsed.version_type == "live"
    assert decide(PLAIN, [found]).outcome != Outcome.ACCEPT


def test_a_compilation_only_recording_is_still_the_song() -> None:
    found = _mb(release_types={"Compilation": 3}, release_count=3)
    assert decide(PLAIN, [found]).outcome == Outcome.ACCEPT


def test_with_hints_keeps_the_title_version_and_adds_the_comment_one() -> None:
    parsed = with_hints(parse_title("Albatross (Bicep Remix)"), comment="live, 1990")
    assert {"remix", "live"} <= set(parsed.version.lower().replace(",", " ").split()) | {parsed.version_type}


# --- store title suffixes: Spotify, Deezer, iTunes, Beatport, Discogs ----------------------------------------


@pytest.mark.parametrize(
    ("title", "version_type"),
    [
        ("Dreams - 2004 Remaster", "remaster"),  # Spotify
        ("Dreams - Live", "live"),  # Spotify
        ("Dreams (Live)", "live"),  # Deezer, iTunes
        ("Dreams (Instrumental Version)", "instrumental"),  # iTunes
        ("Dreams - Extended Mix", "extended"),  # Beatport mix name folded into the title
        ("Dreams (Demo)", "demo"),  # Discogs track titles
        ("Dreams (Mono)", "mono"),
    ],
)
def test_store_title_suffixes(title: str, version_type: str) -> None:
    assert parse_title(title).version_type == version_type


# --- spellings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["Title - 2011 - Remaster", "Title (2009 Re-Mastered Digital Version)", "Title - Remastered 2004"],
)
def test_remaster_spellings_are_the_original_recording(title: str) -> None:
    parsed = parse_title(title)
    assert parsed.base == "Title"
    assert parsed.version_type == "remaster"
    assert same_version(parsed, parse_title("Title"))


@pytest.mark.parametrize("title",
                         ['Title - Original Version 1978', 'Title - Original 7" Version', "Title (Original Mix)"])
def test_original_spellings(title: str) -> None:
    parsed = parse_title(title)
    assert parsed.base == "Title"
    assert parsed.version_type == "original"
    assert same_version(parsed, parse_title("Title"))


def test_two_versions_named_at_once_read_alike_with_or_without_spaces() -> None:
    a, b = parse_title("Hey Ya! (Radio Mix/Club Mix)"), parse_title("Hey Ya! - Radio Mix / Club Mix")
    assert a.base == b.base == "Hey Ya!"
    assert same_version(a, b)
    assert not same_version(a, parse_title("Hey Ya! (Radio Mix)"))


def test_angle_brackets_name_a_version() -> None:
    parsed = parse_title("Song <Instrumental>")
    assert parsed.base == "Song"
    assert parsed.version_type == "instrumental"


def test_a_lone_year_after_a_dash_stays_in_the_title() -> None:
    assert parse_title("Blue Monday - 1988").base == "Blue Monday - 1988"


def test_a_possessive_remixer_is_the_name_before_it() -> None:
    parsed = parse_title("Tears (Lake People's Circle Motive Remix)")
    assert parsed.remixer == "Lake People"
    assert parsed.version_type == "remix"
    assert not same_version(parsed, parse_title("Tears (Lake People Remix)"))


@pytest.mark.parametrize("title", ["Title - Vocal Mix", "Title (Piano Dub)", "Title (Dub Mix)", "Title (Original Mix)"])
def test_descriptive_mix_names_have_no_remixer(title: str) -> None:
    assert parse_title(title).remixer == ""


# --- duplicates and the canonical pick ---------------------------------------------------------------------


def test_duplicates_need_the_same_title_artists_version_and_a_shared_isrc_or_length() -> None:
    assert duplicates(_mb(duration=190), _mb(duration=192))
    assert duplicates(_mb(duration=190, isrc="GBAHT0000001"), _mb(duration=240, isrc="gbaht0000001"))
    assert not duplicates(_mb(duration=190), _mb(duration=240))
    assert not duplicates(_mb(duration=190), _mb(duration=190, comment="live"))
    assert not duplicates(_mb(duration=190), _mb("Albatross Part 2", duration=190))


def test_duplicates_are_accepted_not_asked_and_kept_as_alternatives() -> None:
    listings = [
        _mb(duration=191, release_count=2, album_date="1990"),
        _mb(duration=190, release_count=9, album_date="1969-11"),
        _mb(duration=189, release_count=4, album_date="2002"),
    ]
    decision = decide(PLAIN, listings)
    assert decision.outcome == Outcome.ACCEPT
    assert decision.index == 1
    assert sorted(decision.alternatives) == [0, 2]
    assert "earliest official album (1969)" in decision.reason


def test_canonical_rule_order() -> None:
    corroborated = [
        _mb(album_date="1969", release_count=9),
        _mb(album_date="1990", isrc="GBAAA6900001"),
        Recording(title="Albatross", artists=("Fleetwood Mac",), isrc="GBAAA6900001", source="spotify", duration=190),
    ]
    chosen, rule = canonical(PLAIN, corroborated, [0, 1])
    assert chosen == 1 and "ISRC" in rule
    chosen, rule = canonical(PLAIN, [_mb(release_count=2, official_release_count=2),
                                     _mb(release_count=7, official_release_count=7)], [0, 1])
    assert chosen == 1 and "most official releases (7)" in rule
    # Bootlegs and promos are no sign of the canonical listing: only official releases count.
    chosen, rule = canonical(PLAIN, [_mb(release_count=9, official_release_count=1),
                                     _mb(release_count=3, official_release_count=3)], [0, 1])
    assert chosen == 1 and "most official releases (3)" in rule
    chosen, rule = canonical(PLAIN, [_mb(), _mb()], [0, 1])
    assert chosen == 0 and "first listed" in rule
    assert canonical(PLAIN, [_mb()], [0]) == (0, "")


def test_a_different_recording_still_competes_beside_duplicates() -> None:
    listings = [_mb(duration=190), _mb(duration=191), _mb(duration=184, comment="")]
    # 184 s is 6 s away: not a duplicate of 190, but as good a match for a line with no length.
    decision = decide(Recording(title="Albatross", artists=("Fleetwood Mac",)), listings)
    assert decision.outcome == Outcome.REVIEW
    assert decision.rival_index == 2
    assert "two different recordings" in decision.reason


def test_nothing_usable_and_no_candidates() -> None:
    assert decide(PLAIN, []).outcome == Outcome.NOTHING
    other = Recording(title="Completely Different", artists=("Somebody Else",))
    assert decide(PLAIN, [other]).outcome == Outcome.NOTHING


def test_review_when_every_candidate_is_another_version_says_so() -> None:
    decision = decide(PLAIN, [_mb("Albatross (Live)")])
    assert decision.outcome == Outcome.REVIEW
    assert decision.reason == "every candidate is another version"


# --- rules the identification bench exposed (bench/identification.py) -----------------------------------------


def test_a_version_whose_own_text_holds_a_slash_is_one_version() -> None:
    # iTunes: "'39 (Live At Earl's Court, London / June 1977)"; the slash is the concert's, not a second version.
    found = parse_title("'39 (Live At Earl's Court, London / June 1977)")
    assert [part[1] for part in found.parts] == ["live"]
    line = Recording(title="'39", version="Live at Earl's Court", artists=("Queen",))
    assert same_version(found, line.parsed)
    argentina = parse_title("Love of My Life (Live In Argentina / June 1979 / South American Single)")
    assert same_version(argentina, parse_title("Love of My Life (Live)"))


def test_a_part_number_ahead_of_a_slash_stays_in_the_title() -> None:
    # Spotify: "White Wedding - Pt. 1 / Remastered 2002" is part 1 of the song, remastered.
    found = parse_title("White Wedding - Pt. 1 / Remastered 2002")
    assert (found.base, found.version_type) == ("White Wedding - Pt. 1", "remaster")
    listing = Recording(title="White Wedding - Pt. 1 / Remastered 2002", artists=("Billy Idol",))
    assert decide(Recording(title="White Wedding (Part 1)", artists=("Billy Idol",)),
                  [listing]).outcome == Outcome.ACCEPT
    assert decide(Recording(title="White Wedding", artists=("Billy Idol",)), [listing]).outcome != Outcome.ACCEPT


@pytest.mark.parametrize(
    "title", ["Layla - 40th Anniversary Version / 2010 Remastered", "Layla (25th Anniversary Edition)",
              "Layla - Anniversary Edition"]
)
def test_an_anniversary_reissue_is_the_original_recording(title: str) -> None:
    assert parse_title(title).version_type == "remaster"
    assert same_version(parse_title(title), parse_title("Layla"))


def test_an_anniversary_mix_is_still_a_mix() -> None:
    assert not same_version(parse_title("Layla (25th Anniversary Mix)"), parse_title("Layla"))


def test_a_bracket_with_a_version_and_a_credit_gives_both() -> None:
    # Deezer: "Get Lucky (Radio Edit - feat. Pharrell Williams and Nile Rodgers)".
    found = parse_title("Get Lucky (Radio Edit - feat. Pharrell Williams and Nile Rodgers)")
    assert (found.base, found.version, found.version_type) == ("Get Lucky", "Radio Edit", "radio")
    assert found.featuring == ("Pharrell Williams", "Nile Rodgers")
    assert same_version(found, parse_title("Get Lucky (Radio Edit)"))
    assert not same_version(found, parse_title("Get Lucky"))
    # Two versions joined by a dash, and no credit, stay one version text as before.
    assert parse_title("Song (Dub - Bicep Remix)").version == "Dub - Bicep Remix"


def test_with_in_brackets_is_a_credit_only_when_the_credit_names_them() -> None:
    # MusicBrainz: "The Green Manalishi (With the Two-Pronged Crown)" is the title, not a featured act.
    manalishi = _mb("The Green Manalishi (With the Two‐Pronged Crown)", duration=929)
    assert manalishi.parsed.base == "The Green Manalishi (With the Two‐Pronged Crown)"
    assert manalishi.parsed.featuring == ()
    line = Recording(title="The Green Manalishi", artists=("Fleetwood Mac",))
    assert decide(line, [manalishi]).outcome != Outcome.ACCEPT
    # Spotify: "Señorita (with Camila Cabello)" names an artist the listing credits.
    senorita = Recording(title="Señorita (with Camila Cabello)", artists=("Shawn Mendes", "Camila Cabello"))
    assert (senorita.parsed.base, senorita.parsed.featuring) == ("Señorita", ("Camila Cabello",))
    # No credit known: "with" reads as a credit, as before.
    assert parse_title("Señorita (with Camila Cabello)").featuring == ("Camila Cabello",)


def test_a_release_group_type_says_nothing_when_the_title_names_the_version() -> None:
    # "Little Lies (extended version)" on a remix compilation: the title says which version, the type is the album's.
    extended = _mb("Little Lies (extended version)", duration=376, release_types={"Remix": 1}, release_count=1)
    assert extended.parsed.version_type == "extended"
    line = Recording(title="Little Lies", version="Extended Mix", artists=("Fleetwood Mac",))
    assert decide(line, [extended]).outcome == Outcome.ACCEPT
    # With no version in the title, the type still speaks.
    assert _mb("Little Lies", release_types={"Remix": 1}, release_count=1).parsed.version_type == "remix"
    # A comment that names a version says more than the type, too.
    assert _mb(comment="demo", release_types={"Live": 1}, release_count=1).parsed.version_type == "demo"


def test_listings_that_name_fewer_of_the_same_credits_are_duplicates() -> None:
    # Spotify credits both artists, a Deezer search hit only the first; one ISRC.
    spotify = Recording(title="Die With A Smile", artists=("Lady Gaga", "Bruno Mars"), duration=252,
                        isrc="USUM72409273", source="spotify")
    deezer = Recording(title="Die With A Smile", artists=("Lady Gaga",), duration=250, isrc="USUM72409273",
                       source="deezer")
    assert duplicates(spotify, deezer)
    line = Recording(title="Die With a Smile", artists=("Lady Gaga", "Bruno Mars"))
    decision = decide(line, [spotify, deezer])
    assert decision.outcome == Outcome.ACCEPT and decision.alternatives
    assert "ISRC another source confirms" in decision.reason
    # Another act's credit is not a subset: no duplicate.
    other = Recording(title="Die With A Smile", artists=("Somebody",), duration=250, isrc="USUM72409273")
    assert not duplicates(spotify, other)


def test_an_artist_name_with_a_word_missing_is_another_act() -> None:
    # MusicBrainz lists "Gangsta Love" by "Fleetwood" in an answer for Fleetwood Mac.
    fleetwood = Recording(title="Gangsta Love", artists=("Fleetwood",), duration=244, source="musicbrainz")
    assert decide(Recording(title="Gangsta Love", artists=("Fleetwood Mac",)), [fleetwood]).outcome != Outcome.ACCEPT
    assert decide(Recording(title="Gangsta Love", artists=("Fleetwood",)), [fleetwood]).outcome == Outcome.ACCEPT
    # An article is no word of the name; a band's own credit split on "and" still pairs its leader.
    quest = Recording(title="Can I Kick It?", artists=("A Tribe Called Quest",))
    assert decide(Recording(title="Can I Kick It?", artists=("Tribe Called Quest",)), [quest]).outcome == Outcome.ACCEPT
    petty = Recording(title="Mary Jane's Last Dance", artists=("Tom Petty and the Heartbreakers",))
    assert decide(Recording(title="Mary Jane's Last Dance", artists=("Tom Petty",)), [petty]).outcome == Outcome.ACCEPT


@pytest.mark.parametrize(
    "title",
    ["Title - Re-Mastered", "Title (Remastered Version)", "Title - Remastered Version 2011", "Title - 2011 Re-Master"],
)
def test_more_remaster_spellings_are_the_original_recording(title: str) -> None:
    parsed = parse_title(title)
    assert parsed.base == "Title" and parsed.version_type == "remaster"
    assert same_version(parsed, parse_title("Title"))


def test_an_unclosed_bracket_still_names_its_version() -> None:
    parsed = parse_title("Title (Instrumental")
    assert (parsed.base, parsed.version_type) == ("Title", "instrumental")
    assert not same_version(parsed, parse_title("Title"))
