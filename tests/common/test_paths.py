import os
import unicodedata
from pathlib import Path, PurePath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.paths import UnsafePath, safe_join, safe_relative_path, safe_segment, split_remote_path
from providers.base import ProviderError
from providers.slskd import Slskd

RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{device}{digit}" for device in ("COM", "LPT") for digit in "0123456789¹²³"
}

# (id, one name, what safe_segment makes of it: the safe name, or UnsafePath)
SEGMENTS = [
    ("dot-dot", "..", UnsafePath),
    ("dot", ".", UnsafePath),
    ("three-dots", "...", UnsafePath),
    ("empty", "", UnsafePath),
    ("only-spaces", "    ", UnsafePath),
    ("only-control-characters", "\x00\x07\x7f\u202e", UnsafePath),
    ("dot-dot-slash-in-one-name", "../evil.flac", ".._evil.flac"),
    ("dot-dot-backslash-in-one-name", "..\\evil.flac", ".._evil.flac"),
    ("hidden-file-kept", ".bashrc", ".bashrc"),
    ("nul-inside", "a\x00b.flac", "ab.flac"),
    ("control-characters", "a\tb\r\nc\x1b[31m\x7f.flac", "abc[31m.flac"),
    ("right-to-left-override", "evil\u202egalf.exe", "evilgalf.exe"),
    ("zero-width-space", "zero\u200bwidth.mp3", "zerowidth.mp3"),
    ("lone-surrogate", "a\udcffb.flac", "ab.flac"),
    ("con", "CON", "_CON"),
    ("con-lower-with-extension", "con.txt", "_con.txt"),
    ("nul-with-extension", "NUL.flac", "_NUL.flac"),
    ("com1", "COM1", "_COM1"),
    ("lpt9-with-extension", "LPT9.mp3", "_LPT9.mp3"),
    ("com-superscript-one", "COM¹", "_COM¹"),
    ("aux-space-before-extension", "AUX .flac", "_AUX .flac"),
    ("prn-two-extensions", "prn.tar.gz", "_prn.tar.gz"),
    ("nul-trailing-dot", "nul.", "_nul"),
    ("con-leading-space", " CON", "_CON"),
    ("console-is-not-con", "CONSOLE.flac", "CONSOLE.flac"),
    ("com10-is-not-a-device", "COM10", "COM10"),
    ("trailing-dots-and-spaces", "name. . ", "name"),
    ("surrounding-spaces", "  padded  ", "padded"),
    ("windows-forbidden-characters", 'a<b>c:d"e|f?g*h', "a_b_c_d_e_f_g_h"),
    ("slash-in-artist", "AC/DC", "AC_DC"),
    ("backslash-in-artist", "AC\\DC", "AC_DC"),
    ("unicode-kept", "Sigur Rós - Hoppípolla.flac", "Sigur Rós - Hoppípolla.flac"),
    ("unicode-artist-kept", "Röyksopp", "Röyksopp"),
    ("decomposed-becomes-nfc", "Ro\u0308yksopp", "Röyksopp"),
    ("long-ascii-keeps-extension", "a" * 995 + ".flac", "a" * 250 + ".flac"),
    ("long-three-byte-keeps-extension", "音" * 300 + ".flac", "音" * 83 + ".flac"),
    ("long-odd-extension-is-cut", "a" * 300 + ".fl-ac", "a" * 255),
    ("long-no-extension", "b" * 1000, "b" * 255),
]

# (id, remote path, the relative path it becomes: as a string, or UnsafePath)
REMOTE_PATHS = [
    ("climbs-out-through-music", "Music\\..\\..\\.bashrc", "Music/.bashrc"),
    ("dot-dot-slash", "../evil.flac", "evil.flac"),
    ("dot-dot-backslash", "..\\evil.flac", "evil.flac"),
    ("absolute-posix", "/etc/passwd", "etc/passwd"),
    ("windows-drive", "C:\\Windows\\system32\\x.dll", "Windows/system32/x.dll"),
    ("unc-share", "\\\\server\\share\\a.flac", "server/share/a.flac"),
    ("device-name-in-folder", "@@abc\\Music\\NUL.flac", "@@abc/Music/_NUL.flac"),
    ("nul-folder-dropped", "Music\\\x00\\x.flac", "Music/x.flac"),
    ("dots-dropped", ".\\a\\.\\b.flac", "a/b.flac"),
    ("only-dot-dot", "..", UnsafePath),
    ("only-separator", "\\", UnsafePath),
    ("empty", "", UnsafePath),
]


@pytest.mark.parametrize(("name", "expected"), [case[1:] for case in SEGMENTS], ids=[case[0] for case in SEGMENTS])
def test_safe_segment(name, expected):
    if expected is UnsafePath:
        with pytest.raises(UnsafePath, match="is empty after removing unsafe characters"):
            safe_segment(name)
        return
    result = safe_segment(name)
    assert result == expected
    assert len(result.encode("utf-8")) <= 255


@pytest.mark.parametrize(
    ("remote", "expected"), [case[1:] for case in REMOTE_PATHS], ids=[case[0] for case in REMOTE_PATHS]
)
def test_remote_paths_become_relative_paths(remote, expected):
    if expected is UnsafePath:
        with pytest.raises(UnsafePath, match="no part of the path is left"):
            safe_relative_path(split_remote_path(remote))
        return
    result = safe_relative_path(split_remote_path(remote))
    assert result == PurePath(expected)
    assert not result.is_absolute()
    assert ".." not in result.parts


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("\\\\server\\share\\a.flac", ["server", "share", "a.flac"]),
        ("C:\\Music\\a.flac", ["Music", "a.flac"]),
        ("c:/a.flac", ["a.flac"]),
        ("Music\\..\\a.flac", ["Music", "..", "a.flac"]),
        ("a//b\\\\.\\c", ["a", "b", "c"]),
        ("Music\\C:\\a.flac", ["Music", "C:", "a.flac"]),
    ],
    ids=["unc", "drive", "drive-lower-slash", "dot-dot-kept", "empty-and-dot-dropped", "drive-only-first"],
)
def test_split_remote_path(remote, expected):
    assert split_remote_path(remote) == expected


def test_the_long_three_byte_name_is_cut_on_a_character():
    result = safe_segment("音" * 300 + ".flac")
    encoded = result.encode("utf-8")
    assert len(encoded) <= 255 and encoded.decode("utf-8") == result and result.endswith(".flac")


def test_a_fallback_replaces_an_empty_name_and_is_cleaned_too():
    assert safe_segment("..", fallback="Unknown Artist") == "Unknown Artist"
    assert safe_segment("", fallback="CON") == "_CON"
    assert safe_segment("Abba", fallback="Unknown Artist") == "Abba"
    with pytest.raises(UnsafePath, match="empty after removing unsafe characters"):
        safe_segment("\x00", fallback="..")


def test_safe_join_stays_inside_root_and_creates_nothing(tmp_path):
    result = safe_join(tmp_path, ["..", "..", "Album", "01.flac"])
    assert result == tmp_path / "Album" / "01.flac"
    assert not (tmp_path / "Album").exists()


def test_safe_join_refuses_a_symlink_that_leads_out_of_root(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    with pytest.raises(UnsafePath, match="leads outside"):
        safe_join(root, ["link", "x.flac"])


def test_safe_join_accepts_a_root_that_is_itself_a_symlink(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert safe_join(tmp_path / "alias", ["a.flac"]) == tmp_path / "alias" / "a.flac"


@pytest.fixture
def slskd(settings, tmp_path):
    settings.SLSKD_DOWNLOADS_DIR = str(tmp_path)
    settings.SLSKD_API_KEY = "key"
    return Slskd()


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("@@abc\\Music\\..\\..\\.bashrc", ".bashrc"),
        ("..\\evil.flac", "evil.flac"),
        ("Music\\NUL.flac", "Music/_NUL.flac"),
        ("Music\\a\x00b.flac", "Music/ab.flac"),
        ("@@abc\\Music\\" + "x" * 1000 + ".flac", "Music/" + "x" * 250 + ".flac"),
    ],
    ids=["climbs-out", "dot-dot-parent", "device-name", "nul", "1000-characters"],
)
def test_slskd_local_path_stays_in_the_downloads_dir(slskd, tmp_path, remote, expected):
    result = slskd.local_path(remote)
    assert result == tmp_path / expected
    assert Path(result).resolve().is_relative_to(tmp_path.resolve())


def test_slskd_local_path_of_no_file_says_so(slskd):
    with pytest.raises(ProviderError, match="has no file in it"):
        slskd.local_path("\\")


def test_slskd_local_path_of_only_unsafe_names_says_so_without_control_characters(slskd):
    with pytest.raises(ProviderError, match="is not a usable file name") as raised:
        slskd.local_path("\x00\\..")
    assert "\x00" not in str(raised.value)


TRICKY = st.text(alphabet=list(". \\/:*?\x00\x1f\u202e\u200bCONULPTcom19¹é音"), max_size=12)
LONG = st.text(alphabet=list("a音. 🎵"), min_size=60, max_size=300)
PART = st.one_of(st.text(), TRICKY, LONG)


def assert_safe_name(name: str) -> None:
    assert name and name not in {".", ".."}
    assert len(name.encode("utf-8")) <= 255
    assert not any(char in '/\\<>:"|?*' or unicodedata.category(char) in {"Cc", "Cf", "Cs"} for char in name)
    assert name == unicodedata.normalize("NFC", name) or len(name.encode("utf-8")) >= 238  # only a cut may split
    assert name == name.strip(" ") and not name.endswith(".")
    assert name.split(".", 1)[0].rstrip(" ").upper() not in RESERVED


@given(st.lists(PART, max_size=6))
def test_safe_relative_path_is_safe_or_refuses(parts):
    try:
        result = safe_relative_path(parts)
    except UnsafePath:
        return
    assert not result.is_absolute()
    assert ".." not in result.parts
    for name in result.parts:
        assert_safe_name(name)
    assert os.sep not in "".join(result.parts)


@given(PART, PART)
def test_safe_segment_raises_nothing_but_unsafe_path(name, fallback):
    try:
        result = safe_segment(name, fallback=fallback)
    except UnsafePath:
        return
    assert_safe_name(result)
