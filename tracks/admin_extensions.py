"""What the catalogue adds to other pages (core.dashboard): the dashboard's count of tracks and its chart of
tracks by genre."""

from __future__ import annotations

from core import dashboard
from tracks import selectors
from tracks.models import Track

dashboard.register_count("Tracks", Track, lambda: Track.objects.count(), "admin:tracks_track_changelist")
dashboard.register_chart("Tracks by genre", Track, selectors.tracks_by_genre)
