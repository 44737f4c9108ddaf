"""Choosing a file: the quality rules, the version rule, and when a person must choose."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from downloads.choice import Wanted, pick, rank
from downloads.quality import Quality, meets
from matching.files import path_match
from providers.base import DownloadCandidate

WANTED = Wanted(title="One More Time", artists=("Daft Punk",), duration=320)


def file(name: str, ext: str, *, bitrate=None, vbr=False, duration=320, user="peer", locked=False, source="slskd",
         free=True, queue=0, speed=1_000_000) -> DownloadCandidate:
    filename = f"@@music\\Daft Punk\\Discovery\\{name}.{ext}"
    return DownloadCandidate(
        source=source, external_id=f"{user}\\{filename}", username=user, filename=filename, size=10_000_000,
        extension=ext, bitrate=bitrate, duration=duration, is_variable_bitrate=vbr, is_locked=locked,
        has_free_upload_slot=free, queue_length=queue, upload_speed=speed,
    )


def test_best_takes_lossless_over_a_320_mp3():
    ranked = rank([file("01 Daft Punk - One More Time", "mp3", bitrate=320),
                   file("01 Daft Punk - One More Time", "flac", user="b")], WANTED, quality=Quality.BEST)
    assert pick(ranked).candidate.extension == "flac"


def test_best_accepts_a_320_mp3_only_when_no_lossless_exists_anywhere():
    alone = rank([file("Daft Punk - One More Time", "mp3", bitrate=320)], WANTED, quality=Quality.BEST)
    assert pick(alone).candidate.extension == "mp3"
    # A lossless file that is the wrong version still exists, but a locked one does not count.
    locked = rank([file("Daft Punk - One More Time", "mp3", bitrate=320),
                   file("Daft Punk - One More Time", "flac", user="x", locked=True)], WANTED, quality=Quality.BEST)
    assert pick(locked).candidate.extension == "mp3"


def test_good_takes_v0_and_refuses_128():
    ranked = rank([file("Daft Punk - One More Time", "mp3", bitrate=128),
                   file("Daft Punk - One More Time", "mp3", bitrate=245, vbr=True, user="v0")],
                  WANTED, quality=Quality.GOOD)
    assert pick(ranked).candidate.username == "v0"
    low = next(s for s in ranked if s.candidate.bitrate == 128)
    assert not low.meets_quality and "below good" in " ".join(low.reasons)


def test_any_takes_any_audio_but_never_a_text_file():
    ranked = rank([file("Daft Punk - One More Time", "txt"), file("Daft Punk - One More Time", "ogg", bitrate=96)],
                  WANTED, quality=Quality.ANY)
    assert pick(ranked).candidate.extension == "ogg"
    assert not meets(Quality.ANY, format="txt", bitrate=None)[0]


def test_a_remix_is_never_taken_for_the_original_nor_the_original_for_a_remix():
    remix = rank([file("Daft Punk - One More Time (Romanthony Remix)", "flac")], WANTED, quality=Quality.BEST)
    assert pick(remix) is None and "version differs" in " ".join(remix[0].reasons)
    wanted_remix = Wanted(title="One More Time", version="Romanthony Remix", artists=("Daft Punk",))
    original = rank([file("Daft Punk - One More Time", "flac")], wanted_remix, quality=Quality.BEST)
    assert pick(original) is None


def test_a_wrong_length_or_a_locked_file_is_not_sure():
    ranked = rank([file("Daft Punk - One More Time", "flac", duration=200),
                   file("Daft Punk - One More Time", "flac", user="l", locked=True)], WANTED, quality=Quality.BEST)
    assert pick(ranked) is None
    reasons = " ".join(r for s in ranked for r in s.reasons)
    assert "length 3:20, the track is 5:20" in reasons and "locked" in reasons


def test_among_sure_files_a_free_slot_and_short_queue_win():
    ranked = rank([file("Daft Punk - One More Time", "flac", user="busy", free=False, queue=40),
                   file("Daft Punk - One More Time", "flac", user="free")], WANTED, quality=Quality.BEST)
    assert pick(ranked).candidate.username == "free"


def test_a_stream_copy_is_only_ever_any():
    stream = file("Daft Punk - One More Time", "m4a", bitrate=320, source="ytdlp")
    assert pick(rank([stream], WANTED, quality=Quality.GOOD)) is None
    assert pick(rank([stream], WANTED, quality=Quality.ANY)) is not None


@settings(max_examples=300, deadline=None)
@given(path=st.text(max_size=300), title=st.text(max_size=60), version=st.text(max_size=30),
       artist=st.text(max_size=40))
def test_path_match_never_fails_and_confidence_needs_the_right_version(path, title, version, artist):
    match = path_match(path, title=title, version=version, artists=[artist])
    assert 0.0 <= match.title <= 1.0 and 0.0 <= match.artist <= 1.0
    if match.confident:
        assert match.version_ok
