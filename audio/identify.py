"""Identification by sound: a file whose tags say too little (no title or no artist) is fingerprinted (fpcalc)
and looked up on AcoustID (`scan_identify`, a scan's step). The candidates are weighed by the rule every
identification uses (`sound_match_decide`, through `matching.decide`): a confident match is linked to the track
(`sound_match_apply`: its title, artists and MusicBrainz id with the source "acoustid", or the file moved to the
catalogue's track for that recording, which already had none, and the two merged); a close call waits on the scan's
page for a person (`scan_review_accept`); less is not identified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

import matching
from audio.file_matching import (
    _FOLLOWS,
    ACOUSTID_SOURCE,
    FILE_FIELDS,
    REPLACEABLE_BY_ACOUSTID,
    TAGS_SOURCE,
    _holds_other_file,
)
from audio.models import ScanJob, ScanJobItem
from common import dates
from core.jobs import ItemOutcome
from library import services as library_services
from library.models import LibraryTrack
from providers.base import TrackCandidate
from tracks import metadata
from tracks import services as track_services
from tracks.models import Track

# Candidates kept on a file's step (the scan's page lists them for a person to choose from), best first.
CANDIDATES_KEPT = 8


def acoustid_ready() -> str:
    """Return "" when AcoustID look-ups can run, else why not (for a note on the job)."""
    from providers.acoustid import AcoustID

    return AcoustID.disabled_reason() or ""


@dataclass
class SoundMatch:
    """What the look-up decided: "identified" (chosen), "needs_review" (candidates for a person) or "not_identified"."""

    status: str
    chosen: TrackCandidate | None
    confidence: float | None
    candidates: list[dict[str, Any]]


_SOUND_STATUS = {
    matching.Outcome.ACCEPT: "identified", matching.Outcome.REVIEW: "needs_review",
    matching.Outcome.NOTHING: "not_identified",
}


def sound_match_decide(query: matching.Recording, candidates: list[TrackCandidate]) -> SoundMatch:
    """Decide a look-up by the rule every identification uses (`matching.decide`, given AcoustID's scores as the
    candidates' sound): confident (ACCEPT_THRESHOLD, ACCEPT_GAP ahead of the next other recording) is taken, a close
    call (at least REVIEW_FLOOR) waits for a person, less is not identified.

    A candidate's confidence is the lower of AcoustID's score (how alike the sound is) and how well it agrees with
    what the file says: its title, artists and version when the tags give any (`matching.score`, so another version
    is capped far below the threshold), else its duration.
    """
    decision = matching.decide(
        query, [metadata.recording_from(candidate) for candidate in candidates],
        sound=[candidate.score for candidate in candidates],
    )
    kept = [
        {**candidates[index].as_dict(), "confidence": round(scored.value, 3), "reasons": list(scored.reasons)}
        for index, scored in decision.ranked[:CANDIDATES_KEPT]
    ]
    chosen = candidates[decision.index] if decision.outcome == matching.Outcome.ACCEPT else None
    confidence = decision.score.value if decision.score is not None else None
    return SoundMatch(_SOUND_STATUS[decision.outcome], chosen, confidence, kept)


def _query_of(track: Track, duration: int | None) -> matching.Recording:
    """Return what the file's own tags say of the track (its file name says too little to weigh)."""
    sources = track.metadata_sources or {}
    tagged = {name for name in ("title", "artists") if metadata.source_of(sources.get(name)) == TAGS_SOURCE}
    return matching.Recording(
        title=track.title if "title" in tagged else "", version=track.version if "title" in tagged else "",
        artists=tuple(track.artists or ()) if "artists" in tagged else (), duration=duration,
    )


def scan_identify(*, job: ScanJob, item: ScanJobItem) -> ItemOutcome:
    """Identify one file by its sound; the decision is written to its track (or kept for a person)."""
    from providers.acoustid import AcoustID, fingerprint_file

    track = item.track
    if track is None:
        return ItemOutcome(result={"status": "skipped", "reason": "the track was deleted"})
    reason = AcoustID.disabled_reason()
    if reason:
        return ItemOutcome(result={"status": "skipped", "reason": f"AcoustID is not set up: {reason}",
                                   "counts": {"not_identified": 1}})
    fingerprint = fingerprint_file(item.path)
    decided = sound_match_decide(_query_of(track, fingerprint.duration), AcoustID().lookup(fingerprint))

    def write() -> dict[str, Any]:
        result: dict[str, Any] = {
            "status": decided.status, "candidates": decided.candidates,
            "confidence": None if decided.confidence is None else round(decided.confidence, 3),
            "counts": {decided.status: 1},
        }
        if decided.chosen is not None:
            result.update(sound_match_apply(track_id=track.pk, candidate=decided.chosen))
        elif decided.status == "needs_review":
            library_services.library_track_doubt(
                track=track, note=f"AcoustID: a close call, see the scan job of {timezone.localdate():%Y-%m-%d}.",
            )
        return result

    return ItemOutcome(write=write)


def sound_match_apply(*, track_id, candidate: TrackCandidate) -> dict[str, Any]:
    """Link the track to the recording AcoustID found: its title, artists and MusicBrainz id (source "acoustid"),
    or, when the catalogue already has that recording without a file, move the file to it and merge the two."""
    now = timezone.now()
    track = Track.objects.select_for_update().get(pk=track_id)
    mbid = candidate.external_id
    other = Track.objects.select_for_update().filter(musicbrainz_recording_id=mbid).exclude(pk=track.pk).first()
    if other is not None:
        if _holds_other_file(other, track.file_path):
            library_services.library_track_doubt(
                track=track, note=f"AcoustID: the same recording as “{other}”, which has its own file.",
            )
            return {"status": "duplicate", "track": str(other.pk)}
        track_services.track_file_set(track=other, fields={name: getattr(track, name) for name in FILE_FIELDS})
        entry = library_services.library_track_confirm(track=other)
        track_services.track_file_set(track=track, fields={"file_path": "", "file_missing": False})
        stand_in = LibraryTrack.objects.filter(track_id=track.pk).first()
        if stand_in is not None:
            entry.refresh_from_db()
            library_services.library_tracks_merge(survivor=entry, others=[stand_in])
        return {"status": "identified", "track": str(other.pk), "merged": True}
    title, version, remixers = metadata.title_parts(candidate.title, candidate.version)
    given = metadata.fitted({
        "title": title, "version": version, "remixers": remixers, "artists": list(candidate.artists),
        "credit_name": candidate.artist, "musicbrainz_recording_id": mbid, "album": candidate.album,
        "release_date": candidate.release_date,
    })
    sources = dict(track.metadata_sources or {})
    updated = []
    for name, value in given.items():
        if value in (None, "", [], ()):
            continue
        if name in ("musicbrainz_recording_id", "album", "release_date"):
            if getattr(track, name):
                continue  # only filled in: a known id stays, and the file's own album says which release it is
        else:
            owner = _FOLLOWS.get(name, name)
            owner_source = metadata.source_of(sources.get(owner))
            if getattr(track, owner) not in (None, "", [], ()) and owner_source not in REPLACEABLE_BY_ACOUSTID:
                continue  # a provider's or a person's title and artists are kept
        setattr(track, name, value)
        sources[name] = metadata.source_entry(ACOUSTID_SOURCE, now)
        updated.append(name)
        if name == "release_date":
            track.release_date_precision = dates.precision_of(value)
            updated.append("release_date_precision")
    track.metadata_sources = sources
    track.save(update_fields=[*updated, "metadata_sources", "updated_at"])
    library_services.library_track_confirm(track=track)
    return {"status": "identified", "track": str(track.pk), "fields": updated}


@transaction.atomic
def scan_review_accept(*, item: ScanJobItem, index: int, chosen_by: str = "") -> dict[str, Any]:
    """Take the candidate at index for a file that needed review, as a person's choice."""
    item = ScanJobItem.objects.select_for_update().get(pk=item.pk)
    result = dict(item.result or {})
    if result.get("status") != "needs_review" or item.track_id is None:
        raise ValueError("This file no longer waits for a choice; reload the page.")
    try:
        chosen = result["candidates"][index]
    except (IndexError, KeyError, TypeError):
        raise ValueError("That candidate is no longer listed; reload the page.") from None
    candidate = TrackCandidate(
        source=ACOUSTID_SOURCE, external_id=str(chosen.get("external_id", "")), title=chosen.get("title", ""),
        artists=tuple(chosen.get("artists") or ()), album=chosen.get("album") or "", duration=chosen.get("duration"),
        release_date=dates.parse_release_date(chosen.get("release_date")) if chosen.get("release_date") else None,
        score=chosen.get("score"),
    )
    applied = sound_match_apply(track_id=item.track_id, candidate=candidate)
    result.update(applied)
    result["status"] = applied.get("status", "identified")
    result["chosen_by"] = chosen_by
    result["counts"] = {"identified": 1} if result["status"] == "identified" else {"duplicate": 1}
    ScanJobItem.objects.filter(pk=item.pk).update(result=result)
    return result
