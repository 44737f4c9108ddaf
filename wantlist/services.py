"""Every write of the want list: adding (from a library track, a tracklist line or a catalogue track), status
changes, and the purchase links of each wanted track.

Purchase links come from every store that can sell a track: Beatport, iTunes and Discogs by the track's own id
when it has one, else by a search whose hits `matching` must find to be the same recording (never a link for
another version); Deezer from the track's Deezer id; Bandcamp as a search link. A store that fails keeps its
earlier links and says why.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import matching
from core import jobs
from core.gather import Gathered, gather
from library import services as library_services
from library.models import DiscoveryStatus, LibraryTrack, TrackDiscovery
from providers.base import Capability, PurchaseLink
from providers.registry import providers_for
from tracks import metadata
from tracks.models import Track
from wantlist.models import PurchaseLinksJob, WantList, WantStatus, link_price
from wantlist.selectors import purchase_links_job_under_way

logger = logging.getLogger(__name__)

DEEZER_TRACK_URL = "https://www.deezer.com/track/{}"
BANDCAMP_SEARCH_URL = "https://bandcamp.com/search?q={}&item_type=t"


class WantListFull(Exception):
    """The want list is at WANTLIST_MAX entries; the message is for a person."""


@dataclass
class Added:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        parts = [f"{self.created} added"]
        if self.updated:
            parts.append(f"{self.updated} already wanted, updated as asked")
        if self.unchanged:
            parts.append(f"{self.unchanged} already wanted")
        return ", ".join(parts) + "."


def last_heard_in(library_track: LibraryTrack):
    line = (TrackDiscovery.objects.filter(library_track=library_track).select_related("tracklist")
            .order_by("-identified_at", "-created_at").first())
    return line.tracklist if line else None


@transaction.atomic
def wants_add(
    *, library_tracks: Iterable[LibraryTrack], priority: int | None = None, notes: str | None = None,
    found_in=None,
) -> Added:
    """Add library tracks to the want list in one step, all or none.

    An entry already there is left as it is except for what was asked (priority, notes). Refuse with
    WantListFull, adding nothing, when the new entries would pass WANTLIST_MAX.
    """
    if priority is not None and not 1 <= int(priority) <= 5:
        raise ValueError("A priority is 1 (most wanted) to 5.")
    entries = list({entry.pk: entry for entry in library_tracks}.values())
    existing = {want.library_track_id: want for want in
                WantList.objects.select_for_update().filter(library_track__in=[entry.pk for entry in entries])}
    new = [entry for entry in entries if entry.pk not in existing]
    if new:
        count = WantList.objects.count()
        limit = settings.WANTLIST_MAX
        if count + len(new) > limit:
            raise WantListFull(
                f"The want list holds at most {limit:,} tracks (WANTLIST_MAX) and has {count:,}; adding "
                f"{len(new):,} would pass that, so nothing was added. Remove or mark purchased some first."
            )
    added = Added()
    for entry in new:
        WantList.objects.create(
            library_track=entry, priority=priority or 3, notes=notes or "",
            found_in=found_in if found_in is not None else last_heard_in(entry),
        )
        added.created += 1
    for want in existing.values():
        changed = []
        if priority is not None and want.priority != priority:
            want.priority = priority
            changed.append("priority")
        if notes and want.notes != notes:
            want.notes = notes
            changed.append("notes")
        if changed:
            want.save(update_fields=[*changed, "updated_at"])
            added.updated += 1
        else:
            added.unchanged += 1
    return added


def library_track_for_track(*, track: Track) -> LibraryTrack:
    """Return the track's library entry, adding the track to the library if it is not there."""
    entry, _ = library_services.library_track_ensure(track=track)
    return entry


def library_track_for_line(*, discovery: TrackDiscovery) -> LibraryTrack:
    """Return the library track a tracklist line stands for; a line not identified yet (a close call in the
    review queue) gets a provisional one from its own text, and keeps its candidates for a person to pick."""
    if discovery.library_track_id:
        return discovery.library_track
    if discovery.status in (DiscoveryStatus.UNIDENTIFIABLE, DiscoveryStatus.UNPARSED):
        raise ValueError(f"Line {discovery.position} names no track "
                         f"(“{discovery.raw_text[:60]}”); it cannot be wanted.")
    with transaction.atomic():
        entry = library_services.library_track_provisional_create(discovery=discovery)
        library_services.line_link(discovery=discovery, library_track=entry)
    return entry


@transaction.atomic
def want_status_set(*, want: WantList, status: str) -> WantList:
    """Set the status; marking purchased records when, and any other status forgets it."""
    if status not in WantStatus.values:
        raise ValueError(f"“{status}” is not a want-list status; use one of {', '.join(WantStatus.values)}.")
    want.status = status
    if status == WantStatus.PURCHASED:
        want.purchased_at = want.purchased_at or timezone.now()
    else:
        want.purchased_at = None
    want.save(update_fields=["status", "purchased_at", "updated_at"])
    return want


@transaction.atomic
def want_update(
    *, want: WantList, priority: int | None = None, status: str | None = None, notes: str | None = None,
) -> list[str]:
    """Change what a person may change of a wanted track (priority, status, notes); return the fields changed.

    The status goes through want_status_set, so that marking purchased records when."""
    if priority is not None and not 1 <= int(priority) <= 5:
        raise ValueError("A priority is 1 (most wanted) to 5.")
    if status is not None and status not in WantStatus.values:
        raise ValueError(f"“{status}” is not a want-list status; use one of {', '.join(WantStatus.values)}.")
    changed = []
    if priority is not None and want.priority != int(priority):
        want.priority = int(priority)
        changed.append("priority")
    if notes is not None and want.notes != notes:
        want.notes = notes
        changed.append("notes")
    if changed:
        want.save(update_fields=[*changed, "updated_at"])
    if status is not None and status != want.status:
        want_status_set(want=want, status=status)
        changed.append("status")
    return changed


def want_purchase_links_refresh(*, want: WantList, started_by: str = "") -> tuple[PurchaseLinksJob, bool]:
    """Start asking the stores again about one wanted track, or answer the unfinished job doing it already;
    return the job and whether it is new."""
    under_way = purchase_links_job_under_way(want=want)
    if under_way is not None:
        return under_way, False
    return purchase_links_jobs_create(wants=[want], started_by=started_by, force_refresh=True), True


# --- Purchase links ------------------------------------------------------------------------


def links_sorted(links: Iterable[dict]) -> list[dict]:
    """Cheapest first; links without a price after those with one, in store order."""
    return sorted(links, key=lambda link: (link_price(link) is None, link_price(link) or 0))


def _sells_the_track(track: Track, link: PurchaseLink) -> bool:
    """Whether a store's search hit is the wanted recording (never another version)."""
    if link.kind == "release":
        # A record on Discogs: its title must be the track's title or its album, by the same artists.
        wanted = metadata.recording_of(track)
        for title in filter(None, (track.full_title, track.album)):
            if matching.same_recording(
                matching.Recording(title=title, artists=wanted.artists),
                matching.Recording(title=link.title, artists=link.artists),
            ):
                return True
        return False
    found = matching.Recording(title=link.title, version=link.version, artists=link.artists, duration=link.duration)
    return matching.same_recording(metadata.recording_of(track), found)


def _ask_store(client, track: Track, force_refresh: bool) -> list[PurchaseLink]:
    own_id = getattr(track, client.id_field, "") if client.id_field else ""
    artist = track.credit_name or ", ".join(track.artists)
    if own_id:
        return client.purchase_links(artist=artist, title=track.full_title, isrc=track.isrc, external_id=own_id,
                                     force_refresh=force_refresh)
    found = client.purchase_links(artist=artist, title=track.full_title, isrc=track.isrc, force_refresh=force_refresh)
    return [link for link in found if _sells_the_track(track, link)]


def _links_without_requests(track: Track) -> list[dict]:
    """The links that need no request: Deezer's track page by id, and a Bandcamp search."""
    links = []
    if track.deezer_id:
        links.append(PurchaseLink(source="deezer", external_id=track.deezer_id, store="Deezer",
                                  url=DEEZER_TRACK_URL.format(quote_plus(track.deezer_id))).as_dict())
    artist = track.credit_name or ", ".join(track.artists)
    query = quote_plus(f"{artist} {track.full_title}".strip())
    links.append(PurchaseLink(source="bandcamp", external_id="", store="Bandcamp",
                              url=BANDCAMP_SEARCH_URL.format(query), kind="search").as_dict())
    return links


def wants_links_gather(*, wants: Sequence[WantList], force_refresh: bool = False, should_stop=lambda: False):
    """Ask every store that sells tracks about each wanted track, side by side (core.gather)."""
    by_pk = {want.pk: want for want in wants}
    return gather(
        keys=list(by_pk), clients=providers_for(Capability.PURCHASE_LINKS), should_stop=should_stop,
        ask=lambda client, pk: _ask_store(client, by_pk[pk].library_track.track, force_refresh),
    )


def want_links_store(*, want: WantList, answers: Gathered, stores: Sequence[str]) -> dict[str, Any]:
    """Write a want's links from the stores' answers: a store that failed keeps its earlier links."""
    failed = {error.split(":", 1)[0] for error in answers.errors}
    kept = [link for link in want.purchase_links if isinstance(link, dict) and link.get("source") in failed]
    fresh = [link.as_dict() for link in answers.results]
    links = links_sorted([*fresh, *kept, *_links_without_requests(want.library_track.track)])
    locked = WantList.objects.select_for_update().get(pk=want.pk)
    locked.purchase_links = links
    locked.purchase_links_errors = list(answers.errors)
    locked.purchase_links_fetched_at = timezone.now()
    locked.save(update_fields=["purchase_links", "purchase_links_errors", "purchase_links_fetched_at", "updated_at"])
    return {"links": len(links), "stores": sorted(stores), "errors": list(answers.errors)}


def purchase_links_jobs_create(
    *, wants: Iterable, started_by: str = "", force_refresh: bool = False, enqueue_now: bool = True,
) -> PurchaseLinksJob | None:
    """Start one job that refreshes the links of these want-list entries (ids or rows)."""
    ids = [getattr(want, "pk", want) for want in wants]
    if not ids:
        return None
    return jobs.job_create(
        model=PurchaseLinksJob, items=[{"want_id": pk} for pk in ids], started_by=started_by,
        enqueue_now=enqueue_now, force_refresh=force_refresh,
    )


def stale_purchase_links_refresh(*, started_by: str = "schedule") -> PurchaseLinksJob | None:
    """Start a job over the wanted tracks whose links are missing or older than PURCHASE_LINKS_STALE_HOURS."""
    since = timezone.now() - datetime.timedelta(hours=settings.PURCHASE_LINKS_STALE_HOURS)
    stale = (
        WantList.objects.filter(status=WantStatus.WANTED)
        .filter(Q(purchase_links_fetched_at__isnull=True) | Q(purchase_links_fetched_at__lt=since))
        .order_by("purchase_links_fetched_at").values_list("pk", flat=True)
    )
    return purchase_links_jobs_create(wants=list(stale), started_by=started_by)
