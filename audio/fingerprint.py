"""The sound of a file as Chromaprint hears it, and whether two files are the same recording.

`fpcalc -raw` decodes the first two minutes and gives about eight 32-bit items a second, each bit one of
Chromaprint's classifiers. Two copies of one recording (a FLAC and its MP3, or one file twice) give nearly the
same items; unrelated music differs in about half the bits. So, as AcoustID compares fingerprints: align the two
item arrays (a copy may start a little later: offsets up to `MAX_OFFSET` items, about 3 s, are tried) and count
the bits that differ over the overlap. Measured here on files made with ffmpeg: a FLAC and its MP3 at 320 kbit/s
0.0 %, 128 kbit/s 0.04 %, 64 kbit/s 2.3 %, Opus at 32 kbit/s 7.1 %, a copy starting 1.5 s later 1.6 %; unrelated
audio 42-65 %. `SAME_RECORDING_BER` (15 %, in matching.weights with those measures) sits in that gap, as
fingerprint comparisons in Chromaprint's circle do (they draw the line between 10 and 20 %).

The brief (`profile`): how often each of the 32 bits is set across the items, one byte each. Copies of one
recording have nearly the same brief (summed difference under 0.8 in those measures), unrelated audio far apart
(6 and more), so briefs sort out the few pairs worth the full comparison among thousands of files.
"""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Sequence

import numpy as np

from matching.weights import SAME_RECORDING_BER

# fpcalc reads this many seconds (its default, and AcoustID's).
LENGTH_SECONDS = 120
FPCALC_TIMEOUT = 60
MAX_OFFSET = 24  # items, about 3 s (an item is 4096/3 samples at 11,025 Hz, 0.124 s)
MIN_OVERLAP = 40  # items, about 5 s: less says nothing


class FingerprintError(Exception):
    """fpcalc could not fingerprint the file; the message says why, for a person."""


def fingerprint_raw(path: str) -> list[int]:
    """Return the file's raw Chromaprint items (`fpcalc -raw`); raise FingerprintError saying why not."""
    try:
        done = subprocess.run(
            ["fpcalc", "-raw", "-json", "-length", str(LENGTH_SECONDS), str(path)],
            capture_output=True, text=True, timeout=FPCALC_TIMEOUT, check=False,
        )
    except FileNotFoundError:
        raise FingerprintError("fpcalc is not installed (install Chromaprint: "
                               "apt-get install libchromaprint-tools)") from None
    except subprocess.TimeoutExpired:
        raise FingerprintError(f"fpcalc took more than {FPCALC_TIMEOUT} s") from None
    # As in providers.acoustid: fpcalc 1.5.1 may exit 3 ("Error decoding audio frame (End of file)") after printing
    # a good fingerprint; only no fingerprint is a failure.
    try:
        items = json.loads(done.stdout).get("fingerprint")
    except (ValueError, AttributeError):
        items = None
    if not isinstance(items, list) or not items or not all(isinstance(item, int) for item in items):
        reason = " ".join((done.stderr or "").split())[:200] or "no fingerprint in its answer"
        raise FingerprintError(f"fpcalc could not read the audio: {reason}")
    return [item & 0xFFFFFFFF for item in items]


def encode(items: Sequence[int]) -> str:
    """Return raw items as stored: little-endian 32-bit, base64."""
    return base64.b64encode(np.asarray(items, dtype="<u4").tobytes()).decode("ascii")


def decode(text: str) -> np.ndarray:
    """Return stored items as an array of 32-bit unsigned integers (empty for nothing stored)."""
    if not text:
        return np.zeros(0, dtype=np.uint32)
    return np.frombuffer(base64.b64decode(text), dtype="<u4").astype(np.uint32)


def _bits(items: np.ndarray) -> np.ndarray:
    return np.unpackbits(items.astype("<u4").view(np.uint8)).reshape(-1, 32)


def profile(items: Sequence[int] | np.ndarray) -> str:
    """Return the brief of a fingerprint: each bit's share of set items, as 32 hex bytes."""
    array = np.asarray(items, dtype=np.uint32)
    if not len(array):
        return ""
    shares = _bits(array).mean(axis=0)
    return bytes(int(round(share * 255)) for share in shares).hex()


def profile_array(text: str) -> np.ndarray:
    """Return a brief as 32 shares (0..1)."""
    return np.frombuffer(bytes.fromhex(text), dtype=np.uint8).astype(np.float32) / 255


def bit_error_rate(first: np.ndarray, second: np.ndarray, *, max_offset: int = MAX_OFFSET) -> float:
    """Return the lowest share of differing bits between two fingerprints over any alignment within max_offset
    items (1.0 when they never overlap by MIN_OVERLAP items)."""
    best = 1.0
    for offset in range(-max_offset, max_offset + 1):
        a, b = (first[offset:], second) if offset >= 0 else (first, second[-offset:])
        length = min(len(a), len(b))
        if length < MIN_OVERLAP:
            continue
        differing = int(np.unpackbits((a[:length] ^ b[:length]).astype("<u4").view(np.uint8)).sum())
        best = min(best, differing / (length * 32))
    return best


def same_recording(first: np.ndarray, second: np.ndarray) -> tuple[bool, float]:
    """Return whether two fingerprints are one recording, and their bit-error rate."""
    rate = bit_error_rate(first, second)
    return rate <= SAME_RECORDING_BER, rate
