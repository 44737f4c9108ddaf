"""The one tag writer: what the catalogue knows about a track, written into its audio file, and read back.

Every format goes through mutagen with MusicBrainz Picard's field names
(https://picard-docs.musicbrainz.org/en/appendices/tag_mapping.html), so Picard, players
and DJ software (Rekordbox, Serato, Traktor) read what we wrote:

| TagValues           | ID3 (MP3, AIFF, WAV)        | Vorbis (FLAC, Ogg, Opus)  | MP4 (AAC, ALAC)                      |
|---------------------|-----------------------------|---------------------------|--------------------------------------|
| title (+ version)   | TIT2                        | TITLE                     | ©nam                                 |
| artist_credit       | TPE1                        | ARTIST                    | ©ART                                 |
| artists (multi)     | TXXX:ARTISTS                | ARTISTS                   | ----ARTISTS                          |
| album, album_artist | TALB, TPE2                  | ALBUM, ALBUMARTIST        | ©alb, aART                           |
| label               | TPUB                        | LABEL                     | ----LABEL                            |
| catalog_number      | TXXX:CATALOGNUMBER          | CATALOGNUMBER             | ----CATALOGNUMBER                    |
| isrc                | TSRC                        | ISRC                      | ----ISRC                             |
| bpm                 | TBPM                        | BPM                       | ----BPM, and tmpo (a whole number)   |
| key ("Am")          | TKEY                        | KEY and INITIALKEY        | ----initialkey                       |
| camelot ("8A")      | TXXX:CAMELOT                | CAMELOT                   | ----CAMELOT                          |
| genre               | TCON                        | GENRE                     | ©gen (numeric gnre removed)          |
| date                | TDRC (v2.3: TYER + TDAT)    | DATE                      | ©day                                 |
| track, disc number  | TRCK, TPOS (a /total stays) | TRACKNUMBER, DISCNUMBER   | trkn, disk (the total stays)         |
| MB recording id     | UFID:http://musicbrainz.org | MUSICBRAINZ_TRACKID       | ----MusicBrainz Track Id             |
| MB release id       | TXXX:MusicBrainz Album Id   | MUSICBRAINZ_ALBUMID       | ----MusicBrainz Album Id             |
| MB artist ids       | TXXX:MusicBrainz Artist Id  | MUSICBRAINZ_ARTISTID      | ----MusicBrainz Artist Id            |
| MB album artist ids | TXXX:MusicBrainz Album      | MUSICBRAINZ_ALBUMARTISTID | ----MusicBrainz Album Artist Id      |
|                     |   Artist Id                 |                           |                                      |
| MB release group id | TXXX:MusicBrainz Release    | MUSICBRAINZ_RELEASEGROUPID| ----MusicBrainz Release Group Id     |
|                     |   Group Id                  |                           |                                      |
| comment (ours)      | COMM, description           | COMMENT:CRATEDIGGER       | ----CRATEDIGGER                      |
|                     |   "Cratedigger"             |                           |                                      |
| artwork (front)     | APIC type 3                 | FLAC: PICTURE type 3;     | covr (all replaced: no types)        |
|                     |                             | Ogg: METADATA_BLOCK_PICT. |                                      |

---- is ----:com.apple.iTunes: (an MP4 freeform atom); METADATA_BLOCK_PICT. is METADATA_BLOCK_PICTURE.

Other taggers write some fields under other names (Vorbis PUBLISHER beside LABEL, ID3 TXXX:LABEL beside
TPUB, a WAV's RIFF INFO beside its ID3 chunk, ...), and readers that prefer those would show their old
values: every such name already in the file is given our value, or removed with it (names.py lists them,
and where each comes from). Our comment, on where the tags came from, has a name of its own: the
comment slot players show (COMM without a description, COMMENT, ©cmt) is the user's, and is kept.

Only these fields are ours: every other tag in the file (Serato's GEOB frames, ReplayGain,
a TXXX someone added) is kept. A field of ours whose value is empty is removed, so the
file says what the catalogue says and nothing stale. Artwork is the exception: without
new artwork the pictures already in the file are kept.

A write is atomic and checked: the file is copied to a hidden temporary file beside it, the tags are
written into the copy, the copy is read back name by name and compared with what was written, flushed
to disk and renamed over the original, so a crash, a full disk or a tag that does not read back leaves
the old file, never half of each. A WAV, AIFF or Ogg file that is cut short is refused before anything
is written. See `write_tags`.
"""

from __future__ import annotations

import os

from audio.probe import format_of, open_audio
from audio.tags.formats import ID3_FORMATS, MP4_FORMATS, VORBIS_FORMATS, read_texts
from audio.tags.values import (
    ARTIST_JOIN,
    FIELDS,
    JOIN_READ,
    FileStamp,
    TagValues,
    TagWriteError,
    file_stamp,
    provenance_comment,
    tag_values_for_track,
    values_from_texts,
)
from audio.tags.writer import write_tags

__all__ = [
    "ARTIST_JOIN", "FIELDS", "ID3_FORMATS", "JOIN_READ", "MP4_FORMATS", "VORBIS_FORMATS", "FileStamp", "TagValues",
    "TagWriteError", "file_stamp", "provenance_comment", "read_tags", "tag_values_for_track", "write_tags",
]


def read_tags(path: str | os.PathLike[str]) -> TagValues:
    """Return the fields of ours that the file's tags hold; raise AudioError if it is not readable audio.

    Each field is read from the name we write, else from the first other tagger's name for it that the
    file has (names.py). The title is split into title and version only when parse_title finds exactly
    one version in a trailing "(...)" and "title (version)" gives back the tag's text letter for letter;
    otherwise ("X - Extended Mix", "X (Wiggle)", two versions) the whole text is the title and version
    is None. Key spellings come back the Camelot chart's way ("G# minor" reads back as "Ab minor"),
    with the Camelot code beside it. An MP4 BPM is exact where ----:BPM holds it, else tmpo's whole number.
    """
    audio = open_audio(path)
    if audio.tags is None:
        return TagValues()
    return values_from_texts(read_texts(audio, format_of(audio)))
