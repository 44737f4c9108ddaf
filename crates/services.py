"""Every write of crates, and the exports DJ software reads (Rekordbox XML, Traktor NML, M3U8).

A crate is a named, ordered list of library tracks; a crate with a saved filter (`rule`) is refilled from it when
saved and before each export. An export is the library, a crate, a tracklist or a selection, written from the
catalogue as it is now (so a file moved by *Organise files* is exported at its new place); tracks without a file
are left out and counted. A command writes its file at once; the admin answers a small export as a download and
runs a large one (more than EXPORT_DIRECT_MAX tracks) as a job whose page offers the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from common.files import write_atomically
from common.text import count_text
from core import jobs
from core.jobs import ItemOutcome
from crates import selectors
from crates.djformats import EXTENSIONS, FORMATS, m3u, rekordbox, traktor
from crates.djformats.common import ExportPlaylist, ExportTrack, path_for_dj
from crates.models import FOLDER_SEPARATOR, Crate, CrateTrack, ExportJob
from library import services as library_services
from library.models import LibraryTrack, Tracklist
from tracks import keys
from tracks.models import Track
from wantlist.models import WantStatus

# Above this many tracks the admin writes an export as a job (with a page to follow it) instead of answering at once.
EXPORT_DIRECT_MAX = 2000


class CrateError(ValueError):
    """A crate change that cannot be made; the message says why, for a person."""


# --- Crates ----------------------------------------------------------------------------------------------------------


def folder_clean(folder: str) -> str:
    """Return a folder path as crates keep it: "Gigs / 2026/" -> "Gigs/2026"."""
    return FOLDER_SEPARATOR.join(part.strip() for part in (folder or "").split(FOLDER_SEPARATOR) if part.strip())


def crate_rule_clean(rule: dict[str, Any] | None) -> dict[str, Any]:
    """Return a saved filter with only what it may say, each value checked; raise CrateError naming a bad one."""
    rule = dict(rule or {})
    clean: dict[str, Any] = {}
    for name in ("genres", "labels"):
        values = rule.get(name) or []
        if isinstance(values, str):
            values = values.split(",")
        values = [" ".join(str(value).split()) for value in values if str(value).strip()]
        if values:
            clean[name] = values
    for name in ("bpm_from", "bpm_to"):
        if rule.get(name) not in (None, ""):
            value = selectors.parse_bpm(rule[name])
            if value is None:
                raise CrateError(f"{rule[name]!r} is not a BPM; write a number such as 124 or 123.5.")
            clean[name] = format(value.normalize(), "f")  # "124", "123.5"
    if clean.get("bpm_from") and clean.get("bpm_to") and Decimal(clean["bpm_from"]) > Decimal(clean["bpm_to"]):
        raise CrateError("The lowest BPM is above the highest; swap them.")
    if rule.get("key"):
        code = keys.camelot(str(rule["key"]))
        if code is None:
            raise CrateError(f"{rule['key']!r} is not a key. {keys.KEY_HELP}")
        clean["key"] = code
        if rule.get("key_compatible"):
            clean["key_compatible"] = True
    for name in ("year_from", "year_to"):
        if rule.get(name) not in (None, ""):
            try:
                year = int(rule[name])
            except (TypeError, ValueError):
                raise CrateError(f"{rule[name]!r} is not a year.") from None
            if not 1000 <= year <= 9999:
                raise CrateError(f"{year} is not a year.")
            clean[name] = year
    if rule.get("want_status"):
        if rule["want_status"] not in WantStatus.values:
            raise CrateError(f"“{rule['want_status']}” is not a want-list status.")
        clean["want_status"] = rule["want_status"]
    if clean and rule.get("with_file"):
        clean["with_file"] = True
    return clean


@transaction.atomic
def crate_create(
    *, name: str, folder: str = "", description: str = "", rule: dict | None = None, tracklist: Tracklist | None = None,
) -> Crate:
    """Create a crate (a saved filter's is filled at once); raise CrateError if the folder already has one so named."""
    name = " ".join((name or "").split())[:200]
    if not name:
        raise CrateError("A crate needs a name.")
    folder = folder_clean(folder)
    if Crate.objects.filter(name=name, folder=folder).exists():
        raise CrateError(f"There is already a crate “{name}”{f' in {folder}' if folder else ''}; choose another name.")
    try:
        with transaction.atomic():
            crate = Crate.objects.create(name=name, folder=folder, description=description,
                                         rule=crate_rule_clean(rule), tracklist=tracklist)
    except IntegrityError:
        raise CrateError(f"There is already a crate “{name}”; choose another name.") from None
    if crate.is_smart:
        crate_refill(crate=crate)
    return crate


def crate_for_name(*, name: str, folder: str = "") -> tuple[Crate, bool]:
    """Return the crate of that name in that folder, creating an empty one; and whether it was created."""
    name = " ".join((name or "").split())[:200]
    if not name:
        raise CrateError("A crate needs a name.")
    return Crate.objects.get_or_create(name=name, folder=folder_clean(folder))


@dataclass
class Added:
    crate: Crate
    added: int = 0
    already: int = 0

    def summary(self) -> str:
        text = f"Added {count_text(self.added, 'track')} to “{self.crate}”"
        return text + (f"; {self.already} {'was' if self.already == 1 else 'were'} in it already."
                       if self.already else ".")


@transaction.atomic
def crate_tracks_add(*, crate: Crate, library_tracks: Iterable[LibraryTrack]) -> Added:
    """Add library tracks at the end of the crate, in the order given; those in it already keep their place."""
    crate = Crate.objects.select_for_update().get(pk=crate.pk)
    if crate.is_smart:
        raise CrateError(f"“{crate}” fills itself from its filter ({selectors.rule_text(crate.rule)}); "
                         "clear its filter to add tracks by hand, or add them to another crate.")
    wanted = list(dict.fromkeys(entry.pk for entry in library_tracks))
    present = set(CrateTrack.objects.filter(crate=crate, library_track_id__in=wanted)
                  .values_list("library_track_id", flat=True))
    last = CrateTrack.objects.filter(crate=crate).aggregate(last=Max("position"))["last"]
    start = 0 if last is None else last + 1
    new = [pk for pk in wanted if pk not in present]
    now = timezone.now()
    CrateTrack.objects.bulk_create([
        CrateTrack(crate=crate, library_track_id=pk, position=start + index, added_at=now)
        for index, pk in enumerate(new)
    ], batch_size=1000)
    if new:
        Crate.objects.filter(pk=crate.pk).update(updated_at=now)
    return Added(crate=crate, added=len(new), already=len(wanted) - len(new))


@transaction.atomic
def crate_tracks_set(*, crate: Crate, library_tracks: Iterable[LibraryTrack]) -> int:
    """Make the crate hold exactly these library tracks, in this order (each once); return how many."""
    wanted = list(dict.fromkeys(getattr(entry, "pk", entry) for entry in library_tracks))
    CrateTrack.objects.filter(crate=crate).delete()
    now = timezone.now()
    CrateTrack.objects.bulk_create(
        [CrateTrack(crate=crate, library_track_id=pk, position=index, added_at=now) for index, pk in enumerate(wanted)],
        batch_size=1000,
    )
    Crate.objects.filter(pk=crate.pk).update(updated_at=now)
    return len(wanted)


def crate_refill(*, crate: Crate) -> int:
    """Fill a crate with a saved filter from it, as the library is now; return how many tracks it holds."""
    if not crate.is_smart:
        return crate.entries.count()
    return crate_tracks_set(
        crate=crate, library_tracks=selectors.rule_library_tracks(crate.rule).values_list("pk", flat=True))


def crate_renumber(*, crate: Crate) -> None:
    """Number the crate's places 0, 1, 2... in their current order (after a person reordered or removed some)."""
    entries = list(CrateTrack.objects.filter(crate=crate).order_by("position", "added_at", "pk"))
    changed = [entry for index, entry in enumerate(entries) if entry.position != index]
    for index, entry in enumerate(entries):
        entry.position = index
    CrateTrack.objects.bulk_update(changed, ["position"], batch_size=1000)


@transaction.atomic
def crate_from_tracklist(*, tracklist: Tracklist) -> tuple[Crate, int]:
    """Return the crate of a tracklist (made, or brought up to date) holding its identified tracks in the mix's
    order, and how many it holds."""
    crate = Crate.objects.filter(tracklist=tracklist, rule={}).first()
    if crate is None:
        name, number = str(tracklist)[:190], 1
        while Crate.objects.filter(name=name, folder="Mixes").exists():
            number += 1
            name = f"{str(tracklist)[:190]} ({number})"
        crate = Crate.objects.create(name=name, folder="Mixes", tracklist=tracklist)
    count = crate_tracks_set(crate=crate, library_tracks=selectors.tracklist_library_tracks(tracklist))
    return crate, count


def library_tracks_of_tracks(tracks: Iterable[Track]) -> list[LibraryTrack]:
    """Return the library entries of catalogue tracks, adding to the library those not in it."""
    return [library_services.library_track_ensure(track=track)[0] for track in tracks]


# --- Exports ---------------------------------------------------------------------------------------------------------


def _artist(track: Track) -> str:
    return track.credit_name or ", ".join(track.artists or ())


def export_track(entry: LibraryTrack) -> ExportTrack | None:
    """Return a library track as the formats write it, or None when it has no file to point at."""
    track = entry.track
    if not track.file_path or track.file_missing:
        return None
    released = track.release_date
    return ExportTrack(
        key=str(track.pk),
        path=path_for_dj(track.file_path, music_root=selectors.music_root(), dj_music_root=settings.DJ_MUSIC_ROOT),
        title=track.full_title, artist=_artist(track), album=track.album, genre=track.genre, label=track.label,
        remixer=", ".join(track.remixers or ()), mix=track.version, comment=" ".join((entry.notes or "").split())[:500],
        year=released.year if released else None,
        release_date=released if track.release_date_precision == "day" else None,
        bpm=track.bpm, key_code=keys.camelot(track.key) or "",
        duration=track.file_duration or (float(track.duration) if track.duration else None),
        file_format=track.file_format, bitrate=track.file_bitrate, sample_rate=track.file_sample_rate,
        size=track.file_size, rating=track.rating, track_number=track.track_number, disc_number=track.disc_number,
        date_added=timezone.localtime(entry.added_at).date() if entry.added_at else None,
    )


@dataclass
class ExportContent:
    """What one export holds: its tracks (with files), its playlists, and how many tracks had no file."""

    name: str
    tracks: list[ExportTrack] = field(default_factory=list)
    playlists: list[ExportPlaylist] = field(default_factory=list)
    without_file: int = 0

    def add(self, entries: Iterable[LibraryTrack]) -> list[str]:
        """Add library tracks (those without a file counted, not added); return the keys of those added."""
        seen = {track.key for track in self.tracks}
        added = []
        for entry in entries:
            exported = export_track(entry)
            if exported is None:
                self.without_file += 1
                continue
            if exported.key not in seen:
                seen.add(exported.key)
                self.tracks.append(exported)
            added.append(exported.key)
        return added

    def summary(self, fmt: str) -> str:
        text = f"{FORMATS[fmt]} of {self.name}: {count_text(len(self.tracks), 'track')}"
        if fmt != "m3u8" and self.playlists:
            text += f", {count_text(len(self.playlists), 'playlist')}"
        if self.without_file:
            text += (f"; {count_text(self.without_file, 'track')} without a file "
                     f"{'was' if self.without_file == 1 else 'were'} left out")
        return text + "."


def export_content(
    *, crate: Crate | None = None, tracklist: Tracklist | None = None, library_track_ids: Sequence | None = None,
    with_crates: bool = True,
) -> ExportContent:
    """Return what an export of a crate, a tracklist, a selection or (none given) the whole library holds.

    The library comes with every crate as a playlist (with_crates); a crate, a tracklist or a selection with
    itself as the one playlist. A crate with a saved filter is refilled first.
    """
    if crate is not None:
        if crate.is_smart:
            crate_refill(crate=crate)
        content = ExportContent(name=f"the crate “{crate}”")
        keys_ = content.add(selectors.crate_library_tracks(crate))
        content.playlists.append(ExportPlaylist(name=crate.name, keys=tuple(keys_), folders=crate.folders))
        return content
    if tracklist is not None:
        content = ExportContent(name=f"the tracklist “{tracklist}”")
        keys_ = content.add(selectors.tracklist_library_tracks(tracklist))
        content.playlists.append(ExportPlaylist(name=str(tracklist)[:200], keys=tuple(keys_), folders=("Mixes",)))
        return content
    if library_track_ids is not None:
        content = ExportContent(name="the selection")
        keys_ = content.add(selectors.ordered_by_ids(library_track_ids).iterator(chunk_size=2000))
        content.playlists.append(ExportPlaylist(name=f"Selection {timezone.localdate():%Y-%m-%d}", keys=tuple(keys_)))
        return content
    content = ExportContent(name="the library")
    content.add(selectors.library_queryset_for_export().order_by("track__credit_name", "track__title", "pk")
                .iterator(chunk_size=2000))
    if with_crates:
        for each in Crate.objects.all():
            if each.is_smart:
                crate_refill(crate=each)
            exported = {track.key for track in content.tracks}
            keys_ = [str(pk) for pk in CrateTrack.objects.filter(crate=each).order_by("position")
                     .values_list("library_track__track_id", flat=True)]
            content.playlists.append(ExportPlaylist(
                name=each.name, folders=each.folders, keys=tuple(key for key in keys_ if key in exported),
            ))
    return content


def export_content_merged(contents: Sequence[ExportContent], *, name: str) -> ExportContent:
    """Return several exports as one file's content: every track once, every playlist kept."""
    merged = ExportContent(name=name)
    seen: set[str] = set()
    for content in contents:
        merged.without_file += content.without_file
        for track in content.tracks:
            if track.key not in seen:
                seen.add(track.key)
                merged.tracks.append(track)
        merged.playlists.extend(content.playlists)
    return merged


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"There is no {fmt!r} export for DJ software; choose one of {', '.join(FORMATS)}.")
    return fmt


def export_write(*, content: ExportContent, fmt: str, out: BinaryIO, relative_to: str | None = None) -> int:
    """Write content to out as fmt; M3U8 paths relative to the folder relative_to, or absolute. Return the count."""
    check_format(fmt)
    if fmt == "rekordbox":
        return rekordbox.write(out, tracks=content.tracks, playlists=content.playlists)
    if fmt == "traktor":
        return traktor.write(out, tracks=content.tracks, playlists=content.playlists, volume=settings.TRAKTOR_VOLUME)
    name = content.playlists[0].name if len(content.playlists) == 1 else ""
    return m3u.write(out, tracks=content.tracks, name=name, relative_to=relative_to)


def export_file_write(*, content: ExportContent, fmt: str, target: Path, relative: bool = False) -> int:
    """Write content to target as fmt, atomically (a crash never leaves half a file); M3U8 paths relative to the
    target's folder when relative. Return how many tracks it holds."""
    target = Path(target)
    relative_to = str(target.parent.resolve()) if relative else None
    return write_atomically(target,
                            lambda out: export_write(content=content, fmt=fmt, out=out, relative_to=relative_to))


def export_filename(name: str, fmt: str) -> str:
    """Return an export's file name: "crate-peak-time-2026-03-01.xml"."""
    from django.utils.text import slugify

    return f"{slugify(name)[:80] or 'export'}-{timezone.localdate():%Y-%m-%d}.{EXTENSIONS[fmt]}"


def exports_dir() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def export_job_create(
    *, fmt: str, crate: Crate | None = None, tracklist: Tracklist | None = None,
    library_track_ids: Sequence | None = None, started_by: str = "", enqueue_now: bool = True,
) -> ExportJob:
    """Start a job writing an export into the exports folder; its page offers the file when it is done."""
    check_format(fmt)
    return jobs.job_create(
        model=ExportJob, items=[{}], started_by=started_by, enqueue_now=enqueue_now, fmt=fmt, crate=crate,
        tracklist=tracklist, library_track_ids=[str(pk) for pk in library_track_ids or ()],
    )


def export_job_write(*, job: ExportJob) -> ItemOutcome:
    """Write the job's export into the exports folder and record where."""
    if job.library_track_ids:
        content = export_content(library_track_ids=job.library_track_ids)
    else:
        content = export_content(crate=job.crate, tracklist=job.tracklist)
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = job.crate.name if job.crate_id else str(job.tracklist) if job.tracklist_id else "library"
    target = folder / f"{job.pk}-{export_filename(name, job.fmt)}"
    count = export_file_write(content=content, fmt=job.fmt, target=target)

    def write() -> dict[str, Any]:
        ExportJob.objects.filter(pk=job.pk).update(output=str(target))
        return {"file": str(target), "tracks": count, "without_file": content.without_file,
                "summary": content.summary(job.fmt)}

    return ItemOutcome(write=write)
