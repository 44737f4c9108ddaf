"""The shared file-safety rules (common.files): atomic writes, moves that never overwrite nor leave a part, and
operating-system errors in words."""

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest

from common.files import FilingFailed, Placed, move_into_place, numbered_names, os_error_words, place, write_atomically


def files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


# --- Writing atomically --------------------------------------------------------------------------------------------


def test_an_atomic_write_replaces_the_file_whole_with_an_ordinary_files_mode(tmp_path):
    target = tmp_path / "export.xml"
    target.write_text("old")
    assert write_atomically(target, lambda out: out.write(b"new")) == 3
    assert target.read_text() == "new" and files_in(tmp_path) == [target]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600


def test_a_failed_atomic_write_leaves_the_old_file_and_no_part(tmp_path):
    target = tmp_path / "export.xml"
    target.write_text("old")

    def half_then_fail(out):
        out.write(b"half")
        raise ValueError("the writer broke")

    with pytest.raises(ValueError, match="the writer broke"):
        write_atomically(target, half_then_fail)
    assert target.read_text() == "old" and files_in(tmp_path) == [target]


def test_an_atomic_write_flushes_the_file_and_its_folder(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    write_atomically(tmp_path / "a.txt", lambda out: out.write(b"a"))
    assert len(synced) == 2  # the file, then the folder


# --- Moving without overwriting ------------------------------------------------------------------------------------


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "incoming" / "Artist - Title.flac"
    path.parent.mkdir()
    path.write_bytes(b"the audio" * 1000)
    return path


def test_a_move_never_overwrites_a_file_and_takes_the_next_number(tmp_path, source):
    destination = tmp_path / "music" / "Artist" / "Artist - Title.flac"
    destination.parent.mkdir(parents=True)
    destination.write_bytes(b"another file")
    moved = move_into_place(source, destination)
    assert moved == destination.with_name("Artist - Title (2).flac")
    assert destination.read_bytes() == b"another file" and moved.read_bytes() == b"the audio" * 1000
    assert not source.exists() and os.stat(moved).st_nlink == 1
    assert move_into_place(moved, destination) == moved  # already at a numbered name of it: it stays


def test_a_name_taken_by_another_worker_between_look_and_link_is_not_overwritten(tmp_path, source, monkeypatch):
    destination = tmp_path / "music" / "Artist - Title.flac"
    real_link = os.link

    def other_worker_first(src, dst, *args, **kwargs):
        if Path(dst) == destination and not destination.exists():
            destination.write_bytes(b"another worker's file")
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", other_worker_first)
    placed = place(source, destination)
    assert placed == Placed(destination.with_name("Artist - Title (2).flac"), reused_existing=False)
    assert destination.read_bytes() == b"another worker's file"


def test_a_name_holding_the_same_file_is_reused(tmp_path, source):
    destination = tmp_path / "music" / "Artist - Title.flac"
    destination.parent.mkdir()
    shutil.copyfile(source, destination)
    placed = place(source, destination, is_same=lambda existing: existing.read_bytes() == destination.read_bytes())
    assert placed == Placed(destination, reused_existing=True) and not source.exists()


def cross_device(source: Path, monkeypatch) -> None:
    """Make every hard link or rename of source fail as it does across filesystems."""
    real_link, real_rename, real_replace = os.link, os.rename, os.replace

    def refuse(real):
        def call(src, dst, *args, **kwargs):
            if Path(src) == source:
                raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(src))
            return real(src, dst, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "link", refuse(real_link))
    monkeypatch.setattr(os, "rename", refuse(real_rename))
    monkeypatch.setattr(os, "replace", refuse(real_replace))


def test_across_filesystems_the_file_is_copied_flushed_then_linked(tmp_path, source, monkeypatch):
    data = source.read_bytes()
    cross_device(source, monkeypatch)
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    destination = tmp_path / "music" / "Artist - Title.flac"
    assert place(source, destination) == Placed(destination, reused_existing=False)
    assert destination.read_bytes() == data and not source.exists()
    assert files_in(tmp_path / "music") == [destination]  # no hidden temporary copy left beside it
    assert len(synced) >= 2  # the copy, then the folder


def test_a_full_disk_during_the_copy_leaves_no_partial_file_nor_the_folders_made(tmp_path, source, monkeypatch):
    data = source.read_bytes()
    cross_device(source, monkeypatch)

    def half_then_full(reader, writer, length=0):
        writer.write(reader.read(len(data) // 2))
        writer.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shutil, "copyfileobj", half_then_full)
    destination = tmp_path / "music" / "New Artist" / "Artist - Title.flac"
    with pytest.raises(FilingFailed, match=r"the disk holding .* is full \(No space left on device\): free some space"):
        place(source, destination, again="retry the download")
    assert not (tmp_path / "music").exists() and source.read_bytes() == data


def test_a_full_disk_at_the_flush_leaves_no_partial_file(tmp_path, source, monkeypatch):
    cross_device(source, monkeypatch)
    folder = tmp_path / "music"
    folder.mkdir()
    (folder / "other.flac").write_text("kept")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(FilingFailed, match="No space left"):
        place(source, folder / "Artist - Title.flac")
    assert files_in(folder) == [folder / "other.flac"] and source.exists()


def test_without_hard_links_a_placeholder_claims_the_name(tmp_path, source, monkeypatch):
    data = source.read_bytes()

    def unsupported(src, dst, *args, **kwargs):
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(dst))

    monkeypatch.setattr(os, "link", unsupported)
    destination = tmp_path / "music" / "Artist - Title.flac"
    destination.parent.mkdir()
    destination.write_bytes(b"another file")
    placed = place(source, destination)
    assert placed.path == destination.with_name("Artist - Title (2).flac")
    assert placed.path.read_bytes() == data and not source.exists() and destination.read_bytes() == b"another file"


def test_a_source_gone_before_its_move_is_named(tmp_path):
    with pytest.raises(FilingFailed, match="is not there any more"):
        move_into_place(tmp_path / "gone.flac", tmp_path / "music" / "gone.flac")


def test_numbered_names_fit_one_file_name():
    names = numbered_names(Path("/music") / f"{'x' * 250}.flac")  # 255 bytes: the most one name holds
    first, second = next(names), next(names)
    assert first.name == f"{'x' * 250}.flac"
    assert second.name.endswith("x (2).flac") and len(second.name.encode()) == 255


# --- Errors in words -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "words"), [
    (errno.ENOSPC, "the disk holding /music is full (No space left on device): free some space, then retry"),
    (errno.EACCES, "permission denied writing to /music (Permission denied): let this user write to the music folder"),
    (errno.EROFS, "/music is on a read-only disk (Read-only file system)"),
    (errno.ENAMETOOLONG, "the path in /music is too long for this disk (File name too long): use shorter names"),
    (errno.EIO, "the operating system refused the move (Input/output error)"),
])
def test_an_operating_systems_error_is_said_in_words_a_person_can_act_on(number, words):
    assert os_error_words(OSError(number, os.strerror(number)), where="/music",
                          doing="the move", again="retry") == words


def test_without_a_place_the_words_name_the_file():
    assert os_error_words(OSError(errno.ENOSPC, "No space left on device"), again="write the tags again") == (
        "the disk is full (No space left on device): free some space, then write the tags again"
    )
    assert os_error_words(OSError(errno.ENOENT, "No such file or directory")) == (
        "the file or its folder disappeared during the write (No such file or directory)"
    )
