"""The review queue: a person's decisions on the lines identification left to them. Accept a candidate (and, in
bulk, the lines where only listings of one recording compete), settle a line as unidentifiable, or correct its
text and search again.

Which lines wait, and in what order, is `library.selectors`; the admin page, `library/admin_review.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

import matching
from library.entries import library_track_confirm, library_tracks_merge
from library.identification import (
    CANDIDATES_KEPT,
    _line_facts_to_track,
    _line_link,
    _line_save,
    _line_unlink,
    candidate_of,
    discoveries_identify,
    new_tracks_enrich,
    query_of,
)
from library.models import DiscoveryMethod, DiscoveryStatus, LibraryTrack, TrackDiscovery
from tracks import metadata
from tracks import services as track_services


@transaction.atomic
def discovery_accept(*, discovery: TrackDiscovery, index: int, reason: str = "") -> LibraryTrack:
    """Accept the candidate at index for this line, as a person's choice (method manual)."""
    discovery = TrackDiscovery.objects.select_for_update().get(pk=discovery.pk)
    try:
        chosen = discovery.candidates[index]
    except (IndexError, TypeError):
        raise ValueError("That candidate is no longer on this line; reload the page.") from None
    candidate = candidate_of(chosen)
    track, created = track_services.track_from_candidate(candidate=candidate)
    library_track = library_track_confirm(track=track)
    stand_in = discovery.library_track if discovery.library_track_id != library_track.pk else None
    _line_link(discovery, library_track)
    if stand_in is not None and stand_in.is_provisional:
        # The provisional entry the line stood for (say, wanted from the review queue) is this track.
        library_tracks_merge(survivor=library_track, others=[stand_in])
    _line_save(discovery, status=DiscoveryStatus.IDENTIFIED, confidence=chosen.get("score"),
               method=DiscoveryMethod.MANUAL, candidates=discovery.candidates,
               sources=discovery.sources_consulted, library_track=library_track, identified_by=candidate.source,
               reason=reason or "a person's choice")
    _line_facts_to_track(discovery, track)
    if created:
        transaction.on_commit(lambda: new_tracks_enrich(track_ids=[track.pk], started_by="review"))
    return library_track


@dataclass(frozen=True)
class BulkAccept:
    """What accepting the duplicates of one recording did: lines accepted, and those left for a person, by why."""

    accepted: int = 0
    left: dict[str, int] = field(default_factory=dict)


# Why a line in review is left to a person by the bulk accept.
LEFT_DIFFERENT = "different recordings or versions compete"
LEFT_OLD = "its candidates were found before their versions were kept: search it again"
LEFT_UNSEEN = "more candidates were found than kept: search it again"


def _duplicates_only(discovery: TrackDiscovery) -> tuple[int | None, str]:
    """Return the index of the candidate to link when only listings of one recording compete on this line (by the
    rule identification uses, `matching.decide`), else None and why not."""
    try:
        candidates = [candidate_of(kept) for kept in discovery.candidates or []]
    except ValueError:
        return None, LEFT_DIFFERENT
    # A MusicBrainz candidate kept before its disambiguation and release types were might be a live take.
    if any(kept.get("source") == "musicbrainz" and "comment" not in kept for kept in discovery.candidates):
        return None, LEFT_OLD
    decision = matching.decide(query_of(discovery), [metadata.recording_from(found) for found in candidates])
    if decision.outcome != matching.Outcome.ACCEPT:
        return None, LEFT_DIFFERENT
    # A line keeps CANDIDATES_KEPT at most: when every one kept is a listing of the winner, a rival may be unseen.
    if decision.rival is None and len(candidates) >= CANDIDATES_KEPT:
        return None, LEFT_UNSEEN
    return decision.index, decision.reason


def discoveries_accept_duplicates(*, discoveries: Iterable[TrackDiscovery]) -> BulkAccept:
    """Accept, on each line waiting for review, the canonical one of its leading candidates where they are all
    listings of one recording (one song, one version), as identification now does by itself; leave every other
    line for a person. Lines reviewed from before that rule existed are the ones this settles."""
    accepted, left = 0, {}
    for discovery in discoveries:
        if discovery.status != DiscoveryStatus.NEEDS_REVIEW:
            continue
        index, why = _duplicates_only(discovery)
        if index is None:
            left[why] = left.get(why, 0) + 1
            continue
        discovery_accept(discovery=discovery, index=index, reason=f"accepted in bulk: {why}")
        accepted += 1
    return BulkAccept(accepted, left)


@transaction.atomic
def discovery_mark_unidentifiable(*, discovery: TrackDiscovery) -> None:
    """Settle a line as unidentifiable: no guess is ever made for it."""
    _line_unlink(discovery)
    _line_save(discovery, status=DiscoveryStatus.UNIDENTIFIABLE, confidence=None, method=DiscoveryMethod.MANUAL,
               candidates=discovery.candidates, sources=discovery.sources_consulted, library_track=None,
               reason="a person's choice: unidentifiable")


def discovery_search_again(
    *, discovery: TrackDiscovery, artist: str, title: str, version: str = "",
) -> str:
    """Correct the line's artist, title and version, and identify it again here; return its new status."""
    discovery.artist, discovery.title, discovery.version = (
        artist.strip()[:500], title.strip()[:500], version.strip()[:300])
    discovery.artists = list(matching.split_artists(discovery.artist))
    remixer = matching.parse_title(f"x ({discovery.version})").remixer if discovery.version else ""
    discovery.remixers = list(matching.split_artists(remixer)) if remixer else []
    discovery.status, discovery.method = DiscoveryStatus.PENDING, ""
    discovery.save(update_fields=["artist", "artists", "title", "version", "remixers", "status", "method"])
    outcome = discoveries_identify(discoveries=[discovery])
    decided = outcome.lines.get(discovery.pk)
    if outcome.wait is not None:
        raise outcome.wait
    if decided is None or decided.error:
        return DiscoveryStatus.PENDING
    with transaction.atomic():
        result = decided.write()
    if result.get("created_track"):
        new_tracks_enrich(track_ids=[result["created_track"]], started_by="review")
    return result.get("status", decided.status)
