"""Provider answers are cached with normalised keys; force_refresh fetches anew."""

import pytest
from django.core.cache import cache

from providers.cache import cache_key, cached, normalise_query
from providers.itunes import ITunes


def test_search_keys_fold_case_accents_punctuation_spacing_and_order():
    keys = {normalise_query(text) for text in ("deadmau5 - strobe", "Strobe deadmau5", "DEADMAU5  strobe")}
    assert keys == {"deadmau5 strobe"}
    assert normalise_query("Röyksopp – Eple!") == normalise_query("eple royksopp")
    assert normalise_query("Strobe (Club Edit)") != normalise_query("Strobe")


def test_equivalent_searches_share_one_cache_entry(replay):
    replay.serve("/search", "itunes/harmony-lookup-album-1441458047-gb.json")
    client = ITunes()
    first = client.search_tracks("deadmau5 - strobe")
    assert client.search_tracks("Strobe deadmau5") == first
    assert client.search_tracks("DEADMAU5  strobe") == first
    assert len(replay.requests()) == 1


def test_force_refresh_bypasses_the_cache_and_stores_the_fresh_answer(replay):
    replay.serve("/search", body='{"resultCount": 0, "results": []}', times=1)
    replay.serve("/search", "itunes/harmony-lookup-album-1441458047-gb.json")
    client = ITunes()
    assert client.search_tracks("queen") == []
    assert client.search_tracks("queen") == []  # the empty answer is cached too
    fresh = client.search_tracks("queen", force_refresh=True)
    assert len(fresh) == 18
    assert client.search_tracks("queen") == fresh
    assert len(replay.requests()) == 2


@pytest.mark.parametrize(
    ("kind", "value", "ttl"),
    [("metadata", {"a": 1}, 24 * 3600), ("search", [1], 3600), ("search", [], 6 * 3600),
     ("entity", {"a": 1}, 7 * 24 * 3600), ("purchase_links", [1], 2 * 3600), ("metadata", None, 6 * 3600)],
)
def test_each_kind_of_answer_is_kept_for_its_time(monkeypatch, kind, value, ttl):
    stored = {}
    monkeypatch.setattr(cache, "set", lambda key, val, timeout: stored.update({key: timeout}))
    cached("deezer", kind, ("x",), lambda: value, force_refresh=True)
    assert stored == {cache_key("deezer", kind, "x"): ttl}


def test_errors_are_not_cached(replay):
    replay.serve("/lookup", body="<html>", status=200, content_type="text/html", times=1)
    replay.serve("/lookup", "itunes/harmony-lookup-album-1441458047-gb.json")
    client = ITunes()
    with pytest.raises(Exception, match="expected JSON"):
        client.get_metadata("1441458049")
    assert client.get_metadata("1441458049").title.startswith("Death On Two Legs")
