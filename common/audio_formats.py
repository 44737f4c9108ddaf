"""The audio formats Cratedigger reads, files and plays: their names, file name extensions and media types."""

from __future__ import annotations

LOSSLESS_FORMATS = frozenset({"flac", "wav", "aiff", "alac"})
# File name extensions each format may carry.
EXTENSIONS = {
    "mp3": ("mp3",),
    "flac": ("flac",),
    "wav": ("wav", "wave"),
    "aiff": ("aiff", "aif", "aifc"),
    "aac": ("m4a", "mp4", "aac"),
    "alac": ("m4a", "mp4", "alac"),
    "ogg": ("ogg", "oga"),
    "opus": ("opus", "ogg"),
}
AUDIO_EXTENSIONS = frozenset(extension for names in EXTENSIONS.values() for extension in names)
# What a browser is told each format is; AIFF plays in Safari only, the rest everywhere.
MEDIA_TYPES = {
    "mp3": "audio/mpeg", "flac": "audio/flac", "aac": "audio/mp4", "alac": "audio/mp4", "m4a": "audio/mp4",
    "ogg": "audio/ogg", "opus": "audio/ogg", "wav": "audio/wav", "aiff": "audio/aiff",
}
