"""The slskd stand-in, driven by the real client: what the download tests rely on it to do."""

import json
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from audio.probe import probe
from providers.base import DownloadCandidate, ProviderError, Unauthorized
from providers.slskd import Slskd, Transfer
from tests.audio_factory import make_audio
from tests.slskd_standin import SharedFile, SlskdStandin, standin_for

ALBUM = "@@music\\Daft Punk\\Discovery"
FLAC = f"{ALBUM}\\01 Daft Punk - One More Time.flac"
MP3 = "@@share\\mp3\\Daft Punk - Discovery\\01 One More Time.mp3"
V0 = "@@v0\\Daft Punk\\Discovery (V0)\\01 - One More Time.mp3"
FAST = 0.3  # seconds a transfer takes in these tests


@pytest.fixture
def slskd(settings, tmp_path):
    settings.PROVIDER_BACKOFF_SECONDS = 0.01
    settings.PROVIDER_RATE_LIMITS = {}
    settings.SLSKD_SEARCHES_PER_WINDOW = 1000
    standin = standin_for(settings, tmp_path)
    yield standin
    standin.close()


@pytest.fixture
def client(slskd):
    return Slskd()


def search(client: Slskd, query: str, timeout: float = 5.0) -> list[DownloadCandidate]:
    """Search as find_downloads does, without its per-window search budget (its limiter is not under test)."""
    search_id = client.start_search(query)
    deadline = time.monotonic() + timeout
    while not client.search_state(search_id).is_complete and time.monotonic() < deadline:
        time.sleep(0.02)
    return client.search_responses(search_id)


def candidate_for(client: Slskd, query: str, filename: str) -> DownloadCandidate:
    return next(c for c in search(client, query) if c.filename == filename)


def wait_until_complete(client: Slskd, username: str, filename: str, timeout: float = 5.0) -> list[Transfer]:
    """Poll the transfer until it ends; return every reading."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        transfer = client.transfer(username, filename)
        seen.append(transfer)
        if transfer is None or transfer.is_complete:
            return seen
        time.sleep(0.03)
    raise AssertionError(f"the transfer did not end within {timeout} s: {seen[-1]}")


def decoded_seconds(path: Path) -> float:
    """Return how much of the file ffmpeg could decode, in seconds."""
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-f", "null", "-"],
        capture_output=True, text=True, check=False,
    )
    hours, minutes, seconds = re.findall(r"time=(\d+):(\d+):([\d.]+)", result.stderr)[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_a_search_finds_the_shared_files_with_their_real_sizes(client, slskd):
    slskd.share(
        SharedFile("flacpeer", FLAC, "flac", seconds=3, queue_length=4, upload_speed=429942, free_slot=False),
        SharedFile("mp3peer", MP3, "mp3", bitrate=320),
        SharedFile("v0peer", V0, "mp3", vbr=True),
        SharedFile("v0peer", f"{ALBUM}\\02 Daft Punk - Aerodynamic.flac", "flac"),
        SharedFile("lockedpeer", f"{ALBUM}\\01 One More Time.flac", "flac", locked=True, reported_length=320),
    )
    candidates = {c.filename: c for c in search(client, "Daft Punk - One More Time!")}

    assert slskd.searches == ["Daft Punk - One More Time!"]
    # Aerodynamic lacks the words "one more time"; the locked file has "daft punk" in its folders.
    assert set(candidates) == {FLAC, MP3, V0, f"{ALBUM}\\01 One More Time.flac"}
    flac = candidates[FLAC]
    assert flac.size == slskd.served_path("flacpeer", FLAC).stat().st_size == probe(slskd.served_path(
        "flacpeer", FLAC)).size
    assert (flac.username, flac.extension, flac.duration, flac.bitrate) == ("flacpeer", "flac", 3, None)
    assert (flac.bit_depth, flac.sample_rate, flac.is_lossless, flac.is_locked) == (16, 44100, True, False)
    assert (flac.has_free_upload_slot, flac.queue_length, flac.upload_speed) == (False, 4, 429942)
    assert (candidates[MP3].bitrate, candidates[MP3].is_variable_bitrate, candidates[MP3].has_free_upload_slot) == (
        320, False, True,
    )
    assert candidates[V0].is_variable_bitrate and candidates[V0].bitrate == probe(
        slskd.served_path("v0peer", V0)).bitrate >= 215
    locked = candidates[f"{ALBUM}\\01 One More Time.flac"]
    assert locked.is_locked and locked.duration == 320


def test_search_results_can_be_pinned_to_a_query(client, slskd):
    slskd.add_search_results("one more time", SharedFile("peer", "@@x\\misc\\track01.mp3", "mp3"))
    slskd.share(SharedFile("peer", "@@x\\other\\unrelated.mp3", "mp3"))

    assert [c.filename for c in search(client, "Daft Punk One More Time")] == [
        "@@x\\misc\\track01.mp3"
    ]
    assert search(client, "Aerodynamic") == []


def test_a_search_completes_after_the_search_delay(client, slskd):
    slskd.search_delay = 0.3
    slskd.share(SharedFile("peer", MP3, "mp3"))
    search_id = client.start_search("one more time")

    running = client.search_state(search_id)
    assert (running.is_complete, running.state, running.response_count, running.file_count) == (
        False, "InProgress", 1, 1,
    )
    time.sleep(0.35)
    done = client.search_state(search_id)
    assert (done.is_complete, done.state) == (True, "Completed, TimedOut")
    with pytest.raises(ProviderError, match="search again"):
        client.search_state("7d1c2a7e-0000-4000-8000-000000000000")


def test_a_download_goes_queued_then_in_progress_then_succeeds_and_lands_at_local_path(client, slskd):
    slskd.share(SharedFile("peer", FLAC, "flac", queue_length=3, queued_seconds=FAST, transfer_seconds=FAST))
    candidate = candidate_for(client, "daft punk one more time", FLAC)

    client.enqueue(candidate)
    readings = wait_until_complete(client, "peer", FLAC)

    assert slskd.enqueued == [("peer", FLAC)]
    states = [r.state for i, r in enumerate(readings) if i == 0 or r.state != readings[i - 1].state]
    assert states == ["Queued, Remotely", "InProgress", "Completed, Succeeded"]
    queued = [r for r in readings if r.state == "Queued, Remotely"]
    assert all(r.place_in_queue and 1 <= r.place_in_queue <= 4 for r in queued)
    progress = [r.percent_complete for r in readings if r.state == "InProgress"]
    assert progress == sorted(progress) and all(0 <= p < 100 for p in progress)
    final = readings[-1]
    assert (final.succeeded, final.failed, final.size, final.bytes_transferred) == (
        True, False, candidate.size, candidate.size,
    )
    assert final.percent_complete == 100 and final.average_speed > 0
    path = client.local_path(FLAC)
    assert path == Path(slskd.downloads_dir) / "Discovery" / "01 Daft Punk - One More Time.flac"
    assert path.read_bytes() == slskd.served_path("peer", FLAC).read_bytes()
    info = probe(path)
    assert (info.format, info.size, round(info.duration)) == ("flac", candidate.size, 3)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


@pytest.mark.parametrize(
    ("format", "extension", "probed"),
    [("mp3", "mp3", "mp3"), ("flac", "flac", "flac"), ("wav", "wav", "wav"), ("aiff", "aiff", "aiff"),
     ("m4a", "m4a", "aac"), ("alac", "m4a", "alac"), ("ogg", "ogg", "ogg"), ("opus", "opus", "opus")],
)
def test_every_format_arrives_as_real_audio(client, slskd, format, extension, probed):
    filename = f"@@x\\Artist\\Album\\01 Artist - Title.{extension}"
    slskd.share(SharedFile("peer", filename, format, seconds=2, transfer_seconds=0))
    candidate = candidate_for(client, "artist title", filename)
    client.enqueue(candidate)

    assert wait_until_complete(client, "peer", filename)[-1].succeeded
    info = probe(client.local_path(filename))
    assert (info.format, info.size, round(info.duration)) == (probed, candidate.size, 2)


def test_an_offline_peer_cannot_be_queued(client, slskd):
    slskd.share(SharedFile("gone", MP3, "mp3", behaviour="offline"))
    candidate = candidate_for(client, "one more time", MP3)

    with pytest.raises(ProviderError, match="could not queue"):
        client.enqueue(candidate)
    assert slskd.enqueued == [("gone", MP3)]
    assert client.transfer("gone", MP3) is None


def test_a_file_the_peer_does_not_share_cannot_be_queued(client, slskd):
    slskd.share(SharedFile("peer", MP3, "mp3"))
    candidate = candidate_for(client, "one more time", MP3)
    with pytest.raises(ProviderError, match="could not queue"):
        client.enqueue(replace(candidate, username="someone-else"))


def test_a_stalled_transfer_stays_in_progress(client, slskd):
    slskd.share(SharedFile("slow", MP3, "mp3", behaviour="stall", transfer_seconds=FAST))
    client.enqueue(candidate_for(client, "one more time", MP3))
    time.sleep(FAST * 2)

    first = client.transfer("slow", MP3)
    time.sleep(0.2)
    second = client.transfer("slow", MP3)
    assert first.state == second.state == "InProgress"
    assert first.bytes_transferred == second.bytes_transferred == int(first.size * 0.4)
    assert round(second.percent_complete) == 40 and not second.is_complete
    assert not client.local_path(MP3).exists()


def test_cancelling_ends_the_transfer_and_forgets_it(client, slskd):
    slskd.share(SharedFile("peer", MP3, "mp3", behaviour="stall", transfer_seconds=FAST))
    client.enqueue(candidate_for(client, "one more time", MP3))
    transfer = client.transfer("peer", MP3)

    client.cancel("peer", transfer.id)
    assert slskd.cancelled == [("peer", MP3)]
    assert client.transfer("peer", MP3) is None  # remove=true: slskd forgets it
    client.cancel("peer", transfer.id)  # already gone: slskd answers 404, which is fine
    assert slskd.cancelled == [("peer", MP3)]


def test_a_cancel_without_remove_shows_completed_cancelled(client, slskd):
    slskd.share(SharedFile("peer", MP3, "mp3", queued_seconds=5))
    client.enqueue(candidate_for(client, "one more time", MP3))
    transfer = client.transfer("peer", MP3)

    response = requests.delete(
        f"{slskd.url}/api/v0/transfers/downloads/peer/{transfer.id}", headers={"X-API-Key": slskd.api_key}, timeout=5,
    )
    assert response.status_code == 204 and response.content == b""
    cancelled = client.transfer("peer", MP3)
    assert (cancelled.state, cancelled.is_complete, cancelled.failed) == ("Completed, Cancelled", True, True)


@pytest.mark.parametrize(
    ("behaviour", "state", "error"),
    [("reject", "Completed, Rejected", "File not shared."), ("errored", "Completed, Errored", "connection closed")],
)
def test_failed_transfers_end_failed_with_no_file(client, slskd, behaviour, state, error):
    slskd.share(SharedFile("peer", MP3, "mp3", behaviour=behaviour, transfer_seconds=FAST))
    client.enqueue(candidate_for(client, "one more time", MP3))

    final = wait_until_complete(client, "peer", MP3)[-1]
    assert (final.state, final.failed, final.succeeded) == (state, True, False)
    assert error in final.error
    assert not client.local_path(MP3).exists()


def test_a_locked_file_is_rejected(client, slskd):
    slskd.share(SharedFile("peer", MP3, "mp3", locked=True, transfer_seconds=0))
    candidate = candidate_for(client, "one more time", MP3)
    assert candidate.is_locked
    client.enqueue(candidate)
    assert wait_until_complete(client, "peer", MP3)[-1].state == "Completed, Rejected"


def test_a_corrupt_share_completes_with_a_damaged_file_of_the_reported_size(client, slskd, tmp_path):
    slskd.share(SharedFile("peer", FLAC, "flac", behaviour="corrupt", transfer_seconds=0))
    candidate = candidate_for(client, "one more time", FLAC)
    client.enqueue(candidate)

    assert wait_until_complete(client, "peer", FLAC)[-1].succeeded
    written = client.local_path(FLAC).read_bytes()
    good = make_audio(tmp_path / "good.flac", format="flac").read_bytes()
    assert len(written) == candidate.size == len(good)
    half = len(good) // 2
    assert written[:half] == good[:half] and written[half:] != good[half:]
    # The header still says 3 s, but only about the first half decodes (ffmpeg reports no error for FLAC).
    assert probe(client.local_path(FLAC)).duration == 3.0
    assert 1.0 < decoded_seconds(client.local_path(FLAC)) < 2.0


def test_a_truncated_download_is_half_the_reported_size(client, slskd):
    slskd.share(SharedFile("peer", MP3, "mp3", behaviour="truncated", transfer_seconds=0))
    candidate = candidate_for(client, "one more time", MP3)
    client.enqueue(candidate)

    final = wait_until_complete(client, "peer", MP3)[-1]
    assert final.succeeded and final.bytes_transferred == candidate.size
    assert client.local_path(MP3).stat().st_size == candidate.size // 2


def test_a_mislabelled_flac_is_an_mp3(client, slskd):
    slskd.share(SharedFile("peer", FLAC, "flac", behaviour="mislabelled", transfer_seconds=0))
    candidate = candidate_for(client, "one more time", FLAC)
    assert (candidate.extension, candidate.bit_depth) == ("flac", 16)  # what the peer claims
    client.enqueue(candidate)

    assert wait_until_complete(client, "peer", FLAC)[-1].succeeded
    assert probe(client.local_path(FLAC)).format == "mp3"


def test_a_wrong_api_key_is_unauthorized(client, slskd, settings):
    assert client.check() == "slskd answered and accepted the API key"
    settings.SLSKD_API_KEY = "wrong"
    with pytest.raises(Unauthorized):
        Slskd().check()
    response = requests.get(f"{slskd.url}/api/v0/session", timeout=5)
    assert (response.status_code, response.content) == (401, b"")


def test_the_client_retries_through_server_errors(client, slskd):
    slskd.fail_next(2, 503)
    assert client.check()
    assert slskd.requests == ["GET /api/v0/session"] * 3

    slskd.fail_next(10, 502)
    with pytest.raises(ProviderError, match="server error 502"):
        client.check()


def test_slskd_can_go_down_and_come_back_on_the_same_port(client, slskd):
    slskd.share(SharedFile("peer", MP3, "mp3", transfer_seconds=FAST))
    client.enqueue(candidate_for(client, "one more time", MP3))
    url = slskd.url

    slskd.set_down(True)
    with pytest.raises(ProviderError, match="could not connect"):
        client.transfer("peer", MP3)
    slskd.set_down(False)
    assert slskd.url == url
    assert wait_until_complete(client, "peer", MP3)[-1].succeeded  # the transfer went on meanwhile

    slskd.set_status_for_all(500)
    with pytest.raises(ProviderError, match="server error 500"):
        client.check()
    slskd.set_status_for_all(None)
    assert client.check()


@pytest.mark.parametrize(
    ("filename", "lands_at"),
    [
        ("..\\..\\etc\\passwd.flac", "etc/passwd.flac"),
        ("@@evil\\..\\..\\passwd.flac", "passwd.flac"),
        ("@@evil\\CON\\a<b>.flac", "_CON/a_b_.flac"),
    ],
)
def test_a_hostile_remote_name_lands_inside_the_downloads_dir(client, slskd, filename, lands_at):
    slskd.add_search_results("hostile", SharedFile("evil", filename, "flac", transfer_seconds=0))
    client.enqueue(candidate_for(client, "hostile", filename))

    assert wait_until_complete(client, "evil", filename)[-1].succeeded
    path = client.local_path(filename)
    assert path == Path(slskd.downloads_dir) / lands_at
    assert path.resolve().is_relative_to(Path(slskd.downloads_dir).resolve())
    assert probe(path).format == "flac"


def test_downloads_lists_every_users_transfers(client, slskd):
    slskd.share(SharedFile("a", MP3, "mp3", transfer_seconds=0), SharedFile("b", FLAC, "flac", queued_seconds=5))
    for candidate in search(client, "one more time"):
        client.enqueue(candidate)

    states = {(t.username, t.state) for t in client.downloads()}
    assert states == {("a", "Completed, Succeeded"), ("b", "Queued, Remotely")}
    body = requests.get(f"{slskd.url}/api/v0/transfers/downloads/b", headers={"X-API-Key": "test-key"}, timeout=5)
    (directory,) = body.json()["directories"]
    assert (directory["directory"], directory["fileCount"]) == (ALBUM, 1)


def test_another_process_sees_the_transfer_move(client, slskd):
    # Long enough in the queue for the child Python to start and see it there.
    slskd.share(SharedFile("peer", MP3, "mp3", queued_seconds=1.5, transfer_seconds=FAST))
    client.enqueue(candidate_for(client, "one more time", MP3))
    script = (
        "import json, sys, time, requests\n"
        "url, key = sys.argv[1], sys.argv[2]\n"
        "states = []\n"
        "for _ in range(100):\n"
        "    body = requests.get(url, headers={'X-API-Key': key}, timeout=5).json()\n"
        "    state = body['directories'][0]['files'][0]['state']\n"
        "    states.append(state) if not states or states[-1] != state else None\n"
        "    if state.startswith('Completed'): break\n"
        "    time.sleep(0.03)\n"
        "print(json.dumps(states))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, f"{slskd.url}/api/v0/transfers/downloads/peer", slskd.api_key],
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert json.loads(result.stdout) == ["Queued, Remotely", "InProgress", "Completed, Succeeded"]
    assert probe(client.local_path(MP3)).format == "mp3"


def test_the_stand_in_never_failed_itself(client, slskd):
    slskd.share(SharedFile("peer", MP3, "mp3", transfer_seconds=0))
    client.enqueue(candidate_for(client, "one more time", MP3))
    wait_until_complete(client, "peer", MP3)
    client.downloads()
    assert slskd.errors == []


def test_context_manager_closes_and_removes_the_shared_files(tmp_path):
    with SlskdStandin(tmp_path / "downloads") as standin:
        standin.share(SharedFile("peer", MP3, "mp3"))
        served = standin.served_path("peer", MP3)
        assert served.exists() and standin.running
    assert not served.exists() and not standin.running
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{standin.url}/api/v0/session", timeout=2)
