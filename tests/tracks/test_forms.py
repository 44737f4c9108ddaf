"""The track form as a person fills it in, and keys as DJs read them."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import TrackFactory, UserFactory
from tracks import keys
from tracks.forms import TrackForm

pytestmark = pytest.mark.django_db


def form_data(track, **changes):
    form = TrackForm(instance=track)
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else form.fields[name].prepare_value(value)) for name, value in data.items()}
    data.update(changes)
    return data


def test_artists_are_names_one_per_line_and_commas_stay_inside_a_name():
    track = TrackFactory(artists=["Daft Punk"])
    form = TrackForm(form_data(track, artists="Earth, Wind & Fire\r\n  Daft Punk \r\n\r\n"), instance=track)
    assert form.is_valid(), form.errors
    assert form.save().artists == ["Earth, Wind & Fire", "Daft Punk"]


def test_an_untouched_form_changes_nothing():
    track = TrackFactory(artists=["Billie Eilish"], duration=194, bpm=Decimal("135.00"), key="G major")
    form = TrackForm(form_data(track), instance=track)
    assert form.is_valid(), form.errors
    assert form.changed_data == []
    assert form.save().key == "G major"  # a provider's spelling is kept until a person changes it


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bpm", "0", "BPM counts beats per minute, so it is at least 1."),
        ("bpm", "fast", "Write the BPM as a number, like 124 or 123.5."),
        ("isrc", "hello", "An ISRC has 12 characters"),
        ("key", "banana", "“banana” is not a key. Write a key like 8A (Camelot), A minor, Am or F# major."),
        ("duration", "3:75", "Seconds and minutes after the first colon go up to 59"),
        ("duration", "three minutes", "Write the length as minutes:seconds, like 3:14"),
    ],
)
def test_bad_values_get_a_message_in_words(field, value, message):
    track = TrackFactory()
    form = TrackForm(form_data(track, **{field: value}), instance=track)
    assert not form.is_valid()
    assert form.errors[field][0].startswith(message), form.errors[field]
    assert "track_bpm_positive" not in str(form.errors) and "constraint" not in str(form.errors).lower()


def test_good_values_are_stored_plainly():
    track = TrackFactory()
    form = TrackForm(form_data(track, duration="3:14", isrc="gb-aye-06-01498", key="Am", bpm="123.5"), instance=track)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.duration, saved.isrc, saved.key, saved.bpm) == (194, "GBAYE0601498", "8A", Decimal("123.5"))


def test_the_admin_shows_bpm_key_and_length_as_djs_read_them(client):
    client.force_login(UserFactory())
    TrackFactory(bpm=Decimal("124.00"), key="A minor", duration=194)
    TrackFactory(bpm=Decimal("123.50"), key="Ebm", duration=3725)
    page = client.get(reverse("admin:tracks_track_changelist")).content.decode()
    for shown in (">124<", ">123.5<", "8A · A minor", "2A · Eb minor", ">3:14<", ">1:02:05<"):
        assert shown in page, shown
    assert "124.00" not in page


@pytest.mark.parametrize(
    ("written", "code"),
    [("8A", "8A"), ("08a", "8A"), ("A minor", "8A"), ("Am", "8A"), ("A min", "8A"), ("C major", "8B"),
     ("C", "8B"), ("G major", "9B"), ("Ebm", "2A"), ("D#m", "2A"), ("D# minor", "2A"), ("F# major", "2B"),
     ("Gb major", "2B"), ("Bb minor", "3A"), ("A♭ minor", "1A"), ("1m", "8A"), ("1d", "8B"), ("E Major", "12B")],
)
def test_keys_read_every_usual_spelling(written, code):
    assert keys.camelot(written) == code


def test_the_wheel_and_compatible_keys():
    assert sorted(["10A", "1A", "12B", "2A", "1B"], key=keys.wheel_position) == ["1A", "1B", "2A", "10A", "12B"]
    assert keys.compatible("8A") == ["8A", "8B", "9A", "7A"]
    assert keys.compatible("12B") == ["12B", "12A", "1B", "11B"]
    assert keys.musical("11A") == "F# minor"


@given(st.text(max_size=40))
def test_reading_any_text_as_a_key_never_raises(text):
    code = keys.camelot(text)
    assert code is None or keys.musical(code)
