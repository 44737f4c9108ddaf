"""A local stand-in for slskd: a real HTTP server on 127.0.0.1 that plays a small Soulseek network.

Tests share files (`SharedFile`) as if peers offered them; the stand-in answers the same endpoints
`providers.slskd.Slskd` calls, with bodies shaped like the recorded ones in tests/fixtures/slskd/, and
when a download finishes it writes the real file where slskd would: <downloads_dir>/<remote parent
folder>/<remote file name>, each made safe as the client's `local_path` expects.

A transfer's progress is worked out from the clock on every request, with no thread of its own, so a
Celery worker in another process can poll it and see it move. Usage:

    with standin_for(settings, tmp_path) as slskd:
        slskd.share(SharedFile("peer", "@@music\\\\Artist\\\\Album\\\\01 Artist - Title.flac", "flac"))
        ...  # run the code under test against settings.SLSKD_URL

Field names and state strings follow the recordings (naviseerr-*.json) and slskd's source
(src/slskd/Transfers/Types/Transfer.cs, TransfersController.cs). What the recordings do not show is
marked where it is made up.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import re
import shutil
import socketserver
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from audio.probe import AudioError, probe
from common.paths import UnsafePath, safe_join, split_remote_path
from tests.audio_factory import LOSSLESS, extension_for, make_audio, make_corrupt, make_mislabelled

BEHAVIOURS = frozenset({"ok", "stall", "corrupt", "truncated", "offline", "reject", "errored", "mislabelled"})
# How far a stalled transfer gets before it stops moving, and where an errored one breaks off.
STALL_FRACTION = 0.4
ERROR_FRACTION = 0.5
# Exception texts: slskd passes on Soulseek.NET's message; these are of that kind, not recorded.
REJECTED_MESSAGE = "File not shared."
ERRORED_MESSAGE = "Remote connection closed"
CANCELLED_MESSAGE = "Operation cancelled"
# A search's token, as in the recordings (one token per search; any number will do).
FIRST_TOKEN = 7618882
WORD = re.compile(r"\w+")


@dataclass
class SharedFile:
    """One file a peer shares on the simulated network."""

    username: str
    filename: str  # remote path with backslashes, e.g. "@@music\\Artist\\Album\\01 Artist - Title.flac"
    # mp3, flac, wav, aiff, m4a, alac, ogg, opus: what the served file really is (for "mislabelled",
    # what the peer claims it is: the search reports it so, but the bytes are an MP3's)
    format: str
    seconds: float = 3.0  # real length of the generated audio
    bitrate: int | None = None  # kbit/s reported in search results, and used to encode lossy files
    reported_length: int | None = None  # "length" in search results; round(seconds) when None
    vbr: bool = False
    locked: bool = False  # listed under lockedFiles; a download of it is rejected
    free_slot: bool = True
    queue_length: int = 0
    upload_speed: int = 5_000_000  # bytes/s, as the peer reports it
    # ok | stall (stops at 40 % forever) | corrupt (completes; the file is garbled after its first half:
    # only about half decodes, though the header still gives the full length; m4a and alac no longer open;
    # wav and aiff just hold noise, which nothing can tell from audio, so use a compressed format)
    # | truncated (completes; only the first half is written) | offline (enqueue fails)
    # | reject ("Completed, Rejected", no file) | errored (breaks off at 50 %: "Completed, Errored")
    # | mislabelled (an MP3's bytes under this name, whatever format says)
    behaviour: str = "ok"
    transfer_seconds: float = 1.0  # from leaving the peer's queue to "Completed, Succeeded"
    queued_seconds: float = 0.0  # time spent "Queued, Remotely", counted from the enqueue
    sample_rate: int = 44100
    bit_depth: int = 16  # lossless only: 16 or 24

    def __post_init__(self) -> None:
        if self.behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {self.behaviour!r}; use one of {', '.join(sorted(BEHAVIOURS))}")


@dataclass
class _Share:
    file: SharedFile
    path: Path  # the bytes the peer serves
    size: int
    pinned_to: str = ""  # lower-cased text a search must contain to return this file (add_search_results)


@dataclass
class _Search:
    id: str
    text: str
    token: int
    response_limit: int
    file_limit: int
    started: float  # monotonic
    started_at: datetime.datetime


@dataclass
class _Transfer:
    id: str
    share: _Share
    enqueued: float  # monotonic
    requested_at: datetime.datetime
    # Set once the transfer has ended; from then on it no longer moves.
    final_state: str = ""
    final_bytes: int = 0
    ended_at: datetime.datetime | None = None
    ended: float | None = None  # monotonic
    exception: str = ""
    removed: bool = False


@dataclass
class _Faults:
    fail_next: int = 0
    fail_next_status: int = 503
    status_for_all: int | None = None


class SlskdStandin:
    """A real slskd-like HTTP server in a background thread; see the module docstring."""

    def __init__(
        self, downloads_dir: str | os.PathLike[str], api_key: str = "test-key", *, search_delay: float = 0.0,
        post_delay: float = 0.0,
    ):
        self.downloads_dir = Path(downloads_dir)
        self.api_key = api_key
        self.search_delay = search_delay  # seconds before a search reports isComplete
        # Seconds slskd takes to answer a search POST (it has started the search by then); made up, for tests
        # that must catch a client in the middle of the POST.
        self.post_delay = post_delay
        self.port: int = 0
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._shares: list[_Share] = []
        self._searches: dict[str, _Search] = {}
        self._transfers: dict[str, _Transfer] = {}
        self._faults = _Faults()
        self._enqueued: list[tuple[str, str]] = []
        self._search_texts: list[str] = []
        self._cancelled: list[tuple[str, str]] = []
        self._requests: list[str] = []
        self._errors: list[str] = []
        self._shares_dir = tempfile.TemporaryDirectory(prefix="slskd-standin-shares-")

    # -- life cycle ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("the slskd stand-in has not been started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> SlskdStandin:
        """Listen (again, on the same port once it has one) and return self; starting twice is harmless."""
        with self._lock:
            if self._server is not None:
                return self
            self.downloads_dir.mkdir(parents=True, exist_ok=True)
            server = _Server(("127.0.0.1", self.port), _handler_for(self))
            self.port = server.server_address[1]
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"slskd-standin-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused until start(). What the network holds is kept."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(5)

    def set_down(self, down: bool) -> None:
        """Make slskd unreachable (down=True: nothing listens on the port) or bring it back on the same port."""
        if down:
            self.stop()
        else:
            self.start()

    def close(self) -> None:
        """Stop and delete the files the peers share."""
        self.stop()
        self._shares_dir.cleanup()

    def __enter__(self) -> SlskdStandin:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def settings_values(self) -> dict[str, str]:
        """Return the settings (and environment variables, for a worker process) that point at this stand-in."""
        return {"SLSKD_URL": self.url, "SLSKD_API_KEY": self.api_key, "SLSKD_DOWNLOADS_DIR": str(self.downloads_dir)}

    # -- the network --------------------------------------------------------------------------------

    def share(self, *files: SharedFile) -> list[SharedFile]:
        """Put files on the network; a search returns each whose filename holds every word of the search text.

        The rule: the search text and the full remote path are split into words (runs of letters, digits
        and _; case and punctuation ignored); a file matches when every word of the search is one of the
        path's words. "Daft Punk - One More Time" matches "@@x\\Daft Punk\\Discovery\\01 One More Time.mp3".
        """
        for shared in files:
            self._add_share(shared, pinned_to="")
        return list(files)

    def add_search_results(self, query_contains: str, *files: SharedFile) -> list[SharedFile]:
        """Share files that every search whose text contains query_contains (any case) returns, words or not."""
        if not query_contains.strip():
            raise ValueError("query_contains must not be empty")
        for shared in files:
            self._add_share(shared, pinned_to=query_contains.casefold())
        return list(files)

    def served_path(self, username: str, filename: str) -> Path:
        """Return the file the peer serves for username's filename (what a finished download copies)."""
        share = self._find_share(username, filename)
        if share is None:
            raise KeyError(f"{username} shares no {filename!r}")
        return share.path

    def _add_share(self, shared: SharedFile, *, pinned_to: str) -> None:
        served = Path(self._shares_dir.name) / f"{uuid.uuid4().hex}.{extension_for(shared.format)}"
        if shared.behaviour == "mislabelled":
            make_mislabelled(served, seconds=shared.seconds, bitrate_kbps=shared.bitrate or 320)
        else:
            make_audio(
                served, format=shared.format, seconds=shared.seconds, bitrate_kbps=shared.bitrate, vbr=shared.vbr,
                sample_rate=shared.sample_rate, bit_depth=shared.bit_depth,
            )
            if shared.behaviour == "corrupt":
                # The peer shares a damaged file: the size it reports is the damaged file's.
                make_corrupt(served, like=served)
        with self._lock:
            self._shares.append(_Share(shared, served, served.stat().st_size, pinned_to))

    def _find_share(self, username: str, filename: str) -> _Share | None:
        with self._lock:
            return next(
                (s for s in reversed(self._shares) if (s.file.username, s.file.filename) == (username, filename)),
                None,
            )

    # -- what the tests look at ---------------------------------------------------------------------

    @property
    def enqueued(self) -> list[tuple[str, str]]:
        """Every (username, filename) POSTed to enqueue, in order, offline and unknown files included."""
        with self._lock:
            return list(self._enqueued)

    @property
    def searches(self) -> list[str]:
        """Every searchText received, in order."""
        with self._lock:
            return list(self._search_texts)

    def search_log(self) -> list[tuple[str, str, float]]:
        """Every search started, in order: (id, searchText, time.monotonic() when slskd got it)."""
        with self._lock:
            return [(search.id, search.text, search.started) for search in self._searches.values()]

    @property
    def cancelled(self) -> list[tuple[str, str]]:
        """Every (username, filename) whose transfer was DELETEd, in order."""
        with self._lock:
            return list(self._cancelled)

    @property
    def requests(self) -> list[str]:
        """Every request received, as "METHOD /path?query", refused ones included."""
        with self._lock:
            return list(self._requests)

    @property
    def errors(self) -> list[str]:
        """Tracebacks of requests the stand-in itself failed on (answered 500); a test may assert it is empty."""
        with self._lock:
            return list(self._errors)

    def transfer_states(self) -> dict[tuple[str, str], str]:
        """Return each tracked (username, filename)'s state now, as GET /transfers/downloads would."""
        with self._lock:
            now = time.monotonic()
            return {
                (t.share.file.username, t.share.file.filename): self._snapshot(t, now)["state"]
                for t in self._transfers.values() if not t.removed
            }

    # -- faults ---------------------------------------------------------------------------------------

    def fail_next(self, n: int, status: int = 503) -> None:
        """Answer the next n requests, whatever they are, with status and an empty body."""
        with self._lock:
            self._faults.fail_next, self._faults.fail_next_status = n, status

    def set_status_for_all(self, status: int | None) -> None:
        """Answer every request with status until called again with None."""
        with self._lock:
            self._faults.status_for_all = status

    # -- request handling -------------------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, Any, dict[str, str]]:
        """Return (status, JSON-able body or None, extra headers) for one request."""
        with self._lock:
            self._requests.append(f"{method} {raw_path}")
            status = self._fault_status()
        if status is not None:
            return status, None, {"Retry-After": "1"} if status == 429 else {}
        # slskd answers a missing or wrong key with 401 and no body.
        if headers.get("X-API-Key") != self.api_key:
            return 401, None, {}
        url = urlsplit(raw_path)
        segments = [unquote(part) for part in url.path.split("/") if part]
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        if segments[:2] != ["api", "v0"]:
            return 404, None, {}
        route, rest = segments[2:3], segments[3:]
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            return 400, "the body is not JSON", {}
        if route == ["session"] and method == "GET" and not rest:
            return 200, None, {}
        if route == ["searches"]:
            return self._searches_route(method, rest, query, payload)
        if route == ["transfers"] and rest[:1] == ["downloads"]:
            return self._downloads_route(method, rest[1:], query, payload)
        return 404, None, {}

    def _fault_status(self) -> int | None:
        if self._faults.status_for_all is not None:
            return self._faults.status_for_all
        if self._faults.fail_next > 0:
            self._faults.fail_next -= 1
            return self._faults.fail_next_status
        return None

    def _searches_route(self, method: str, rest: list[str], query: dict[str, str], payload: Any):
        if method == "POST" and not rest:
            return self._start_search(payload)
        if method == "GET" and len(rest) == 1:
            with self._lock:
                search = self._searches.get(rest[0])
                if search is None:
                    return 404, None, {}
                include = query.get("includeResponses", "false").lower() == "true"
                return 200, self._search_body(search, include_responses=include), {}
        if method == "GET" and len(rest) == 2 and rest[1] == "responses":
            with self._lock:
                search = self._searches.get(rest[0])
                if search is None:
                    return 404, None, {}
                return 200, self._responses(search), {}
        return 404, None, {}

    def _start_search(self, payload: Any):
        if not isinstance(payload, dict) or not isinstance(payload.get("searchText"), str):
            return 400, "searchText is required", {}
        search_id = payload.get("id") or str(uuid.uuid4())
        with self._lock:
            if search_id in self._searches:
                return 409, f"A search with id {search_id} already exists", {}
            search = _Search(
                id=search_id, text=payload["searchText"], token=FIRST_TOKEN + len(self._searches),
                response_limit=int(payload.get("responseLimit") or 100),
                file_limit=int(payload.get("fileLimit") or 10000),
                started=time.monotonic(), started_at=_utcnow(),
            )
            self._searches[search_id] = search
            self._search_texts.append(search.text)
            # slskd answers the POST at once, before any peer has answered.
            body = self._search_body(search, include_responses=False, running=True)
        if self.post_delay:
            time.sleep(self.post_delay)
        return 200, body, {}

    def _search_body(self, search: _Search, *, include_responses: bool, running: bool = False) -> dict[str, Any]:
        responses = self._responses(search)
        complete = not running and time.monotonic() - search.started >= self.search_delay
        body: dict[str, Any] = {
            "fileCount": sum(r["fileCount"] for r in responses),
            "id": search.id,
            "isComplete": complete,
            "lockedFileCount": sum(r["lockedFileCount"] for r in responses),
            "responseCount": len(responses),
            "responses": responses if include_responses else [],
            "searchText": search.text,
            "startedAt": _iso(search.started_at, zulu=True),
            "state": "InProgress",
            "token": search.token,
        }
        if complete:
            limited = len(responses) >= search.response_limit
            body["state"] = "Completed, ResponseLimitReached" if limited else "Completed, TimedOut"
            body["endedAt"] = _iso(search.started_at + datetime.timedelta(seconds=self.search_delay), zulu=True)
        return body

    def _responses(self, search: _Search) -> list[dict[str, Any]]:
        """Return one response per peer with files matching the search, in the order they were shared."""
        words = set(WORD.findall(search.text.casefold()))
        text = search.text.casefold()
        by_user: dict[str, list[_Share]] = {}
        for share in self._shares:
            matched = (
                share.pinned_to in text if share.pinned_to
                else bool(words) and words <= set(WORD.findall(share.file.filename.casefold()))
            )
            if matched:
                by_user.setdefault(share.file.username, []).append(share)
        responses = []
        files_left = search.file_limit
        for username, shares in list(by_user.items())[: search.response_limit]:
            shares = shares[:files_left]
            files_left -= len(shares)
            if not shares:
                break
            peer = shares[0].file  # a peer's slot, queue and speed are taken from its first matching file
            files = [_search_file(s) for s in shares if not s.file.locked]
            locked = [_search_file(s) for s in shares if s.file.locked]
            responses.append({
                "fileCount": len(files),
                "files": files,
                "hasFreeUploadSlot": peer.free_slot,
                "lockedFileCount": len(locked),
                "lockedFiles": locked,
                "queueLength": peer.queue_length,
                "token": search.token,
                "uploadSpeed": peer.upload_speed,
                "username": username,
            })
        return responses

    def _downloads_route(self, method: str, rest: list[str], query: dict[str, str], payload: Any):
        if method == "GET" and not rest:
            with self._lock:
                now = time.monotonic()
                users = dict.fromkeys(t.share.file.username for t in self._transfers.values() if not t.removed)
                return 200, [self._user_body(username, now) for username in users], {}
        if method == "GET" and len(rest) == 1:
            with self._lock:
                body = self._user_body(rest[0], time.monotonic())
            return (200, body, {}) if body["directories"] else (404, None, {})
        if method == "POST" and len(rest) == 1:
            return self._enqueue(rest[0], payload)
        if method == "DELETE" and len(rest) == 2:
            return self._cancel(rest[1], remove=query.get("remove", "false").lower() == "true")
        return 404, None, {}

    def _enqueue(self, username: str, payload: Any):
        if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
            return 400, "expected a list of {filename, size}", {}
        enqueued, failed = [], []
        with self._lock:
            for item in payload:
                filename = str(item.get("filename", ""))
                self._enqueued.append((username, filename))
                share = self._find_share(username, filename)
                active = any(
                    (t.share.file.username, t.share.file.filename) == (username, filename)
                    and not t.removed and not self._snapshot(t, time.monotonic())["state"].startswith("Completed")
                    for t in self._transfers.values()
                )
                # An offline peer, a file the peer does not share, or one already on its way: slskd lists it as failed.
                if share is None or share.file.behaviour == "offline" or active:
                    failed.append(filename)
                    continue
                for old in self._transfers.values():
                    # slskd replaces a finished transfer of the same file with the new one.
                    if (old.share.file.username, old.share.file.filename) == (username, filename):
                        old.removed = True
                transfer = _Transfer(
                    id=str(uuid.uuid4()), share=share, enqueued=time.monotonic(), requested_at=_utcnow(),
                )
                self._transfers[transfer.id] = transfer
                enqueued.append(self._snapshot(transfer, transfer.enqueued))
        # The enqueue answer's shape is not recorded: {enqueued, failed} is what providers/slskd.py reads.
        return (201 if enqueued or not failed else 200), {"enqueued": enqueued, "failed": failed}, {}

    def _cancel(self, transfer_id: str, *, remove: bool):
        try:
            uuid.UUID(transfer_id)
        except ValueError:
            return 400, None, {}
        with self._lock:
            transfer = self._transfers.get(transfer_id)
            if transfer is None or transfer.removed:
                return 404, None, {}
            now = time.monotonic()
            snapshot = self._snapshot(transfer, now)
            if not snapshot["state"].startswith("Completed"):
                self._finish(transfer, "Completed, Cancelled", snapshot["bytesTransferred"], CANCELLED_MESSAGE)
            self._cancelled.append((transfer.share.file.username, transfer.share.file.filename))
            if remove:
                transfer.removed = True
        return 204, None, {}

    def _user_body(self, username: str, now: float) -> dict[str, Any]:
        """Return {username, directories: [{directory, fileCount, files}]}, grouped by remote folder like slskd."""
        directories: dict[str, list[dict[str, Any]]] = {}
        for transfer in self._transfers.values():
            if transfer.removed or transfer.share.file.username != username:
                continue
            directory = transfer.share.file.filename.rpartition("\\")[0]
            directories.setdefault(directory, []).append(self._snapshot(transfer, now))
        return {
            "username": username,
            "directories": [
                {"directory": name, "fileCount": len(files), "files": files} for name, files in directories.items()
            ],
        }

    # -- a transfer's progress -------------------------------------------------------------------------

    def _snapshot(self, transfer: _Transfer, now: float) -> dict[str, Any]:
        """Return the transfer object as slskd would show it at monotonic time now, ending it when its time has come."""
        shared, size = transfer.share.file, transfer.share.size
        elapsed = now - transfer.enqueued
        running = elapsed - shared.queued_seconds
        state, done, place = "", 0, None
        if transfer.final_state:
            state, done = transfer.final_state, transfer.final_bytes
        elif running < 0:
            state = "Queued, Remotely"
            waited = elapsed / shared.queued_seconds if shared.queued_seconds else 1.0
            place = 1 + math.floor(shared.queue_length * (1 - waited))
        elif shared.locked or shared.behaviour == "reject":
            self._finish(transfer, "Completed, Rejected", 0, REJECTED_MESSAGE)
            state = transfer.final_state
        else:
            duration = shared.transfer_seconds
            fraction = min(1.0, running / duration) if duration > 0 else 1.0
            if shared.behaviour == "stall":
                fraction = min(fraction, STALL_FRACTION)
            if shared.behaviour == "errored" and fraction >= ERROR_FRACTION:
                self._finish(transfer, "Completed, Errored", int(size * ERROR_FRACTION), ERRORED_MESSAGE)
                state, done = transfer.final_state, transfer.final_bytes
            elif fraction >= 1.0 and shared.behaviour != "stall":
                self._complete(transfer)
                state, done = transfer.final_state, transfer.final_bytes
            else:
                state, done = "InProgress", int(size * fraction)
        return self._transfer_body(transfer, state, done, place, now)

    def _transfer_body(
        self, transfer: _Transfer, state: str, done: int, place: int | None, now: float
    ) -> dict[str, Any]:
        shared, size = transfer.share.file, transfer.share.size
        # Time since the peer started sending; negative while the file still waits in the peer's queue.
        running = (transfer.ended if transfer.ended is not None else now) - transfer.enqueued - shared.queued_seconds
        started = running >= 0 and state != "Queued, Remotely" and transfer.final_state != "Completed, Rejected"
        started_at = transfer.requested_at + datetime.timedelta(seconds=shared.queued_seconds)
        elapsed = max(0.0, running)
        speed = done / elapsed if started and elapsed > 0 else 0.0
        body: dict[str, Any] = {
            "id": transfer.id,
            "username": shared.username,
            "direction": "Download",
            "filename": shared.filename,
            "size": size,
            "startOffset": 0,  # in slskd's Transfer type; not in the trimmed recording
            "state": state,
            "requestedAt": _iso(transfer.requested_at),
            "enqueuedAt": _iso(transfer.requested_at),
            "bytesTransferred": done,
            "averageSpeed": speed,
            "attempts": 1,
            "removed": transfer.removed,
            "bytesRemaining": size - done,
            "percentComplete": (done / size * 100) if size else 0,
        }
        if started:
            body["startedAt"] = _iso(started_at, zulu=True)
            body["elapsedTime"] = _timespan(elapsed)
        if transfer.ended_at is not None:
            body["endedAt"] = _iso(transfer.ended_at, zulu=True)
        if speed:
            body["remainingTime"] = _timespan((size - done) / speed)
        if place is not None:
            body["placeInQueue"] = place  # slskd omits it (null) until it has asked the peer
        if transfer.exception:
            body["exception"] = transfer.exception
        return body

    def _finish(self, transfer: _Transfer, state: str, done: int, exception: str = "") -> None:
        transfer.final_state, transfer.final_bytes, transfer.exception = state, done, exception
        transfer.ended_at, transfer.ended = _utcnow(), time.monotonic()

    def _complete(self, transfer: _Transfer) -> None:
        """Write the file where slskd would, then mark the transfer "Completed, Succeeded"."""
        share = transfer.share
        try:
            destination = safe_join(self.downloads_dir, split_remote_path(share.file.filename)[-2:])
        except UnsafePath as error:
            self._finish(transfer, "Completed, Errored", 0, f"cannot save the file: {error}")
            return
        destination.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed, so no reader ever sees half a file.
        descriptor, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".slskd-", suffix=".incomplete")
        os.close(descriptor)
        try:
            if share.file.behaviour == "truncated":
                make_corrupt(temporary, like=share.path, truncate=True)
            else:
                shutil.copyfile(share.path, temporary)
            os.replace(temporary, destination)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        self._finish(transfer, "Completed, Succeeded", share.size)


def _search_file(share: _Share) -> dict[str, Any]:
    """Return one file of a search response, shaped like the recorded ones."""
    shared = share.file
    body: dict[str, Any] = {
        "code": 1,
        "extension": "",  # every recorded file has an empty extension
        "filename": shared.filename,
        "isLocked": shared.locked,
        "length": shared.reported_length if shared.reported_length is not None else round(shared.seconds),
        "size": share.size,
    }
    if shared.format in LOSSLESS:
        # Not in the trimmed recordings; Soulseek.NET's File carries them for lossless files.
        body["bitDepth"] = shared.bit_depth
        body["sampleRate"] = shared.sample_rate
        if shared.bitrate is not None:
            body["bitRate"] = shared.bitrate
    else:
        body["bitRate"] = shared.bitrate if shared.bitrate is not None else _lossy_bitrate(share)
        body["isVariableBitRate"] = shared.vbr
    return body


def _lossy_bitrate(share: _Share) -> int | None:
    try:
        return probe(share.path).bitrate
    except AudioError:
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # so start() after stop() gets the same port back at once

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's full name, which can stall on a machine without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def _handler_for(standin: SlskdStandin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: every connection closes after its answer, so stop() leaves nothing still being served.
        protocol_version = "HTTP/1.0"
        server_version = "slskd-standin"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, payload, headers = standin.handle(self.command, self.path, self.headers, body)
            except Exception:  # noqa: BLE001 - a bug in the stand-in must reach the test, not kill the thread
                with standin._lock:
                    standin._errors.append(traceback.format_exc())
                status, payload, headers = 500, "the slskd stand-in failed; see standin.errors", {}
            data = b"" if payload is None or status == 204 else json.dumps(payload).encode()
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if data and self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_DELETE = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass  # the requests are in standin.requests; stderr stays quiet

    return Handler


def standin_for(settings, tmp_path: Path, *, api_key: str = "test-key") -> SlskdStandin:
    """Start a stand-in and point settings (pytest-django's fixture) at it; the caller stops it.

    Sets SLSKD_URL, SLSKD_API_KEY and SLSKD_DOWNLOADS_DIR (tmp_path/"slskd-downloads"). It is a
    context manager too: `with standin_for(settings, tmp_path) as slskd: ...` closes it at the end.
    """
    standin = SlskdStandin(Path(tmp_path) / "slskd-downloads", api_key=api_key).start()
    for name, value in standin.settings_values().items():
        setattr(settings, name, value)
    return standin


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _iso(moment: datetime.datetime, *, zulu: bool = False) -> str:
    """Return .NET's round-trip format, seven fractional digits, as in the recording ("...44.1003276Z")."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0" + ("Z" if zulu else "")


def _timespan(seconds: float) -> str:
    """Return a .NET TimeSpan string, e.g. "00:00:00.3452176"."""
    whole, fraction = divmod(max(0.0, seconds), 1)
    hours, rest = divmod(int(whole), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    ticks = round(fraction * 10_000_000)
    return f"{text}.{min(ticks, 9_999_999):07d}" if ticks else text
