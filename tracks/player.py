"""Listen before you decide: a track's own file, played in the browser from any admin page that shows the track.

The file is served only to a logged-in member of staff who may view tracks (the admin's own view wrapper and the
view permission), in parts as the player seeks (core.ranges). Every page plays through one audio element
(core/static/core/player.js): starting a track stops the one playing.
"""

from __future__ import annotations

import os

from django.urls import reverse
from django.utils.html import format_html

from common.audio_formats import MEDIA_TYPES

SCRIPT = "core/player.js"


def playable(track) -> bool:
    """Return whether the track has a file on disk to play."""
    return bool(track is not None and track.file_path and not track.file_missing and os.path.isfile(track.file_path))


def media_type(track) -> str:
    return MEDIA_TYPES.get((track.file_format or "").lower(), "application/octet-stream")


def audio_url(track) -> str:
    return reverse("admin:tracks_track_audio", args=[track.pk])


def play_button(track) -> str:
    """Return a small play button for a list row (nothing when the track has no file)."""
    if track is None or not track.file_path or track.file_missing:
        return ""
    return format_html(
        '<button type="button" class="crate-play" data-src="{}" title="Play {}" aria-label="Play {}">'
        '<span class="material-symbols-outlined">play_arrow</span></button>',
        audio_url(track), track, track,
    )


def player(track) -> str:
    """Return a full player (seek bar, time, volume) for a track's page."""
    if not playable(track):
        return ""
    return format_html('<audio class="crate-player" controls preload="none" src="{}"></audio>', audio_url(track))
