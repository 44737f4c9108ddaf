"""The searching step: ask each download source in turn, in steps, then choose a file or ask a person.

A source that searches in the background (slskd) is asked in steps, holding the
search slot while its search runs: start the search, look at it until it is
complete or its deadline passes, read its answers and give the slot back. Where
the search stands is kept on the row (`search`) between steps. Its id is on the
row before slskd is asked to start it, so a resumed run looks at that search
(or starts it, under the same id, if slskd never got it) and never starts a second.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone

from downloads import choice
from downloads.models import Download, DownloadState
from downloads.moves import _fresh_transfer, download_move, download_note
from downloads.sources import URL, source, sources_in_order
from providers.base import DownloadCandidate, ProviderError, RateLimited
from tracks.models import Track

logger = logging.getLogger(__name__)
# Seconds until the next look at a search collecting answers. A download that waits holds no worker: its job comes
# back then.
SEARCH_POLL_SECONDS = 1.0
# slskd losing a search (it restarted) starts it again under the same id, this many times at most.
SEARCH_RESTARTS = 3


def _artist_names(track: Track) -> list[str]:
    return [name for name in (track.artists or [track.credit_name]) if name]



def _wanted(track: Track) -> choice.Wanted:
    return choice.Wanted(
        title=track.title, version=track.version, artists=tuple(_artist_names(track)),
        duration=float(track.duration) if track.duration else None,
    )



def queries_for(track: Track) -> list[str]:
    """The search texts for a track: artist, title and version; then without the version."""
    artist = next(iter(_artist_names(track)), "")
    with_version = " ".join(part for part in (artist, track.title, track.version) if part)
    without = " ".join(part for part in (artist, track.title) if part)
    return list(dict.fromkeys(q for q in (with_version, without) if q.strip()))



def _search(download: Download) -> float | None:
    """SEARCHING: ask each source in turn, then choose. A source that searches in the background (slskd) is
    asked in steps: start the search (its id on the row first), look at it until it is complete or its
    deadline passes, read its answers. Where it stands is kept on the row (`search`) between steps."""
    track = download.track
    wanted = _wanted(track)
    manual = download.query if any(q.get("manual") and q.get("query") == download.query
                                   for q in download.queries) else ""
    queries = [manual] if manual else queries_for(track)
    names = ["ytdlp"] if manual and URL.match(manual) else sources_in_order()
    state = dict(download.search or {})
    found = [DownloadCandidate(**item) for item in state.get("found", [])]
    searched = list(download.queries)
    used_query = state.get("used_query") or (queries[0] if queries else "")
    failure = state.get("failure") or None
    at_source, at_query = _search_position(state, names, queries)
    while queries and at_source < len(names):
        name, query = names[at_source], queries[at_query]
        # What the row keeps between steps: where the search stands and what earlier sources found.
        state.update(source=name, query=query, used_query=used_query, failure=failure,
                     found=[candidate.as_dict() for candidate in found])
        try:
            results, delay = _search_at(download, name, query, state, searched)
        except RateLimited:
            # Where it stands is kept: the next step carries on here once the wait is over.
            download_note(download=download, search=state, queries=searched)
            raise
        except ProviderError as exc:
            # One source failing never stops the others; with nothing found anywhere, its error decides.
            _search_let_go_of(name, state)
            failure = {"provider": exc.provider, "endpoint": exc.endpoint, "message": exc.message,
                       "transient": exc.transient}
            searched.append({"query": query, "source": name, "error": exc.message, "at": timezone.now().isoformat()})
            results, delay = None, None
        if delay is not None and results is None:
            if delay < 0:
                return None  # the download was cancelled meanwhile
            # Not finished: the next step carries on from here.
            if not download_note(download=download, search=state, queries=searched):
                return None
            return delay
        if results is not None:
            searched.append({"query": query, "source": name, "results": len(results), "at": timezone.now().isoformat()})
            if results:
                found.extend(results)
                used_query = query
        if results or results is None or at_query + 1 >= len(queries):
            # The version-less query only when the first finds nothing; a later source only when this one has
            # nothing sure.
            if choice.pick(choice.rank(found, wanted, quality=download.quality)) is not None:
                break
            at_source, at_query = at_source + 1, 0
        else:
            at_query += 1
        state = {"id": ""}
    if not found and failure is not None:
        # Every source failed: start afresh at the next try (a transient failure is retried with backoff).
        download_note(download=download, search={}, queries=searched)
        raise ProviderError(failure["provider"], failure["endpoint"], failure["message"],
                            transient=failure["transient"])
    ranked = choice.rank(found, wanted, quality=download.quality)
    shown = [scored.as_dict() for scored in ranked[: choice.SHOWN]]
    best = choice.pick(ranked)
    common = {"query": used_query, "queries": searched, "candidates_found": len(found),
              "candidates": shown, "search": {}}
    if best is not None:
        picked = {**best.as_dict(), "lossless_elsewhere": choice.lossless_elsewhere(ranked)}
        download_move(
            download=download, to=DownloadState.QUEUED, chosen=picked, source=best.candidate.source,
            chosen_by_person=False, **common, **_fresh_transfer(),
        )
        return 0.0
    if shown:
        download_move(
            download=download, to=DownloadState.AWAITING_CHOICE, error=_why_not_sure(len(found)), **common,
        )
        return None
    download_move(
        download=download, to=DownloadState.FAILED,
        error=f"Nothing found for {' / '.join(queries) or 'this track'}.", **common,
    )
    return None



def _search_position(state: dict[str, Any], names: list[str], queries: list[str]) -> tuple[int, int]:
    """Return (source, query) indexes of the search the row says is under way or next; (0, 0) when there is none."""
    if state.get("source") in names and state.get("query") in queries:
        return names.index(state["source"]), queries.index(state["query"])
    return 0, 0



def _search_at(
    download: Download, name: str, query: str, state: dict[str, Any], searched: list[dict[str, Any]],
) -> tuple[list | None, float | None]:
    """Search source `name` for query, or take the next step of its search in the background.

    Return (the files found, None) once the search is done; (None, seconds) while it goes on; (None, -1) when
    the download was cancelled meanwhile. Updates state with the search under way.
    """
    src = source(name)
    if not src.searches_in_background or URL.match(query):
        return src.search(query), None
    timeout = float(settings.SLSKD_SEARCH_TIMEOUT)
    search_id = state.get("id") or ""
    if not search_id:
        search_id = str(uuid.uuid4())
        until = timezone.now() + datetime.timedelta(seconds=timeout)
        state.update(source=name, query=query, id=search_id, until=until.isoformat(), restarts=0)
        # Intent first: a run that dies after this line finds the id and looks for the search before starting one.
        if not download_note(download=download, search=state, queries=searched):
            return None, -1
        try:
            src.search_begin(query, search_id=search_id, timeout=timeout)
        except RateLimited:
            state["id"] = ""  # nothing was started: a fresh id next time
            raise
        return _unless_cancelled(download, src, search_id, delay=0.0)  # look at once: it may be answered already
    done = src.search_done(search_id)
    if done is None:
        # slskd does not know it: the run that wrote the id died before asking, or slskd restarted. Start it
        # now, under the same id, so that it is never started twice.
        restarts = int(state.get("restarts") or 0) + 1
        if restarts > SEARCH_RESTARTS:
            raise ProviderError(name, "search", f"slskd lost the search for “{query}” {restarts - 1} times")
        until = timezone.now() + datetime.timedelta(seconds=timeout)
        state.update(restarts=restarts, until=until.isoformat())
        if not download_note(download=download, search=state, queries=searched):
            return None, -1
        src.search_begin(query, search_id=search_id, timeout=timeout)
        return _unless_cancelled(download, src, search_id, delay=SEARCH_POLL_SECONDS)
    left = (datetime.datetime.fromisoformat(state["until"]) - timezone.now()).total_seconds()
    if not done and left > 0:
        return None, min(SEARCH_POLL_SECONDS, left)
    results = src.search_results(search_id)  # complete, or out of time: what has arrived
    src.search_end(search_id)
    state["id"] = ""
    return results, None



def _unless_cancelled(download: Download, src, search_id: str, *, delay: float) -> tuple[None, float]:
    if Download.objects.filter(pk=download.pk, state=DownloadState.SEARCHING).exists():
        return None, delay
    src.search_end(search_id)  # cancelled while slskd was being asked: its slot is ours to give back
    return None, -1



def _search_let_go_of(name: str, state: dict[str, Any]) -> None:
    if state.get("id"):
        try:
            source(name).search_end(state["id"])
        except Exception:  # noqa: BLE001 - the slot lapses at the search's deadline anyway
            logger.warning("Could not give back the search slot of search %s", state["id"], exc_info=True)
        state["id"] = ""



def _why_not_sure(count: int) -> str:
    weak = " (a single result is a weak signal)" if count == 1 else ""
    return f"No file was a sure match among {count} found{weak}; choose one or search again."

