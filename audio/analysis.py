"""BPM and key computed from a file's audio, for tracks that no provider or person gave them to.

The audio is decoded by ffmpeg (any format it reads) to mono 22,050 Hz samples, at most
ANALYSIS_SECONDS of it from a little way in (intros are often beatless). Then, with librosa:

- BPM: librosa's beat tracker (onset strength, tempo from its autocorrelation, dynamic
  programming over the beats); the tempo is then taken from the beat times themselves (a
  straight line through them), because the tracker's own tempo is quantised to its frame rate
  (a click at 120 BPM reads 117.5). Folded into [BPM_MIN, BPM_MAX] by doubling or halving.
- Key: the mean constant-Q chroma of the excerpt against the 24 Krumhansl-Kessler key profiles
  (Krumhansl 1990, "Cognitive Foundations of Musical Pitch"), rotated to each tonic; the best
  correlation wins. Like every profile method it may answer the relative key (A minor for C
  major) when the tonic is ambiguous; the tests allow that one confusion.

librosa (and numpy, scipy, numba) are imported on first use: a web process never pays for them.
"""

from __future__ import annotations

import subprocess
import warnings
from dataclasses import dataclass
from decimal import Decimal

SAMPLE_RATE = 22050
ANALYSIS_SECONDS = 120
DECODE_TIMEOUT = 120
# Skip this share of a long file's start (at most SKIP_MAX seconds): intros are often beatless.
SKIP_SHARE, SKIP_MAX, SKIP_FROM = 0.15, 30.0, 60.0
BPM_MIN, BPM_MAX = 60.0, 200.0
# Fewer beats than this, and the tempo is a guess: none is given.
MIN_BEATS = 8
# Chroma this weak (near silence) says nothing about the key.
MIN_CHROMA_ENERGY = 1e-3

# Krumhansl-Kessler probe-tone profiles, C first.
MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
NOTES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


class AnalysisError(Exception):
    """The audio could not be analysed; the message says why."""


@dataclass(frozen=True)
class Analysis:
    bpm: Decimal | None  # one decimal place
    key: str  # "A minor", "" when the audio says nothing clear


def decode(path: str, *, duration: float | None = None):
    """Return the file's audio as mono float32 samples at SAMPLE_RATE (a numpy array)."""
    import numpy as np

    offset = min(SKIP_MAX, duration * SKIP_SHARE) if duration and duration >= SKIP_FROM else 0.0
    command = [
        "ffmpeg", "-v", "error", "-nostdin", "-ss", f"{offset:.3f}", "-i", str(path), "-t", str(ANALYSIS_SECONDS),
        "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "f32le", "pipe:1",
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=DECODE_TIMEOUT, check=False)
    except FileNotFoundError:
        raise AnalysisError("ffmpeg is not installed; it decodes the audio for analysis") from None
    except subprocess.TimeoutExpired:
        raise AnalysisError(f"decoding took more than {DECODE_TIMEOUT} s") from None
    if done.returncode != 0:
        reason = " ".join(done.stderr.decode("utf-8", "replace").split())[:200]
        raise AnalysisError(f"ffmpeg could not decode the audio: {reason or done.returncode}")
    samples = np.frombuffer(done.stdout, dtype="<f4")
    if samples.size < SAMPLE_RATE * 2:
        raise AnalysisError("less than two seconds of audio to analyse")
    return samples.astype(np.float32)


def _librosa():
    try:
        import librosa
    except ImportError:
        raise AnalysisError("librosa is not installed (pip install -r requirements.txt)") from None
    return librosa


def tempo_of(samples, sample_rate: int = SAMPLE_RATE) -> Decimal | None:
    """Return the tempo in BPM (one decimal), or None if the audio has too few beats to tell."""
    import numpy as np

    librosa = _librosa()
    _, beats = librosa.beat.beat_track(y=samples, sr=sample_rate, units="time")
    beats = np.asarray(beats, dtype=float)
    if beats.size < MIN_BEATS:
        return None
    # The period is the slope of beat time against beat number: every beat counts, not the frame grid.
    period = float(np.polyfit(np.arange(beats.size), beats, 1)[0])
    if period <= 0:
        return None
    bpm = 60.0 / period
    while bpm < BPM_MIN:
        bpm *= 2
    while bpm > BPM_MAX:
        bpm /= 2
    return Decimal(f"{bpm:.1f}")


def key_of(samples, sample_rate: int = SAMPLE_RATE) -> str:
    """Return the key ("A minor") whose profile best fits the audio's chroma, or "" when the audio is near silent."""
    import numpy as np

    from tracks import keys

    librosa = _librosa()
    chroma = librosa.feature.chroma_cqt(y=samples, sr=sample_rate)
    energy = np.asarray(chroma, dtype=float).mean(axis=1)
    if not np.isfinite(energy).all() or energy.max() < MIN_CHROMA_ENERGY or np.ptp(energy) < MIN_CHROMA_ENERGY:
        return ""
    best, best_name = -2.0, ""
    for tonic in range(12):
        for profile, mode in ((MAJOR_PROFILE, "major"), (MINOR_PROFILE, "minor")):
            rotated = np.roll(np.asarray(profile), tonic)
            correlation = float(np.corrcoef(energy, rotated)[0, 1])
            if correlation > best:
                best, best_name = correlation, f"{NOTES[tonic]} {mode}"
    code = keys.camelot(best_name)
    return keys.musical(code) if code else best_name


def analyse(path: str, *, duration: float | None = None, bpm: bool = True, key: bool = True) -> Analysis:
    """Return the BPM and key of the file's audio (only those asked for); raise AnalysisError if it cannot be read."""
    samples = decode(path, duration=duration)
    try:
        with warnings.catch_warnings():
            # librosa warns about short excerpts and flat spectra; the answer (or its absence) says it all.
            warnings.simplefilter("ignore")
            found_bpm = tempo_of(samples) if bpm else None
            found_key = key_of(samples) if key else ""
    except AnalysisError:
        raise
    except Exception as exc:  # noqa: BLE001 - numerical failures of odd audio are this file's, not the scan's
        raise AnalysisError(f"the analysis failed: {exc.__class__.__name__}: {exc}"[:300]) from None
    return Analysis(bpm=found_bpm, key=found_key)
