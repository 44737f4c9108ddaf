"""The library's one writer of LibraryTrack rows: entries added one at a time or in bulk (a scan), made sure,
and doubted again with a note."""

import pytest

from library.entries import library_track_confirm, library_track_doubt, library_tracks_ensure
from library.models import LibraryTrack
from tests.factories import LibraryTrackFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_a_scans_tracks_join_the_library_in_bulk_once_each():
    known, sure, unsure = TrackFactory(), TrackFactory(), TrackFactory()
    entry = LibraryTrackFactory(track=known, is_provisional=False)
    added = library_tracks_ensure(provisional={known.pk: True, sure.pk: False, unsure.pk: True})
    assert added == 2 and LibraryTrack.objects.count() == 3
    entry.refresh_from_db()
    assert entry.is_provisional is False  # an entry the library had is left as it was
    assert (LibraryTrack.objects.get(track=sure).is_provisional,
            LibraryTrack.objects.get(track=unsure).is_provisional) == (
        False, True,
    )
    assert library_tracks_ensure(provisional={sure.pk: True}) == 0


def test_a_track_made_sure_joins_the_library_or_stops_being_provisional():
    new, provisional = TrackFactory(), TrackFactory()
    LibraryTrackFactory(track=provisional, is_provisional=True)
    assert library_track_confirm(track=new).is_provisional is False
    assert library_track_confirm(track=provisional).is_provisional is False
    assert LibraryTrack.objects.filter(is_provisional=False).count() == 2


def test_a_doubt_makes_the_entry_provisional_with_its_note_once():
    track = TrackFactory()
    entry = LibraryTrackFactory(track=track, is_provisional=False, notes="")
    note = "AcoustID: a close call, see the scan job of 2026-12-07."
    assert library_track_doubt(track=track, note=note) is True
    assert library_track_doubt(track=track, note=note) is False
    entry.refresh_from_db()
    assert entry.is_provisional and entry.notes == note
    assert library_track_doubt(track=TrackFactory(), note=note) is False  # not in the library: left alone
    assert LibraryTrack.objects.count() == 1
