"""One spelling per genre, and release dates kept to the precision their source gave."""

import datetime
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common import dates
from tracks import metadata
from tracks.genres import normalise_genre
from tracks.models import Track


@pytest.mark.parametrize(("given_", "expected"), [
    ("rock", "Rock"), ("Techno", "Techno"), ("TECHNO", "Techno"), ("  deep   house ", "Deep House"),
    ("dnb", "Drum & Bass"), ("Drum and Bass", "Drum & Bass"), ("drum'n'bass", "Drum & Bass"),
    ("hip hop", "Hip-Hop"), ("uk garage", "UK Garage"), ("Dance/Electronic", "Electronic"),
    ("post-punk", "Post-Punk"), ("", ""), ("   ", ""),
])
def test_a_genre_has_one_spelling(given_, expected):
    assert normalise_genre(given_) == expected


@given(st.text(max_size=60))
def test_normalising_a_genre_twice_changes_nothing_and_never_fails(text):
    once = normalise_genre(text)
    assert normalise_genre(once) == once
    assert normalise_genre(text.upper()) == normalise_genre(text.lower()) or not text.isascii()


@pytest.mark.django_db
def test_a_track_saved_with_any_spelling_files_under_one():
    Track.objects.create(title="a", genre="techno")
    Track.objects.create(title="b", genre="TECHNO ")
    assert list(Track.objects.order_by().values_list("genre", flat=True).distinct()) == ["Techno"]


@pytest.mark.parametrize(("text", "expected", "precision", "shown"), [
    ("2000", datetime.date(2000, 1, 1), "year", "2000"),
    ("2000-03", datetime.date(2000, 3, 1), "month", "March 2000"),
    ("2000-03-29", datetime.date(2000, 3, 29), "day", "29 March 2000"),
    ("2000-03-29T10:00:00Z", datetime.date(2000, 3, 29), "day", "29 March 2000"),
])
def test_a_release_date_keeps_the_precision_it_was_given(text, expected, precision, shown):
    parsed = dates.parse_release_date(text)
    assert parsed == expected and parsed.precision == precision
    assert dates.date_text(parsed, parsed.precision) == shown
    assert dates.date_input(parsed, parsed.precision) == text[: len(dates.date_input(parsed, parsed.precision))]
    assert pickle.loads(pickle.dumps(parsed)).precision == precision  # across the fetch's worker processes


@pytest.mark.parametrize("text", ["", "20", "2000-13", "2000-02-30", "garbage", "2000-03-29x", "\x00", None, 2000])
def test_anything_else_is_not_a_date(text):
    assert dates.parse_release_date(text) is None


@given(st.one_of(st.text(max_size=30), st.none(), st.integers()))
def test_the_date_parser_never_fails(value):
    parsed = dates.parse_release_date(value)
    assert parsed is None or parsed.precision in (dates.YEAR, dates.MONTH, dates.DAY)


@given(st.dates(min_value=datetime.date(1000, 1, 1)), st.sampled_from([dates.YEAR, dates.MONTH, dates.DAY]))
def test_a_date_shown_for_editing_reads_back_the_same(day, precision):
    text = dates.date_input(day, precision)
    parsed = dates.parse_release_date(text)
    assert parsed.precision == precision and dates.date_input(parsed, precision) == text


def test_a_year_from_a_provider_stays_a_year_on_the_track():
    track = Track(title="Windowlicker", release_date=datetime.date(1999, 3, 22))
    merged = {"release_date": (dates.parse_release_date("1999"), "discogs"), "genre": ("idm", "discogs")}
    changed = metadata.apply(track, merged, at=datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC))
    assert track.release_date == datetime.date(1999, 1, 1) and track.release_date_precision == "year"
    assert track.release_date_text == "1999" and track.genre == "IDM"
    assert {"release_date", "release_date_precision", "genre"} <= set(changed)
    assert track.metadata_sources["release_date"] == {"source": "discogs", "at": "2026-11-22T00:00:00+00:00"}
