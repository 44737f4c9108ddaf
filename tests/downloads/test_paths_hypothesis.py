import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from downloads.files import library_path

TEMPLATES = [
    "{artist}/{album}/{artist} - {title}{ (version)}.{ext}",
    "{artist}/{album/}{artist} - {title}{ (version)}.{ext}",
    "{title}.{ext}",
    "{version}/{artist}{ - album}/{title}.{ext}",
]
TRICKY = st.text(alphabet=list(". \\/:*?\x00\x1f\x7f\u202e\u200b\n\tCONULPTcom19¹é音東"), max_size=20)
LONG = st.text(alphabet=list("a音. /🎵"), min_size=100, max_size=600)
VALUE = st.one_of(st.text(), TRICKY, LONG)
EXTENSIONS = st.sampled_from(["flac", "mp3", "wav", "aiff", "m4a", "ogg", "opus", "FLAC"])


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("music")


@settings(max_examples=400, deadline=None)
@given(
    artist=VALUE, album=VALUE, title=VALUE, version=VALUE, ext=EXTENSIONS, template=st.sampled_from(TEMPLATES),
)
def test_library_path_is_always_a_safe_path_inside_root(root, artist, album, title, version, ext, template):
    path = library_path(
        artist=artist, album=album, title=title, version=version, ext=ext, template=template, root=root,
    )
    assert Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    relative = path.relative_to(root)
    assert relative.parts
    for name in relative.parts:
        assert name not in (".", "..") and not name.startswith(".")
        assert len(name.encode("utf-8")) <= 255
        assert not any(unicodedata.category(char) in ("Cc", "Cf", "Cs") for char in name)
        assert "/" not in name and "\\" not in name
    assert path.name.endswith(f".{ext.lower()}")
    assert path.name != f".{ext.lower()}"
