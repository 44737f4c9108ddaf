"""The files DJ software reads and writes: Rekordbox XML, Traktor NML and M3U8, each in its own module.

Writers take neutral `ExportTrack`s and `ExportPlaylist`s (common.py); the Rekordbox reader gives neutral
`RekordboxTrack`s and `RekordboxPlaylist`s. Nothing here knows the database: crates/exports.py and
crates/imports.py turn rows into these and back.
"""

FORMATS = {"rekordbox": "Rekordbox XML", "traktor": "Traktor NML", "m3u8": "M3U8 playlist"}
EXTENSIONS = {"rekordbox": "xml", "traktor": "nml", "m3u8": "m3u8"}
CONTENT_TYPES = {
    "rekordbox": "application/xml; charset=utf-8", "traktor": "application/xml; charset=utf-8",
    "m3u8": "audio/x-mpegurl; charset=utf-8",
}
