"""A tracklist pasted as text: its lines up to the first track, where the mix's title and headings are told
apart from the tracks, then every line, then labels written in brackets read as labels."""

from __future__ import annotations

from dataclasses import replace

from .headings import _date_only, _has_date, _Heading, _is_header, _link, _names_a_mix
from .lines import _Context, _labels_from_brackets, _read_line
from .patterns import _CONTROLS, _HEADER_STARTS
from .results import LineStatus, ParsedTracklist


def _first_printed(printed: int, side: str) -> bool:
    """Return whether a line printed the first number or side of a list ("1.", "01", "A1", "A")."""
    return printed == 1 or side in ("A", "A1", "AA1", "1.1", "1-1", "1.01", "1-01")


def _untrack(context: _Context, start: int, moved_from: int, printed: int) -> None:
    """Drop the lines from start to moved_from (a title read as a track) and number the ones after again."""
    lines = context.lines
    moved = lines[moved_from:]
    del lines[start:]
    for index, line in enumerate(moved):
        previous = lines[-1].position if lines else 0
        number = printed if index == 0 else 0
        position = number if number > previous else previous + 1
        lines.append(replace(line, position=position, together=line.together and bool(lines)))


def _read_heading(source, context: _Context, heading: _Heading) -> None:
    """Read source's lines up to its first track, and the next line when that shows the first to be the title."""
    lines = context.lines
    # The first track line while the next may yet show it to be the mix's title ("Some Mix" above "01. ..."):
    # where its lines start, its text and its place among the headers.
    candidate, candidate_text, candidate_header = -1, "", 0
    for line in source:
        raw = line.strip() if line.isprintable() else line.translate(_CONTROLS).strip()  # _clean, inlined
        collapsed = " ".join(raw.split())
        if not collapsed:
            continue
        if collapsed[0] in _HEADER_STARTS and _is_header(collapsed):
            if candidate >= 0:
                heading.title(candidate_text)
                heading.headers.insert(candidate_header, candidate_text)
                _untrack(context, candidate, len(lines), 0)
            heading.headers.append(raw)
            if candidate >= 0:
                return
            continue
        if not lines and not heading.name:
            url = _link(collapsed)
            if url or _names_a_mix(collapsed):
                date = _date_only(collapsed) if not url else None
                if url:
                    heading.source_url = heading.source_url or url
                elif date is None:
                    heading.title(collapsed)
                heading.date = heading.date or date
                heading.headers.append(raw)
                continue
        before = len(lines)
        printed = _read_line(raw, collapsed, context)
        if printed < 0:
            heading.headers.append(raw)
            heading.note(collapsed)
        if candidate >= 0:
            # A date under the first line dates the mix that line names; a link or a credit may follow a track.
            if (printed < 0 and _has_date(collapsed)) or (printed >= 0 and _first_printed(printed, context.side)):
                heading.title(candidate_text)
                heading.headers.insert(candidate_header, candidate_text)
                _untrack(context, candidate, before, max(printed, 0))
            return
        if printed < 0:
            continue
        if (
            not heading.name and printed == 0 and not context.prefixed and len(lines) == before + 1
            and lines[before].status != LineStatus.UNIDENTIFIABLE and any(char.isalpha() for char in collapsed)
        ):  # fmt: skip
            candidate, candidate_text, candidate_header = before, collapsed, len(heading.headers)
            continue
        return


def parse_text(text: str) -> ParsedTracklist:
    """Read a tracklist pasted as text, one track a line, in any of the usual styles (see the module's docstring)."""
    context = _Context()
    heading = _Heading()
    source = iter(text.splitlines())
    _read_heading(source, context, heading)
    headers = heading.headers
    for line in source:
        raw = line.strip() if line.isprintable() else line.translate(_CONTROLS).strip()  # _clean, inlined
        # Printable ASCII holds no whitespace but the space, so one without a double space is collapsed already.
        collapsed = raw if raw.isascii() and "  " not in raw else " ".join(raw.split())
        # The first-character test spares most lines the call: a header starts with one of a few characters.
        if collapsed and not (collapsed[0] in _HEADER_STARTS and _is_header(collapsed)):
            if _read_line(raw, collapsed, context) < 0:
                headers.append(raw)
                heading.note(collapsed)
        elif collapsed:
            headers.append(raw)
    _labels_from_brackets(context)
    return ParsedTracklist(
        name=heading.name, dj=heading.dj, source_url=heading.source_url, lines=tuple(context.lines),
        date=heading.date, headers=tuple(headers),
    )  # fmt: skip
