"""Text from outside never breaks a write: a NUL (or a lone surrogate) from a provider, a file's tags, a paste or an
import row is stored as U+FFFD, visibly, and the rest is kept. PostgreSQL refuses NUL in text and JSON, so these
tests mean most there (CI runs them on PostgreSQL); SQLite would have taken the NUL."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from mutagen.flac import FLAC

import matching
from audio import scanning as audio_scanning
from audio.models import ScanJob
from common.text import REPLACEMENT
from core import jobs
from library import services as library_services
from library.models import DiscoveryStatus, TrackDiscovery, Tracklist
from providers.base import TrackCandidate
from tests.audio_factory import make_audio
from tests.factories import UserFactory
from tracks import metadata
from tracks.models import Track
from wantlist.imports import WantListResource
from wantlist.models import WantList

pytestmark = pytest.mark.django_db


def test_a_pasted_tracklist_with_a_nul_is_saved_with_the_nul_shown(client):
    client.force_login(UserFactory())
    response = client.post(reverse("admin:library_tracklist_add"), {
        "name": "Nightshift", "dj": "", "date": "", "source_url": "",
        "raw_text": "01. Bicep - Gl\x00ue\n02. Trevino - Sombre Tones\n",
        "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0",
    }, follow=True)
    assert response.status_code == 200
    tracklist = Tracklist.objects.get()
    assert tracklist.raw_text.startswith(f"01. Bicep - Gl{REPLACEMENT}ue")
    assert tracklist.discoveries.count() == 2


def test_a_tracklist_made_by_a_command_or_the_api_is_stored_too():
    tracklist = library_services.tracklist_create(name="Mix\x00", dj="D\ud800J", raw_text="A - B\x00C")
    tracklist.refresh_from_db()
    assert (tracklist.name, tracklist.dj) == (f"Mix{REPLACEMENT}", f"D{REPLACEMENT}J")


def test_a_search_answer_with_a_nul_is_kept_on_the_line_and_becomes_a_track():
    tracklist = library_services.tracklist_create(name="Mix", raw_text="Evil - Dreams")
    line = tracklist.discoveries.get()
    hostile = TrackCandidate(source="musicbrainz", external_id="mbid-evil", title="Dre\x00ams", artists=("Ev\x00il",),
                             album="Al\x00bum", comment="live\x00")
    TrackDiscovery.objects.filter(pk=line.pk).update(
        status=DiscoveryStatus.NEEDS_REVIEW, candidates=[library_services.candidate_dict(
            hostile, matching.score(library_services.query_of(line), metadata.recording_from(hostile)),
        )],
    )
    line.refresh_from_db()
    library_track = library_services.discovery_accept(discovery=line, index=0)
    assert library_track.track.title == f"Dre{REPLACEMENT}ams"
    assert Track.objects.get(pk=library_track.track.pk).artists == [f"Ev{REPLACEMENT}il"]


def test_a_scanned_file_whose_tags_hold_a_nul_is_read_with_the_nul_shown(tmp_path: Path):
    root = tmp_path / "music"
    path = make_audio(root / "evil.flac", format="flac", seconds=2)
    tags = FLAC(path)
    tags["title"], tags["artist"], tags["label"] = ["Dre\x00ams"], ["Ev\x00il"], ["La\x00bel"]
    tags.save()
    job = audio_scanning.scan_job_create(root=str(root), enqueue_now=False, analyse=False, started_by="test")
    job = jobs.job_run_here(model=ScanJob, job_id=job.pk)
    assert job.failed == 0, job.last_error
    track = Track.objects.get(file_path=str(path))
    assert (track.title, track.label) == (f"Dre{REPLACEMENT}ams", f"La{REPLACEMENT}bel")


def test_an_import_row_with_a_nul_is_imported_with_the_nul_shown():
    from import_export.formats.base_formats import CSV

    data = CSV(encoding="utf-8-sig").create_dataset(
        b"artist,title,version,priority,notes\nEv\x00il,Dre\x00ams,,2,n\x00b\n")
    result = WantListResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    entry = WantList.objects.get()
    assert entry.notes == f"n{REPLACEMENT}b" and entry.library_track.track.title == f"Dre{REPLACEMENT}ams"
