import errno
import os
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from audio.probe import probe
from common.files import Placed
from common.paths import UnsafePath
from downloads.files import (
    FilingFailed,
    VerificationFailed,
    check_path_template,
    file_into_library,
    library_path,
    quarantine,
    verify,
)
from tests.audio_factory import make_audio, make_corrupt, make_mislabelled

# --- Verification ------------------------------------------------------------------------------------------------


@pytest.fixture
def audio(tmp_path):
    """Make a real audio file in tmp_path: audio("x.flac", format="flac", ...)."""

    def make(name, **options):
        return make_audio(tmp_path / name, **options)

    return make


def test_a_flac_passes_best(audio):
    path = audio("a.flac", format="flac")
    info = verify(path, chosen_format="flac", quality="best", expected_duration=3.0, expected_size=path.stat().st_size)
    assert info.format == "flac" and info.is_lossless
    assert info.duration == pytest.approx(3.0, abs=0.1)


def test_a_320_mp3_fails_best_when_a_lossless_file_exists(audio):
    path = audio("a.mp3", format="mp3", bitrate_kbps=320)
    with pytest.raises(VerificationFailed, match="MP3 320 kbit/s is not lossless, and a lossless file exists"):
        verify(path, chosen_format="mp3", quality="best", expected_duration=3.0, lossless_elsewhere=True)


def test_a_320_mp3_passes_best_when_no_lossless_file_exists(audio):
    path = audio("a.mp3", format="mp3", bitrate_kbps=320)
    info = verify(path, chosen_format="mp3", quality="best", expected_duration=3.0, lossless_elsewhere=False)
    assert (info.format, info.bitrate, info.is_vbr) == ("mp3", 320, False)


def test_a_v0_mp3_passes_good(audio):
    path = audio("a.mp3", format="mp3", vbr=True)
    info = verify(path, chosen_format="mp3", quality="good", expected_duration=3.0)
    assert info.is_vbr and info.bitrate >= 215


def test_a_128_mp3_fails_good_saying_why(audio):
    path = audio("a.mp3", format="mp3", bitrate_kbps=128)
    with pytest.raises(VerificationFailed) as raised:
        verify(path, chosen_format="mp3", quality="good", expected_duration=3.0)
    assert raised.value.reason == "MP3 128 kbit/s is below good (320 kbit/s MP3, V0 or lossless)"


def test_a_128_mp3_passes_any(audio):
    path = audio("a.mp3", format="mp3", bitrate_kbps=128)
    assert verify(path, chosen_format="mp3", quality="any", expected_duration=None).bitrate == 128


def test_the_wrong_length_is_refused_in_minutes_and_seconds(audio):
    path = audio("a.flac", format="flac")
    with pytest.raises(VerificationFailed, match=r"^the file is 0:03 long, but the track is 6:15$"):
        verify(path, chosen_format="flac", quality="best", expected_duration=375.0)


def test_a_length_within_three_seconds_passes(audio):
    path = audio("a.flac", format="flac")
    verify(path, chosen_format="flac", quality="best", expected_duration=5.5)
    with pytest.raises(VerificationFailed, match="long, but the track is 0:07"):
        verify(path, chosen_format="flac", quality="best", expected_duration=6.6)


def test_a_truncated_transfer_is_refused_by_its_size(audio, tmp_path):
    whole = audio("whole.flac", format="flac", seconds=30)
    cut = make_corrupt(tmp_path / "cut.flac", whole, truncate=True)
    expected = whole.stat().st_size
    with pytest.raises(VerificationFailed,
                       match=r"^only \d+\.\d MB of \d+\.\d MB arrived: the transfer was cut short$"):
        verify(cut, chosen_format="flac", quality="best", expected_duration=30.0, expected_size=expected)


@pytest.mark.parametrize("fmt", ["flac", "mp3"])
def test_a_file_garbled_halfway_is_refused_though_its_headers_look_whole(audio, tmp_path, fmt):
    whole = audio(f"whole.{fmt}", format=fmt, seconds=30)
    garbled = make_corrupt(tmp_path / f"garbled.{fmt}", whole)
    assert garbled.stat().st_size == whole.stat().st_size
    assert probe(garbled).duration == pytest.approx(30.0, abs=0.5)  # mutagen alone sees nothing wrong
    with pytest.raises(VerificationFailed, match=r"^the file is damaged: only 0:1\d of its 0:30 can be played$"):
        verify(garbled, chosen_format=fmt, quality="any", expected_duration=30.0, expected_size=whole.stat().st_size)


def test_a_cut_flac_is_refused_when_no_size_was_listed(audio, tmp_path):
    whole = audio("whole.flac", format="flac", seconds=30)
    cut = make_corrupt(tmp_path / "cut.flac", whole, truncate=True)
    with pytest.raises(VerificationFailed, match="of its 0:30 can be played"):
        verify(cut, chosen_format="flac", quality="best", expected_duration=30.0)


def test_without_ffmpeg_the_headers_decide(audio, tmp_path, monkeypatch):
    whole = audio("whole.flac", format="flac", seconds=30)
    garbled = make_corrupt(tmp_path / "garbled.flac", whole)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert verify(garbled, chosen_format="flac", quality="any", expected_duration=30.0).format == "flac"


def test_a_size_a_few_bytes_off_is_shown_in_bytes(audio):
    path = audio("a.flac", format="flac")
    size = path.stat().st_size
    with pytest.raises(VerificationFailed,
                       match=rf"^the file is {size:,} bytes, but the source listed it as {size - 3:,} bytes$"):
        verify(path, chosen_format="flac", quality="best", expected_duration=3.0, expected_size=size - 3)


def test_a_mislabelled_file_is_refused(tmp_path):
    path = make_mislabelled(tmp_path / "a.flac")
    with pytest.raises(VerificationFailed, match=r"^the file is MP3 audio, but a FLAC file was chosen$"):
        verify(path, chosen_format="flac", quality="any", expected_duration=3.0)


def test_a_flac_chosen_as_mp3_is_refused(audio):
    path = audio("a.mp3", format="flac")
    with pytest.raises(VerificationFailed, match=r"^the file is FLAC audio, but an MP3 file was chosen$"):
        verify(path, chosen_format="mp3", quality="any", expected_duration=3.0)


@pytest.mark.parametrize(("fmt", "chosen"),
                         [("m4a", "m4a"), ("alac", "m4a"), ("alac", "alac"), ("wav", "wave"), ("aiff", "aif")])
def test_a_container_extension_accepts_the_formats_it_holds(audio, fmt, chosen):
    path = audio(f"a.{chosen}", format=fmt)
    verify(path, chosen_format=chosen, quality="any", expected_duration=3.0)


def test_an_aac_file_chosen_as_alac_is_refused(audio):
    path = audio("a.m4a", format="m4a")
    with pytest.raises(VerificationFailed, match=r"^the file is AAC audio, but an ALAC file was chosen$"):
        verify(path, chosen_format="alac", quality="any", expected_duration=3.0)


def test_a_text_file_is_refused(tmp_path):
    path = tmp_path / "a.flac"
    path.write_text("<html>404 Not Found</html>\n" * 20)
    with pytest.raises(VerificationFailed, match="not audio"):
        verify(path, chosen_format="flac", quality="any", expected_duration=None)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(VerificationFailed, match="^the file does not exist$"):
        verify(tmp_path / "gone.flac", chosen_format="flac", quality="any", expected_duration=None)


@pytest.mark.parametrize("quality", ["best", "good"])
def test_a_ytdlp_file_is_never_best_or_good(audio, quality):
    path = audio("a.flac", format="flac")
    with pytest.raises(VerificationFailed, match="a ytdlp file .* is a lossy stream copy, never"):
        verify(path, chosen_format="flac", quality=quality, expected_duration=3.0, source="ytdlp")
    assert verify(path, chosen_format="flac", quality="any", expected_duration=3.0, source="ytdlp").format == "flac"


# --- Quarantine --------------------------------------------------------------------------------------------------


@pytest.fixture
def folders(settings, tmp_path):
    settings.MUSIC_ROOT = str(tmp_path / "music")
    settings.DOWNLOAD_QUARANTINE_DIR = str(tmp_path / "quarantine")
    return tmp_path


def test_quarantine_keeps_the_file_and_its_reason(folders, audio):
    path = audio("downloads/Artist - Title.flac", format="mp3")
    data = path.read_bytes()
    kept = quarantine(path, reason="the file is MP3 audio, but a FLAC file was chosen")
    assert kept == folders / "quarantine" / timezone.localdate().isoformat() / "Artist - Title.flac"
    assert kept.read_bytes() == data and not path.exists()
    note = kept.with_name("Artist - Title.flac.reason.txt")
    assert note.read_text(encoding="utf-8").startswith("the file is MP3 audio, but a FLAC file was chosen\n")
    assert not (folders / "music").exists()


def test_quarantine_never_overwrites(folders, tmp_path):
    first, second = tmp_path / "a" / "x.flac", tmp_path / "b" / "x.flac"
    for path, text in ((first, "first"), (second, "second")):
        path.parent.mkdir()
        path.write_text(text)
    kept_first = quarantine(first, reason="one")
    kept_second = quarantine(second, reason="two")
    assert kept_second == kept_first.with_name("x (2).flac")
    assert (kept_first.read_text(), kept_second.read_text()) == ("first", "second")
    assert kept_second.with_name("x (2).flac.reason.txt").read_text(encoding="utf-8").startswith("two\n")


def test_quarantine_of_a_missing_file_returns_none(folders):
    assert quarantine(folders / "gone.flac", reason="whatever") is None


def test_quarantine_refuses_a_folder_inside_the_music_folder(settings, folders):
    settings.DOWNLOAD_QUARANTINE_DIR = str(folders / "music" / "rejected")
    path = folders / "a.flac"
    path.write_text("x")
    with pytest.raises(ImproperlyConfigured, match="is inside MUSIC_ROOT"):
        quarantine(path, reason="whatever")
    assert path.exists()


# --- The library path --------------------------------------------------------------------------------------------

TEMPLATE = "{artist}/{album}/{artist} - {title}{ (version)}.{ext}"


def place(root, **values):
    fields = {"artist": "Artist", "album": "Album", "title": "Title", "version": "", "ext": "flac", **values}
    return library_path(root=root, template=TEMPLATE, **fields)


def assert_inside(root: Path, path: Path) -> None:
    assert path.resolve().is_relative_to(root.resolve())
    relative = path.relative_to(root)
    assert len(relative.parts) == 3  # artist, album, file: no value made a folder of its own
    for name in relative.parts:
        assert name not in (".", "..") and not name.startswith(".")
        assert len(name.encode("utf-8")) <= 255
        assert not any(ord(char) < 32 or char in "\\/\x7f" for char in name)
        assert name == name.strip(" ") and not name.endswith(".")


HOSTILE = [
    ("dot-dot-backslash", {"artist": "..\\..\\evil"}, "_.._evil/Album/_.._evil - Title.flac"),
    ("dot-dot-slash", {"album": "../../../etc"}, "Artist/_.._.._etc/Artist - Title.flac"),
    ("only-dot-dot", {"artist": "..", "album": "."}, "Unknown Artist/Unknown Album/Unknown Artist - Title.flac"),
    ("absolute-posix", {"title": "/etc/passwd"}, "Artist/Album/Artist - _etc_passwd.flac"),
    ("absolute-windows", {"artist": "C:\\Windows"}, "C__Windows/Album/C__Windows - Title.flac"),
    ("slash-in-artist", {"artist": "AC/DC"}, "AC_DC/Album/AC_DC - Title.flac"),
    ("nul", {"title": "Ti\x00tle", "album": "\x00"}, "Artist/Unknown Album/Artist - Title.flac"),
    ("control-characters", {"artist": "Ar\x1b[31mtist\x07", "title": "Line\nBreak\ttab"},
     "Ar[31mtist/Album/Ar[31mtist - Line Break tab.flac"),
    ("reserved-con", {"artist": "CON"}, "_CON/Album/CON - Title.flac"),
    ("reserved-nul-flac", {"album": "nul.flac"}, "Artist/_nul.flac/Artist - Title.flac"),
    ("reserved-com1", {"album": "COM1", "artist": "aux"}, "_aux/_COM1/aux - Title.flac"),
    ("trailing-dots-and-spaces", {"artist": "R.E.M. ", "album": "Album. . ", "title": "Title...  "},
     "R.E.M/Album/R.E.M - Title.flac"),
    ("leading-dots-would-hide", {"artist": "...And You Will Know Us"},
     "And You Will Know Us/Album/And You Will Know Us - Title.flac"),
    ("unicode-kept", {"artist": "Sigur Rós", "album": "東京", "title": "Hoppípolla"},
     "Sigur Rós/東京/Sigur Rós - Hoppípolla.flac"),
    ("version-group", {"version": "Extended Mix"}, "Artist/Album/Artist - Title (Extended Mix).flac"),
    ("empty-everything", {"artist": "", "album": "", "title": "", "version": ""},
     "Unknown Artist/Unknown Album/Unknown Artist - Unknown Title.flac"),
    ("none-values", {"album": None, "version": None}, "Artist/Unknown Album/Artist - Title.flac"),
]


@pytest.mark.parametrize(("values", "expected"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_outside_values_land_safely_under_the_music_root(tmp_path, values, expected):
    path = place(tmp_path, **values)
    assert path == tmp_path / expected
    assert_inside(tmp_path, path)


def test_a_thousand_character_title_is_cut_keeping_the_extension(tmp_path):
    path = place(tmp_path, title="x" * 1000, version="Remix")
    assert_inside(tmp_path, path)
    assert path.suffix == ".flac" and len(path.name.encode("utf-8")) == 255
    assert path.name.startswith("Artist - xxxx")


def test_a_long_unicode_title_is_cut_on_a_whole_character(tmp_path):
    path = place(tmp_path, artist="東京" * 200, title="音" * 400)
    assert_inside(tmp_path, path)
    assert path.suffix == ".flac"
    assert len(path.parent.parent.name.encode("utf-8")) <= 255


def test_the_settings_give_the_template_and_the_root(settings, tmp_path):
    settings.MUSIC_ROOT = str(tmp_path / "music")
    settings.DOWNLOAD_PATH_TEMPLATE = "{genre}/{artist} - {title}{ [label]}.{ext}"
    path = library_path(artist="A", album="", title="T", version="", ext="MP3", genre="Techno", label="Kompakt")
    assert path == tmp_path / "music" / "Techno" / "A - T [Kompakt].mp3"


def test_the_default_template_files_under_artist_and_album(settings, tmp_path):
    settings.MUSIC_ROOT = str(tmp_path)
    path = library_path(artist="Deadmau5", album="For Lack", title="Strobe", version="Club Edit", ext="flac")
    assert path == tmp_path / "Deadmau5" / "For Lack" / "Deadmau5 - Strobe (Club Edit).flac"


def test_an_optional_album_folder_files_singles_under_the_artist(tmp_path):
    template = "{artist}/{album/}{year - }{artist} - {title}.{ext}"
    single = library_path(root=tmp_path, template=template, artist="A", album="", title="T", version="", ext="mp3")
    assert single == tmp_path / "A" / "A - T.mp3"
    on_album = library_path(
        root=tmp_path, template=template, artist="A", album="LP", title="T", version="", ext="mp3", year=1999,
    )
    assert on_album == tmp_path / "A" / "LP" / "1999 - A - T.mp3"


def test_an_empty_plain_field_without_fallback_drops_its_folder(tmp_path):
    path = library_path(root=tmp_path, template="{genre}/{title}.{ext}", artist="", album="",
                        title="T", version="", ext="wav")
    assert path == tmp_path / "T.wav"


def test_a_symlink_inside_the_root_cannot_lead_out(tmp_path):
    root, outside = tmp_path / "music", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "Artist").symlink_to(outside)
    with pytest.raises(UnsafePath, match="leads outside"):
        place(root)


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{artist", "the '{' at character 1 is never closed"),
        ("{artist}}/{title}.{ext}", "the '}' at character 9 closes no '{'"),
        ("{art{ist}/{title}.{ext}", "is not closed before the next '{'"),
        ("{artist}/{titel}.{ext}", "names the unknown field 'titel'; the fields are artist, album, title"),
        ("{artist}/{}{title}.{ext}", "{} names no field"),
        ("{artist title}.{ext}", r"holds more than one field \(artist, title\)"),
        ("/{artist}/{title}.{ext}", "not start with a drive or a separator"),
        ("C:{artist}/{title}.{ext}", "not start with a drive or a separator"),
        ("{artist}//{title}.{ext}", "empty folder name"),
        ("{artist}/../{title}.{ext}", "a folder named '..'"),
        ("{artist}/{title}", r"must end with '\.\{ext\}'"),
        ("{artist}/{title}/{artist}.{ext}", r"must contain \{title\}"),
        ("", "it is empty"),
    ],
)
def test_an_invalid_template_says_what_is_wrong(tmp_path, template, problem):
    with pytest.raises(ValueError, match=problem) as raised:
        library_path(root=tmp_path, template=template, artist="A", album="B", title="T", version="", ext="flac")
    assert str(raised.value).startswith(f"The file path template {template!r} is not valid: ")


@pytest.mark.parametrize("ext", ["", ".", "fl/ac", "..", "a" * 17, "flac\x00"])
def test_an_unusable_extension_is_refused(tmp_path, ext):
    with pytest.raises(ValueError, match="is not a file extension"):
        place(tmp_path, ext=ext)


def test_the_system_check_reports_a_bad_template(settings):
    settings.DOWNLOAD_PATH_TEMPLATE = "{artist}/{titel}.{ext}"
    (error,) = check_path_template()
    assert error.id == "downloads.E001" and "unknown field 'titel'" in error.msg
    settings.DOWNLOAD_PATH_TEMPLATE = TEMPLATE
    assert check_path_template() == []


# --- Filing (the moves themselves, common.files.place, are tested in tests/common/test_files.py) ----------------


@pytest.fixture
def library(settings, tmp_path):
    settings.MUSIC_ROOT = str(tmp_path / "music")
    return tmp_path / "music"


@pytest.fixture
def download(tmp_path):
    """A verified download waiting in the download folder, with its probe."""
    path = make_audio(tmp_path / "downloads" / "peer file.flac", format="flac")
    return path, probe(path)


def library_files(library: Path) -> list[Path]:
    return sorted(path for path in library.rglob("*") if path.is_file())


def test_filing_moves_the_file_into_new_folders(library, download):
    source, info = download
    data = source.read_bytes()
    destination = place(library, artist="Sigur Rós", album="東京")
    filed = file_into_library(source, destination=destination, info=info)
    assert filed == Placed(destination, reused_existing=False)
    assert destination.read_bytes() == data and not source.exists()
    assert os.stat(destination).st_nlink == 1
    assert library_files(library) == [destination]


def test_a_different_file_of_the_same_name_gets_a_number(library, download, tmp_path):
    source, info = download
    destination = place(library)
    make_audio(destination, format="flac", seconds=4)
    make_audio(destination.with_name("Artist - Title (2).flac"), format="flac", seconds=5)
    filed = file_into_library(source, destination=destination, info=info)
    assert filed == Placed(destination.with_name("Artist - Title (3).flac"), reused_existing=False)
    assert probe(filed.path).duration == pytest.approx(3.0, abs=0.1)
    assert probe(destination).duration == pytest.approx(4.0, abs=0.1)
    assert not source.exists()


def test_a_numbered_name_still_fits_when_the_name_is_at_the_limit(library, download):
    source, info = download
    destination = place(library, title="x" * 1000)
    make_audio(destination, format="flac", seconds=4)
    filed = file_into_library(source, destination=destination, info=info)
    assert filed.path.name.endswith("x (2).flac") and len(filed.path.name.encode("utf-8")) == 255
    assert not source.exists()


def test_the_same_audio_already_filed_counts_as_success(library, download):
    source, info = download
    destination = place(library)
    destination.parent.mkdir(parents=True)
    shutil.copyfile(source, destination)
    before = destination.stat()
    filed = file_into_library(source, destination=destination, info=info)
    assert filed == Placed(destination, reused_existing=True)
    assert not source.exists()
    assert destination.stat().st_mtime_ns == before.st_mtime_ns
    assert library_files(library) == [destination]


def test_the_same_audio_under_a_numbered_name_is_found(library, download):
    source, info = download
    destination = place(library)
    make_audio(destination, format="flac", seconds=4)
    shutil.copyfile(source, destination.with_name("Artist - Title (2).flac"))
    filed = file_into_library(source, destination=destination, info=info)
    assert filed == Placed(destination.with_name("Artist - Title (2).flac"), reused_existing=True)
    assert len(library_files(library)) == 2 and not source.exists()


def test_filing_a_file_already_in_place_keeps_it(library, download):
    source, info = download
    destination = place(library)
    first = file_into_library(source, destination=destination, info=info)
    again = file_into_library(first.path, destination=destination, info=info)
    assert again == Placed(destination, reused_existing=True)
    assert destination.exists()


def test_permission_denied_is_said_in_words(library, download, monkeypatch):
    source, info = download

    def denied(src, dst, *args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dst))

    monkeypatch.setattr(os, "link", denied)
    with pytest.raises(FilingFailed, match="permission denied writing to .*: let this user write to the music folder"):
        file_into_library(source, destination=place(library), info=info)
    assert source.exists() and library_files(library) == []


def test_a_vanished_download_fails_in_words(library, tmp_path, download):
    _, info = download
    with pytest.raises(FilingFailed, match="cannot be read"):
        file_into_library(tmp_path / "gone.flac", destination=place(library), info=info)
