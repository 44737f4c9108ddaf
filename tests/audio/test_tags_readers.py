"""Every reader agrees on what the tag writer wrote: a file first tagged the way another program tags it,
then written by us, then read by raw mutagen, by ffprobe and by beets' mediafile (which reads the first
name it finds, so a stale copy of a field under another tagger's name would show instead of ours)."""

from __future__ import annotations

import datetime
import struct
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import mutagen
import pytest
from mutagen.id3 import COMM, ID3, TDRC, TDRL, TIT2, TPE2, TPOS, TPUB, TXXX
from mutagen.mp4 import MP4, AtomDataType, MP4FreeForm

from audio.tags import TagValues, TagWriteError, read_tags, tag_values_for_track, write_tags
from audio.tags import formats as formats_module
from tests.audio.conftest import ID3_FORMATS, MP4_FORMATS, VORBIS_FORMATS
from tests.audio.test_tags import (
    ARTIST_MBIDS,
    RECORDING_MBID,
    RELEASE_GROUP_MBID,
    RELEASE_MBID,
    VALUES,
    ffprobe,
    temporary_files,
)
from tests.audio.test_tags import ffprobe_tags as _ffprobe_tags
from tests.audio_factory import make_corrupt
from tracks.models import Track

mediafile = pytest.importorskip("mediafile")

# What Mixed In Key leaves in the comment players show: the user's, never ours to replace.
USER_COMMENT = "8A - Energy 6"
OLD_NOTE = "Tagged by Cratedigger from Discogs"  # our note as an older Cratedigger left it, in the user's comment


def ffprobe_tags(path: Path) -> dict[str, str]:
    return _ffprobe_tags(ffprobe(path))


def assert_mediafile_reads_values(path: Path, values: TagValues = VALUES) -> None:
    """Assert that beets reads each of our fields as written."""
    read = mediafile.MediaFile(str(path))
    assert read.title == values.full_title
    assert read.artist == values.display_artist
    assert read.album == values.album
    assert read.albumartist == values.album_artist
    assert read.label == values.label
    assert read.catalognum == values.catalog_number
    assert read.isrc == values.isrc
    assert read.genre == values.genre
    assert read.date == datetime.date.fromisoformat(values.date)
    assert read.year == int(values.date[:4])
    assert read.track == values.track_number
    assert read.disc == values.disc_number
    # mediafile reads a BPM as a whole number in every format (128.5 as 128, or MP4's tmpo of 129).
    assert abs(read.bpm - Decimal(values.bpm)) < 1
    assert read.mb_trackid == values.musicbrainz_recording_id
    assert read.mb_albumid == values.musicbrainz_release_id
    assert read.mb_artistids == list(values.musicbrainz_artist_ids)
    assert read.mb_albumartistids == list(values.musicbrainz_album_artist_ids)
    assert read.mb_releasegroupid == values.musicbrainz_release_group_id


# --- Files first tagged by another program --------------------------------------------------------------------------


def _tag_vorbis_like_others(path: Path) -> None:
    """Tag a FLAC/Ogg/Opus as beets, foobar2000, Mp3tag and Traktor leave it: every field under its other names."""
    audio = mutagen.File(path)
    audio.tags.update({
        "COMMENT": [USER_COMMENT], "DESCRIPTION": [OLD_NOTE], "DISC": ["3"], "DISCNUMBER": ["3"],
        "YEAR": ["1999"], "DATE": ["1999"], "PUBLISHER": ["Old Label"], "ORGANIZATION": ["Old Label"],
        "LABEL": ["Old Label"], "TRACK": ["4"], "TRACKNUMBER": ["4"], "ALBUM ARTIST": ["Old Artist"],
        "ALBUM_ARTIST": ["Old Artist"], "CATALOGID": ["OLD001"],
    })
    audio.save()


def _tag_id3_like_others(path: Path) -> None:
    """Tag an MP3/WAV/AIFF as Mp3tag and beets leave it: TXXX copies of fields, TDRL, the user's comment."""
    audio = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    for frame in (
        TPUB(encoding=3, text=["Old Label"]), TXXX(encoding=3, desc="LABEL", text=["Old Label"]),
        TXXX(encoding=3, desc="PUBLISHER", text=["Old Label"]), TDRC(encoding=3, text=["1999"]),
        TDRL(encoding=3, text=["1999"]), TXXX(encoding=3, desc="YEAR", text=["1999"]),
        TPE2(encoding=3, text=["Old Artist"]), TXXX(encoding=3, desc="ALBUMARTIST", text=["Old Artist"]),
        TXXX(encoding=3, desc="BPM", text=["99"]), TXXX(encoding=3, desc="INITIALKEY", text=["Dm"]),
        TPOS(encoding=3, text=["3/4"]),
        COMM(encoding=3, lang="eng", desc="", text=[USER_COMMENT]),
        TXXX(encoding=3, desc="Comment", text=[OLD_NOTE]),
    ):
        audio.tags.add(frame)
    audio.save()


def _tag_mp4_like_others(path: Path) -> None:
    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()

    def freeform(text: str) -> list[MP4FreeForm]:
        return [MP4FreeForm(text.encode(), dataformat=AtomDataType.UTF8)]

    audio.tags["----:com.apple.iTunes:publisher"] = freeform("Old Label")
    audio.tags["----:com.apple.iTunes:LABEL"] = freeform("Old Label")
    audio.tags["----:com.apple.iTunes:CATALOGID"] = freeform("OLD001")
    audio.tags["----:com.apple.iTunes:KEY"] = freeform("Dm")
    audio.tags["©cmt"] = [USER_COMMENT]
    audio.tags["tmpo"] = [99]
    audio.save()


@pytest.mark.parametrize("fmt", VORBIS_FORMATS)
def test_vorbis_names_other_taggers_use_follow_the_write(fmt, audio_copy):
    path = audio_copy(fmt)
    _tag_vorbis_like_others(path)

    write_tags(path, VALUES)

    tags = mutagen.File(path).tags
    assert tags["DISC"] == tags["DISCNUMBER"] == ["1"]
    assert tags["TRACK"] == tags["TRACKNUMBER"] == ["10"]
    assert tags["YEAR"] == ["2009"] and tags["DATE"] == ["2009-09-22"]
    assert tags["PUBLISHER"] == tags["ORGANIZATION"] == tags["LABEL"] == ["mau5trap"]
    assert tags["ALBUM ARTIST"] == tags["ALBUM_ARTIST"] == tags["ALBUMARTIST"] == ["deadmau5"]
    assert tags["CATALOGID"] == ["MAU5002"]
    # The user's comment stays; our old note is gone from DESCRIPTION and ours has its own name.
    assert tags["COMMENT"] == [USER_COMMENT]
    assert "DESCRIPTION" not in tags
    assert tags["COMMENT:CRATEDIGGER"] == [VALUES.comment]
    assert read_tags(path) == VALUES

    found = ffprobe_tags(path)
    assert (found["disc"], found["date"], found["label"], found["publisher"]) == (
        "1", "2009-09-22", "mau5trap", "mau5trap",
    )
    assert found["comment"] == USER_COMMENT
    assert_mediafile_reads_values(path)
    assert mediafile.MediaFile(str(path)).comments == USER_COMMENT


@pytest.mark.parametrize("fmt", ID3_FORMATS)
def test_id3_names_other_taggers_use_follow_the_write(fmt, audio_copy):
    path = audio_copy(fmt)
    _tag_id3_like_others(path)

    write_tags(path, VALUES)

    tags = ID3(path) if fmt == "mp3" else mutagen.File(path).tags
    assert tags["TPUB"].text == tags["TXXX:LABEL"].text == tags["TXXX:PUBLISHER"].text == ["mau5trap"]
    assert str(tags["TDRL"].text[0]) == "2009-09-22" and tags["TXXX:YEAR"].text == ["2009"]
    assert tags["TXXX:ALBUMARTIST"].text == ["deadmau5"]
    assert tags["TXXX:BPM"].text == ["128.5"] and tags["TXXX:INITIALKEY"].text == ["Am"]
    assert tags["TPOS"].text == ["1/4"]  # the disc total is not ours to drop
    assert tags["COMM::eng"].text == [USER_COMMENT]
    assert tags["COMM:Cratedigger:eng"].text == [VALUES.comment]
    assert "TXXX:Comment" not in tags  # it held only an old note of ours
    assert read_tags(path) == VALUES

    found = ffprobe_tags(path)
    assert found["date"] == "2009-09-22"  # ffprobe reads TDRL before TDRC
    assert (found["publisher"], found["label"], found["album_artist"]) == ("mau5trap", "mau5trap", "deadmau5")
    assert found["comment"] == USER_COMMENT
    assert_mediafile_reads_values(path)
    assert mediafile.MediaFile(str(path)).comments == USER_COMMENT


def test_an_id3v23_write_drops_tdrl_so_ffprobe_reads_the_date_written(audio_copy):
    path = audio_copy("mp3")
    _tag_id3_like_others(path)

    write_tags(path, VALUES, id3_version=3)

    assert "TDRL" not in ID3(path)
    assert ffprobe_tags(path)["date"].startswith("2009")
    assert_mediafile_reads_values(path)


@pytest.mark.parametrize("fmt", MP4_FORMATS)
def test_mp4_names_other_taggers_use_follow_the_write(fmt, audio_copy):
    path = audio_copy(fmt)
    _tag_mp4_like_others(path)

    write_tags(path, VALUES)

    tags = MP4(path).tags
    freeform = {key.split(":", 2)[2]: [bytes(value).decode() for value in values]
                for key, values in tags.items() if key.startswith("----")}
    assert freeform["publisher"] == freeform["LABEL"] == ["mau5trap"]
    assert freeform["CATALOGID"] == ["MAU5002"] and freeform["KEY"] == ["Am"]
    assert freeform["BPM"] == ["128.5"] and tags["tmpo"] == [129]
    assert tags["©cmt"] == [USER_COMMENT]
    assert freeform["CRATEDIGGER"] == [VALUES.comment]
    assert read_tags(path) == VALUES

    found = ffprobe_tags(path)
    assert (found["publisher"], found["label"], found["bpm"]) == ("mau5trap", "mau5trap", "128.5")
    assert found["comment"] == USER_COMMENT
    assert_mediafile_reads_values(path)


def test_a_field_we_empty_is_removed_under_every_name(audio_copy):
    path = audio_copy("flac")
    _tag_vorbis_like_others(path)

    write_tags(path, TagValues(title="Only a title"))

    tags = mutagen.File(path).tags
    names = {name.upper() for name in tags.keys()}
    assert names == {"TITLE", "COMMENT"}  # the user's comment is all that stays beside our title
    assert mediafile.MediaFile(str(path)).label is None


def test_a_name_the_file_lacks_is_read_from_another_taggers_name(audio_copy):
    path = audio_copy("flac")
    audio = mutagen.File(path)
    audio.tags.update({"ALBUM ARTIST": ["foobar's way"], "PUBLISHER": ["Traktor's way"], "YEAR": ["2001"]})
    audio.save()

    read = read_tags(path)

    assert (read.album_artist, read.label, read.date) == ("foobar's way", "Traktor's way", "2001")


# --- Our comment and the user's ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["mp3", "flac", "aac"])
def test_our_old_note_in_the_users_comment_moves_to_our_own_name(fmt, audio_copy):
    path = audio_copy(fmt)
    audio = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    if fmt == "mp3":
        audio.tags.add(COMM(encoding=3, lang="eng", desc="", text=[OLD_NOTE]))
    elif fmt == "flac":
        audio.tags["COMMENT"] = [OLD_NOTE]
    else:
        audio.tags["©cmt"] = [OLD_NOTE]
    audio.save()
    assert read_tags(path).comment == OLD_NOTE  # a file an older Cratedigger wrote reads as ours

    write_tags(path, VALUES)

    assert read_tags(path).comment == VALUES.comment
    assert mediafile.MediaFile(str(path)).comments is None  # the user's comment slot is empty again
    assert "comment" not in ffprobe_tags(path)


# --- WAV's RIFF INFO and AIFF's text chunks --------------------------------------------------------------------------


def _ffmpeg_tagged(path: Path, fmt: str) -> Path:
    """Make a WAV or AIFF the way ffmpeg (and so many rippers and DAWs) tags it: a RIFF INFO or NAME/AUTH chunks."""
    codec = {"wav": "pcm_s16le", "aiff": "pcm_s16be"}[fmt]
    artist = "artist" if fmt == "wav" else "author"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=2", "-c:a", codec,
         "-metadata", "title=full", "-metadata", f"{artist}=Old Artist", "-metadata", "album=Old Album",
         "-metadata", "comment=" + USER_COMMENT, "-metadata", "genre=Old", "-metadata", "date=1999",
         "-fflags", "+bitexact", str(path)],
        check=True, capture_output=True,
    )
    return path


def _chunk_ids(path: Path, fmt: str) -> list[str]:
    data = path.read_bytes()
    endian = "<" if fmt == "wav" else ">"
    ids, offset = [], 12
    while offset + 8 <= len(data):
        chunk_id, size = struct.unpack(f"{endian}4sI", data[offset:offset + 8])
        ids.append(chunk_id.decode("latin-1"))
        offset += 8 + size + (size & 1)
    return ids


@pytest.mark.parametrize("fmt", ["wav", "aiff"])
def test_a_wav_riff_info_and_aiff_text_chunks_follow_the_id3_chunk(fmt, audio_sources, tmp_path):
    path = _ffmpeg_tagged(tmp_path / f"glue.{fmt}", fmt)
    assert ffprobe_tags(path)["title"] == "full"

    write_tags(path, replace(VALUES, title="Glue", version=None))

    found = ffprobe_tags(path)
    assert found["title"] == "Glue"  # ffprobe read "full" from RIFF INFO before
    if fmt == "wav":
        assert (found["artist"], found["album"], found["genre"]) == ("deadmau5 & Kaskade", VALUES.album, VALUES.genre)
        assert found["date"] == "2009-09-22"
    else:
        assert found["author"] == "deadmau5 & Kaskade"
    assert found["comment"] == USER_COMMENT  # the user's
    assert mediafile.MediaFile(str(path)).title == "Glue"
    assert read_tags(path).title == "Glue"
    assert abs(float(ffprobe(path)["format"]["duration"]) - 2.0) < 0.01


def test_a_riff_info_chunk_left_with_nothing_is_removed(audio_sources, tmp_path):
    path = tmp_path / "only-ours.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=2", "-c:a", "pcm_s16le",
         "-metadata", "title=full", "-fflags", "+bitexact", str(path)],
        check=True, capture_output=True,
    )
    assert "LIST" in _chunk_ids(path, "wav")

    write_tags(path, TagValues(album="Only an album"))

    assert "LIST" not in _chunk_ids(path, "wav")
    found = ffprobe_tags(path)
    assert "title" not in found and found["album"] == "Only an album"


# --- Cut-short files -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["wav", "aiff", "ogg", "opus"])
def test_a_cut_short_file_is_refused_and_left_as_it_was(fmt, audio_sources, tmp_path):
    path = make_corrupt(tmp_path / f"half.{fmt}", audio_sources[fmt], truncate=True)
    original = path.read_bytes()

    with pytest.raises(TagWriteError, match="cut short") as error:
        write_tags(path, VALUES)

    assert "copied or downloaded only in part" in str(error.value)
    assert "nothing was written" in str(error.value)
    assert path.read_bytes() == original
    assert temporary_files(tmp_path) == []


def _ogg_pages(data: bytes) -> list[int]:
    """Return where each Ogg page ends."""
    ends, offset = [], 0
    while offset < len(data):
        count = data[offset + 26]
        offset += 27 + count + sum(data[offset + 27:offset + 27 + count])
        ends.append(offset)
    return ends


@pytest.mark.parametrize("fmt", ["ogg", "opus"])
@pytest.mark.parametrize("pages", [2, 3, -2])
def test_an_ogg_cut_on_a_page_boundary_is_refused_in_words(fmt, pages, audio_sources, tmp_path):
    # A cut after the header pages reads as 0.00 s of audio; one page from the end, as a little less.
    data = audio_sources[fmt].read_bytes()
    path = tmp_path / f"cut.{fmt}"
    path.write_bytes(data[:_ogg_pages(data)[pages - 1 if pages > 0 else pages]])

    with pytest.raises(TagWriteError, match="cut short: its Ogg stream stops .* without its last page"):
        write_tags(path, VALUES)

    assert path.read_bytes() == data[:path.stat().st_size]


@pytest.mark.parametrize("pad", [b"\x00", b""], ids=["padded", "pad byte missing"])
def test_a_whole_wav_with_an_odd_sized_chunk_is_not_called_cut_short(pad, audio_sources, tmp_path):
    data = bytearray(audio_sources["wav"].read_bytes())
    data += b"junk" + struct.pack("<I", 3) + b"odd" + pad  # a chunk of odd length ends with a pad byte
    data[4:8] = struct.pack("<I", len(data) - 8 + (1 - len(pad)))
    path = tmp_path / "odd.wav"
    path.write_bytes(bytes(data))

    write_tags(path, TagValues(title="Odd"))

    assert read_tags(path).title == "Odd"


def test_junk_after_the_end_a_wav_header_gives_is_not_called_cut_short(audio_sources, tmp_path):
    path = tmp_path / "junk.wav"
    path.write_bytes(audio_sources["wav"].read_bytes() + b"\xff" * 100)

    write_tags(path, TagValues(title="Junk"))

    assert read_tags(path).title == "Junk"


# --- MP4's BPM, the MusicBrainz ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", MP4_FORMATS)
def test_mp4_keeps_a_fractional_bpm(fmt, audio_copy):
    path = audio_copy(fmt)

    write_tags(path, TagValues(title="T", bpm=Decimal("123.45")))

    assert read_tags(path).bpm == Decimal("123.45")
    tags = MP4(path).tags
    assert tags["tmpo"] == [123]
    assert bytes(tags["----:com.apple.iTunes:BPM"][0]) == b"123.45"
    assert ffprobe_tags(path)["bpm"] == "123.45"
    assert mediafile.MediaFile(str(path)).bpm == 123


@pytest.mark.parametrize("fmt", ["mp3", "wav", "flac", "opus", "aac"])
def test_the_musicbrainz_ids_are_written_under_picards_names(fmt, audio_copy):
    path = audio_copy(fmt)
    values = TagValues(
        title="T", musicbrainz_recording_id=RECORDING_MBID, musicbrainz_release_id=RELEASE_MBID,
        musicbrainz_artist_ids=ARTIST_MBIDS, musicbrainz_album_artist_ids=ARTIST_MBIDS[1:],
        musicbrainz_release_group_id=RELEASE_GROUP_MBID,
    )

    write_tags(path, values)

    assert read_tags(path) == values
    read = mediafile.MediaFile(str(path))
    assert (read.mb_trackid, read.mb_albumid, read.mb_releasegroupid) == (
        RECORDING_MBID, RELEASE_MBID, RELEASE_GROUP_MBID,
    )
    assert read.mb_artistids == list(ARTIST_MBIDS)
    assert read.mb_albumartistids == list(ARTIST_MBIDS[1:])


def test_the_musicbrainz_ids_come_from_the_track_when_it_has_them():
    track = Track(title="Strobe", musicbrainz_recording_id=RECORDING_MBID)
    # Not Track fields yet: whatever carries them under these names is written.
    track.musicbrainz_release_id = RELEASE_MBID
    track.musicbrainz_artist_ids = list(ARTIST_MBIDS)
    track.musicbrainz_album_artist_ids = ARTIST_MBIDS[0]
    track.musicbrainz_release_group_id = RELEASE_GROUP_MBID

    values = tag_values_for_track(track)

    assert values.musicbrainz_release_id == RELEASE_MBID
    assert values.musicbrainz_artist_ids == ARTIST_MBIDS
    assert values.musicbrainz_album_artist_ids == ARTIST_MBIDS[:1]
    assert values.musicbrainz_release_group_id == RELEASE_GROUP_MBID


# --- A write that does not read back ---------------------------------------------------------------------------------


def test_a_frame_that_does_not_read_back_refuses_the_write_and_keeps_the_file(audio_copy, monkeypatch):
    path = audio_copy("mp3")
    write_tags(path, TagValues(title="Before"))
    original = path.read_bytes()
    real_frame = formats_module._id3_frame

    def garbling_frame(name, desc, values):
        frame = real_frame(name, desc, values)
        return TIT2(encoding=3, text=["Strobe (Club Edi"]) if name == "TIT2" else frame

    monkeypatch.setattr(formats_module, "_id3_frame", garbling_frame)
    with pytest.raises(TagWriteError) as error:
        write_tags(path, VALUES)

    message = str(error.value)
    assert "the tags did not read back as written" in message
    assert "the title in TIT2 reads 'Strobe (Club Edi' instead of 'Strobe (Club Edit)'" in message
    assert "the file was left as it was" in message
    assert path.read_bytes() == original
    assert temporary_files(path.parent) == []


def test_a_freeform_atom_that_does_not_read_back_refuses_the_write(audio_copy, monkeypatch):
    path = audio_copy("aac")
    original = path.read_bytes()
    monkeypatch.setattr(
        formats_module, "MP4FreeForm",
        lambda data, dataformat: MP4FreeForm(data[:-1], dataformat=dataformat),  # drops each value's last byte
    )

    with pytest.raises(TagWriteError, match=r"the label in ----:com.apple.iTunes:LABEL reads 'mau5tra' instead of"):
        write_tags(path, VALUES)

    assert path.read_bytes() == original
