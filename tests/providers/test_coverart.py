"""The corpus holds no recorded Cover Art Archive listing (see ../shared/corpus/SOURCES.md),
so these tests cover only what needs no recorded body: 404, garbage and the check."""

import pytest

from providers.base import ProviderError
from providers.coverart import CHECK_RELEASE_MBID, CoverArtArchive

RELEASE_MBID = "b73786d3-6a0f-4683-bd49-e8274eb2d25d"


def test_a_release_without_cover_art_is_none(replay):
    replay.serve(f"/release/{RELEASE_MBID}", status=404, body="Not Found", content_type="text/plain")
    assert CoverArtArchive().front_cover_url(RELEASE_MBID) is None
    request = replay.requests()[0]
    assert request.path == f"/release/{RELEASE_MBID}"
    assert request.headers["User-Agent"].startswith("Cratedigger/")


GARBAGE = {
    "html": "<!DOCTYPE html><html><head><title>Cover Art Archive</title></head><body>Maintenance</body></html>",
    "json without images": '{"error": "temporarily unavailable"}',
    "images not objects": '{"images": ["front.jpg"], "release": "https://musicbrainz.org/release/x"}',
}


@pytest.mark.parametrize("body", GARBAGE.values(), ids=GARBAGE.keys())
def test_a_body_that_is_not_a_listing_is_a_provider_error(replay, body):
    replay.serve(f"/release/{RELEASE_MBID}", body=body, content_type="text/html")
    with pytest.raises(ProviderError, match="coverart") as error:
        CoverArtArchive().front_cover_url(RELEASE_MBID)
    assert (error.value.provider, error.value.endpoint) == ("coverart", "GET /release/{mbid}")


def test_check_counts_404_as_reachable(replay):
    replay.serve(f"/release/{CHECK_RELEASE_MBID}", method="HEAD", status=404, content_type="text/plain")
    assert "404" in CoverArtArchive().check()
    assert replay.requests()[0].method == "HEAD"


def test_check_reports_a_redirect_without_following_it(replay):
    replay.serve(
        f"/release/{CHECK_RELEASE_MBID}", method="HEAD", status=307, content_type="text/plain",
        headers={"Location": "http://127.0.0.1:1/elsewhere"},
    )
    assert CoverArtArchive().check() == "release listing answered 307"
    assert len(replay.requests()) == 1
