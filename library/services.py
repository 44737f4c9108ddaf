"""Every write of the library: tracklists and their lines, identification, sightings, merges and the review queue.

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
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

import matching
from common.text import and_join, count_text, storable
from core import jobs
from core.gather import Gathered, gather
from core.queue import BrokerUnavailable
from library import parsing
from library.models import (
    IDENTIFIABLE_STATUSES,
    DiscoveryJob,
    DiscoveryMethod,
    DiscoveryStatus,
    LibraryTrack,
    TrackDiscovery,
    Tracklist,
)
from library.selectors import discovery_job_under_way
from providers.base import Capability, RateLimited, TrackCandidate, parse_date
from providers.registry import providers_for
from tracks import metadata
from tracks import services as track_services
from tracks.models import Track

logger = logging.getLogger(__name__)

# The largest tracklist taken, pasted or uploaded (a five-hour mix's list is under 50 KB; this is a whole archive).
TRACKLIST_MAX_BYTES = 5 * 1024 * 1024
TRACKLIST_MAX_TEXT = "5 MB"
# Candidates kept on a line for a person to choose from.
CANDIDATES_KEPT = 8
SEARCH_LIMIT = 5

_STATUS_OF_LINE = {
    parsing.LineStatus.PARSED: DiscoveryStatus.PENDING,
    parsing.LineStatus.UNIDENTIFIABLE: DiscoveryStatus.UNIDENTIFIABLE,
    parsing.LineStatus.UNPARSED: DiscoveryStatus.UNPARSED,
}


class TracklistError(ValueError):
    """A tracklist that cannot be read; the message is for a person."""


# --- Tracklists and their lines ------------------------------------------------------------


def _discovery_of(tracklist: Tracklist, line: parsing.ParsedLine) -> TrackDiscovery:
    return TrackDiscovery(
        tracklist=tracklist, position=line.position, raw_text=line.raw[:1000],
        timestamp=datetime.timedelta(seconds=line.timestamp) if line.timestamp is not None else None,
        artist=line.artist[:500], artists=list(line.artists), title=line.title[:500], version=line.version[:300],
        remixers=list(line.remixers), label=line.label[:300], catalog_number=line.catalog_number[:100],
        together=line.together, status=_STATUS_OF_LINE.get(line.status, DiscoveryStatus.UNPARSED),
    )


@dataclass(frozen=True)
class LinesChange:
    """What setting a tracklist's lines did: lines added (new or changed text), removed, and kept as they were."""

    added: int = 0
    removed: int = 0
    kept: int = 0
    unparsed: int = 0

    @property
    def total(self) -> int:
        return self.added + self.kept

    def __str__(self) -> str:
        if not self.kept and not self.removed:
            said = f"Read {count_text(self.added, 'line')}."
        else:
            parts = [f"{count_text(self.added, 'line')} added" if self.added else "",
                     f"{count_text(self.removed, 'line')} removed" if self.removed else "",
                     f"{count_text(self.kept, 'line')} kept with {'its' if self.kept == 1 else 'their'} identification"
                     if self.kept else ""]
            said = and_join(parts) + "."
        if self.unparsed:
            said += f" {count_text(self.unparsed, 'line')} could not be read and {'is' if self.unparsed == 1 else 'are'} kept as unparsed."
        return said


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _line_key(line: TrackDiscovery) -> tuple:
    """Return what makes two lines the same line of a tracklist: what was read from it, not its number or time, so a
    line inserted above a numbered list or a retimed mix keeps every line below it; a line the parser read nothing
    from (unparsed, "ID - ID") is compared by its text. A person's decision (unidentifiable included) is no part."""
    if line.artist or line.title:
        return ("read", *(_fold(value) for value in (line.artist, line.title, line.version, line.label,
                                                      line.catalog_number)))
    return ("text", _fold(line.raw_text))


@transaction.atomic
def tracklist_lines_set(*, tracklist: Tracklist, lines: Sequence[parsing.ParsedLine]) -> LinesChange:
    """Set the tracklist's lines to these, keeping every line whose text is unchanged as it is.

    New lines are matched to the old ones by what they read (`_line_key`), in order, duplicates one for one: a kept
    line keeps its status, method, candidates, library track and a person's accept or refusal, taking only its new
    position, time and "played with" mark; a new or changed line is added pending; a removed line goes, and the
    library tracks it was sighted as are recounted."""
    Tracklist.objects.select_for_update().filter(pk=tracklist.pk).first()  # one edit of a tracklist at a time
    old = list(tracklist.discoveries.order_by("position"))
    unused: dict[tuple, list[TrackDiscovery]] = {}
    for line in old:
        unused.setdefault(_line_key(line), []).append(line)
    kept: list[TrackDiscovery] = []
    added: list[TrackDiscovery] = []
    for parsed in lines:
        fresh = _discovery_of(tracklist, parsed)
        same = unused.get(_line_key(fresh))
        if same:
            line = same.pop(0)
            line.position, line.timestamp, line.together, line.raw_text = (
                fresh.position, fresh.timestamp, fresh.together, fresh.raw_text,
            )
            kept.append(line)
        else:
            added.append(fresh)
    removed = [line for rest in unused.values() for line in rest]
    sighted = {line.library_track_id for line in removed if line.library_track_id}
    TrackDiscovery.objects.filter(pk__in=[line.pk for line in removed]).delete()
    # Positions are unique per tracklist: the kept lines step aside past every position in use, then come back.
    aside = max([line.position for line in old] + [line.position for line in (*kept, *added)] + [0]) + 1
    if kept:
        for line in kept:
            line.position += aside
        TrackDiscovery.objects.bulk_update(kept, ["position", "timestamp", "together", "raw_text"], batch_size=1000)
    TrackDiscovery.objects.bulk_create(added, batch_size=1000)
    if kept:
        for line in kept:
            line.position -= aside
        TrackDiscovery.objects.bulk_update(kept, ["position"], batch_size=1000)
    for library_track in LibraryTrack.objects.filter(pk__in=sighted):
        library_track_sightings_recount(library_track=library_track)
    unparsed = sum(1 for line in added if line.status == DiscoveryStatus.UNPARSED)
    return LinesChange(added=len(added), removed=len(removed), kept=len(kept), unparsed=unparsed)


@transaction.atomic
def tracklist_create(
    *, name: str, dj: str = "", date: datetime.date | None = None, source_url: str = "", raw_text: str = "",
    lines: Sequence[parsing.ParsedLine] | None = None,
) -> Tracklist:
    """Create a tracklist and its lines: those given, or raw_text parsed (whose own title line, DJ, date and link
    then fill what is not given)."""
    if lines is None:
        parsed = parsing.parse_text(raw_text)
        lines = parsed.lines
        name, dj, date, source_url = (name or parsed.name, dj or parsed.dj, date or parsed.date,
                                      source_url or parsed.source_url)
    name, dj, source_url, raw_text = storable((name, dj, source_url, raw_text))
    tracklist = Tracklist.objects.create(
        name=name[:500] or "Untitled mix", dj=dj[:300], date=date, source_url=source_url[:1000], raw_text=raw_text,
    )
    tracklist_lines_set(tracklist=tracklist, lines=lines)
    return tracklist


def tracklists_import(
    *, filename: str, data: bytes, name: str = "", dj: str = "", date: datetime.date | None = None,
    source_url: str = "",
) -> list[Tracklist]:
    """Import a .txt, .csv or .cue file: one tracklist per mix it holds. Raise TracklistError if unreadable."""
    try:
        mixes = parsing.parse_file(filename, data)
    except parsing.TracklistError as exc:
        raise TracklistError(str(exc)) from None
    if not mixes or not any(mix.lines for mix in mixes):
        raise TracklistError(f"“{filename}” holds no tracklist lines.")
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return tracklists_create_from_mixes(mixes=mixes, name=name, dj=dj, date=date, source_url=source_url, stem=stem)


def tracklists_create_from_mixes(
    *, mixes: Sequence[parsing.ParsedTracklist], name: str = "", dj: str = "", date: datetime.date | None = None,
    source_url: str = "", stem: str = "",
) -> list[Tracklist]:
    """Create one tracklist per mix read from a file. A name given names a file's only mix; of several, each is named
    by its own title line, else the name given, else stem (the file's name). A DJ, date or link given outranks the
    mix's own."""
    created = []
    with transaction.atomic():
        for mix in mixes:
            raw = "\n".join(line.raw for line in mix.lines)
            title = name if name and len(mixes) == 1 else (mix.name or name or stem)
            created.append(tracklist_create(
                name=title, dj=dj or mix.dj, date=date or mix.date, source_url=source_url or mix.source_url, raw_text=raw,
                lines=mix.lines,
            ))
    return created


# --- Identification ------------------------------------------------------------------------


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
    return discovery.artist or ", ".join(discovery.artists), f"{title} ({discovery.version})" if discovery.version else title


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
        album=str(kept.get("album") or ""), duration=kept.get("duration") if isinstance(kept.get("duration"), int) else None,
        isrc=str(kept.get("isrc") or ""), label=str(kept.get("label") or ""), url=str(kept.get("url") or ""),
        version=str(kept.get("version") or ""), comment=str(kept.get("comment") or ""), video=kept.get("video") is True,
        release_types=tuple((str(pair[0]), pair[1]) for pair in types if isinstance(pair, list | tuple) and len(pair) == 2),
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
        Track.objects.filter(library_entry__isnull=False, title__iexact=discovery.title).select_related("library_entry")[:20]
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
        chosen, created = (track, False) if track is not None else track_services.track_from_candidate(candidate=candidate)
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


def library_track_provisional_create(*, discovery: TrackDiscovery) -> LibraryTrack:
    """Return a new provisional library track made from the line's own text: tied to no provider's recording."""
    track = track_services.track_provisional_create(values={
        "title": discovery.title or discovery.raw_text, "version": discovery.version,
        "remixers": list(discovery.remixers), "artists": list(discovery.artists), "credit_name": discovery.artist,
        "label": discovery.label, "catalog_number": discovery.catalog_number,
    })
    library_track, _ = library_track_ensure(track=track, provisional=True)
    return library_track


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


# --- Library tracks: every LibraryTrack row is made (and marked sure or provisional) here ----------------------------


def library_track_ensure(*, track: Track, provisional: bool = False) -> tuple[LibraryTrack, bool]:
    """Return the track's library entry, adding the track to the library (provisional or not) when it is not
    there; and whether it was added."""
    return LibraryTrack.objects.get_or_create(track=track, defaults={"is_provisional": provisional})


def library_tracks_ensure(*, provisional: Mapping[Any, bool]) -> int:
    """Add to the library, in bulk, the tracks (their ids, each mapped to whether its entry is provisional) that
    are not in it yet: a scan's files, a few hundred at a time. Return how many were added."""
    ids = list(provisional)
    have = set(LibraryTrack.objects.filter(track_id__in=ids).values_list("track_id", flat=True))
    added = LibraryTrack.objects.bulk_create(
        [LibraryTrack(track_id=pk, is_provisional=provisional[pk]) for pk in ids if pk not in have], batch_size=500,
    )
    return len(added)


def library_track_confirm(*, track: Track) -> LibraryTrack:
    """Return the track's library entry, added if it is not there, and no longer provisional: which recording it
    is, is now known."""
    library_track, _ = library_track_ensure(track=track)
    if library_track.is_provisional:
        LibraryTrack.objects.filter(pk=library_track.pk).update(is_provisional=False)
        library_track.is_provisional = False
    return library_track


def library_track_doubt(*, track: Track, note: str) -> bool:
    """Put the track's library entry back to provisional with a note saying why (a close call, a second copy), once:
    a note it holds already changes nothing. A track not in the library is left alone. Return whether it was
    noted."""
    library_track = LibraryTrack.objects.filter(track=track).first()
    note = storable(" ".join(str(note or "").split()))
    if library_track is None or not note or note in (library_track.notes or ""):
        return False
    library_track.notes, library_track.is_provisional = f"{library_track.notes}\n{note}".strip(), True
    LibraryTrack.objects.filter(pk=library_track.pk).update(notes=library_track.notes, is_provisional=True)
    return True


def library_track_note_add(*, library_track: LibraryTrack, note: str) -> bool:
    """Add a line to the library track's notes unless they hold it already; return whether it was added."""
    note = storable(" ".join(str(note or "").split()))
    if not note or note in (library_track.notes or ""):
        return False
    library_track.notes = f"{library_track.notes}\n{note}".strip()
    LibraryTrack.objects.filter(pk=library_track.pk).update(notes=library_track.notes)
    return True


def library_track_sightings_recount(*, library_track: LibraryTrack) -> None:
    """Set discovered_from, discovery_count (distinct mixes), first_discovered and last_seen from its lines."""
    lines = TrackDiscovery.objects.filter(library_track=library_track)
    mixes = set(lines.values_list("tracklist_id", flat=True).distinct())
    library_track.discovered_from.set(mixes)
    seen = lines.aggregate(first=Min("identified_at"), last=Max("identified_at"))
    now = timezone.now()
    LibraryTrack.objects.filter(pk=library_track.pk).update(
        discovery_count=len(mixes),
        first_discovered=library_track.first_discovered or seen["first"] or (now if mixes else None),
        last_seen=seen["last"] or library_track.last_seen,
    )


# --- Jobs ----------------------------------------------------------------------------------


def discovery_jobs_create(
    *, tracklists: Iterable[Tracklist], started_by: str = "", force_refresh: bool = False, enqueue_now: bool = True,
) -> list[DiscoveryJob]:
    """Start a discovery job per tracklist over its lines that identification looks at."""
    created = []
    for tracklist in tracklists:
        lines = lines_to_identify(tracklist=tracklist)
        items = [{"discovery_id": pk} for pk in lines.order_by("position").values_list("pk", flat=True)]
        created.append(jobs.job_create(
            model=DiscoveryJob, items=items, started_by=started_by, enqueue_now=enqueue_now, tracklist=tracklist,
            force_refresh=force_refresh,
        ))
    return created


def lines_to_identify(*, tracklist: Tracklist):
    """Return the tracklist's lines identification looks at: not settled, and not a person's choice."""
    return tracklist.discoveries.filter(status__in=IDENTIFIABLE_STATUSES).exclude(method=DiscoveryMethod.MANUAL)


@dataclass
class DiscoveryStarted:
    """What asking to identify a tracklist's lines did: the job doing it, whether it is new, the lines left out."""

    job: DiscoveryJob
    created: bool
    settled: list[int] = field(default_factory=list)  # positions asked for that identification leaves alone


def tracklist_discover(
    *, tracklist: Tracklist, positions: Sequence[int] | None = None, force_refresh: bool = False,
    started_by: str = "",
) -> DiscoveryStarted:
    """Start identifying the tracklist's lines (all of them, or those at positions) as one job; when an unfinished
    job is identifying every one of those lines already, answer that job instead of starting a second.

    Raise ValueError naming the positions the tracklist does not have (nothing is started), and
    BrokerUnavailable, leaving the job FAILED with the reason, if it cannot be queued."""
    lines = lines_to_identify(tracklist=tracklist)
    settled: list[int] = []
    if positions is not None:
        wanted = sorted(set(positions))
        known = set(tracklist.discoveries.filter(position__in=wanted).values_list("position", flat=True))
        unknown = [position for position in wanted if position not in known]
        if unknown:
            raise ValueError(
                f"“{tracklist}” has no line {and_join([str(p) for p in unknown])}; its lines are numbered from 1 "
                f"to {tracklist.discoveries.aggregate(last=Max('position'))['last'] or 0}."
            )
        lines = lines.filter(position__in=wanted)
        settled = sorted(set(wanted) - set(lines.values_list("position", flat=True)))
    line_ids = list(lines.order_by("position").values_list("pk", flat=True))
    under_way = discovery_job_under_way(tracklist=tracklist, line_ids=line_ids, force_refresh=force_refresh)
    if under_way is not None:
        return DiscoveryStarted(job=under_way, created=False, settled=settled)
    job = jobs.job_create(
        model=DiscoveryJob, items=[{"discovery_id": pk} for pk in line_ids], started_by=started_by,
        tracklist=tracklist, force_refresh=force_refresh,
    )
    return DiscoveryStarted(job=job, created=True, settled=settled)


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
    ids = list(Track.objects.filter(pk__in=list(track_ids), metadata_fetched_at__isnull=True).values_list("pk", flat=True))
    if ids:
        try:
            track_services.metadata_fetch_jobs_create(tracks=ids, started_by=started_by)
        except BrokerUnavailable as exc:  # the tracks stay stale: the daily refresh fetches them
            logger.warning("Could not queue the metadata fetch of %s: %s", count_text(len(ids), "new track"), exc)


# --- The review queue ----------------------------------------------------------------------


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
    discovery.artist, discovery.title, discovery.version = artist.strip()[:500], title.strip()[:500], version.strip()[:300]
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


# --- Merges --------------------------------------------------------------------------------


def library_tracks_merge_survivor(library_tracks: Iterable[LibraryTrack]) -> LibraryTrack:
    """Return which of duplicate library tracks the others merge into: the most discovered, then the first added."""
    return min(library_tracks, key=lambda entry: (-entry.discovery_count, entry.added_at))


@transaction.atomic
def library_tracks_merge(*, survivor: LibraryTrack, others: Iterable[LibraryTrack]) -> int:
    """Merge duplicate library tracks into survivor: their sightings and want-list entries move to it."""
    merged = 0
    for other in others:
        if other.pk == survivor.pk:
            continue
        TrackDiscovery.objects.filter(library_track=other).update(library_track=survivor)
        # Crates point at library tracks too (crates depends on library): each of other's places moves to the
        # survivor, unless the survivor is in that crate already.
        entries = getattr(other, "crate_entries", None)
        if entries is not None:
            taken = set(survivor.crate_entries.values_list("crate_id", flat=True))
            entries.exclude(crate_id__in=taken).update(library_track=survivor)
        # The want list points at library tracks (wantlist depends on library, not the other way round).
        want = getattr(other, "want", None)
        if want is not None and getattr(survivor, "want", None) is None:
            type(want).objects.filter(pk=want.pk).update(library_track=survivor)
        other_track = other.track
        other.delete()
        if not other_track.downloads.exists() and not other_track.file_path:
            other_track.delete()  # a duplicate with nothing of its own left
        merged += 1
    if merged:
        LibraryTrack.objects.filter(pk=survivor.pk, is_provisional=True).update(
            is_provisional=not TrackDiscovery.objects.filter(
                library_track=survivor, status=DiscoveryStatus.IDENTIFIED).exists(),
        )
        survivor.refresh_from_db()
        library_track_sightings_recount(library_track=survivor)
    return merged
