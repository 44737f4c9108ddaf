"""Identification of tracklist lines: what a line is searched and compared as, the search, the decision, and the
writes that record it on the line (linked, waiting for review, provisional); a library track identified again at
once; and the metadata fetch of the tracks identification created.

Identification of one line (`discoveries_identify`), in order:
1. the library: a library track whose title, artists and version match the line;
2. the enabled providers that search, side by side within their shared limits (core.gather), one search per
   provider per line; every candidate scored by `matching`;
3. `matching.decide`: a clear winner (at least ACCEPT_THRESHOLD, ACCEPT_GAP ahead of the next other recording,
   the same version) is linked to a library track, and when several listings of that one recording lead, the
   canonical one by matching's stated rule, the rest kept on the line as alternatives; a close call waits for a
   person with its candidates and the reason; nothing usable becomes a provisional library track. "ID - ID" and
   its kin are never guessed. The line's `reason` says why, and `identified_by` which provider's candidate (or
   the library) is linked, which is what the statistics credit.

How the engine runs a discovery job's batches is `library/jobs.py`; a person's decisions on the lines left to them,
`library.review`; the library tracks the lines are linked to are written by `library.entries`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

import matching
from common.text import count_text
from core.gather import Gathered, gather
from core.queue import BrokerUnavailable
from library.entries import (
    library_track_ensure,
    library_track_provisional_create,
    library_track_sightings_recount,
    library_tracks_merge,
)
from library.models import IDENTIFIABLE_STATUSES, DiscoveryMethod, DiscoveryStatus, LibraryTrack, TrackDiscovery
from providers.base import Capability, RateLimited, TrackCandidate, parse_date
from providers.registry import providers_for
from tracks import metadata
from tracks import services as track_services
from tracks.models import Track

logger = logging.getLogger(__name__)

# Candidates kept on a line for a person to choose from.
CANDIDATES_KEPT = 8
SEARCH_LIMIT = 5

# A square bracket the parser kept at the end of a title names no version (those are read as the version): a label
# it could not tell from the list ("Uptown Funk [Columbia]"), or a note ("[Locked Groove]"). It stays on the line as
# written; a provider's title never holds it, so it is searched and compared without it.
_TRAILING_NOTE = re.compile(r"\s*\[[^\[\]]*\]\s*$")


def searched_title(title: str) -> str:
    """Return a line's title as it is searched and compared: without trailing notes in square brackets."""
    while True:
        shorter = _TRAILING_NOTE.sub("", title)
        if shorter == title or not shorter.strip():
            return title
        title = shorter


def query_of(discovery: TrackDiscovery) -> matching.Recording:
    """Return what matching compares of a line: its title and version, artists, label and catalogue number."""
    artists = tuple(discovery.artists or ()) or matching.split_artists(discovery.artist)
    return matching.Recording(
        title=searched_title(discovery.title), version=discovery.version, artists=artists, label=discovery.label,
        catalog_number=discovery.catalog_number,
    )


def _search_text(discovery: TrackDiscovery) -> tuple[str, str]:
    title = searched_title(discovery.title)
    return (discovery.artist or ", ".join(discovery.artists),
            f"{title} ({discovery.version})" if discovery.version else title)


def _search(client, discovery: TrackDiscovery, force_refresh: bool) -> list[TrackCandidate]:
    artist, title = _search_text(discovery)
    return client.search_tracks(artist=artist, title=title, limit=SEARCH_LIMIT, force_refresh=force_refresh)


def candidate_dict(candidate: TrackCandidate, scored: matching.Score, *, alternative: bool = False) -> dict[str, Any]:
    """Return what a line keeps of a scored candidate, for a person to compare side by side; alternative marks
    another listing of the recording linked (or shown first)."""
    return {
        **candidate.as_dict(), "score": round(scored.value, 3), "same_version": scored.same_version,
        "identifier_match": scored.identifier_match, "reasons": list(scored.reasons), "alternative": alternative,
    }


def candidate_of(kept: Any) -> TrackCandidate:
    """Return the TrackCandidate a line keeps as a dict (candidate_dict); raise ValueError if it is not one."""
    if not isinstance(kept, dict):
        raise ValueError("That candidate is no longer on this line; reload the page.")
    types = kept.get("release_types") or ()
    return TrackCandidate(
        source=str(kept.get("source") or ""), external_id=str(kept.get("external_id") or ""),
        title=str(kept.get("title") or ""), artists=tuple(str(name) for name in kept.get("artists") or ()),
        album=str(kept.get("album") or ""),
        duration=kept.get("duration") if isinstance(kept.get("duration"), int) else None,
        isrc=str(kept.get("isrc") or ""), label=str(kept.get("label") or ""), url=str(kept.get("url") or ""),
        version=str(kept.get("version") or ""), comment=str(kept.get("comment") or ""), video=kept.get("video") is True,
        release_types=tuple((str(pair[0]), pair[1]) for pair in types
                            if isinstance(pair, list | tuple) and len(pair) == 2),
        release_count=kept.get("release_count") if isinstance(kept.get("release_count"), int) else 0,
        official_release_count=(
            kept.get("official_release_count") if isinstance(kept.get("official_release_count"), int) else 0
        ),
        album_date=str(kept.get("album_date") or ""), country=str(kept.get("country") or ""),
        release_date=parse_date(kept.get("release_date")),
    )


def _kept(candidates: Sequence[TrackCandidate], decision: matching.Decision) -> list[dict[str, Any]]:
    """Return the candidates a line keeps: the one linked (or shown first), its alternatives, then the rest best
    first, CANDIDATES_KEPT at most."""
    first = [decision.index] if decision.index is not None else []
    order = [*first, *decision.alternatives]
    order += [index for index, _ in decision.ranked if index not in order]
    scores = dict(decision.ranked)
    return [
        candidate_dict(candidates[index], scores[index], alternative=index in decision.alternatives)
        for index in order[:CANDIDATES_KEPT]
    ]


def _library_match(discovery: TrackDiscovery) -> tuple[Track, matching.Score] | None:
    """Return the library's track for this line when it matches clearly, else None."""
    tracks = list(
        Track.objects.filter(library_entry__isnull=False, title__iexact=discovery.title)
        .select_related("library_entry")[:20]
    )
    if not tracks:
        return None
    decision = matching.decide(query_of(discovery), [metadata.recording_of(track) for track in tracks])
    if decision.outcome != matching.Outcome.ACCEPT:
        return None
    return tracks[decision.index], decision.score


@dataclass
class LineOutcome:
    """What identification decided for one line, and the write that records it."""

    status: str
    write: Callable[[], dict[str, Any]]
    error: str = ""


@dataclass
class IdentifyOutcome:
    lines: dict[Any, LineOutcome] = field(default_factory=dict)  # discovery pk -> outcome; missing: ask again
    wait: RateLimited | None = None
    interrupted: bool = False


def discoveries_identify(
    *, discoveries: Sequence[TrackDiscovery], force_refresh: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
) -> IdentifyOutcome:
    """Identify lines: the library first, then the providers side by side; return each line's decision."""
    outcome = IdentifyOutcome()
    to_search = []
    for discovery in discoveries:
        if discovery.status not in IDENTIFIABLE_STATUSES or discovery.method == DiscoveryMethod.MANUAL:
            outcome.lines[discovery.pk] = LineOutcome(discovery.status, lambda: {"skipped": True})
            continue
        found = _library_match(discovery)
        if found is not None and not force_refresh:
            track, scored = found
            outcome.lines[discovery.pk] = _linked(
                discovery, track, scored, method=DiscoveryMethod.LIBRARY, candidates=[], sources=["library"],
                identified_by="library", reason="the library's own track",
            )
        else:
            to_search.append(discovery)
    if not to_search:
        return outcome
    by_pk = {discovery.pk: discovery for discovery in to_search}
    clients = providers_for(Capability.SEARCH)
    gathered = gather(
        keys=list(by_pk), clients=clients, should_stop=should_stop,
        ask=lambda client, pk: _search(client, by_pk[pk], force_refresh),
    )
    outcome.wait, outcome.interrupted = gathered.wait, gathered.interrupted
    for pk, answers in gathered.by_key.items():
        if answers.complete:
            outcome.lines[pk] = _decide(by_pk[pk], answers)
    return outcome


def _decide(discovery: TrackDiscovery, answers: Gathered) -> LineOutcome:
    """Decide one searched line from every provider's candidates."""
    candidates: list[TrackCandidate] = answers.results
    sources = sorted(answers.answered_by)
    if answers.asked and not candidates and len(answers.errors) == answers.asked:
        # Every provider failed: nothing was learnt, so nothing is decided; the item fails and can be retried.
        return LineOutcome(discovery.status, lambda: {}, error="; ".join(answers.errors))
    query = query_of(discovery)
    decision = matching.decide(query, [metadata.recording_from(candidate) for candidate in candidates])
    kept = _kept(candidates, decision)
    if decision.outcome == matching.Outcome.ACCEPT:
        chosen = candidates[decision.index]
        return _linked(discovery, None, decision.score, method=DiscoveryMethod.API, candidates=kept, sources=sources,
                       candidate=chosen, identified_by=chosen.source, reason=decision.reason)
    if decision.outcome == matching.Outcome.REVIEW:
        confidence = decision.score.value

        def review() -> dict[str, Any]:
            _line_unlink(discovery)
            _line_save(discovery, status=DiscoveryStatus.NEEDS_REVIEW, confidence=confidence, method="",
                       candidates=kept, sources=sources, library_track=None, reason=decision.reason)
            return {"status": DiscoveryStatus.NEEDS_REVIEW, "confidence": round(confidence, 3)}

        return LineOutcome(DiscoveryStatus.NEEDS_REVIEW, review)
    return _provisional(discovery, kept, sources, answers.errors, reason=decision.reason)


def _linked(
    discovery: TrackDiscovery, track: Track | None, scored: matching.Score, *, method: str, candidates: list,
    sources: list[str], candidate: TrackCandidate | None = None, identified_by: str = "", reason: str = "",
) -> LineOutcome:
    def write() -> dict[str, Any]:
        chosen, created = ((track, False) if track is not None
                           else track_services.track_from_candidate(candidate=candidate))
        library_track, _ = library_track_ensure(track=chosen)
        provisional = library_track.is_provisional
        status = DiscoveryStatus.PROVISIONAL if provisional else DiscoveryStatus.IDENTIFIED
        _line_link(discovery, library_track)
        # A provisional library track is the text of an earlier line: the same text again, not an identification.
        _line_save(discovery, status=status, confidence=None if provisional else scored.value, method=method,
                   candidates=candidates, sources=sources, library_track=library_track,
                   identified_by="" if provisional else identified_by,
                   reason="the same text as a provisional library track" if provisional else reason)
        _line_facts_to_track(discovery, chosen)
        return {"status": status, "confidence": round(scored.value, 3), "library_track": str(library_track.pk),
                "track": str(chosen.pk), "created_track": str(chosen.pk) if created else ""}

    return LineOutcome(DiscoveryStatus.IDENTIFIED, write)


def _line_facts_to_track(discovery: TrackDiscovery, track: Track) -> None:
    """Give the track the line's label and catalogue number where the catalogue has none."""
    track_services.track_fields_fill(
        track=track, values={"label": discovery.label, "catalog_number": discovery.catalog_number},
        source="tracklist",
    )


def _provisional(
    discovery: TrackDiscovery, candidates: list, sources: list[str], errors: list[str], reason: str = "",
) -> LineOutcome:
    def write() -> dict[str, Any]:
        library_track = library_track_provisional_create(discovery=discovery)
        _line_link(discovery, library_track)
        _line_save(discovery, status=DiscoveryStatus.PROVISIONAL, confidence=None, method="", candidates=candidates,
                   sources=sources, library_track=library_track, reason=reason)
        return {"status": DiscoveryStatus.PROVISIONAL, "errors": errors}

    return LineOutcome(DiscoveryStatus.PROVISIONAL, write)


# --- A decision written on its line (library.review writes a person's through these too) ---


def _line_save(
    discovery: TrackDiscovery, *, status, confidence, method, candidates, sources, library_track,
    identified_by: str = "", reason: str = "",
) -> None:
    discovery.status, discovery.method, discovery.library_track = status, method, library_track
    discovery.confidence = None if confidence is None else max(0.0, min(1.0, round(confidence, 4)))
    discovery.candidates, discovery.sources_consulted = candidates, sources
    discovery.identified_by, discovery.reason = identified_by[:30], reason[:300]
    discovery.identified_at = timezone.now()
    discovery.save(update_fields=[
        "status", "method", "library_track", "confidence", "candidates", "sources_consulted", "identified_by",
        "reason", "identified_at",
    ])


def _line_link(discovery: TrackDiscovery, library_track: LibraryTrack) -> None:
    """Point the line at library_track and count the sighting; the track it pointed at before is recounted."""
    previous = discovery.library_track_id
    discovery.library_track, discovery.identified_at = library_track, timezone.now()
    discovery.save(update_fields=["library_track", "identified_at"])
    library_track_sightings_recount(library_track=library_track)
    if previous and previous != library_track.pk:
        library_track_sightings_recount(library_track=LibraryTrack.objects.get(pk=previous))


def line_link(*, discovery: TrackDiscovery, library_track: LibraryTrack) -> None:
    """Point a line at a library track (its status unchanged), counting the sighting."""
    _line_link(discovery, library_track)


def _line_unlink(discovery: TrackDiscovery) -> None:
    previous = discovery.library_track_id
    if previous:
        discovery.library_track = None
        discovery.save(update_fields=["library_track"])
        library_track_sightings_recount(library_track=LibraryTrack.objects.get(pk=previous))


# --- A library track identified again; new tracks enriched ---------------------------------


@dataclass
class TrackIdentified:
    """What identifying a library track again decided: the line's status, and the library track it now is."""

    status: str
    library_track: LibraryTrack
    line: TrackDiscovery
    merged: bool = False  # the provisional entry was merged into the recording found


def library_track_identify(*, library_track: LibraryTrack) -> TrackIdentified:
    """Identify a library track again from the tracklist line it was last heard as, asking the providers afresh
    (not their cache, not the library's own entry), by the same rule as discovery. A recording found for sure takes
    the line; a provisional entry is then merged into it (its sightings and want-list entry move along).

    Raise ValueError when no line of it can be identified (it came from a scan or by hand, or a person settled it),
    and RateLimited when a provider asks to wait."""
    line = (
        TrackDiscovery.objects.filter(library_track=library_track, status__in=IDENTIFIABLE_STATUSES)
        .exclude(method=DiscoveryMethod.MANUAL).select_related("tracklist").order_by("-identified_at", "-created_at")
        .first()
    )
    if line is None:
        raise ValueError(
            f"“{library_track}” was not heard in a tracklist line that can be identified again (it came from a scan "
            "or by hand, or a person decided its lines); fetch its metadata instead."
        )
    outcome = discoveries_identify(discoveries=[line], force_refresh=True)
    if outcome.wait is not None:
        raise outcome.wait
    decided = outcome.lines.get(line.pk)
    if decided is None or decided.error:
        return TrackIdentified(status=line.status, library_track=library_track, line=line)
    with transaction.atomic():
        result = decided.write()
        line.refresh_from_db()
        now = line.library_track or library_track
        merged = False
        if now.pk != library_track.pk and library_track.is_provisional and not now.is_provisional:
            merged = bool(library_tracks_merge(survivor=now, others=[LibraryTrack.objects.get(pk=library_track.pk)]))
    if result.get("created_track"):
        new_tracks_enrich(track_ids=[result["created_track"]], started_by="identify")
    now.refresh_from_db()
    return TrackIdentified(status=result.get("status", decided.status), library_track=now, line=line, merged=merged)


def new_tracks_enrich(*, track_ids: Sequence, started_by: str = "discovery") -> None:
    """Queue a metadata fetch for tracks identification created, so the other providers fill them in."""
    ids = list(Track.objects.filter(pk__in=list(track_ids), metadata_fetched_at__isnull=True)
               .values_list("pk", flat=True))
    if ids:
        try:
            track_services.metadata_fetch_jobs_create(tracks=ids, started_by=started_by)
        except BrokerUnavailable as exc:  # the tracks stay stale: the daily refresh fetches them
            logger.warning("Could not queue the metadata fetch of %s: %s", count_text(len(ids), "new track"), exc)
