"""Our fields in each tag format: read, written under every name in names.py, and read back name by name."""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import mutagen
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, COMM, ID3, TCON, TXXX, UFID, Encoding, Frames, PictureType
from mutagen.mp4 import AtomDataType, MP4Cover, MP4FreeForm

from audio.artwork import Artwork
from audio.tags import containers
from audio.tags.names import (
    AIFF_TEXT_NAMES,
    ID3_NAMES,
    MP4_FREEFORM_PREFIX,
    MP4_NAMES,
    OUR_COMMENT_PREFIX,
    RIFF_INFO_NAMES,
    SAME,
    USER_COMMENT_NAMES,
    VORBIS_NAMES,
)
from audio.tags.values import FIELDS, whole_bpm

ID3_FORMATS = frozenset({"mp3", "wav", "aiff"})
VORBIS_FORMATS = frozenset({"flac", "ogg", "opus"})
MP4_FORMATS = frozenset({"aac", "alac"})
NUMBER_FIELDS = ("tracknumber", "discnumber")
# Sort frames exist only in ID3v2.4, but iTunes and Picard keep them in v2.3 too; mutagen's v2.3 conversion
# would drop them, and they are not ours to drop.
ID3_V24_FRAMES_KEPT_IN_V23 = ("TSOA", "TSOP", "TSOT")
# Frames that exist only in ID3v2.4 and that a v2.3 write therefore drops, of the names we keep in step.
ID3_V24_ONLY = frozenset({"TDRL"})
MUSICBRAINZ_UFID = "UFID:http://musicbrainz.org"


@dataclass(frozen=True)
class Slot:
    """One name in the file and the texts it must read back as after a write ([] means absent)."""

    field: str
    name: str
    texts: tuple[str, ...]


def family(fmt: str) -> str:
    """Return the tag format a file format carries: "id3", "vorbis" or "mp4"."""
    if fmt in ID3_FORMATS:
        return "id3"
    return "vorbis" if fmt in VORBIS_FORMATS else "mp4"


NAMES = {"id3": ID3_NAMES, "vorbis": VORBIS_NAMES, "mp4": MP4_NAMES}


def _alias_texts(kind: str, texts: list[str]) -> list[str]:
    return list(texts) if kind == SAME else [texts[0][:4]] if texts else []


def _with_total(number: list[str], old: list[str]) -> list[str]:
    """Return the number with the "/total" the slot already had: the total is not ours to drop."""
    if number and old and "/" in old[0]:
        total = old[0].split("/", 1)[1].strip()
        if total:
            return [f"{number[0]}/{total}"]
    return number


def _not_ours(texts: Iterable[str]) -> list[str]:
    return [text for text in texts if not str(text).startswith(OUR_COMMENT_PREFIX)]


# --- Reading -------------------------------------------------------------------------------------------------------


def read_texts(audio: Any, fmt: str) -> dict[str, list[str]]:
    """Return each field's texts: from the name we write, else the first alias the file has."""
    tags = audio.tags
    kind = family(fmt)
    getter = {"id3": id3_get, "vorbis": vorbis_get, "mp4": mp4_get}[kind]
    texts: dict[str, list[str]] = {field: [] for field in FIELDS}
    for field, names in NAMES[kind].items():
        for name in names.written + tuple(alias for alias, _kind in names.aliases):
            found = [text for text in getter(tags, name) if text]
            if found:
                texts[field] = found
                break
    if not texts["comment"]:
        # A note of ours that an older Cratedigger left in the user's comment.
        for name in USER_COMMENT_NAMES[kind]:
            ours = [text for text in getter(tags, name) if text.startswith(OUR_COMMENT_PREFIX)]
            if ours:
                texts["comment"] = ours[:1]
                break
    return texts


def _txxx_frames(tags: ID3, desc: str) -> list[Any]:
    """Return the TXXX frames with this description in any letter case (Picard reads them alike)."""
    wanted = desc.casefold()
    return [frame for frame in tags.getall("TXXX") if frame.desc.casefold() == wanted]


def _comm_frames(tags: ID3, desc: str) -> list[Any]:
    """Return the COMM frames with this description (any letter case), English first."""
    wanted = desc.casefold()
    frames = [frame for frame in tags.getall("COMM") if frame.desc.casefold() == wanted]
    return sorted(frames, key=lambda frame: (frame.lang != "eng", frame.HashKey))


def _id3_frames(tags: ID3, name: str) -> list[Any]:
    if name.startswith("TXXX:"):
        return _txxx_frames(tags, name[5:])
    if name.startswith("COMM:"):
        return _comm_frames(tags, name[5:])
    if name.startswith("UFID:"):
        return [tags[name]] if name in tags else []
    return tags.getall(name)


def id3_get(tags: ID3, name: str) -> list[str]:
    """Return the texts an ID3 name holds (the first frame's, or every user comment's for "COMM:")."""
    frames = _id3_frames(tags, name)
    if not frames:
        return []
    if name.startswith("UFID:"):
        return [frames[0].data.decode("utf-8", "replace")] if frames[0].data else []
    if name == "COMM:":
        return [str(text) for frame in frames for text in frame.text]
    return [str(text) for text in frames[0].text]


def vorbis_get(tags: Any, name: str) -> list[str]:
    return [str(value) for value in tags.get(name, [])]


def _freeform_keys(tags: Any, name: str) -> list[str]:
    """Return the keys of freeform atoms with this full name in any letter case."""
    wanted = name.casefold()
    return [key for key in tags.keys() if key.casefold() == wanted]


def mp4_get(tags: Any, name: str) -> list[str]:
    if name.startswith(MP4_FREEFORM_PREFIX):
        found = _freeform_keys(tags, name)
        return [bytes(value).decode("utf-8", "replace") for value in tags[found[0]]] if found else []
    if name in ("trkn", "disk"):
        return [str(tags[name][0][0])] if tags.get(name) and tags[name][0][0] else []
    return [str(value) for value in tags.get(name, [])]


# --- Writing -------------------------------------------------------------------------------------------------------


def write_into(audio: Any, fmt: str, texts: dict[str, list[str]], picture: Artwork | None,
               id3_version: int) -> list[Slot]:
    """Set our fields under every name on a file mutagen opened, save it, and return what each name must read back."""
    if audio.tags is None:
        audio.add_tags()
    kind = family(fmt)
    if kind == "id3":
        plan = _write_id3(audio.tags, texts, picture, id3_version)
        if id3_version == 3:
            _to_id3v23(audio.tags)
        # v23_sep=None keeps several values apart with NUL in v2.3 too, as in v2.4: "/" would turn "AC/DC" into two.
        audio.save(v2_version=id3_version, v23_sep=None)
        if fmt in ("wav", "aiff"):
            plan += _write_text_chunks(audio.filename, fmt, texts)
        return plan
    if kind == "vorbis":
        plan = _write_vorbis(audio, texts, picture)
    else:
        plan = _write_mp4(audio.tags, texts, picture)
    audio.save()
    return plan


def _plan_names(kind: str, texts: dict[str, list[str]], get) -> list[tuple[str, str, list[str], bool]]:
    """Return (field, name, texts to set, is an alias) for our names and the aliases the file has."""
    planned = []
    for field, names in NAMES[kind].items():
        for name in names.written:
            planned.append((field, name, list(texts[field]), False))
        for alias, alias_kind in names.aliases:
            if get(alias):
                planned.append((field, alias, _alias_texts(alias_kind, texts[field]), True))
    return planned


def _write_id3(tags: ID3, texts: dict[str, list[str]], picture: Artwork | None, id3_version: int) -> list[Slot]:
    plan = []
    for field, name, values, is_alias in _plan_names("id3", texts, lambda name: _id3_frames(tags, name)):
        if field in NUMBER_FIELDS:
            values = _with_total(values, id3_get(tags, name))
        old = _id3_frames(tags, name)
        # An alias keeps the file's own spelling of its description ("Label" stays "Label").
        desc = old[0].desc if is_alias and old and hasattr(old[0], "desc") else name.split(":", 1)[-1]
        for frame in old:
            del tags[frame.HashKey]
        if values:
            tags.add(_id3_frame(name, desc, values))
        expected = values
        if id3_version == 3 and name in ID3_V24_ONLY:
            expected = []  # a v2.3 write drops it
        elif id3_version == 3 and field == "date" and name == "TDRC" and values and len(values[0]) == 7:
            expected = [values[0][:4]]  # v2.3 has a year (TYER) and a day with its month (TDAT), no month alone
        plan.append(Slot(field, name, tuple(expected)))
    for name in USER_COMMENT_NAMES["id3"]:
        for frame in _id3_frames(tags, name):
            kept = _not_ours(frame.text)
            if not kept:
                del tags[frame.HashKey]
            elif len(kept) != len(frame.text):
                frame.text = kept
        plan.append(Slot("comment", name, tuple(id3_get(tags, name))))
    if picture is not None:
        for frame in tags.getall("APIC"):
            if frame.type == PictureType.COVER_FRONT:
                del tags[frame.HashKey]
        # APIC frames are told apart by description: keep clear of a back cover's empty one.
        desc = "" if "APIC:" not in tags else "Front cover"
        tags.add(APIC(encoding=Encoding.UTF8, mime=picture.mime, type=PictureType.COVER_FRONT, desc=desc,
                      data=picture.data))
    return plan


def _id3_frame(name: str, desc: str, values: list[str]) -> Any:
    if name.startswith("TXXX:"):
        return TXXX(encoding=Encoding.UTF8, desc=desc, text=values)
    if name.startswith("COMM:"):
        return COMM(encoding=Encoding.UTF8, lang="eng", desc=desc, text=values)
    if name.startswith("UFID:"):
        return UFID(owner=name[5:], data=values[0].encode("utf-8"))
    return Frames[name](encoding=Encoding.UTF8, text=values)


def _to_id3v23(tags: ID3) -> None:
    """Convert tags to ID3v2.3 (TDRC becomes TYER + TDAT), keeping the sort frames iTunes and Picard keep."""
    kept = [frame for frame_id in ID3_V24_FRAMES_KEPT_IN_V23 for frame in tags.getall(frame_id)]
    tags.update_to_v23()
    for frame in kept:
        tags.add(frame)


def _write_text_chunks(path: str, fmt: str, texts: dict[str, list[str]]) -> list[Slot]:
    """Keep a WAV's RIFF INFO items or an AIFF's text chunks in step with the ID3 chunk, where the file has them."""
    names = RIFF_INFO_NAMES if fmt == "wav" else AIFF_TEXT_NAMES
    present = containers.read_text_chunks(path, fmt)
    wanted: dict[str, str | None] = {}
    plan = []
    for field, chunk_ids in names.items():
        for chunk_id in chunk_ids:
            if chunk_id in present:
                wanted[chunk_id] = texts[field][0] if texts[field] else None
                plan.append(Slot(field, f"{fmt.upper()} {chunk_id}", (wanted[chunk_id],) if wanted[chunk_id] else ()))
    for chunk_id in USER_COMMENT_NAMES[fmt]:
        if chunk_id in present and present[chunk_id].startswith(OUR_COMMENT_PREFIX):
            wanted[chunk_id] = None
            plan.append(Slot("comment", f"{fmt.upper()} {chunk_id}", ()))
    if wanted:
        containers.update_text_chunks(path, fmt, wanted)
    return plan


def _flac_picture(picture: Artwork) -> Picture:
    block = Picture()
    block.type = PictureType.COVER_FRONT
    block.mime = picture.mime
    block.desc = ""
    block.width, block.height = picture.width, picture.height
    block.depth = 24  # bits per pixel: informative only (players decode the image), and right for an RGB cover
    block.data = picture.data
    return block


def _write_vorbis(audio: Any, texts: dict[str, list[str]], picture: Artwork | None) -> list[Slot]:
    tags = audio.tags
    plan = []
    for field, name, values, _is_alias in _plan_names("vorbis", texts, lambda name: vorbis_get(tags, name)):
        if field in NUMBER_FIELDS:
            values = _with_total(values, vorbis_get(tags, name))
        if name in tags:
            del tags[name]
        if values:
            tags[name] = values
        plan.append(Slot(field, name, tuple(values)))
    for name in USER_COMMENT_NAMES["vorbis"]:
        old = vorbis_get(tags, name)
        kept = _not_ours(old)
        if len(kept) != len(old):
            del tags[name]
            if kept:
                tags[name] = kept
        plan.append(Slot("comment", name, tuple(kept)))
    if picture is None:
        return plan
    if isinstance(audio, FLAC):
        audio.metadata_blocks = [
            block for block in audio.metadata_blocks
            if not (isinstance(block, Picture) and block.type == PictureType.COVER_FRONT)
        ]
        audio.add_picture(_flac_picture(picture))
        return plan
    # Ogg has no picture block: the FLAC one goes base64-encoded into METADATA_BLOCK_PICTURE (Xiph's convention).
    kept = [value for value in tags.get("METADATA_BLOCK_PICTURE", []) if not _is_front_cover(value)]
    tags["METADATA_BLOCK_PICTURE"] = [*kept, base64.b64encode(_flac_picture(picture).write()).decode("ascii")]
    return plan


def _is_front_cover(encoded: str) -> bool:
    try:
        return Picture(base64.b64decode(encoded)).type == PictureType.COVER_FRONT
    except (binascii.Error, ValueError, mutagen.MutagenError, struct.error):
        return False  # not a picture we can read: not ours to remove


def _write_mp4(tags: Any, texts: dict[str, list[str]], picture: Artwork | None) -> list[Slot]:
    plan = []
    for field, name, values, is_alias in _plan_names("mp4", texts, lambda name: mp4_get(tags, name)):
        if name.startswith(MP4_FREEFORM_PREFIX):
            old = _freeform_keys(tags, name)
            key = old[0] if is_alias and old else name
            for found in old:
                del tags[found]
            if values:
                tags[key] = [MP4FreeForm(value.encode("utf-8"), dataformat=AtomDataType.UTF8) for value in values]
        elif name == "tmpo":
            tags.pop(name, None)
            values = [str(whole_bpm(values[0]))] if values else []  # 123.5 is 124 here; ----:BPM keeps 123.5
            if values:
                tags[name] = [int(values[0])]
        elif name in ("trkn", "disk"):
            old = tags.pop(name, None)
            if values:
                total = old[0][1] if old and len(old[0]) > 1 else 0
                tags[name] = [(int(values[0]), total)]
        else:
            tags.pop(name, None)
            if values:
                tags[name] = list(values)
        plan.append(Slot(field, name, tuple(values)))
    tags.pop("gnre", None)  # the old numeric genre: players would show it beside ours
    for name in USER_COMMENT_NAMES["mp4"]:
        kept = _not_ours(mp4_get(tags, name))
        tags.pop(name, None)
        if kept:
            tags[name] = kept
        plan.append(Slot("comment", name, tuple(kept)))
    if picture is not None:
        # covr says nothing about front or back; the first image is the cover, so ours replaces them all.
        image_format = MP4Cover.FORMAT_PNG if picture.mime == "image/png" else MP4Cover.FORMAT_JPEG
        tags["covr"] = [MP4Cover(picture.data, imageformat=image_format)]
    return plan


# --- Reading back ----------------------------------------------------------------------------------------------------


def read_back(audio: Any, fmt: str, plan: list[Slot]) -> list[tuple[Slot, tuple[str, ...]]]:
    """Return the slots that the written file, opened afresh, does not hold as planned, with what they hold."""
    path = audio.filename
    tags = audio.tags
    kind = family(fmt)
    chunks = containers.read_text_chunks(path, fmt) if fmt in ("wav", "aiff") else {}
    wrong = []
    for slot in plan:
        if tags is None:
            found: list[str] = []
        elif slot.name.startswith(f"{fmt.upper()} "):
            chunk_id = slot.name.split(" ", 1)[1]
            found = [chunks[chunk_id]] if chunk_id in chunks else []
        elif kind == "id3":
            found = id3_get(tags, slot.name)
        elif kind == "vorbis":
            found = vorbis_get(tags, slot.name)
        else:
            found = mp4_get(tags, slot.name)
        if not _same(kind, slot, found):
            wrong.append((slot, tuple(found)))
    return wrong


def _same(kind: str, slot: Slot, found: list[str]) -> bool:
    expected = list(slot.texts)
    if kind == "id3" and slot.name == "TCON" and expected and found:
        # ID3 reads a bare number as ID3v1's genre ("0" is "Blues"), and a v2.3 write spells it out.
        return TCON(encoding=Encoding.UTF8, text=expected).genres == TCON(encoding=Encoding.UTF8, text=found).genres
    return found == expected
