"""The scan's analysis step: the BPM and key a track lacks, computed from its file by `audio.analysis` (ffmpeg and
librosa) and written to the track with the source "analysis". A provider's or a person's value is never
replaced; a file's own tags later replace an analysed one (`audio.file_matching.REPLACEABLE_BY_TAGS`).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from audio.file_matching import ANALYSIS_SOURCE
from audio.models import ScanJob, ScanJobItem
from core.jobs import ItemOutcome
from tracks import metadata
from tracks.models import Track


def scan_analyse(*, job: ScanJob, item: ScanJobItem) -> ItemOutcome:
    """Compute the BPM and key the track lacks from its file; a provider's or a person's value is never replaced."""
    from audio import analysis

    track = item.track
    if track is None:
        return ItemOutcome(result={"status": "skipped", "reason": "the track was deleted"})
    need_bpm, need_key = track.bpm is None, not track.key
    if not (need_bpm or need_key):
        return ItemOutcome(result={"status": "skipped", "reason": "BPM and key are known"})
    try:
        found = analysis.analyse(item.path, duration=track.file_duration, bpm=need_bpm, key=need_key)
    except analysis.AnalysisError as exc:
        return ItemOutcome(error=f"{item.path}: {exc}")

    def write() -> dict[str, Any]:
        current = Track.objects.select_for_update().get(pk=track.pk)
        updated = []
        if found.bpm is not None and current.bpm is None:
            current.bpm = found.bpm
            updated.append("bpm")
        if found.key and not current.key:
            current.key = found.key
            updated.append("key")
        if updated:
            metadata.sources_set(current, updated, ANALYSIS_SOURCE, timezone.now())
            current.save(update_fields=[*updated, "metadata_sources", "updated_at"])
        return {
            "status": "analysed", "bpm": str(found.bpm) if found.bpm is not None else "", "key": found.key,
            "counts": {"analysed": 1} if updated else {},
        }

    return ItemOutcome(write=write)
