"""Identification end to end against recorded provider answers: confident lines are linked, close calls wait
for a person, other versions are never accepted, "ID - ID" is never guessed, and a second run counts nothing twice."""

import pytest

from library.discovery_jobs import discovery_jobs_create
from library.entries import library_tracks_merge
from library.identification import searched_title
from library.models import DiscoveryJob, DiscoveryStatus, LibraryTrack, TrackDiscovery
from library.review import discovery_accept, discovery_mark_unidentifiable
from library.tracklists import tracklist_create
from tests.services import clear_test_cache
from tests.tracks.conftest import serve_spotify_token
from tracks.models import Track

pytestmark = pytest.mark.django_db

SPOTIFY_UPTOWN = "spotify/zmb3-search-tracks-uptown.json"
MB_FLEETWOOD = "musicbrainz/revsrev-search-recording-artist-fleetwood-mac.xml"


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_test_cache()


@pytest.fixture
def spotify(replay, settings):
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "test-id", "test-secret"
    settings.METADATA_PROVIDERS = ["spotify"]
    serve_spotify_token(replay)
    replay.serve("/v1/search", SPOTIFY_UPTOWN)
    return replay


def identify(text: str, name: str = "A mix") -> list[TrackDiscovery]:
    tracklist = tracklist_create(name=name, raw_text=text)
    [started] = discovery_jobs_create(tracklists=[tracklist], enqueue_now=False)
    job = started.job
    from core import jobs

    finished = jobs.job_run_here(model=DiscoveryJob, job_id=job.pk)
    assert finished.status == "completed", finished.last_error
    return list(tracklist.discoveries.select_related("library_track__track").order_by("position"))


def searches(replay) -> int:
    return sum(1 for request in replay.requests() if request.path.endswith("/search"))


def test_a_confident_line_is_linked_to_a_library_track_filled_from_the_provider(spotify):
    [line] = identify("01. Mark Ronson feat. Bruno Mars - Uptown Funk [Columbia]")
    assert line.status == DiscoveryStatus.IDENTIFIED and line.method == "api"
    assert line.confidence >= 0.90 and line.sources_consulted == ["spotify"]
    track = line.library_track.track
    assert (track.title, track.version, track.isrc, track.spotify_id) == (
        "Uptown Funk", "", "GBARL1401524", track.spotify_id,
    )
    assert track.spotify_id and track.artists == ["Mark Ronson", "Bruno Mars"]
    assert line.library_track.discovery_count == 1 and not line.library_track.is_provisional
    assert line.library_track.first_discovered is not None and line.library_track.last_seen is not None
    # The scored candidates are kept, best first, with why.
    assert line.candidates[0]["title"] == "Uptown Funk" and line.candidates[0]["reasons"]


def test_a_remix_never_resolves_to_the_original(spotify):
    [line] = identify("Mark Ronson feat. Bruno Mars - Uptown Funk (Dave Aude Remix)")
    assert line.status != DiscoveryStatus.IDENTIFIED
    assert not Track.objects.filter(title="Uptown Funk", version="", spotify_id__gt="").exists()
    if line.library_track is not None:  # a provisional entry of its own, never the original recording
        assert line.library_track.is_provisional and line.library_track.track.version == "Dave Aude Remix"


def test_the_original_never_resolves_to_another_version(replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve("/ws/2/recording", MB_FLEETWOOD)
    # The answer holds "Black Magic Woman (live)" first, then two studio takes of different lengths.
    [line] = identify("Fleetwood Mac - Black Magic Woman")
    assert line.status == DiscoveryStatus.NEEDS_REVIEW  # two takes, no length to tell them apart: a person picks
    assert line.library_track is None and len(line.candidates) >= 2
    assert all("live" not in (candidate["version"] or "").lower() for candidate in line.candidates[:1])


def test_unknown_lines_are_never_guessed_and_ask_no_provider(spotify):
    lines = identify("ID - ID\n?\nUnknown - Unknown\nMark Ronson - ID")
    assert [line.status for line in lines] == [DiscoveryStatus.UNIDENTIFIABLE] * 4
    assert all(line.library_track is None for line in lines)
    assert searches(spotify) == 0


def test_the_same_tracklist_identified_twice_counts_each_mix_once_and_asks_no_provider_again(spotify):
    text = "Mark Ronson feat. Bruno Mars - Uptown Funk\nSomebody Nobody Knows - A Track Nobody Has"
    tracklist = tracklist_create(name="Mix", raw_text=text)
    from core import jobs

    for _ in range(2):
        [started] = discovery_jobs_create(tracklists=[tracklist], enqueue_now=False)
        job = started.job
        jobs.job_run_here(model=DiscoveryJob, job_id=job.pk)
        if _ == 0:
            asked = searches(spotify)
    assert searches(spotify) == asked  # warm: the library and the cache answer
    found, provisional = tracklist.discoveries.order_by("position")
    assert found.status == DiscoveryStatus.IDENTIFIED and provisional.status == DiscoveryStatus.PROVISIONAL
    assert LibraryTrack.objects.count() == 2
    assert [entry.discovery_count for entry in LibraryTrack.objects.order_by("added_at")] == [1, 1]
    # Heard in a second mix: now two.
    second = tracklist_create(name="Another mix", raw_text="Mark Ronson ft. Bruno Mars - Uptown Funk")
    [started] = discovery_jobs_create(tracklists=[second], enqueue_now=False)
    job = started.job
    jobs.job_run_here(model=DiscoveryJob, job_id=job.pk)
    entry = found.library_track
    entry.refresh_from_db()
    assert entry.discovery_count == 2 and set(entry.discovered_from.all()) == {tracklist, second}
    assert entry.first_discovered <= entry.last_seen


def test_a_person_accepts_a_candidate_from_the_review_queue(replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve("/ws/2/recording", MB_FLEETWOOD)
    [line] = identify("Fleetwood Mac - Black Magic Woman")
    library_track = discovery_accept(discovery=line, index=0)
    line.refresh_from_db()
    assert (line.status, line.method, line.library_track) == (DiscoveryStatus.IDENTIFIED, "manual", library_track)
    assert library_track.track.musicbrainz_recording_id == line.candidates[0]["external_id"]
    with pytest.raises(ValueError, match="no longer on this line"):
        discovery_accept(discovery=line, index=99)


def test_a_line_marked_unidentifiable_loses_its_sighting(spotify):
    [line] = identify("Mark Ronson feat. Bruno Mars - Uptown Funk")
    entry = line.library_track
    discovery_mark_unidentifiable(discovery=line)
    line.refresh_from_db()
    entry.refresh_from_db()
    assert line.status == DiscoveryStatus.UNIDENTIFIABLE and line.library_track is None
    assert entry.discovery_count == 0


def test_duplicates_merge_with_their_sightings_and_want_list_entry(spotify):
    from wantlist.models import WantList

    [line] = identify("Mark Ronson feat. Bruno Mars - Uptown Funk", name="One")
    survivor = line.library_track
    duplicate_track = Track.objects.create(title="Uptown Funk", credit_name="Mark Ronson")
    duplicate = LibraryTrack.objects.create(track=duplicate_track, is_provisional=True)
    other_mix = tracklist_create(name="Two", raw_text="Mark Ronson - Uptown Funk")
    TrackDiscovery.objects.filter(tracklist=other_mix).update(library_track=duplicate,
                                                              status=DiscoveryStatus.PROVISIONAL)
    WantList.objects.create(library_track=duplicate, priority=1)
    assert library_tracks_merge(survivor=survivor, others=[duplicate]) == 1
    survivor.refresh_from_db()
    assert survivor.discovery_count == 2 and WantList.objects.get().library_track == survivor
    assert not Track.objects.filter(pk=duplicate_track.pk).exists()


def test_a_provider_that_hangs_on_one_line_fails_that_line_and_never_stops_the_rest(settings):
    import time

    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    from core import jobs
    from tests.replay import FIXTURES, Replay

    # A server of the test's own that answers each request in a thread of its own: the line after the hung one is
    # answered at once, as Spotify would, not after the hung answer (the shared replay server answers in turn).
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    replay = Replay(server)
    settings.SPOTIFY_ACCOUNTS_URL, settings.SPOTIFY_API_URL = replay.url, f"{replay.url}/v1"
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "test-id", "test-secret"
    settings.METADATA_PROVIDERS = ["spotify"]
    settings.PROVIDER_RETRIES = 0
    settings.PROVIDER_RATE_LIMITS = {}
    settings.PROVIDER_TIMEOUTS = {**settings.PROVIDER_TIMEOUTS, "search": 1}
    clear_test_cache()
    serve_spotify_token(replay)
    body = (FIXTURES / SPOTIFY_UPTOWN).read_bytes()

    def search(request):
        if "Hangs" in request.args.get("q", ""):
            time.sleep(2)  # past the search timeout
        return Response(body, content_type="application/json")

    server.expect_request("/v1/search").respond_with_handler(search)
    tracklist = tracklist_create(name="Mix", raw_text=(
        "Mark Ronson feat. Bruno Mars - Uptown Funk\nSomeone - Hangs Forever\nMark Ronson ft. Bruno Mars - Uptown Funk"
    ))
    [started] = discovery_jobs_create(tracklists=[tracklist], enqueue_now=False, force_refresh=True)
    try:
        finished = jobs.job_run_here(model=DiscoveryJob, job_id=started.job.pk)
    finally:
        server.stop()
        clear_test_cache()
    assert (finished.status, finished.processed, finished.succeeded, finished.failed) == ("completed", 3, 2, 1)
    failure = finished.items.get(status="failed")
    assert failure.error.startswith("Line 2: spotify") and "no answer within 1 s" in failure.error
    first, hung, third = tracklist.discoveries.order_by("position")
    assert first.status == third.status == DiscoveryStatus.IDENTIFIED and hung.status == DiscoveryStatus.PENDING


def test_a_trailing_note_in_square_brackets_is_searched_and_compared_without_it():
    assert searched_title("Uptown Funk [Columbia]") == "Uptown Funk"
    assert searched_title("Loop [Locked Groove] [Side A]") == "Loop"
    assert searched_title("[Untitled]") == "[Untitled]"  # a title that is only a bracket stays itself
    assert searched_title("Strobe (Club Edit)") == "Strobe (Club Edit)"


def test_a_tracklist_made_from_text_takes_its_own_title_line_dj_and_date():
    made = tracklist_create(name="", raw_text="Ben Klock @ Berghain - Klubnacht 2017-10-22\n01. A - B\n")
    assert made.dj == "Ben Klock" and made.date is not None and "Klubnacht" in made.name
    assert made.discoveries.count() == 1


def test_a_year_only_release_date_stays_a_year_on_the_track_identification_makes(replay, settings):
    # The catalogue's track for a discovered line is made by tracks.services, which keeps the date's precision
    # (it once came out "1 January 1978").
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve("/ws/2/recording", MB_FLEETWOOD)
    [line] = identify("Fleetwood Mac - Watch Out")
    assert line.status == DiscoveryStatus.IDENTIFIED, line.reason
    track = line.library_track.track
    assert (track.release_date.isoformat(), track.release_date_precision, track.release_date_text) == (
        "1978-01-01", "year", "1978",
    )


def test_a_year_only_release_date_stays_a_year_when_a_person_picks_the_candidate(replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve("/ws/2/recording", MB_FLEETWOOD)
    [line] = identify("Fleetwood Mac - Black Magic Woman")
    assert line.status == DiscoveryStatus.NEEDS_REVIEW
    index, kept = next((index, kept) for index, kept in enumerate(line.candidates) if kept["release_date"] == "2008")
    track = discovery_accept(discovery=line, index=index).track
    assert track.musicbrainz_recording_id == kept["external_id"]
    assert (track.release_date_precision, track.release_date_text) == ("year", "2008")
