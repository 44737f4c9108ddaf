"""Text from outside made storable: NUL and lone surrogates replaced, visibly, wherever they sit."""

from hypothesis import given
from hypothesis import strategies as st

from common.text import REPLACEMENT, storable
from providers.base import DownloadCandidate, TrackCandidate


def test_nul_and_lone_surrogates_become_the_replacement_character_everywhere():
    value = {"na\x00me": ["Dre\x00ams.flac", ("\ud83d", "ok")], "size": 3}
    assert storable(value) == {f"na{REPLACEMENT}me": [f"Dre{REPLACEMENT}ams.flac", (REPLACEMENT, "ok")], "size": 3}


def test_what_a_provider_or_a_peer_says_is_storable_as_it_is_read():
    found = DownloadCandidate(source="slskd", external_id="x", username="@@evil",
                              filename="@@evil\\Music\\Dre\x00ams.flac", size=1)
    assert found.filename == f"@@evil\\Music\\Dre{REPLACEMENT}ams.flac"
    hit = TrackCandidate(source="musicbrainz", external_id="x", title="Ti\x00tle", artists=("A\x00",))
    assert (hit.title, hit.artists) == (f"Ti{REPLACEMENT}tle", (f"A{REPLACEMENT}",))


@given(st.recursive(st.text() | st.integers() | st.none(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20))
def test_any_value_comes_out_storable_and_the_same_shape(value):
    cleaned = storable(value)
    text = repr(cleaned)
    assert "\x00" not in text and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    assert type(cleaned) is type(value)
