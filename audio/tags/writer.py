"""Writing tags atomically: into a copy beside the file, read back and compared, then renamed over the file (by the
shared base's file-safety rules, `common.files`)."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import stat
import struct
import tempfile
from pathlib import Path
from typing import BinaryIO

import mutagen
from django.conf import settings

from audio.artwork import Artwork
from audio.probe import AudioError, format_of, open_audio
from audio.tags.containers import add_missing_pad_byte, cut_short_reason
from audio.tags.formats import Slot, read_back, write_into
from audio.tags.values import (
    FIELD_LABELS,
    FileStamp,
    TagValues,
    TagWriteError,
    file_stamp,
    prepared_artwork,
    texts_to_write,
)
from common.files import os_error_words, replace_synced, unlink_quietly
from common.text import count_text

logger = logging.getLogger(__name__)

TEMP_MARK = ".cratedigger-"
TEMP_SUFFIX = ".tmp"
# mkstemp's random part; a temporary file of ours has exactly this many characters there.
TEMP_RANDOM_CHARS = 8
# The name of the file inside its temporary file's name, cut so that the whole stays under NAME_MAX (255 bytes).
TEMP_NAME_BYTES = 200
# How many names that did not read back a message lists (the rest are counted), and how much of each value it
# shows: the reason is kept on the track in 500 characters (Track.tags_error).
MISMATCHES_NAMED = 2
VALUE_SHOWN_CHARS = 40


def write_tags(
    path: str | os.PathLike[str],
    values: TagValues,
    *,
    artwork: bytes | Artwork | None = None,
    id3_version: int | None = None,
    expected: FileStamp | None = None,
) -> None:
    """Write values into the file's tags, atomically; raise TagWriteError saying why if they cannot be written.

    artwork (bytes are prepared with prepare_artwork) becomes the front cover; None keeps the file's pictures.
    id3_version (3 or 4) overrides settings.TAGS_ID3_VERSION for MP3, AIFF and WAV; v2.3 cannot hold the
    frames only v2.4 has (TMOO, TDRL, ...), so writing v2.3 drops them, except the sort frames. With expected, a file
    whose stamp differs (someone wrote it since it was read) is left alone.

    The tags are written into a hidden copy beside the file (".name.cratedigger-XXXXXXXX.tmp"), which is
    read back, given the file's permission bits, flushed to disk (fsync) and renamed over the file; then
    the folder is flushed so the rename itself survives a power cut (`common.files.replace_synced`). Killed at
    any moment, the write leaves the old file or the new one. Any error removes the copy. A copy left behind by a killed
    process is harmless (hidden, never the file itself) and the next write to the same file removes it:
    a live write holds a lock on its copy, so only a dead one's copy is ever removed.
    A symlink is followed: the file it points to gets the tags. A hard link to the file keeps the old
    contents, as with any save-by-rename.
    """
    target = Path(os.path.realpath(path))
    try:
        _write_tags(target, values, artwork, id3_version, expected)
    except TagWriteError as exc:
        if exc.path is None:
            exc.path = str(path)
        raise


def _write_tags(
    target: Path, values: TagValues, artwork: bytes | Artwork | None, id3_version: int | None,
    expected: FileStamp | None,
) -> None:
    version = settings.TAGS_ID3_VERSION if id3_version is None else id3_version
    if version not in (3, 4):
        raise TagWriteError(f"the ID3 version must be 3 or 4, not {version!r}")
    texts = texts_to_write(values)
    picture = prepared_artwork(artwork)
    try:
        status = os.stat(target)
    except FileNotFoundError:
        raise TagWriteError("the file does not exist (moved or deleted since it was found?)") from None
    except OSError as exc:
        raise TagWriteError(_os_reason(exc)) from None
    if not stat.S_ISREG(status.st_mode):
        raise TagWriteError("it is not a regular file")
    stamp = FileStamp(size=status.st_size, mtime_ns=status.st_mtime_ns)
    if expected is not None and stamp != expected:
        raise TagWriteError(_changed_reason(expected, stamp))
    # The write bits, not only os.access: root may write anything, but a read-only file was meant to stay as it is.
    if not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        # Renaming over a read-only file would succeed (the folder is what allows it); the read-only
        # bit says the owner wants the file left alone, so it is honoured.
        raise TagWriteError("the file is read-only (permission denied); make it writable to write its tags")
    try:
        audio = open_audio(target)
        fmt = format_of(audio)
    except AudioError as exc:
        raise TagWriteError(f"{exc}; nothing was written") from None
    length = float(getattr(audio.info, "length", 0) or 0)
    try:
        cut_short = cut_short_reason(target, fmt)
    except OSError as exc:
        raise TagWriteError(_os_reason(exc)) from None
    if cut_short:
        raise TagWriteError(f"{cut_short}; nothing was written")

    def write(copy: str) -> None:
        _write_copy(copy, type(audio), fmt, texts, picture, version, length)

    try:
        _remove_dead_temporary_files(target)
        _replace_atomically(target, status, stamp, write)
    except TagWriteError:
        raise
    except OSError as exc:
        raise TagWriteError(_os_reason(exc)) from exc
    except mutagen.MutagenError as exc:
        cause = _os_cause(exc)
        if cause is not None:
            raise TagWriteError(_os_reason(cause)) from exc
        raise TagWriteError(f"mutagen could not write the tags ({_short(exc)}); the file was left as it was") from exc
    except (ValueError, struct.error) as exc:
        raise TagWriteError(f"the tags could not be encoded ({_short(exc)}); the file was left as it was") from exc



def _write_copy(
    copy: str, kind: type[mutagen.FileType], fmt: str, texts: dict[str, list[str]], picture: Artwork | None,
    id3_version: int, length: float,
) -> None:
    """Write the tags into the copy, then read it back: the same audio, and every name as written."""
    add_missing_pad_byte(copy, fmt)
    plan = write_into(kind(copy), fmt, texts, picture, id3_version)
    try:
        written = kind(copy)
        wrong = read_back(written, fmt, plan)
    except (mutagen.MutagenError, OSError, ValueError, struct.error) as exc:
        raise TagWriteError(
            f"the written copy did not read back as audio ({_short(exc)}); the file was left as it was"
        ) from None
    new_length = float(getattr(written.info, "length", 0) or 0)
    if new_length <= 0 or abs(new_length - length) > max(0.5, length * 0.01):
        raise TagWriteError(
            f"the written copy reads as {new_length:.2f} s of audio, not {length:.2f} s; the file was left as it was"
        )
    if wrong:
        raise TagWriteError(_mismatch_reason(wrong))


def _shown(texts: tuple[str, ...]) -> str:
    if not texts:
        return "nothing"
    return " and ".join(repr(text[:VALUE_SHOWN_CHARS]) for text in texts)


def _mismatch_reason(wrong: list[tuple[Slot, tuple[str, ...]]]) -> str:
    """Return, in words, which names did not read back as written."""
    parts = [
        f"the {FIELD_LABELS[slot.field]} in {slot.name} reads {_shown(found)} instead of {_shown(slot.texts)}"
        for slot, found in wrong[:MISMATCHES_NAMED]
    ]
    more = len(wrong) - MISMATCHES_NAMED
    if more > 0:
        parts.append(f"{count_text(more, 'more name')} too")
    return (
        f"the tags did not read back as written ({'; '.join(parts)}); the file was left as it was "
        "(a tag in it may be damaged: open the file in a tagger to see it)"
    )


def _replace_atomically(target: Path, status: os.stat_result, stamp: FileStamp, write) -> None:
    """Copy target beside itself, let write(copy_path) change the copy, then rename the copy over target."""
    handle, copy = _locked_temporary_file(target)
    replaced = False
    try:
        with open(target, "rb") as source:
            shutil.copyfileobj(source, handle, 1024 * 1024)
        handle.flush()
        _keep_owner(handle.fileno(), status)  # before the mode: a change of owner clears setuid/setgid bits
        os.fchmod(handle.fileno(), stat.S_IMODE(status.st_mode))
        write(copy)

        def unchanged() -> None:
            now = file_stamp(target)
            if now != stamp:
                raise TagWriteError(_changed_reason(stamp, now, during=True))

        replace_synced(handle.fileno(), copy, target, check=unchanged)
        replaced = True
    finally:
        handle.close()  # releases the lock
        if not replaced:
            unlink_quietly(copy)


def _temporary_prefix(target: Path) -> str:
    name = os.fsdecode(os.fsencode(target.name)[:TEMP_NAME_BYTES])
    return f".{name}{TEMP_MARK}"


def _locked_temporary_file(target: Path) -> tuple[BinaryIO, str]:
    """Return (open file, path) of a new temporary file beside target, locked for as long as it is open."""
    for _attempt in range(3):
        try:
            descriptor, copy = tempfile.mkstemp(prefix=_temporary_prefix(target), suffix=TEMP_SUFFIX, dir=target.parent)
        except PermissionError:
            raise TagWriteError(
                "the folder is read-only (permission denied): the write needs a temporary file beside the file"
            ) from None
        handle = os.fdopen(descriptor, "r+b")
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            # Another write's cleanup may have removed the name between mkstemp and the lock; then start again.
            if os.stat(copy).st_ino == os.fstat(handle.fileno()).st_ino:
                return handle, copy
        except FileNotFoundError:
            pass
        handle.close()
    raise TagWriteError("another write to this file kept removing the temporary copy; try again")


def _remove_dead_temporary_files(target: Path) -> None:
    """Remove temporary copies of target that a killed write left behind (a live write holds a lock on its own)."""
    prefix = _temporary_prefix(target)
    length = len(prefix) + TEMP_RANDOM_CHARS + len(TEMP_SUFFIX)
    try:
        entries = [entry.name for entry in os.scandir(target.parent)]
    except OSError:
        return
    for name in entries:
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX) and len(name) == length):
            continue
        path = target.parent / name
        try:
            with open(path, "rb") as stale:
                fcntl.flock(stale.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(path)
            logger.info("Removed %s, left by a tag write that was killed", path)
        except (BlockingIOError, FileNotFoundError):
            continue  # a write under way holds it, or another cleanup got there first
        except OSError as exc:
            logger.warning("Could not remove the leftover temporary file %s: %s", path, exc)


def _keep_owner(descriptor: int, status: os.stat_result) -> None:
    """Give the copy the file's owner and group where this process may.

    Root may give both; another user may give only a group it belongs to, and the file then
    becomes its own (the renamed copy is a new file, made by this process).
    """
    copy_status = os.fstat(descriptor)
    if (copy_status.st_uid, copy_status.st_gid) == (status.st_uid, status.st_gid):
        return
    try:
        os.fchown(descriptor, status.st_uid, status.st_gid)
        return
    except PermissionError:
        pass
    try:
        os.fchown(descriptor, -1, status.st_gid)
    except PermissionError:
        logger.debug("could not keep the group of a tagged file")


def _changed_reason(before: FileStamp, after: FileStamp, *, during: bool = False) -> str:
    when = "while its tags were being written" if during else "since it was read"
    what = "size" if before.size != after.size else "modification time"
    return f"the file changed on disk {when} (its {what} differs); nothing was written, read it again and retry"


def _os_cause(exc: BaseException) -> OSError | None:
    """Return the OSError under a mutagen error, if the failure was the operating system's."""
    seen = exc
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _os_reason(exc: OSError) -> str:
    """Return an OS error as a reason a person can act on."""
    return os_error_words(exc, doing="the write", again="write the tags again")


def _short(exc: BaseException) -> str:
    return (str(exc).strip() or exc.__class__.__name__)[:200]
