"""Files written and moved so that a crash never leaves half of one and nothing is ever overwritten.

The one copy of the file-safety rules every app follows (the tag writer, downloads' filing, the crates' moves and
the exports), with no app imports:

- `write_atomically`: write a new file beside the target, flush it to disk (fsync), rename it over the target,
  then flush the folder, so a crash leaves the old file or the new one; `replace_synced` is that last step for a
  writer that makes its own temporary file (the tag writer, which locks and copies its own).
- `move_into_place` / `place`: give a file a new name without ever overwriting one: the name is taken with
  `os.link`, which fails if it exists (or, where hard links are not supported, an O_EXCL placeholder then a
  rename), and a move across file systems goes through a hidden copy flushed to disk in the destination folder;
  a name taken gets " (2)", " (3)"...; the folder's entry is flushed.
- `os_error_words`: an operating system's error as words a person can act on.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from common.paths import MAX_SEGMENT_BYTES

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Hard links are not supported everywhere (some FUSE, SMB and FAT mounts): then an O_EXCL placeholder claims the name.
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})


class FilingFailed(Exception):
    """A file that could not be moved into place; the source is left where it was, the reason says why in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- Errors in words -----------------------------------------------------------------------------------------------


def os_error_words(exc: OSError, *, where: str = "", doing: str = "the write", again: str = "try again") -> str:
    """Return an operating system's error as a reason a person can act on: what went wrong (in the folder or file
    where names, during doing, "the write" by default) and what to do, then again (say "retry the download")."""
    strerror = (exc.strerror or os.strerror(exc.errno)) if exc.errno else (str(exc).strip() or type(exc).__name__)
    if exc.errno == errno.ENOSPC:
        return f"the disk{f' holding {where}' if where else ''} is full ({strerror}): free some space, then {again}"
    if exc.errno == errno.EDQUOT:
        return (f"the disk quota{f' for {where}' if where else ''} is used up ({strerror}): "
                f"free some space, then {again}")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (f"permission denied writing to {where or 'the file or its folder'} ({strerror}): let this user write "
                "to the music folder")
    if exc.errno == errno.EROFS:
        return f"{where or 'the file'} is on a read-only disk ({strerror})"
    if exc.errno == errno.ENOENT:
        return f"{where or 'the file or its folder'} disappeared during {doing} ({strerror})"
    if exc.errno == errno.ENAMETOOLONG:
        return f"the path{f' in {where}' if where else ''} is too long for this disk ({strerror}): use shorter names"
    return f"the operating system refused {doing} ({strerror})"


# --- Writing -------------------------------------------------------------------------------------------------------


def fsync_directory(folder: str | os.PathLike[str]) -> None:
    """Flush the folder's entries (a rename, a new name) to disk, so a crash cannot lose them; a file system that
    cannot sync a folder is logged, not raised: the rename has happened either way."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as exc:
        logger.warning("Could not flush folder %s to disk (%s)", folder, exc.strerror or exc)
    finally:
        os.close(descriptor)


def unlink_quietly(path: str | os.PathLike[str]) -> None:
    """Remove a temporary file; one already gone is fine, one that cannot be removed is logged."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("Could not remove the temporary file %s (%s)", path, exc.strerror or exc)


def replace_synced(
    descriptor: int, temporary: str | os.PathLike[str], target: str | os.PathLike[str],
    *, check: Callable[[], None] | None = None,
) -> None:
    """Flush the written temporary file (open as descriptor) to disk, let check raise if the target must not be
    replaced after all, rename the temporary file over the target, then flush the folder."""
    os.fsync(descriptor)  # syncs the file, whichever descriptor wrote it
    if check is not None:
        check()
    os.replace(temporary, target)
    fsync_directory(Path(target).parent)


def _ordinary_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(target: str | os.PathLike[str], write: Callable[[BinaryIO], T]) -> T:
    """Write a file through write(out) and put it at target atomically: a hidden temporary file beside it, flushed
    to disk, given an ordinary file's permissions and renamed over target. A crash, or any error (raised again),
    leaves target as it was and no temporary file. Return what write returned."""
    target = Path(target)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            result = write(out)
            out.flush()
            os.chmod(temporary, _ordinary_mode())  # mkstemp makes it private; the file is an ordinary one
            replace_synced(out.fileno(), temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


# --- Moving without overwriting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    path: Path
    reused_existing: bool = False  # True when destination (or a numbered name) already held the same file


def numbered_names(destination: Path) -> Iterator[Path]:
    """Yield destination, then "name (2).ext", "name (3).ext"..., each cut to fit one file name."""
    yield destination
    number = 2
    while True:
        tail = f" ({number}){destination.suffix}"
        budget = MAX_SEGMENT_BYTES - len(tail.encode("utf-8"))
        stem = destination.stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .")
        yield destination.with_name(f"{stem}{tail}")
        number += 1


def move_into_place(
    source: str | os.PathLike[str], destination: str | os.PathLike[str], *, again: str = "move it again",
) -> Path:
    """Move a file to destination, or to the first free "name (2).ext" beside it; return where it is now.

    Atomic, never overwriting, and never deleting a file (only its old name goes). A file already at destination,
    or at a numbered name of it, stays where it is. Raise FilingFailed, leaving the file where it was, when it
    cannot be moved (again: what the reason tells a person to do once the cause is fixed)."""
    source, destination = Path(source), Path(destination)
    for candidate in numbered_names(destination):
        if candidate == source:
            return source
        if not os.path.lexists(candidate):
            break
    if not source.is_file():
        raise FilingFailed(f"the file {source} is not there any more")
    return place(source, destination, again=again).path


def place(
    source: Path, destination: Path, *, is_same: Callable[[Path], bool] | None = None, again: str = "move it again",
    what: str = "the file",
) -> Placed:
    """Move source to destination or the first free numbered name beside it; never overwrite, never leave a part.

    A name already taken by a file that is_same says is source's own (the same audio filed before) is reused: the
    source is removed and that file returned. Raise FilingFailed (what names the source in its reason) when the
    move fails; the folders this call made are removed again."""
    folder = destination.parent
    created: list[Path] = []
    temporary: Path | None = None
    moved = False
    try:
        created = _make_folders(folder)
        for candidate in numbered_names(destination):
            if os.path.lexists(candidate):
                if is_same is not None and is_same(candidate):
                    return _reuse(source, candidate)
                continue
            try:
                if temporary is None:
                    try:
                        moved = _claim(source, candidate)
                    except OSError as exc:
                        if exc.errno != errno.EXDEV:
                            raise
                        temporary = _copy_into(source, folder)
                        _claim(temporary, candidate)
                else:
                    _claim(temporary, candidate)
            except FileExistsError:
                # Another worker took this name between our look and our link: it may be the same file.
                if is_same is not None and is_same(candidate):
                    return _reuse(source, candidate)
                continue
            fsync_directory(folder)
            # The new name holds the file: a copy's source, or a source that was linked, can go.
            if temporary is not None or not moved:
                _remove_source(source)
            return Placed(candidate, reused_existing=False)
        raise AssertionError("unreachable: numbered_names never ends")  # pragma: no cover
    except OSError as exc:
        for made in reversed(created):
            try:
                made.rmdir()  # only folders this call made, and only while empty
            except OSError:
                break
        if exc.errno == errno.ENOENT and not source.exists():
            raise FilingFailed(f"{what} {source} disappeared before it could be moved") from exc
        raise FilingFailed(os_error_words(
            exc, where=str(folder), doing=f"the move of {source.name} into {folder}", again=again,
        )) from exc
    finally:
        if temporary is not None:
            unlink_quietly(temporary)


def _make_folders(folder: Path) -> list[Path]:
    """Create folder and its missing parents; return the ones created, outermost first."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    created = []
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            if not path.is_dir():
                raise
            continue
        created.append(path)
    return created


def _claim(path: Path, final: Path) -> bool:
    """Give path the name final unless final exists (FileExistsError); return True if path itself moved."""
    try:
        os.link(path, final)
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS or isinstance(exc, FileExistsError):
            raise
    # No hard links here: an empty placeholder made with O_EXCL claims the name, then the rename replaces it.
    descriptor = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.close(descriptor)
    try:
        os.replace(path, final)
    except OSError:
        unlink_quietly(final)
        raise
    return True


def _copy_into(source: Path, folder: Path) -> Path:
    """Copy source to a hidden temporary file in folder, flushed to disk; return its path."""
    temporary = folder / f".{source.name[:100]}.{uuid.uuid4().hex}.part"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with open(source, "rb") as reader, os.fdopen(descriptor, "wb") as writer:
            shutil.copyfileobj(reader, writer, 1024 * 1024)
            writer.flush()
            os.fsync(writer.fileno())
    except BaseException:
        unlink_quietly(temporary)
        raise
    return temporary


def _reuse(source: Path, existing: Path) -> Placed:
    if not (source.exists() and os.path.samefile(source, existing)):
        _remove_source(source)
    return Placed(existing, reused_existing=True)


def _remove_source(source: Path) -> None:
    try:
        source.unlink(missing_ok=True)
    except OSError as exc:
        # The file is in its new place; a leftover copy at the old one is untidy, not wrong.
        logger.warning("Moved %s but could not remove it from where it was (%s)", source, exc.strerror or exc)
