"""Score every file a search found and pick the one to download, or say none is sure enough.

Required conditions come from the quality preference (`downloads.quality.meets`);
preferred ones: the length within DURATION_TOLERANCE (3 s) of the track's, the
title, artist and version in the path (`matching.files.path_match`), not locked,
a free upload slot, a short queue, a fast peer, weighed as
`matching.weights.DOWNLOAD_PREFERENCES` says. A file is taken on its own only when
it meets the quality and the match is confident; otherwise a person chooses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from common.text import length_text
from downloads.quality import Quality, describe, format_of_extension, is_lossless, is_mp3_320, is_mp3_v0, meets
from matching.files import path_match
from matching.weights import DOWNLOAD_PREFERENCES, DURATION_TOLERANCE
from providers.base import DownloadCandidate

SHOWN = 10  # candidates kept on the download for the admin


@dataclass(frozen=True)
class Wanted:
    """What the download is for: the track's title, version, artists and length."""

    title: str
    version: str = ""
    artists: tuple[str, ...] = ()
    duration: float | None = None  # seconds


@dataclass(frozen=True)
class Scored:
    candidate: DownloadCandidate
    meets_quality: bool
    fits: bool  # the right recording: name, version and length, and not locked
    score: float
    reasons: tuple[str, ...]

    @property
    def confident(self) -> bool:
        return self.meets_quality and self.fits

    def as_dict(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "source": c.source, "username": c.username, "filename": c.filename, "size": c.size,
            "format": format_of_extension(c.extension), "bitrate": c.bitrate, "is_vbr": c.is_variable_bitrate,
            "duration": c.duration, "sample_rate": c.sample_rate, "bit_depth": c.bit_depth,
            "locked": c.is_locked, "free_slot": c.has_free_upload_slot, "queue_length": c.queue_length,
            "upload_speed": c.upload_speed, "quality": describe(c.extension, c.bitrate, c.is_variable_bitrate),
            "meets_quality": self.meets_quality, "confident": self.confident, "score": round(self.score, 3),
            "reasons": list(self.reasons),
        }


def candidate_from_dict(data: dict[str, Any]) -> DownloadCandidate:
    """Return the candidate a stored dict (Scored.as_dict) describes."""
    return DownloadCandidate(
        source=data.get("source", ""), external_id=f"{data.get('username', '')}\\{data.get('filename', '')}",
        username=data.get("username", ""), filename=data.get("filename", ""), size=int(data.get("size") or 0),
        extension=data.get("format", ""), bitrate=data.get("bitrate"), bit_depth=data.get("bit_depth"),
        sample_rate=data.get("sample_rate"), duration=data.get("duration"),
        is_variable_bitrate=bool(data.get("is_vbr")), is_locked=bool(data.get("locked")),
        has_free_upload_slot=bool(data.get("free_slot")), queue_length=int(data.get("queue_length") or 0),
        upload_speed=int(data.get("upload_speed") or 0),
    )


def _tier(c: DownloadCandidate) -> int:
    """Higher is better audio: lossless, 320 CBR, V0, the rest by bitrate."""
    if is_lossless(c.extension):
        return 3
    if is_mp3_320(c.extension, c.bitrate, c.is_variable_bitrate):
        return 2
    if is_mp3_v0(c.extension, c.bitrate, c.is_variable_bitrate):
        return 1
    return 0


def score_candidate(c: DownloadCandidate, wanted: Wanted, *, quality: str, lossless_elsewhere: bool) -> Scored:
    reasons: list[str] = []
    ok, why = meets(
        quality, format=c.extension, bitrate=c.bitrate, is_vbr=c.is_variable_bitrate, source=c.source,
        lossless_elsewhere=lossless_elsewhere,
    )
    if not ok:
        reasons.append(why)
    match = path_match(c.filename, title=wanted.title, version=wanted.version, artists=wanted.artists)
    reasons.extend(match.reasons)
    duration_ok = True
    if wanted.duration and c.duration:
        gap = abs(c.duration - wanted.duration)
        duration_ok = gap <= DURATION_TOLERANCE
        if not duration_ok:
            reasons.append(f"length {length_text(c.duration)}, the track is {length_text(wanted.duration)}")
    if c.is_locked:
        reasons.append("locked by the peer")
    if not c.has_free_upload_slot:
        reasons.append(f"no free upload slot ({c.queue_length} queued)")
    fits = match.confident and duration_ok and not c.is_locked
    # Preferred conditions move a file up; none of them makes a wrong file right.
    prefer = DOWNLOAD_PREFERENCES
    score = match.score
    score += prefer["length_matches"] if duration_ok and wanted.duration and c.duration else 0.0
    score += prefer["quality_tier"] * _tier(c)
    score += prefer["free_slot"] if c.has_free_upload_slot else 0.0
    score -= min(prefer["queue_max"], prefer["queued_file"] * c.queue_length)
    score += min(prefer["speed_max"], c.upload_speed * prefer["speed_per_byte_second"])
    score -= prefer["locked"] if c.is_locked else 0.0
    if not reasons:
        reasons.append("meets the quality; title, artist and version in the path" + (
            "; length matches" if wanted.duration and c.duration else ""
        ))
    return Scored(candidate=c, meets_quality=ok, fits=fits, score=score, reasons=tuple(reasons))


def rank(candidates: Sequence[DownloadCandidate], wanted: Wanted, *, quality: str) -> list[Scored]:
    """Return every candidate scored, best first: confident ones that meet the quality on top."""
    audio = [c for c in candidates if c.extension]
    # Whether the search holds a lossless copy of this very recording (a FLAC of a remix does not count).
    first = [score_candidate(c, wanted, quality=Quality.ANY, lossless_elsewhere=True) for c in audio]
    elsewhere = lossless_elsewhere(first)
    scored = [score_candidate(c, wanted, quality=quality, lossless_elsewhere=elsewhere) for c in audio]
    return sorted(scored, key=lambda s: (s.confident, s.meets_quality, s.score), reverse=True)


def lossless_elsewhere(ranked: Sequence[Scored]) -> bool:
    """Return whether any file scored is a lossless copy of the recording wanted."""
    return any(is_lossless(s.candidate.extension) and s.fits for s in ranked)


def pick(ranked: Sequence[Scored]) -> Scored | None:
    """Return the best confident candidate, or None when a person must choose."""
    return next((s for s in ranked if s.confident), None)
