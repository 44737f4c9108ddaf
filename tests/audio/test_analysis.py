"""BPM and key from the audio, on generated audio of a known tempo and key, and in a scan: filled only where no
provider and no person gave them, recorded as "analysis", and never in place of another's value."""

from __future__ import annotations

import math
import wave
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from audio import analysis, scanning, selectors
from audio.models import ScanItemKind, ScanJob, ScanJobItem
from audio.tags import TagValues, write_tags
from core import jobs
from tracks import keys
from tracks.models import Track

RATE = 44100
A_MINOR = (220.0, 261.63, 329.63)  # A3, C4, E4


def write_wav(path: Path, samples: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def clicks(bpm: float, seconds: float = 30.0, pitch: float = 1000.0) -> np.ndarray:
    """A decaying tone burst on every beat: a metronome."""
    out = np.zeros(int(RATE * seconds))
    length = int(0.05 * RATE)
    burst = np.sin(2 * math.pi * pitch * np.arange(length) / RATE) * np.exp(-np.arange(length) / (0.01 * RATE))
    beat = 0
    while (start := int(beat * 60.0 / bpm * RATE)) + length < out.size:
        out[start:start + length] += 0.8 * burst
        beat += 1
    return out


def chord(frequencies, seconds: float = 20.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return 0.5 * sum(np.sin(2 * math.pi * f * t) for f in frequencies) / len(frequencies)


def same_tempo(found: Decimal | None, wanted: float) -> bool:
    """Within 2 BPM of the tempo, or of its half or double (a beat tracker may count every other beat)."""
    return found is not None and any(abs(float(found) - wanted * factor) <= 2 for factor in (0.5, 1, 2))


# A profile method may name the relative key (C major for A minor): the same notes, the same Camelot number.
A_MINOR_OR_RELATIVE = {"A minor", "C major"}


@pytest.mark.parametrize("bpm", [120, 128, 174])
def test_the_tempo_of_a_click_track(tmp_path, bpm):
    path = write_wav(tmp_path / f"click-{bpm}.wav", clicks(bpm))
    found = analysis.analyse(str(path), key=False)
    assert same_tempo(found.bpm, bpm), found.bpm
    assert found.key == ""


def test_the_key_of_sustained_a_minor_tones(tmp_path):
    path = write_wav(tmp_path / "a-minor.wav", chord(A_MINOR))
    found = analysis.analyse(str(path), bpm=False)
    assert found.key in A_MINOR_OR_RELATIVE
    assert keys.camelot(found.key)[:-1] == "8"
    assert found.bpm is None


def test_the_key_of_an_a_minor_chord_sequence(tmp_path):
    sequence = np.concatenate([
        chord(A_MINOR, 4), chord((293.66, 349.23, 440.0), 4), chord((329.63, 415.30, 493.88), 4), chord(A_MINOR, 4),
    ])
    found = analysis.analyse(str(write_wav(tmp_path / "am-dm-e-am.wav", sequence)), bpm=False)
    assert found.key == "A minor"


def test_silence_has_no_tempo_and_no_key(tmp_path):
    found = analysis.analyse(str(write_wav(tmp_path / "silence.wav", np.zeros(RATE * 10))))
    assert (found.bpm, found.key) == (None, "")


def test_audio_that_cannot_be_decoded_says_why(tmp_path):
    (tmp_path / "bad.mp3").write_bytes(b"\x00" * 1000)
    with pytest.raises(analysis.AnalysisError, match="ffmpeg could not decode the audio|less than two seconds"):
        analysis.analyse(str(tmp_path / "bad.mp3"))


# --- In a scan --------------------------------------------------------------------------------------------------------


def scan(root: Path, analyse: bool = True) -> ScanJob:
    job = scanning.scan_job_create(root=str(root), enqueue_now=False, analyse=analyse)
    return jobs.job_run_here(model=ScanJob, job_id=job.pk)


@pytest.fixture
def song(tmp_path) -> Path:
    """A 120 BPM metronome over an A minor chord, tagged with a title and artist but no BPM or key."""
    path = write_wav(tmp_path / "music" / "song.wav", clicks(120, 20, pitch=1760.0) + chord(A_MINOR, 20))
    write_tags(path, TagValues(title="Metronome", artists=("Test",)))
    return path


@pytest.mark.django_db
def test_a_scan_fills_the_missing_bpm_and_key_from_the_audio_as_analysis(song):
    job = scan(song.parent)
    assert job.status == "completed" and job.failed == 0, job.last_error
    track = Track.objects.get()
    assert same_tempo(track.bpm, 120), track.bpm
    assert track.key in A_MINOR_OR_RELATIVE and track.key_wheel == keys.wheel_index(track.key)
    assert track.metadata_sources["bpm"]["source"] == "analysis"
    assert track.metadata_sources["key"]["source"] == "analysis"
    assert selectors.scan_summary(job=job).counts["analysed"] == 1
    # A later scan of the unchanged file analyses nothing again.
    again = scan(song.parent)
    assert not ScanJobItem.objects.filter(job=again, kind=ScanItemKind.ANALYSE).exists()


@pytest.mark.django_db
def test_a_providers_or_a_persons_value_is_never_replaced_by_the_analysis(song):
    Track.objects.create(
        title="Metronome", artists=["Test"], bpm=Decimal("121.5"), key="",
        metadata_sources={"bpm": {"source": "beatport", "at": "2024-01-01T00:00:00+00:00"}},
    )
    scan(song.parent)
    track = Track.objects.get()
    assert track.bpm == Decimal("121.50") and track.metadata_sources["bpm"]["source"] == "beatport"
    assert track.key in A_MINOR_OR_RELATIVE and track.metadata_sources["key"]["source"] == "analysis"
    # A person sets the key; a changed file is read again, and the person's key stays.
    Track.objects.filter(pk=track.pk).update(
        key="G minor",
        metadata_sources={**track.metadata_sources, "key": {"source": "manual", "at": "2024-01-02T00:00:00+00:00"}},
    )
    write_tags(song, TagValues(title="Metronome", artists=("Test",), key="E minor"))
    scan(song.parent)
    track.refresh_from_db()
    assert track.key == "G minor"


@pytest.mark.django_db
def test_the_files_own_bpm_replaces_an_analysed_one(song):
    scan(song.parent)
    write_tags(song, TagValues(title="Metronome", artists=("Test",), bpm=Decimal("119"), key="A minor"))
    scan(song.parent)
    track = Track.objects.get()
    assert track.bpm == Decimal("119.00") and track.metadata_sources["bpm"]["source"] == "tags"


@pytest.mark.django_db
def test_no_analysis_skips_it_and_an_unreadable_file_fails_alone(song, tmp_path):
    job = scan(song.parent, analyse=False)
    assert Track.objects.get().bpm is None
    assert not ScanJobItem.objects.filter(job=job, kind=ScanItemKind.ANALYSE).exists()
    short = write_wav(song.parent / "blip.wav", clicks(120, 1.0))
    write_tags(short, TagValues(title="Blip", artists=("Test",)))
    job = scan(song.parent)
    failed = ScanJobItem.objects.get(job=job, kind=ScanItemKind.ANALYSE, status="failed")
    assert "less than two seconds of audio" in failed.error
    assert job.status == "completed" and Track.objects.filter(title="Blip").exists()
