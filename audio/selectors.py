"""Reads of the music folder's jobs that are more than one filter: what a scan found (`scan_summary`, for its job
page and the command), and a track's tag write still to come."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from audio.models import ScanItemKind, ScanJob, ScanJobItem, TagWriteJob
from audio.scanning import _problem
from core.models import ACTIVE_STATUSES, ItemStatus

# Outcomes counted on the job page and by the command, in the order they are shown.
OUTCOMES = {
    "new": "new", "updated": "updated", "unchanged": "unchanged", "missing": "missing", "unreadable": "unreadable",
    "not_audio": "not audio", "duplicate": "duplicate", "identified": "identified by sound",
    "needs_review": "needs review", "not_identified": "not identified", "analysed": "analysed",
}


def tag_write_job_under_way(*, track) -> TagWriteJob | None:
    """Return the newest unfinished tag write job that has still to write track's tags, or None."""
    return (
        TagWriteJob.objects.filter(
            status__in=ACTIVE_STATUSES, items__track=track, items__status=ItemStatus.PENDING,
        ).order_by("-created_at").first()
    )


@dataclass
class ScanSummary:
    counts: dict[str, int]
    problems: list[dict[str, str]]
    reviews: list[dict[str, Any]]
    notes: list[str]
    folders: int = 0
    files: int = 0
    not_listed: int = 0

    def counts_text(self) -> str:
        """Return the counts as the command prints them: "new: 3, updated: 0, ..."."""
        shown = ("new", "updated", "unchanged", "missing", "unreadable", "not_audio")
        extra = [name for name in OUTCOMES if name not in shown and self.counts.get(name)]
        return ", ".join(f"{OUTCOMES[name]}: {self.counts.get(name, 0)}" for name in (*shown, *extra))


def scan_summary(*, job: ScanJob, problems_limit: int = 1000) -> ScanSummary:
    """Return the scan's counts by outcome, the files it could not take (with why),
    those waiting for a person, notes."""
    counts: Counter = Counter({name: 0 for name in OUTCOMES})
    problems: list[dict[str, str]] = []
    reviews: list[dict[str, Any]] = []
    notes: list[str] = []
    summary = ScanSummary({}, problems, reviews, notes)
    rows = ScanJobItem.objects.filter(job_id=job.pk).order_by("position").values_list(
        "pk", "kind", "status", "result", "path", "track_id", "error",
    )
    for pk, kind, status, result, path, track_id, error in rows.iterator(chunk_size=500):
        result = result if isinstance(result, dict) else {}
        for name, count in (result.get("counts") or {}).items():
            if isinstance(count, int):
                counts[name] += count
        summary.folders += int(result.get("folders") or 0)
        summary.files += int(result.get("files") or 0) if kind == ScanItemKind.WALK else 0
        summary.not_listed += int(result.get("problems_not_listed") or 0)
        for problem in result.get("problems") or []:
            if len(problems) < problems_limit:
                outcome = str(problem.get("outcome", ""))
                problems.append({**problem, "label": OUTCOMES.get(outcome, outcome.replace("_", " "))})
            else:
                summary.not_listed += 1
        for note in result.get("notes") or []:
            if note not in notes:
                notes.append(note)
        if kind == ScanItemKind.IDENTIFY and result.get("status") == "needs_review":
            reviews.append({"item": pk, "file": path, "track_id": track_id,
                            "candidates": result.get("candidates") or [],
                            "confidence": result.get("confidence")})
        if status == ItemStatus.FAILED and kind in (ScanItemKind.IDENTIFY, ScanItemKind.ANALYSE):
            label = "not identified" if kind == ScanItemKind.IDENTIFY else "not analysed"
            problems.append({**_problem(path, label, error), "label": label})
    # Files that need a look first; the covers and playlists beside the music last.
    problems.sort(key=lambda problem: problem.get("outcome") == "not_audio")
    summary.counts = dict(counts)
    return summary
