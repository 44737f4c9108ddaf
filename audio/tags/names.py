"""Every name a field of ours goes by, per tag format: the one we write, and the other taggers' names we keep in step.

We write Picard's names (https://picard-docs.musicbrainz.org/en/appendices/tag_mapping.html). Other
programs write the same field under other names, and a reader that prefers one of those shows it instead
of ours; so a name below that is already in the file is given our value (or removed with it), and a name
that is not there is not added. Where each name comes from (read, not copied, in their source):

- beets' mediafile (beetbox/mediafile, mediafile/__init__.py, 0.17): it reads the FIRST name it finds, in
  its own order: Vorbis DESCRIPTION before COMMENT, DISC before DISCNUMBER, TRACK before TRACKNUMBER,
  "ALBUM ARTIST" and ALBUM_ARTIST before ALBUMARTIST; LABEL then PUBLISHER ("Traktor"); the year from
  YEAR; ID3 TXXX:LABEL beside TPUB; MP4 ----:publisher beside ----:LABEL; CATALOGID and
  DISCOGS_CATALOG beside CATALOGNUMBER; the MusicBrainz ids under Picard's names.
- MusicBrainz Picard (metabrainz/picard, picard/formats/id3.py, vorbis.py, mp4.py): the names we write,
  the MusicBrainz album, artist, album artist and release group ids included.
- Mp3tag and foobar2000 (their field-mapping documentation): Vorbis "ALBUM ARTIST" and PUBLISHER,
  ID3 TDRL (Mp3tag's RELEASETIME), TXXX frames named after a field (TXXX:BPM, TXXX:INITIALKEY,
  TXXX:ISRC, TXXX:YEAR) where a user added the field by hand; ORGANIZATION is the Vorbis comment
  specification's own name for the label (https://xiph.org/vorbis/doc/v-comment.html).
- ffmpeg/ffprobe (libavformat's riff.c and id3v2.c): a WAV's RIFF INFO items (INAM, IART, IPRD, IGNR,
  ICRD, ITRK/IPRT) win over its ID3 chunk, ID3 TDRL wins over TDRC, and a Vorbis DESCRIPTION over COMMENT.

The comment is not a field we share: the comment slot (ID3 COMM without a description, Vorbis COMMENT,
MP4 ©cmt, RIFF ICMT, AIFF ANNO) is the user's (Mixed In Key writes its key and energy there), so our
note on where the tags came from goes under a name of its own (COMMENT_NAMES), and only a note of ours
that an older Cratedigger or another tagger left in the user's slots is removed.
"""

from __future__ import annotations

from dataclasses import dataclass

# How an alias holds the value: the same text, or only the year of a date.
SAME = "same"
YEAR = "year"


@dataclass(frozen=True)
class Names:
    """A field's names in one format: `written` always hold our value; `aliases` are kept in step where present."""

    written: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()  # (name, SAME or YEAR)


def _names(*written: str, same: tuple[str, ...] = (), year: tuple[str, ...] = ()) -> Names:
    return Names(written=written, aliases=tuple((name, SAME) for name in same) + tuple((name, YEAR) for name in year))


# ID3 (MP3, AIFF, WAV): a four-letter name is a text frame; "TXXX:desc" a user-defined text frame, its
# description matched in any letter case; UFID and COMM are handled by name in the writer.
ID3_NAMES: dict[str, Names] = {
    "title": _names("TIT2"),
    "artist": _names("TPE1"),
    "artists": _names("TXXX:ARTISTS"),
    "album": _names("TALB"),
    "albumartist": _names("TPE2", same=("TXXX:ALBUMARTIST", "TXXX:ALBUM ARTIST")),
    "label": _names("TPUB", same=("TXXX:LABEL", "TXXX:PUBLISHER")),
    "catalognumber": _names("TXXX:CATALOGNUMBER", same=("TXXX:CATALOGID", "TXXX:DISCOGS_CATALOG")),
    "isrc": _names("TSRC", same=("TXXX:ISRC",)),
    "bpm": _names("TBPM", same=("TXXX:BPM",)),
    "key": _names("TKEY", same=("TXXX:INITIALKEY", "TXXX:KEY")),
    "camelot": _names("TXXX:CAMELOT"),
    "genre": _names("TCON"),
    # TDRL is ID3v2.4 only: an ID3v2.3 write drops it (see writer), which is what ffprobe then needs.
    "date": _names("TDRC", same=("TDRL", "TXXX:DATE"), year=("TXXX:YEAR",)),
    "tracknumber": _names("TRCK"),
    "discnumber": _names("TPOS"),
    "musicbrainz_recordingid": _names("UFID:http://musicbrainz.org"),
    "musicbrainz_albumid": _names("TXXX:MusicBrainz Album Id"),
    "musicbrainz_artistid": _names("TXXX:MusicBrainz Artist Id"),
    "musicbrainz_albumartistid": _names("TXXX:MusicBrainz Album Artist Id"),
    "musicbrainz_releasegroupid": _names("TXXX:MusicBrainz Release Group Id"),
    "comment": _names("COMM:Cratedigger"),
}

# Vorbis comments (FLAC, Ogg Vorbis, Opus); names are matched in any letter case, as the format says.
VORBIS_NAMES: dict[str, Names] = {
    "title": _names("TITLE"),
    "artist": _names("ARTIST"),
    "artists": _names("ARTISTS"),
    "album": _names("ALBUM"),
    "albumartist": _names("ALBUMARTIST", same=("ALBUM ARTIST", "ALBUM_ARTIST")),
    "label": _names("LABEL", same=("PUBLISHER", "ORGANIZATION")),
    "catalognumber": _names("CATALOGNUMBER", same=("CATALOGID", "DISCOGS_CATALOG")),
    "isrc": _names("ISRC"),
    "bpm": _names("BPM"),
    # Picard writes KEY; Traktor reads and writes INITIALKEY. Both hold the same text, always.
    "key": _names("KEY", "INITIALKEY"),
    "camelot": _names("CAMELOT"),
    "genre": _names("GENRE"),
    "date": _names("DATE", year=("YEAR",)),
    "tracknumber": _names("TRACKNUMBER", same=("TRACK",)),
    "discnumber": _names("DISCNUMBER", same=("DISC",)),
    "musicbrainz_recordingid": _names("MUSICBRAINZ_TRACKID"),
    "musicbrainz_albumid": _names("MUSICBRAINZ_ALBUMID"),
    "musicbrainz_artistid": _names("MUSICBRAINZ_ARTISTID"),
    "musicbrainz_albumartistid": _names("MUSICBRAINZ_ALBUMARTISTID"),
    "musicbrainz_releasegroupid": _names("MUSICBRAINZ_RELEASEGROUPID"),
    # Picard reads "COMMENT:desc" as a comment with that description, as it reads ID3's COMM:desc.
    "comment": _names("COMMENT:CRATEDIGGER"),
}

MP4_FREEFORM_PREFIX = "----:com.apple.iTunes:"
_FF = MP4_FREEFORM_PREFIX
# MP4 (AAC, ALAC): ©-atoms and iTunes's own, and freeform atoms (----:com.apple.iTunes:NAME, the NAME matched in
# any letter case). tmpo holds a whole number only, so the exact BPM goes beside it in ----:BPM (Mp3tag's and
# Traktor's name); trkn and disk are pairs (number, total).
MP4_NAMES: dict[str, Names] = {
    "title": _names("©nam"),
    "artist": _names("©ART"),
    "artists": _names(f"{_FF}ARTISTS"),
    "album": _names("©alb"),
    "albumartist": _names("aART"),
    "label": _names(f"{_FF}LABEL", same=(f"{_FF}publisher",)),
    "catalognumber": _names(f"{_FF}CATALOGNUMBER", same=(f"{_FF}CATALOGID", f"{_FF}DISCOGS_CATALOG")),
    "isrc": _names(f"{_FF}ISRC"),
    "bpm": _names(f"{_FF}BPM", "tmpo"),
    "key": _names(f"{_FF}initialkey", same=(f"{_FF}KEY",)),
    "camelot": _names(f"{_FF}CAMELOT"),
    "genre": _names("©gen"),  # the old numeric gnre is removed beside it: players would show it
    "date": _names("©day"),
    "tracknumber": _names("trkn"),
    "discnumber": _names("disk"),
    "musicbrainz_recordingid": _names(f"{_FF}MusicBrainz Track Id"),
    "musicbrainz_albumid": _names(f"{_FF}MusicBrainz Album Id"),
    "musicbrainz_artistid": _names(f"{_FF}MusicBrainz Artist Id"),
    "musicbrainz_albumartistid": _names(f"{_FF}MusicBrainz Album Artist Id"),
    "musicbrainz_releasegroupid": _names(f"{_FF}MusicBrainz Release Group Id"),
    "comment": _names(f"{_FF}CRATEDIGGER"),
}

# A WAV's RIFF INFO items and an AIFF's text chunks that ffprobe (and Windows, and some DJ software) read before
# the ID3 chunk. Kept in step where present; a field that none of them holds is left to the ID3 chunk alone.
RIFF_INFO_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("INAM",), "artist": ("IART",), "album": ("IPRD",), "genre": ("IGNR",), "date": ("ICRD",),
    "tracknumber": ("ITRK", "IPRT"),
}
AIFF_TEXT_NAMES: dict[str, tuple[str, ...]] = {"title": ("NAME",), "artist": ("AUTH",)}

# Our note on where the tags came from starts with this; in the user's comment slots it is an old one of ours.
OUR_COMMENT_PREFIX = "Tagged by Cratedigger"
# The user's comment slots, where only a note of ours is removed (see the module's docstring).
USER_COMMENT_NAMES = {
    "id3": ("COMM:", "TXXX:COMMENT", "TXXX:DESCRIPTION"),  # "COMM:" is every COMM without a description
    "vorbis": ("COMMENT", "DESCRIPTION"),
    "mp4": ("©cmt",),
    "wav": ("ICMT",),
    "aiff": ("ANNO",),
}
