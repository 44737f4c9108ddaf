"""The database itself refuses rows that break the domain's rules."""

import pytest
from django.db import IntegrityError, transaction

from library.models import LibraryTrack, TrackDiscovery
from tests.factories import (
    LibraryTrackFactory,
    MetadataFetchTaskFactory,
    TrackDiscoveryFactory,
    TrackFactory,
    WantListFactory,
)
from tracks.models import MetadataFetchTask, Track
from wantlist.models import WantList

pytestmark = pytest.mark.django_db


def rejected(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize("priority", [0, 6])
def test_want_priority_outside_1_to_5_is_rejected(priority):
    want = WantListFactory()
    assert rejected(lambda: WantList.objects.filter(pk=want.pk).update(priority=priority))


def test_want_priority_1_and_5_are_accepted():
    assert WantListFactory(priority=1).priority == 1
    assert WantListFactory(priority=5).priority == 5


def test_unknown_status_is_rejected():
    want = WantListFactory()
    assert rejected(lambda: WantList.objects.filter(pk=want.pk).update(status="lost"))
    task = MetadataFetchTaskFactory()
    assert rejected(lambda: MetadataFetchTask.objects.filter(pk=task.pk).update(status="sleeping"))


def test_negative_counters_are_rejected():
    library_track = LibraryTrackFactory()
    assert rejected(lambda: LibraryTrack.objects.filter(pk=library_track.pk).update(discovery_count=-1))
    task = MetadataFetchTaskFactory()
    assert rejected(lambda: MetadataFetchTask.objects.filter(pk=task.pk).update(failed=-1, processed=-1))


def test_processed_must_equal_successful_plus_failed():
    task = MetadataFetchTaskFactory(total=5)
    assert rejected(lambda: MetadataFetchTask.objects.filter(pk=task.pk).update(processed=2, succeeded=1))
    MetadataFetchTask.objects.filter(pk=task.pk).update(processed=2, succeeded=1, failed=1)
    assert rejected(lambda: MetadataFetchTask.objects.filter(pk=task.pk).update(processed=6, succeeded=6))


def test_second_library_track_for_one_track_is_rejected():
    library_track = LibraryTrackFactory()
    assert rejected(lambda: LibraryTrack.objects.create(track=library_track.track))


def test_provider_ids_are_unique_where_set():
    TrackFactory(spotify_id="3n3Ppam7vgaVa1iaRUc9Lp", isrc="USUM71703861")
    assert rejected(lambda: TrackFactory(spotify_id="3n3Ppam7vgaVa1iaRUc9Lp"))
    # Many tracks may have no id at all.
    TrackFactory(spotify_id="")
    TrackFactory(spotify_id="")
    assert Track.objects.filter(spotify_id="").count() == 2


def test_confidence_outside_0_to_1_is_rejected():
    discovery = TrackDiscoveryFactory()
    assert rejected(lambda: TrackDiscovery.objects.filter(pk=discovery.pk).update(confidence=1.5))


def test_one_position_per_tracklist_line():
    discovery = TrackDiscoveryFactory(position=1)
    assert rejected(lambda: TrackDiscoveryFactory(tracklist=discovery.tracklist, position=1))
