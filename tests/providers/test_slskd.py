import copy
import json
import re
import time
import uuid
from pathlib import Path

import pytest

from providers.base import Capability, DownloadCandidate, ProviderDisabled, ProviderError, RateLimited, Unauthorized
from providers.registry import get_provider
from providers.slskd import Slskd, map_response, map_transfer
from tests.replay import fixture_json

ALBUM = "slskd/naviseerr-album-discovery-search.json"
LIVE = "slskd/naviseerr-search-daft-punk-discovery-with-responses-live.json"
TRANSFERS = "slskd/naviseerr-transfers-downloads-live.json"
API_KEY = "slskd-test-key-6f0c2b1e9a"
SEARCH_PATH = re.compile(r"/api/v0/searches/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
SEARCH_ID = "9e21d164-d2d1-452c-9bb6-7dc5ba95f618"  # the id in both recorded searches


@pytest.fixture
def client(replay, settings):
    settings.SLSKD_API_KEY = API_KEY
    settings.SLSKD_DOWNLOADS_DIR = "/srv/slskd/downloads"
    return Slskd()


def serve_search(replay, state_fixture=ALBUM, responses_fixture=ALBUM, *, state_body=None):
    replay.serve("/api/v0/searches", LIVE, method="POST")
    if state_body is None:
        replay.serve(SEARCH_PATH, state_fixture, query={"includeResponses": "false"})
    else:
        replay.serve(SEARCH_PATH, body=state_body, query={"includeResponses": "false"})
    replay.serve(SEARCH_PATH, responses_fixture, query={"includeResponses": "true"})


def recorded_files(fixture: str) -> list[tuple[dict, dict]]:
    return [(response, item) for response in fixture_json(fixture)["responses"] for item in response["files"]]


def test_find_downloads_starts_polls_and_reads_the_search(client, replay):
    serve_search(replay)
    candidates = client.find_downloads("Daft Punk Discovery")

    assert len(candidates) == len(recorded_files(ALBUM)) == 46
    post, state, responses = replay.requests()
    sent = post.get_json()
    assert post.method == "POST" and post.path == "/api/v0/searches"
    assert str(uuid.UUID(sent["id"])) == sent["id"]
    assert sent == {
        "id": sent["id"],
        "searchText": "Daft Punk Discovery",
        "fileLimit": 10000,
        "responseLimit": 100,
        "filterResponses": True,
        "searchTimeout": 30000,  # SLSKD_SEARCH_TIMEOUT
        "minimumResponseFileCount": 1,
    }
    assert state.path == responses.path == f"/api/v0/searches/{sent['id']}"
    assert state.args["includeResponses"] == "false" and responses.args["includeResponses"] == "true"
    assert all(request.headers["X-API-Key"] == API_KEY for request in replay.requests())


def test_every_candidate_carries_the_recorded_file(client, replay):
    replay.serve(SEARCH_PATH, ALBUM, query={"includeResponses": "true"})
    candidates = client.search_responses(SEARCH_ID)

    for candidate, (response, item) in zip(candidates, recorded_files(ALBUM), strict=True):
        assert candidate.source == "slskd"
        assert candidate.username == response["username"]
        assert candidate.filename == item["filename"]
        assert candidate.external_id == f"{response['username']}\\{item['filename']}"
        assert candidate.size == item["size"]
        assert candidate.bitrate == item.get("bitRate")
        assert candidate.duration == item.get("length")
        assert candidate.is_locked is item["isLocked"] is False
        assert candidate.has_free_upload_slot is response["hasFreeUploadSlot"]
        assert candidate.queue_length == response["queueLength"]
        assert candidate.upload_speed == response["uploadSpeed"]
        # The recorded extension is always "", so it comes from the file name.
        assert item["extension"] == ""
        assert candidate.extension == item["filename"].rsplit(".", 1)[1].lower()
        # Trimmed out of the capture: nothing to read, nothing invented.
        assert (candidate.bit_depth, candidate.sample_rate, candidate.is_variable_bitrate) == (None, None, False)

    flac = candidates[0]
    assert flac.filename == "@@vniuw\\Music\\2001 - Discovery\\Daft Punk - Discovery - 01 - One More Time.flac"
    assert (flac.extension, flac.bitrate, flac.duration, flac.is_lossless) == ("flac", None, 320, True)
    cover = next(c for c in candidates if c.filename.endswith("\\cover.jpg"))
    assert (cover.username, cover.extension, cover.duration, cover.size) == ("Shockwave__42", "jpg", None, 73704)
    assert cover.queue_length == 25
    mp3 = next(c for c in candidates if c.username == "Sbonzo")
    assert (mp3.extension, mp3.bitrate, mp3.is_lossless, mp3.upload_speed) == ("mp3", 128, False, 1420615)


def test_the_live_capture_maps_peer_queues_and_slots(client, replay):
    replay.serve(SEARCH_PATH, LIVE, query={"includeResponses": "true"})
    first, second = client.search_responses(SEARCH_ID)
    assert (first.username, first.has_free_upload_slot, first.queue_length, first.upload_speed) == (
        "acrossma", False, 39, 1007128,
    )
    assert (first.bitrate, first.duration, first.size, first.extension) == (320, 320, 13061988, "mp3")
    assert second.filename == "@@mfapl\\Music (320)\\Daft Punk\\Discovery\\01 One More Time.mp3"
    assert (second.username, second.has_free_upload_slot, second.queue_length) == ("M3H9X", True, 574)


def test_locked_files_are_kept_and_marked_locked():
    # The captures have no locked files: move one recorded file into lockedFiles, as slskd lists them.
    response = copy.deepcopy(fixture_json(LIVE)["responses"][1])
    response["lockedFiles"] = [response["files"].pop()]
    (candidate,) = map_response(response)
    assert candidate.is_locked is True
    assert candidate.filename == fixture_json(LIVE)["responses"][1]["files"][0]["filename"]


def test_a_search_that_does_not_finish_in_time_returns_what_arrived(client, replay):
    # No capture of a running search: the recorded one with slskd's in-progress state.
    running = fixture_json(ALBUM) | {"isComplete": False, "state": "InProgress", "responses": []}
    serve_search(replay, state_body=json.dumps(running))
    started = time.monotonic()
    candidates = client.find_downloads("Daft Punk Discovery", timeout=1.2)
    elapsed = time.monotonic() - started

    assert len(candidates) == 46
    polls = [r for r in replay.requests() if r.args.get("includeResponses") == "false"]
    assert len(polls) >= 3  # at 0, 0.5 and 1.0 s, then one last look at the deadline
    assert 1.2 <= elapsed < 10  # waited for the deadline, not for slskd's own timeout


def test_search_state_maps_the_recorded_search(client, replay):
    replay.serve(SEARCH_PATH, LIVE, query={"includeResponses": "false"})
    state = client.search_state(SEARCH_ID)
    assert (state.id, state.state, state.is_complete) == (SEARCH_ID, "Completed, Errored", True)
    assert (state.response_count, state.file_count) == (252, 4592)


def test_enqueue_posts_the_file_name_and_size(client, replay):
    replay.serve(SEARCH_PATH, ALBUM, query={"includeResponses": "true"})
    candidate = client.search_responses(SEARCH_ID)[0]
    # No capture of this answer; slskd sends 201 {"enqueued": [transfer...], "failed": [filename...]}.
    replay.serve(
        "/api/v0/transfers/downloads/GraMoore",
        body=json.dumps({"enqueued": [{"filename": candidate.filename}], "failed": []}),
        method="POST",
        status=201,
    )
    client.enqueue(candidate)

    request = replay.requests()[-1]
    assert request.method == "POST" and request.path == "/api/v0/transfers/downloads/GraMoore"
    assert request.get_json() == [{"filename": candidate.filename, "size": 40984736}]
    assert request.headers["X-API-Key"] == API_KEY


def test_a_file_slskd_could_not_queue_is_an_error_naming_it(client, replay):
    candidate = map_response(fixture_json(LIVE)["responses"][0])[0]
    replay.serve(
        "/api/v0/transfers/downloads/acrossma",
        body=json.dumps({"enqueued": [], "failed": [candidate.filename]}),
        method="POST",
        status=201,
    )
    with pytest.raises(ProviderError) as excinfo:
        client.enqueue(candidate)
    message = str(excinfo.value)
    assert message.startswith("slskd: POST /api/v0/transfers/downloads/{username}: ")
    assert candidate.filename in message and "acrossma" in message


def test_an_empty_201_from_an_older_slskd_means_queued(client, replay):
    candidate = map_response(fixture_json(LIVE)["responses"][0])[0]
    replay.serve("/api/v0/transfers/downloads/acrossma", body="", method="POST", status=201)
    client.enqueue(candidate)


def test_transfer_maps_the_recorded_download(client, replay):
    user = fixture_json(TRANSFERS)[0]
    recorded = user["directories"][0]["files"][0]
    # The per-user endpoint answers one element of the recorded all-users list.
    replay.serve("/api/v0/transfers/downloads/lwl", body=json.dumps(user))
    transfer = client.transfer("lwl", recorded["filename"])

    assert transfer.id == recorded["id"] == "33fc1f71-8143-4832-8a6f-be1be8387c0d"
    assert (transfer.username, transfer.filename) == ("lwl", "Unsorted\\Bootlegs\\2025\\0424\\Vance Joy - Riptide.mp3")
    assert transfer.state == recorded["state"] == "Completed, Succeeded"
    assert (transfer.is_complete, transfer.succeeded, transfer.failed) == (True, True, False)
    assert transfer.bytes_transferred == recorded["bytesTransferred"] == transfer.size == 8911936
    assert transfer.percent_complete == 100.0 and isinstance(transfer.percent_complete, float)
    assert transfer.average_speed == recorded["averageSpeed"]
    assert transfer.place_in_queue is None and transfer.error == ""
    assert client.transfer("lwl", "Unsorted\\another file.mp3") is None


def test_a_user_slskd_tracks_nothing_from_is_none(client, replay):
    replay.serve("/api/v0/transfers/downloads/nobody", status=404)
    assert client.transfer("nobody", "x\\y.mp3") is None


def test_downloads_lists_every_users_transfers(client, replay):
    replay.serve("/api/v0/transfers/downloads", TRANSFERS)
    (transfer,) = client.downloads()
    assert (transfer.username, transfer.state, transfer.succeeded) == ("lwl", "Completed, Succeeded", True)


@pytest.mark.parametrize(
    ("state", "complete", "succeeded", "failed"),
    [
        ("Queued, Remotely", False, False, False),
        ("InProgress", False, False, False),
        ("Completed, Succeeded", True, True, False),
        ("Completed, Errored", True, False, True),
        ("Completed, Rejected", True, False, True),
        ("Completed, TimedOut", True, False, True),
        ("Completed, Cancelled", True, False, True),
        ("Completed, Aborted", True, False, True),
    ],
)
def test_transfer_state_flags(state, complete, succeeded, failed):
    raw = fixture_json(TRANSFERS)[0]["directories"][0]["files"][0] | {"state": state}
    transfer = map_transfer(raw)
    assert (transfer.is_complete, transfer.succeeded, transfer.failed) == (complete, succeeded, failed)


def test_cancel_deletes_and_removes_the_transfer(client, replay):
    transfer_id = "33fc1f71-8143-4832-8a6f-be1be8387c0d"
    replay.serve(
        f"/api/v0/transfers/downloads/lwl/{transfer_id}", body="", method="DELETE", query={"remove": "true"},
        status=204,
    )
    client.cancel("lwl", transfer_id)
    request = replay.requests()[-1]
    assert (request.method, request.path, request.args["remove"]) == (
        "DELETE", f"/api/v0/transfers/downloads/lwl/{transfer_id}", "true",
    )


def test_cancelling_a_transfer_already_gone_is_fine(client, replay):
    replay.serve(re.compile(r"/api/v0/transfers/downloads/lwl/.*"), method="DELETE", status=404)
    client.cancel("lwl", "00000000-0000-0000-0000-000000000000")


def test_usernames_are_escaped_in_paths(client, replay):
    replay.serve("/api/v0/transfers/downloads/DJ a/b", status=404)
    assert client.transfer("DJ a/b", "x.mp3") is None
    assert replay.requests()[-1].environ["REQUEST_URI"] == "/api/v0/transfers/downloads/DJ%20a%2Fb"


def test_a_429_on_the_search_post_is_rate_limited_and_frees_the_slot(client, replay):
    replay.serve("/api/v0/searches", body="Only one concurrent operation is permitted", method="POST", status=429,
                 headers={"Retry-After": "7"}, times=1)
    with pytest.raises(RateLimited) as excinfo:
        client.start_search("Daft Punk Discovery")
    assert excinfo.value.retry_after == 7
    assert excinfo.value.provider == "slskd"
    replay.serve("/api/v0/searches", LIVE, method="POST")
    assert uuid.UUID(client.start_search("Daft Punk Discovery"))


def test_the_api_key_goes_in_a_header_and_never_into_errors(client, replay):
    replay.serve("/api/v0/session", status=401)
    replay.serve(SEARCH_PATH, body="<html><body>slskd</body></html>", content_type="text/html")
    with pytest.raises(Unauthorized) as refused:
        client.check()
    with pytest.raises(ProviderError) as garbage:
        client.search_state(SEARCH_ID)
    for error in (refused.value, garbage.value):
        assert API_KEY not in str(error) and API_KEY not in repr(error.args)
    for request in replay.requests():
        assert request.headers["X-API-Key"] == API_KEY
        assert API_KEY not in request.full_path


@pytest.mark.parametrize(
    ("body", "endpoint"),
    [
        ("<html>Bad gateway page</html>", "GET /api/v0/searches/{id}?includeResponses=true"),
        ('{"id": "x", "responses": "none"}', "GET /api/v0/searches/{id}?includeResponses=true"),
        ('{"responses": [{"username": "u", "files": [{"filename": "a\\\\b.mp3"}]}]}',
         "GET /api/v0/searches/{id}?includeResponses=true"),
        ('{"responses": [{"files": []}]}', "GET /api/v0/searches/{id}?includeResponses=true"),
    ],
)
def test_garbage_search_answers_raise_naming_slskd(client, replay, body, endpoint):
    replay.serve(SEARCH_PATH, body=body, query={"includeResponses": "true"})
    with pytest.raises(ProviderError) as excinfo:
        client.search_responses(SEARCH_ID)
    assert str(excinfo.value).startswith(f"slskd: {endpoint}: ")


@pytest.mark.parametrize(
    "body",
    ['{"id": "x"}', '{"id": "x", "state": "InProgress", "isComplete": "no"}', "[]"],
)
def test_garbage_search_state_raises(client, replay, body):
    replay.serve(SEARCH_PATH, body=body, query={"includeResponses": "false"})
    with pytest.raises(ProviderError, match=r"^slskd: GET /api/v0/searches/\{id\}: unexpected answer"):
        client.search_state(SEARCH_ID)


def test_garbage_transfers_raise(client, replay):
    replay.serve("/api/v0/transfers/downloads/lwl", body='{"username": "lwl", "directories": [{"files": [{}]}]}')
    with pytest.raises(ProviderError, match=r"^slskd: GET /api/v0/transfers/downloads/\{username\}: "):
        client.transfer("lwl", "x.mp3")


def test_an_unknown_search_is_an_error_saying_what_to_do(client, replay):
    replay.serve(SEARCH_PATH, status=404)
    with pytest.raises(ProviderError, match="search again"):
        client.search_state(SEARCH_ID)


def test_local_path_is_the_downloads_dir_remote_folder_and_file_name(client, settings):
    recorded = fixture_json(TRANSFERS)[0]["directories"][0]["files"][0]["filename"]
    assert client.local_path(recorded) == Path("/srv/slskd/downloads/0424/Vance Joy - Riptide.mp3")
    assert client.local_path("@@x/Music/Album/01 Track.flac") == Path("/srv/slskd/downloads/Album/01 Track.flac")
    assert client.local_path("single.mp3") == Path("/srv/slskd/downloads/single.mp3")
    settings.SLSKD_DOWNLOADS_DIR = ""
    with pytest.raises(ProviderError, match="SLSKD_DOWNLOADS_DIR is not set"):
        client.local_path(recorded)


def test_check_uses_the_session_endpoint(client, replay):
    replay.serve("/api/v0/session", body="")
    assert client.check() == "slskd answered and accepted the API key"
    assert replay.requests()[-1].headers["X-API-Key"] == API_KEY


def test_the_registry_needs_the_api_key(settings):
    settings.SLSKD_API_KEY = ""
    with pytest.raises(ProviderDisabled, match="SLSKD_API_KEY is not set"):
        get_provider("slskd")
    settings.SLSKD_API_KEY = API_KEY
    provider = get_provider("slskd")
    assert isinstance(provider, Slskd) and provider.capabilities == {Capability.DOWNLOAD}


def test_candidates_are_neutral_dataclasses(client, replay):
    replay.serve(SEARCH_PATH, LIVE, query={"includeResponses": "true"})
    candidate = client.search_responses(SEARCH_ID)[0]
    assert isinstance(candidate, DownloadCandidate)
    assert candidate.as_dict()["external_id"] == "acrossma\\@@fvxlo\\music\\Daft Punk\\Discovery\\01 One More Time.mp3"
