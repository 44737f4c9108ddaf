"""slskd (Soulseek daemon): search the network, queue downloads, follow and cancel them.

slskd does the transfers itself; this client only tells it what to fetch and
asks how it is going. A search is started under an id we choose, polled until
slskd calls it complete, then read back with its responses. Download candidates
are never cached: who is online and how long their queues are changes by the minute.

The API is defined by slskd's controllers (there is no separate reference page;
a running slskd also serves it at /swagger).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from django.conf import settings

from common.paths import UnsafePath, safe_join, split_remote_path
from providers import ratelimit
from providers.base import Capability, DownloadCandidate, ProviderError, RateLimited, as_int
from providers.client import Provider
from providers.http import NotFound, path_segment, require

NAME = "slskd"
SEARCHES = "/api/v0/searches"
DOWNLOADS = "/api/v0/transfers/downloads"

# Endpoint names used in errors: templates, so no username or path ends up in a message.
START_SEARCH = "POST /api/v0/searches"
GET_SEARCH = "GET /api/v0/searches/{id}"
GET_RESPONSES = "GET /api/v0/searches/{id}?includeResponses=true"
ENQUEUE = "POST /api/v0/transfers/downloads/{username}"
USER_DOWNLOADS = "GET /api/v0/transfers/downloads/{username}"
ALL_DOWNLOADS = "GET /api/v0/transfers/downloads"
CANCEL = "DELETE /api/v0/transfers/downloads/{username}/{id}"
SESSION = "GET /api/v0/session"

# Seconds between two looks at a running search (find_downloads, which waits in its process).
POLL_INTERVAL = 0.5
# The one search at a time across every worker: a slot held by the search (SEARCH_SLOT_GRACE seconds past
# its deadline, for its answers to be read), and the budget of searches per window under the same name.
SEARCH_SLOT = "slskd-search"
SEARCH_SLOT_ENDPOINT = "search slot"
SEARCH_SLOT_GRACE = 1.0
# Soulseek.NET TransferStates flags that mean a transfer ended without the file.
# "Failed" is not one of them today; it is kept in case a later version adds it.
FAILED_FLAGS = frozenset({"Errored", "Rejected", "TimedOut", "Cancelled", "Aborted", "Failed"})


@dataclass(frozen=True)
class SearchState:
    """Where one slskd search stands."""

    id: str
    state: str  # slskd's flags string, e.g. "InProgress" or "Completed, TimedOut"
    is_complete: bool
    response_count: int = 0
    file_count: int = 0


@dataclass(frozen=True)
class Transfer:
    """One download slskd is tracking."""

    id: str
    username: str
    filename: str  # the remote path, with backslashes
    state: str  # slskd's flags string, e.g. "Queued, Remotely" or "Completed, Succeeded"
    is_complete: bool = False
    succeeded: bool = False
    failed: bool = False
    bytes_transferred: int = 0
    percent_complete: float = 0.0
    average_speed: float = 0.0  # bytes/s
    place_in_queue: int | None = None
    size: int = 0
    error: str = ""  # slskd's reason when the transfer failed, where it gives one


class Slskd(Provider):
    name = NAME
    label = "slskd (Soulseek)"
    capabilities = frozenset({Capability.DOWNLOAD})
    url_setting = "SLSKD_URL"
    required_settings = ("SLSKD_API_KEY",)
    credentials_help = "the API key from slskd's settings (web.authentication.api_keys)"

    def auth_headers(self) -> dict[str, str]:
        return {"X-API-Key": settings.SLSKD_API_KEY}

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Search/API/Controllers/SearchesController.cs
    # (Post)
    def start_search(
        self, query: str, *, search_id: str | None = None, file_limit: int = 10000, response_limit: int = 100,
        search_timeout_ms: int = 15000,
    ) -> str:
        """Start a network search for query (under search_id, or a new id) and return its id."""
        # slskd keeps the id it is given, so there is no need to read it back from the answer.
        search_id = search_id or str(uuid.uuid4())
        body = {
            "id": search_id,
            "searchText": query,
            "fileLimit": file_limit,
            "responseLimit": response_limit,
            "filterResponses": True,
            "searchTimeout": search_timeout_ms,
            "minimumResponseFileCount": 1,
        }
        # slskd answers 429 to a search POST while another is in flight, so every worker takes turns
        # (RateLimited, at once, when another holds the turn).
        with ratelimit.concurrency_slot(self.name, 1):
            self.http.request("POST", SEARCHES, json=body, kind="search", endpoint=START_SEARCH)
        return search_id

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Search/API/Controllers/SearchesController.cs
    # (GetById)
    def search_state(self, search_id: str) -> SearchState:
        """Return how far the search has got."""
        body = self._search(search_id, include_responses=False, endpoint=GET_SEARCH)
        return map_search_state(body)

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Search/API/Controllers/SearchesController.cs
    # (GetById)
    def search_responses(self, search_id: str) -> list[DownloadCandidate]:
        """Return every file the search has found so far.

        Locked files (ones the peer shares only with some users) are kept, with
        is_locked=True, so the caller decides whether to try them.
        """
        # GET /searches/{id}?includeResponses=true carries the same responses as
        # GET /searches/{id}/responses, inside the search object; it is the request
        # the recorded test bodies answer.
        body = self._search(search_id, include_responses=True, endpoint=GET_RESPONSES)
        require(
            isinstance(body, dict) and isinstance(body.get("responses"), list), self.name, GET_RESPONSES,
            "no responses list in the search",
        )
        return [candidate for response in body["responses"] for candidate in map_response(response)]

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Search/API/Controllers/SearchesController.cs
    # (GetById)
    def search_lookup(self, search_id: str) -> SearchState | None:
        """Return how far the search has got, or None when slskd has no such search
        (never started, or slskd restarted)."""
        try:
            body = self.http.get_json(
                f"{SEARCHES}/{path_segment(search_id)}", params={"includeResponses": "false"}, kind="search",
                endpoint=GET_SEARCH,
            )
        except NotFound:
            return None
        return map_search_state(body)

    def _search(self, search_id: str, *, include_responses: bool, endpoint: str) -> Any:
        try:
            return self.http.get_json(
                f"{SEARCHES}/{path_segment(search_id)}",
                params={"includeResponses": "true" if include_responses else "false"},
                kind="search",
                endpoint=endpoint,
            )
        except NotFound:
            raise ProviderError(
                self.name, endpoint,
                f"slskd has no search {search_id}; it was deleted or slskd restarted; search again",
            ) from None

    # A search in steps, as a download job makes it: search_begin starts it and holds the search slot until
    # its deadline; later steps look at it with search_lookup; the last reads search_responses and calls
    # search_end. Nothing waits in between: the job comes back when the next look is due.

    def search_begin(self, query: str, *, search_id: str, timeout: float) -> None:
        """Start a search for query under search_id, taking the one search slot until its deadline (timeout s).

        Searches are paced so the Soulseek account is never banned: one at a time across every worker,
        and at most SLSKD_SEARCHES_PER_WINDOW per SLSKD_SEARCH_WINDOW_SECONDS. Raise RateLimited, saying
        when to look again, when another search holds the slot or the window's budget is spent: nothing
        was started. The slot is held by the search itself, not by this process: it lapses at the
        deadline (slskd has stopped collecting answers by then) if search_end is never called. Beginning
        again under the same id (slskd lost the search) keeps the slot.
        """
        holder = search_holder(search_id)
        wait = ratelimit.slot_take(SEARCH_SLOT, holder, timeout + SEARCH_SLOT_GRACE)
        if wait is not None:
            raise RateLimited(self.name, SEARCH_SLOT_ENDPOINT, retry_after=min(wait, ratelimit.SLOT_RECHECK_SECONDS))
        try:
            ratelimit.window_acquire(
                SEARCH_SLOT, settings.SLSKD_SEARCHES_PER_WINDOW, settings.SLSKD_SEARCH_WINDOW_SECONDS, START_SEARCH,
            )
            self.start_search(query, search_id=search_id, search_timeout_ms=int(timeout * 1000))
        except ProviderError as exc:
            # A timeout or a 5xx may have started the search after all: keep the slot until its deadline.
            if isinstance(exc, RateLimited) or not exc.transient:
                ratelimit.slot_release(SEARCH_SLOT, holder)
            raise
        except BaseException:
            ratelimit.slot_release(SEARCH_SLOT, holder)
            raise

    def search_end(self, search_id: str) -> None:
        """Give the search slot back (the search's answers were read, or it is no longer wanted)."""
        ratelimit.slot_release(SEARCH_SLOT, search_holder(search_id))

    def find_downloads(self, query: str, *, timeout: float | None = None) -> list[DownloadCandidate]:
        """Search, wait up to timeout seconds for slskd to finish, and return every file found.

        This waits in the calling process: it is for a command, a shell or a test. A download job never
        calls it: it makes the same search in steps (search_begin, search_lookup, search_responses,
        search_end) and hands its worker back in between. Never cached: peers come and go, and their
        queues change by the minute.
        """
        timeout = settings.SLSKD_SEARCH_TIMEOUT if timeout is None else timeout
        search_id = str(uuid.uuid4())
        self.search_begin(query, search_id=search_id, timeout=timeout)
        try:
            deadline = time.monotonic() + timeout
            while not self.search_state(search_id).is_complete:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break  # out of time: use what has arrived
                time.sleep(min(POLL_INTERVAL, remaining))
            return self.search_responses(search_id)
        finally:
            self.search_end(search_id)

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Transfers/API/Controllers/TransfersController.cs
    # (EnqueueAsync)
    def enqueue(self, candidate: DownloadCandidate) -> None:
        """Ask slskd to download the candidate's file; raise ProviderError if it could not queue it."""
        response = self.http.request(
            "POST",
            f"{DOWNLOADS}/{path_segment(candidate.username)}",
            json=[{"filename": candidate.filename, "size": candidate.size}],
            # slskd reaches the remote user before it answers, which can take longer than a poll.
            kind="metadata",
            endpoint=ENQUEUE,
        )
        body = _json_or_none(response, ENQUEUE)
        if body is None:
            return  # older slskd answers 201 with no body
        require(isinstance(body, dict), self.name, ENQUEUE, "the answer is not an object")
        failed = body.get("failed") or []
        require(isinstance(failed, list), self.name, ENQUEUE, "failed is not a list")
        # slskd lists failed files by name, or (in some versions) as transfer objects.
        failed_names = {
            item.get("filename") if isinstance(item, dict) else item for item in failed if isinstance(item, str | dict)
        }
        if candidate.filename in failed_names:
            raise ProviderError(
                self.name, ENQUEUE,
                f'slskd could not queue "{candidate.filename}" from {candidate.username}; '
                "the user may be offline or refusing downloads; try another candidate",
            )

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Transfers/API/Controllers/TransfersController.cs
    # (GetDownloadsAsync)
    def transfer(self, username: str, filename: str) -> Transfer | None:
        """Return the download of filename from username, or None if slskd is not tracking it."""
        try:
            body = self.http.get_json(f"{DOWNLOADS}/{path_segment(username)}", kind="search", endpoint=USER_DOWNLOADS)
        except NotFound:
            return None  # slskd answers 404 when it tracks nothing from this user
        return next((item for item in map_user_transfers(body) if item.filename == filename), None)

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Transfers/API/Controllers/TransfersController.cs
    # (GetDownloadsAsync)
    def downloads(self) -> list[Transfer]:
        """Return every download slskd is tracking, from every user, in one call."""
        body = self.http.get_json(DOWNLOADS, kind="search", endpoint=ALL_DOWNLOADS)
        require(isinstance(body, list), NAME, ALL_DOWNLOADS, "not a list of users")
        return [item for user in body for item in map_user_transfers(user, ALL_DOWNLOADS)]

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Transfers/API/Controllers/TransfersController.cs
    # (CancelDownloadAsync)
    def cancel(self, username: str, transfer_id: str) -> None:
        """Cancel the download and have slskd forget it; a download already gone is fine."""
        try:
            self.http.request(
                "DELETE",
                f"{DOWNLOADS}/{path_segment(username)}/{path_segment(transfer_id)}",
                params={"remove": "true"},
                kind="search",
                endpoint=CANCEL,
            )
        except NotFound:
            return

    def local_path(self, filename: str) -> Path:
        """Return where slskd puts the finished download of the remote filename.

        slskd saves into its downloads directory under the remote file's parent
        folder: "@@x\\Music\\Album\\01 Track.flac" lands in <downloads>/Album/01 Track.flac
        (Extensions.ToLocalRelativeFilename in slskd's source). The peer chooses those names, so
        each is made safe and the result always stays inside the downloads directory.
        """
        if not settings.SLSKD_DOWNLOADS_DIR:
            raise ProviderError(
                self.name, "settings",
                "SLSKD_DOWNLOADS_DIR is not set; set it to slskd's downloads directory as this machine sees it",
            )
        parts = split_remote_path(filename)
        if not parts:
            raise ProviderError(self.name, "local path", f"the remote file name \"{filename}\" has no file in it")
        try:
            return safe_join(settings.SLSKD_DOWNLOADS_DIR, parts[-2:])
        except UnsafePath as error:
            # repr without its quotes: the name may hold NUL or control characters, which a message must not.
            shown = repr(filename)[1:-1]
            raise ProviderError(
                self.name, "local path", f'the remote file name "{shown}" is not a usable file name: {error}'
            ) from None

    # Reference: https://github.com/slskd/slskd/blob/master/src/slskd/Core/API/Controllers/SessionController.cs (Check)
    def check(self) -> str:
        # The session check is a no-op that answers 200 only to a valid API key.
        self.http.request("GET", "/api/v0/session", kind="search", endpoint=SESSION)
        return "slskd answered and accepted the API key"


def search_holder(search_id: str) -> str:
    """Return how the search slot names a search that holds it."""
    return f"slskd search {search_id}"


def map_search_state(raw: Any, endpoint: str = GET_SEARCH) -> SearchState:
    require(isinstance(raw, dict), NAME, endpoint, "not a search object")
    require(isinstance(raw.get("id"), str) and bool(raw["id"]), NAME, endpoint, "a search without an id")
    require(isinstance(raw.get("state"), str), NAME, endpoint, "a search without a state")
    require(isinstance(raw.get("isComplete"), bool), NAME, endpoint, "a search without isComplete")
    return SearchState(
        id=raw["id"],
        state=raw["state"],
        is_complete=raw["isComplete"],
        response_count=as_int(raw.get("responseCount")) or 0,
        file_count=as_int(raw.get("fileCount")) or 0,
    )


def map_response(raw: Any, endpoint: str = GET_RESPONSES) -> list[DownloadCandidate]:
    """Return one candidate per file in one peer's response, its locked files included."""
    require(
        isinstance(raw, dict) and isinstance(raw.get("username"), str) and bool(raw["username"]),
        NAME, endpoint, "a response without a username",
    )
    username = raw["username"]
    files = raw.get("files")
    locked_files = raw.get("lockedFiles")
    locked_files = [] if locked_files is None else locked_files
    require(isinstance(files, list), NAME, endpoint, f"the response from {username} has no files list")
    require(isinstance(locked_files, list), NAME, endpoint, f"the response from {username} has a bad lockedFiles")
    peer = {
        "username": username,
        "has_free_upload_slot": bool(raw.get("hasFreeUploadSlot")),
        "queue_length": as_int(raw.get("queueLength")) or 0,
        "upload_speed": as_int(raw.get("uploadSpeed")) or 0,
    }
    # slskd lists locked files apart and does not always set isLocked on them.
    return [map_file(item, peer, locked=False, endpoint=endpoint) for item in files] + [
        map_file(item, peer, locked=True, endpoint=endpoint) for item in locked_files
    ]


def map_file(raw: Any, peer: dict[str, Any], *, locked: bool, endpoint: str = GET_RESPONSES) -> DownloadCandidate:
    require(
        isinstance(raw, dict) and isinstance(raw.get("filename"), str) and bool(raw["filename"].strip()),
        NAME, endpoint, f"a file from {peer['username']} without a filename",
    )
    filename = raw["filename"]
    size = raw.get("size")
    require(
        isinstance(size, int) and not isinstance(size, bool) and size >= 0,
        NAME, endpoint, f"\"{filename}\" from {peer['username']} has no size",
    )
    return DownloadCandidate(
        source=NAME,
        external_id=f"{peer['username']}\\{filename}",
        filename=filename,
        size=size,
        extension=file_extension(raw.get("extension"), filename),
        bitrate=as_int(raw.get("bitRate")),
        bit_depth=as_int(raw.get("bitDepth")),
        sample_rate=as_int(raw.get("sampleRate")),
        duration=as_int(raw.get("length")),
        is_variable_bitrate=bool(raw.get("isVariableBitRate")),
        is_locked=locked or bool(raw.get("isLocked")),
        **peer,
    )


def map_user_transfers(raw: Any, endpoint: str = USER_DOWNLOADS) -> list[Transfer]:
    """Return the transfers in one user's {username, directories: [{directory, files}]} object."""
    require(isinstance(raw, dict) and isinstance(raw.get("directories"), list), NAME, endpoint, "no directories list")
    transfers = []
    for directory in raw["directories"]:
        require(
            isinstance(directory, dict) and isinstance(directory.get("files"), list),
            NAME, endpoint, "a directory without a files list",
        )
        transfers.extend(map_transfer(item, endpoint) for item in directory["files"])
    return transfers


def map_transfer(raw: Any, endpoint: str = USER_DOWNLOADS) -> Transfer:
    require(isinstance(raw, dict), NAME, endpoint, "a transfer that is not an object")
    for key in ("id", "username", "filename", "state"):
        require(isinstance(raw.get(key), str) and bool(raw[key]), NAME, endpoint, f"a transfer without {key}")
    flags = {flag.strip() for flag in raw["state"].split(",")}
    return Transfer(
        id=raw["id"],
        username=raw["username"],
        filename=raw["filename"],
        state=raw["state"],
        is_complete="Completed" in flags,
        succeeded="Succeeded" in flags,
        failed=bool(flags & FAILED_FLAGS),
        bytes_transferred=as_int(raw.get("bytesTransferred")) or 0,
        percent_complete=_as_float(raw.get("percentComplete")),
        average_speed=_as_float(raw.get("averageSpeed")),
        place_in_queue=as_int(raw.get("placeInQueue")),
        size=as_int(raw.get("size")) or 0,
        error=raw["exception"] if isinstance(raw.get("exception"), str) else "",
    )


def remote_path_parts(filename: str) -> list[str]:
    """Return the folders and file name of a remote path; peers use \\ and sometimes /."""
    return split_remote_path(filename)


def file_extension(extension: Any, filename: str) -> str:
    """Return slskd's extension, or the file name's when slskd gives none: lower-case, no dot."""
    if isinstance(extension, str) and extension.strip(" ."):
        return extension.strip().lstrip(".").lower()
    parts = remote_path_parts(filename)
    stem, dot, suffix = (parts[-1] if parts else "").rpartition(".")
    return suffix.lower() if dot and stem else ""


def _as_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0.0
    try:
        return float(value)
    except ValueError:
        return 0.0



def _json_or_none(response: requests.Response, endpoint: str) -> Any:
    """Return the response's JSON body, None for an empty body, or raise ProviderError."""
    if not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise ProviderError(NAME, endpoint, f"expected JSON but got {kind}") from None
