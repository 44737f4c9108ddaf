"""AcoustID: identify a recording by the sound of its file.

Chromaprint's `fpcalc` computes the file's fingerprint; the web service's lookup answers
with the fingerprints it knows that sound alike (a score 0..1 each) and the MusicBrainz
recordings submitted for them. Requests go through the shared ProviderSession (rate
limit 3/s, retries, typed errors). The application key travels as `client=` in the
query string; it is a secret setting (config/schema.py), so common.redact removes it from
every error, log line and page.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from common.text import count_text
from providers.base import ProviderError, TrackCandidate, parse_date
from providers.client import Provider

# How long fpcalc may take over one file; it reads the first two minutes only.
FPCALC_TIMEOUT = 60
FPCALC_ENDPOINT = "fpcalc"
LOOKUP_ENDPOINT = "GET /v2/lookup"
_FINGERPRINT = re.compile(r"^[A-Za-z0-9_\-+/=]+$")
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Fingerprint:
    duration: int  # seconds, as fpcalc measured the audio
    fingerprint: str  # compressed and base64-encoded, as the lookup takes it


def fingerprint_parse(text: str) -> Fingerprint:
    """Return the fingerprint in `fpcalc -json` output; raise ProviderError if it holds none."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        raise ProviderError("acoustid", FPCALC_ENDPOINT, f"fpcalc did not answer with JSON: {text[:80]!r}") from None
    if not isinstance(data, dict):
        raise ProviderError("acoustid", FPCALC_ENDPOINT, "fpcalc's answer is not a JSON object")
    duration, fingerprint = data.get("duration"), data.get("fingerprint")
    if isinstance(duration, bool) or not isinstance(duration, int | float) or not math.isfinite(duration):
        raise ProviderError("acoustid", FPCALC_ENDPOINT, "fpcalc gave no duration")
    if not isinstance(fingerprint, str) or not fingerprint or not _FINGERPRINT.match(fingerprint):
        raise ProviderError("acoustid", FPCALC_ENDPOINT, "fpcalc gave no fingerprint")
    if duration < 1:
        raise ProviderError("acoustid", FPCALC_ENDPOINT, "the audio is too short to identify (under a second)")
    return Fingerprint(duration=round(duration), fingerprint=fingerprint)


def fingerprint_file(path: str) -> Fingerprint:
    """Run `fpcalc -json` on the file and return its fingerprint; raise ProviderError saying why not."""
    try:
        done = subprocess.run(
            ["fpcalc", "-json", str(path)], capture_output=True, text=True, timeout=FPCALC_TIMEOUT, check=False,
        )
    except FileNotFoundError:
        raise ProviderError(
            "acoustid", FPCALC_ENDPOINT,
            "fpcalc is not installed (install Chromaprint: apt-get install libchromaprint-tools)"
        ) from None
    except subprocess.TimeoutExpired:
        raise ProviderError("acoustid", FPCALC_ENDPOINT, f"fpcalc took more than {FPCALC_TIMEOUT} s") from None
    # A fingerprint printed is a fingerprint, whatever the exit status: fpcalc 1.5.1 (Debian's) exits with 3 and
    # "Error decoding audio frame (End of file)" on ordinary files after printing a good one. Only no fingerprint
    # is a failure, said with fpcalc's own reason.
    try:
        return fingerprint_parse(done.stdout)
    except ProviderError as exc:
        if done.returncode == 0:
            raise
        reason = " ".join((done.stderr or "").split())[:200] or exc.message
        raise ProviderError("acoustid", FPCALC_ENDPOINT, f"fpcalc could not read the audio: {reason}") from None


class AcoustID(Provider):
    name = "acoustid"
    label = "AcoustID"
    # Not a search or metadata source for the catalogue: only the folder scan asks it, by fingerprint.
    capabilities = frozenset()
    url_setting = "ACOUSTID_URL"
    required_settings = ("ACOUSTID_API_KEY",)
    credentials_help = "register an application at https://acoustid.org/new-application for a key"

    def fingerprint(self, path: str) -> Fingerprint:
        """Return the file's Chromaprint fingerprint (the local fpcalc, not the web service)."""
        return fingerprint_file(path)

    # Reference: https://acoustid.org/webservice#lookup
    def lookup(self, fingerprint: Fingerprint) -> list[TrackCandidate]:
        """Return the recordings whose sound matches the fingerprint, best first, with AcoustID's score."""
        body = self.http.get_json(
            "/v2/lookup",
            params={
                "client": settings.ACOUSTID_API_KEY, "meta": "recordings releasegroups compress",
                "duration": fingerprint.duration, "fingerprint": fingerprint.fingerprint,
            },
            endpoint=LOOKUP_ENDPOINT,
        )
        return candidates_from_body(body)

    def check(self) -> str:
        # A look-up by AcoustID track id (no fingerprint needed): the key is checked, nothing is submitted.
        body = self.http.get_json(
            "/v2/lookup",
            params={"client": settings.ACOUSTID_API_KEY, "trackid": "38338eff-b530-498c-a2ef-07e01d642187",
                    "meta": "recordings"},
            endpoint=LOOKUP_ENDPOINT,
        )
        return f"lookup answered with {count_text(len(candidates_from_body(body)), 'recording')}"


def candidates_from_body(body: Any) -> list[TrackCandidate]:
    """Map a lookup answer to candidates (one per recording with a title), best score first.

    Raise ProviderError for an answer that is not a lookup's: an error status, or no list of results.
    """
    def fail(what: str) -> ProviderError:
        return ProviderError("acoustid", LOOKUP_ENDPOINT, f"unexpected answer: {what}")

    if not isinstance(body, dict):
        raise fail("not a JSON object")
    if body.get("status") != "ok":
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        raise fail(f"status {body.get('status')!r}" + (f" ({message})" if isinstance(message, str) else ""))
    results = body.get("results")
    if not isinstance(results, list):
        raise fail("no list of results")
    candidates: list[TrackCandidate] = []
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict):
            raise fail("a result that is not an object")
        score = _score(result.get("score"))
        recordings = result.get("recordings") or []
        if not isinstance(recordings, list):
            raise fail("recordings that are not a list")
        for recording in recordings:
            candidate = _candidate(recording, score)
            if candidate is not None and candidate.external_id not in seen:
                seen.add(candidate.external_id)
                candidates.append(candidate)
    return sorted(candidates, key=lambda candidate: -(candidate.score or 0.0))


def _score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return max(0.0, min(1.0, float(value)))


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _candidate(recording: Any, score: float) -> TrackCandidate | None:
    """Return one recording as a candidate; None for one without an id or a title (nothing to show)."""
    if not isinstance(recording, dict):
        return None
    mbid, title = _text(recording.get("id")).lower(), _text(recording.get("title"))
    if not _MBID.match(mbid) or not title:
        return None
    artists = tuple(
        name for name in (_text(artist.get("name")) for artist in _list(recording.get("artists"))
                          if isinstance(artist, dict))
        if name
    )
    duration = recording.get("duration")
    seconds = (round(duration) if isinstance(duration, int | float) and not isinstance(duration, bool)
               and math.isfinite(duration) and duration > 0 else None)
    groups = [group for group in _list(recording.get("releasegroups")) if isinstance(group, dict)]
    # The first release group that is not a compilation names the album; else the first of any kind.
    album_group = next(
        (group for group in groups if "Compilation" not in _list(group.get("secondarytypes"))),
        groups[0] if groups else {}
    )
    return TrackCandidate(
        source="acoustid", external_id=mbid, title=title[:500], artists=artists,
        album=_text(album_group.get("title"))[:500],
        duration=seconds if seconds is None or seconds < 10**6 else None, release_date=_earliest_release(groups),
        url=f"https://musicbrainz.org/recording/{mbid}", score=round(score, 4),
    )


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _earliest_release(groups: list[dict]) -> Any:
    """Return the earliest release date of the recording's releases, as precise as it is known; None if none."""
    found = []
    for group in groups:
        for release in _list(group.get("releases")):
            date = release.get("date") if isinstance(release, dict) else None
            if not isinstance(date, dict):
                continue
            parts = [date.get("year"), date.get("month"), date.get("day")]
            text = ""
            for index, part in enumerate(parts):
                if isinstance(part, bool) or not isinstance(part, int) or not (0 < part < 10000):
                    break
                text += (f"{part:04d}" if index == 0 else f"-{part:02d}")
            parsed = parse_date(text) if text else None
            if parsed is not None:
                found.append(parsed)
    return min(found) if found else None
