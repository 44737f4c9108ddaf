"""Range requests as a browser's audio player makes them: the header read right, or the whole file."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.ranges import Unsatisfiable, byte_range


@pytest.mark.parametrize(("header", "size", "expected"), [
    ("bytes=0-", 1000, (0, 999)),
    ("bytes=0-1", 1000, (0, 1)),
    ("bytes=500-", 1000, (500, 999)),
    ("bytes=500-5000", 1000, (500, 999)),  # past the end: up to the end
    ("bytes=-200", 1000, (800, 999)),  # the last 200 bytes
    ("bytes=-5000", 1000, (0, 999)),
    ("BYTES = 10 - 20", 1000, (10, 20)),
    ("", 1000, None),
    ("bytes=0-10,20-30", 1000, None),  # several ranges: the whole file
    ("bytes=20-10", 1000, None),
    ("items=0-10", 1000, None),
    ("bytes=-", 1000, None),
])
def test_a_range_header_is_read_as_browsers_send_it(header, size, expected):
    assert byte_range(header, size) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_is_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        byte_range(header, 1000)


@given(st.text(max_size=60), st.integers(min_value=1, max_value=10**12))
def test_any_header_gives_a_range_inside_the_file_the_whole_file_or_unsatisfiable(header, size):
    try:
        found = byte_range(header, size)
    except Unsatisfiable:
        return
    if found is not None:
        first, last = found
        assert 0 <= first <= last < size


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9),
       st.integers(min_value=1, max_value=10**9))
def test_a_well_formed_range_is_taken_as_written_within_the_file(first, last, size):
    try:
        found = byte_range(f"bytes={first}-{last}", size)
    except Unsatisfiable:
        assert first >= size
        return
    assert found is None if last < first else found == (first, min(last, size - 1))
