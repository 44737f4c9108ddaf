"""Files served in parts: the HTTP Range requests an HTML5 audio player makes to start anywhere in a track.

Django's FileResponse always sends the whole file; a browser seeking in a 60 MB FLAC asks for "bytes=31457280-".
One range per request is served (what every browser's media player asks); anything else gets the whole file, and a
range that starts past the end gets 416, as RFC 9110 says.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
CHUNK = 64 * 1024


class Unsatisfiable(ValueError):
    """A range that lies wholly past the end of the file."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """Return the (first, last) byte positions, inclusive, that a Range header asks of a file of size bytes; None to
    send the whole file (no header, several ranges, or one not understood). Raise Unsatisfiable for a range that
    starts at or past the end."""
    found = _RANGE.match(header or "")
    if found is None:
        return None
    start, end = found.groups()
    if not start and not end:
        return None
    if not start:  # "bytes=-500": the last 500 bytes
        length = int(end)
        if length == 0:
            raise Unsatisfiable(header)
        return max(0, size - length), size - 1
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if first >= size:
        raise Unsatisfiable(header)
    if last < first:
        return None  # "bytes=500-100": not a range at all
    return first, last


def _part(path: str, first: int, last: int) -> Iterator[bytes]:
    with open(path, "rb") as file:
        file.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = file.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def ranged_file_response(request: HttpRequest, path: str, content_type: str) -> HttpResponse:
    """Return the file at path, or the one range of it the request asks for (206), with Accept-Ranges."""
    size = os.path.getsize(path)
    try:
        wanted = byte_range(request.headers.get("Range", ""), size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if wanted is None:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 - FileResponse closes it
    else:
        first, last = wanted
        response = StreamingHttpResponse(_part(path, first, last), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    return response
