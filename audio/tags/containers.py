"""What the tag libraries leave to us in the containers: cut-short files, and the text chunks of WAV and AIFF.

A WAV or AIFF is a list of chunks, each with its length; an Ogg stream is a run of pages that ends with an
end-of-stream page. A file copied or downloaded only in part ends inside a chunk or a page: mutagen would
append the ID3 chunk after the missing bytes' place, inside the audio chunk as its length says, so no reader
finds the tags and players decode the tag bytes as sound. Such a file is refused before anything is written.

Besides the ID3 chunk, a WAV may carry a RIFF LIST/INFO chunk and an AIFF NAME/AUTH/ANNO chunks; ffprobe,
Windows and some DJ software read those first, so they are kept in step (see names.RIFF_INFO_NAMES).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from mutagen._iff import IffChunk
from mutagen._riff import RiffFile
from mutagen.aiff import AIFFFile

# The chunk that holds the sound, per format, as a message names it.
AUDIO_CHUNKS = {"wav": "data", "aiff": "SSND"}
OGG_END_OF_STREAM = 0x04
OGG_PAGE_HEADER = 27


def cut_short_reason(path: str | os.PathLike[str], fmt: str) -> str | None:
    """Return why the file is cut short, in words, or None if its container is whole."""
    if fmt == "wav":
        return _iff_cut_short(Path(path), "<", AUDIO_CHUNKS["wav"])
    if fmt == "aiff":
        return _iff_cut_short(Path(path), ">", AUDIO_CHUNKS["aiff"])
    if fmt in ("ogg", "opus"):
        return _ogg_cut_short(Path(path))
    return None


def add_missing_pad_byte(path: str | os.PathLike[str], fmt: str) -> None:
    """Give a WAV or AIFF whose last chunk is odd-sized the pad byte its writer left off.

    mutagen appends the ID3 chunk at the end of the file; without the pad byte the new chunk would start at
    an odd offset, where readers, mutagen included, do not look for it.
    """
    if fmt not in AUDIO_CHUNKS:
        return
    endian = "<" if fmt == "wav" else ">"
    with open(path, "r+b") as stream:
        size = stream.seek(0, os.SEEK_END)
        stream.seek(4)
        (declared,) = struct.unpack(f"{endian}I", stream.read(4))
        offset, last_size = 12, 0
        while offset + 8 <= size:
            stream.seek(offset + 4)
            (last_size,) = struct.unpack(f"{endian}I", stream.read(4))
            offset += 8 + last_size + (last_size & 1)
        if offset != size + 1:
            return
        stream.seek(size)
        stream.write(b"\x00")
        stream.seek(4)
        stream.write(struct.pack(f"{endian}I", max(declared, size + 1 - 8)))


def _bytes(count: int) -> str:
    return f"{count:,} bytes"


def _iff_cut_short(path: Path, endian: str, audio_chunk: str) -> str | None:
    size = path.stat().st_size
    with open(path, "rb") as stream:
        header = stream.read(12)
        if len(header) < 12:
            return f"the file is cut short: it is only {_bytes(size)} long, less than its header"
        (declared,) = struct.unpack(f"{endian}I", header[4:8])
        offset = 12
        # Bytes after the end the header gives are not chunks (some programs leave junk there): not looked at.
        while offset + 8 <= min(size, declared + 8):
            stream.seek(offset)
            chunk_id, chunk_size = struct.unpack(f"{endian}4sI", stream.read(8))
            end = offset + 8 + chunk_size
            if end > size:
                name = chunk_id.decode("latin-1").strip()
                what = "its audio" if name == audio_chunk else f"its {name!r} chunk"
                return (
                    f"the file is cut short: it ends after {_bytes(size)}, in the middle of {what} "
                    f"({_bytes(end - size)} are missing); it was probably copied or downloaded only in part, "
                    "so get the whole file again"
                )
            offset = end + (chunk_size & 1)
    # One byte short is a missing pad byte, which readers forgive.
    if declared + 8 > size + 1:
        return (
            f"the file is cut short: its header says {_bytes(declared + 8)} but it has {_bytes(size)}; "
            "it was probably copied or downloaded only in part, so get the whole file again"
        )
    return None


def _ogg_cut_short(path: Path) -> str | None:
    size = path.stat().st_size
    last_flags = None
    offset = 0
    with open(path, "rb") as stream:
        while offset < size:
            stream.seek(offset)
            header = stream.read(OGG_PAGE_HEADER)
            if len(header) == OGG_PAGE_HEADER and not header.startswith(b"OggS"):
                return f"the file is damaged: there is no Ogg page where one should start (byte {offset:,})"
            table = stream.read(header[26]) if len(header) == OGG_PAGE_HEADER else b""
            end = offset + OGG_PAGE_HEADER + len(table) + sum(table)
            if len(header) < OGG_PAGE_HEADER or len(table) < header[26] or end > size:
                return (
                    f"the file is cut short: it ends after {_bytes(size)}, in the middle of an Ogg page; "
                    "it was probably copied or downloaded only in part, so get the whole file again"
                )
            last_flags = header[5]
            offset = end
    if last_flags is None or not last_flags & OGG_END_OF_STREAM:
        return (
            f"the file is cut short: its Ogg stream stops after {_bytes(size)} without its last page; "
            "it was probably copied or downloaded only in part, so get the whole file again"
        )
    return None


# --- A WAV's RIFF INFO items and an AIFF's text chunks ---------------------------------------------------------------


def _info_items(data: bytes) -> list[tuple[str, bytes]]:
    """Return the (id, value bytes) items of a LIST/INFO chunk's data (after "INFO")."""
    items, offset = [], 4
    while offset + 8 <= len(data):
        item_id, item_size = struct.unpack("<4sI", data[offset:offset + 8])
        items.append((item_id.decode("latin-1"), data[offset + 8:offset + 8 + item_size]))
        offset += 8 + item_size + (item_size & 1)
    return items


def _text_of(value: bytes) -> str:
    return value.split(b"\x00", 1)[0].decode("utf-8", "replace")


def _encoded(text: str) -> bytes:
    return text.encode("utf-8") + b"\x00"  # NUL-terminated, as ffmpeg and Windows write them


def _info_chunk(riff: RiffFile) -> IffChunk | None:
    return next(
        (chunk for chunk in riff.root.subchunks() if chunk.id == "LIST" and getattr(chunk, "name", "") == "INFO"),
        None,
    )


def read_text_chunks(path: str | os.PathLike[str], fmt: str) -> dict[str, str]:
    """Return a WAV's RIFF INFO items, or an AIFF's NAME, AUTH and ANNO chunks, by id: {"INAM": "Glue"}."""
    with open(path, "rb") as stream:
        if fmt == "wav":
            chunk = _info_chunk(RiffFile(stream))
            if chunk is None:
                return {}
            found: dict[str, str] = {}
            for item_id, value in _info_items(chunk.read()):
                found.setdefault(item_id, _text_of(value))
            return found
        if fmt == "aiff":
            found = {}
            for chunk in AIFFFile(stream).root.subchunks():
                if chunk.id in ("NAME", "AUTH", "ANNO"):
                    found.setdefault(chunk.id, _text_of(chunk.read()))
            return found
    return {}


def update_text_chunks(path: str | os.PathLike[str], fmt: str, wanted: dict[str, str | None]) -> None:
    """Give the items or chunks named in wanted that the file has their new text, or remove them (None).

    An item the file does not have is not added: the ID3 chunk already says it, and is what readers fall back to.
    """
    with open(path, "r+b") as stream:
        if fmt == "wav":
            riff = RiffFile(stream)
            chunk = _info_chunk(riff)
            if chunk is None:
                return
            data = chunk.read()
            items = []
            for item_id, value in _info_items(data):
                if item_id not in wanted:
                    items.append((item_id, value))
                elif wanted[item_id] is not None:
                    items.append((item_id, _encoded(wanted[item_id])))
            body = b"".join(
                struct.pack("<4sI", item_id.encode("latin-1"), len(value)) + value + b"\x00" * (len(value) & 1)
                for item_id, value in items
            )
            if not items:
                chunk.delete()  # an INFO list with nothing in it says nothing
            elif b"INFO" + body != data:
                chunk.resize(4 + len(body))
                chunk.write(b"INFO" + body)
        elif fmt == "aiff":
            aiff = AIFFFile(stream)
            for chunk in list(aiff.root.subchunks()):
                if chunk.id not in wanted:
                    continue
                if wanted[chunk.id] is None:
                    chunk.delete()
                    continue
                text = wanted[chunk.id].encode("utf-8")  # AIFF text chunks are not NUL-terminated
                if chunk.read() != text:
                    chunk.resize(len(text))
                    chunk.write(text)
