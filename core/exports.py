"""Exports: rows of plain values written as CSV, JSON, TXT or XLSX, streamed so 10,000 rows cost what 100 do.

A feature says what its columns are and turns its rows into dicts (library/exports.py, wantlist/exports.py);
this module writes them, answers the admin with them, and gives the export commands their shared options.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone

from common.files import write_atomically

TEXT, NUMBER, DATE, BOOL = "text", "number", "date", "bool"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
# A response or a file gets its bytes in pieces of about this size: few writes, and memory that stays flat.
CHUNK_BYTES = 64 * 1024
# Excel refuses a cell longer than this, and control characters anywhere in the file.
XLSX_CELL_MAX = 32_767
_XLSX_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_XLSX_WIDTHS = {TEXT: 24, NUMBER: 10, DATE: 20, BOOL: 10}
_LINE_BREAKS = re.compile(r"[\r\n]+")


class ExportError(ValueError):
    """An export asked for something that cannot be written (an unknown format)."""


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (the row dict's key) and the kind of value it holds."""

    name: str
    kind: str = TEXT


def check_format(fmt: str) -> str:
    """Return fmt if it is a format we write; raise ExportError naming the ones we do otherwise."""
    if fmt not in CONTENT_TYPES:
        raise ExportError(f"There is no {fmt!r} export; choose one of {', '.join(FORMATS)}.")
    return fmt


def track_line(row: dict) -> str:
    """Return a row as DJs paste it into a store's search: "Artist - Title (Version)"."""
    artist = row.get("artist") or (row.get("artists") or "").replace("; ", ", ")
    title = row.get("title") or ""
    if row.get("version"):
        title = f"{title} ({row['version']})"
    line = f"{artist} - {title}" if artist else title
    return _LINE_BREAKS.sub(" ", line).strip()


def plain(value):
    """Return a value as JSON holds it: numbers stay numbers, dates become ISO 8601 text, ids text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.date, datetime.time)):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def text(value) -> str:
    """Return a value as a CSV cell holds it: empty for none, true/false for yes and no."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_chunks(rows: Iterable[dict], columns: list[Column]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    names = [column.name for column in columns]
    writer.writerow(names)
    for row in rows:
        writer.writerow([text(row.get(name)) for name in names])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _json_chunks(rows: Iterable[dict], columns: list[Column]) -> Iterator[bytes]:
    # A streamed array: "[", then each object as it comes, then "]"; never the whole list in memory.
    names = [column.name for column in columns]
    parts, size, opened = [], 0, False
    for row in rows:
        part = ("[\n" if not opened else ",\n") + json.dumps(
            {name: plain(row.get(name)) for name in names}, ensure_ascii=False
        )
        opened = True
        parts.append(part)
        size += len(part)
        if size >= CHUNK_BYTES:
            yield "".join(parts).encode()
            parts, size = [], 0
    parts.append("\n]\n" if opened else "[]\n")
    yield "".join(parts).encode()


def _txt_chunks(rows: Iterable[dict], line: Callable[[dict], str]) -> Iterator[bytes]:
    parts, size = [], 0
    for row in rows:
        part = line(row) + "\n"
        parts.append(part)
        size += len(part)
        if size >= CHUNK_BYTES:
            yield "".join(parts).encode()
            parts, size = [], 0
    yield "".join(parts).encode()


def chunks(
    *, rows: Iterable[dict], columns: list[Column], fmt: str, line: Callable[[dict], str] = track_line
) -> Iterator[bytes]:
    """Yield a CSV, JSON or TXT export piece by piece, reading rows one at a time."""
    check_format(fmt)
    if fmt == "csv":
        return _csv_chunks(rows, columns)
    if fmt == "json":
        return _json_chunks(rows, columns)
    if fmt == "txt":
        return _txt_chunks(rows, line)
    raise ExportError("XLSX is a zip archive, not a stream of pieces; write it with write() or xlsx_file().")


def _xlsx_value(sheet, value, text_cell):
    value = plain(value)
    if not isinstance(value, str):
        return value  # None, a bool or a number: a cell of that type
    value = _XLSX_ILLEGAL.sub("", value)[:XLSX_CELL_MAX]
    if value.startswith("="):
        # openpyxl reads "=..." as a formula; a title such as "=" is text, and a formula in an export is a risk.
        cell = text_cell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_file(*, rows: Iterable[dict], columns: list[Column], sheet_title: str = "Export") -> BinaryIO:
    """Return an XLSX export in an anonymous temporary file, at its start; it is deleted when closed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # write_only streams each row to openpyxl's own temporary file, with inline strings: memory stays flat.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\\/*?:\[\]]", " ", sheet_title)[:31] or "Export")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _XLSX_WIDTHS.get(column.kind, 16)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    names = [column.name for column in columns]
    file = None
    try:
        for row in rows:
            sheet.append([_xlsx_value(sheet, row.get(name), WriteOnlyCell) for name in names])
        file = tempfile.TemporaryFile(prefix="cratedigger-export-", suffix=".xlsx")
        workbook.save(file)
        file.seek(0)
    except BaseException:
        if file is not None:
            file.close()
        # openpyxl removes its file of rows written so far only on save or at exit; a web worker lives long.
        writer = getattr(sheet, "_writer", None)
        if writer is not None and os.path.exists(str(writer.out)):
            if not sheet.closed:
                sheet.close()
            writer.cleanup()
        raise
    return file


def write(
    *, rows: Iterable[dict], columns: list[Column], fmt: str, out: BinaryIO,
    line: Callable[[dict], str] = track_line, sheet_title: str = "Export",
) -> None:
    """Write rows to out (a binary file) as CSV, JSON, TXT (one "Artist - Title (Version)" a line) or XLSX."""
    check_format(fmt)
    if fmt == "xlsx":
        with xlsx_file(rows=rows, columns=columns, sheet_title=sheet_title) as file:
            shutil.copyfileobj(file, out, CHUNK_BYTES)
        return
    for chunk in chunks(rows=rows, columns=columns, fmt=fmt, line=line):
        out.write(chunk)


def streaming_response(
    *, rows: Iterable[dict], columns: list[Column], fmt: str, filename: str,
    line: Callable[[dict], str] = track_line, sheet_title: str = "Export",
) -> StreamingHttpResponse | FileResponse:
    """Answer with an export as a download: streamed as it is written, or (XLSX) from a temporary file."""
    check_format(fmt)
    if fmt == "xlsx":
        # FileResponse closes the file when it has been sent, which deletes it.
        file = xlsx_file(rows=rows, columns=columns, sheet_title=sheet_title)
        return FileResponse(file, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])
    response = StreamingHttpResponse(
        chunks(rows=rows, columns=columns, fmt=fmt, line=line), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_filename(name: str, fmt: str) -> str:
    """Return the file name of an export made today: "library-2026-03-01.csv"."""
    return f"{name}-{timezone.localdate():%Y-%m-%d}.{fmt}"


class ExportActionsMixin:
    """Exports for a ModelAdmin: "Export selected as …" actions and an "export everything listed" view.

    The admin sets export_name (the file's name), export_columns (a callable returning the columns) and
    export_rows (a callable turning a queryset into row dicts), both as staticmethod(...), and puts this
    mixin before ModelAdmin in its bases. list_before_template = "admin/includes/export_links.html"
    shows the links that export the list as it is filtered, searched and sorted.
    """

    export_name = "export"
    export_columns: Callable[[], list[Column]]
    export_rows: Callable[[QuerySet], Iterable[dict]]
    export_actions = ("export_csv", "export_json", "export_txt", "export_xlsx")

    def export_response(self, queryset: QuerySet, fmt: str):
        """Answer with queryset's rows exported as fmt, as a download."""
        return streaming_response(
            rows=self.export_rows(queryset), columns=self.export_columns(), fmt=fmt,
            filename=export_filename(self.export_name, fmt), sheet_title=self.export_name,
        )

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return self.export_response(queryset, "csv")

    @admin.action(description="Export selected as JSON", permissions=["view"])
    def export_json(self, request, queryset):
        return self.export_response(queryset, "json")

    @admin.action(description="Export selected as TXT (Artist - Title lines)", permissions=["view"])
    def export_txt(self, request, queryset):
        return self.export_response(queryset, "txt")

    @admin.action(description="Export selected as XLSX", permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self.export_response(queryset, "xlsx")

    def get_actions(self, request):
        # Added here rather than through `actions`, so an admin keeps its own actions tuple as it is.
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for name in self.export_actions:
            func, name, description = self.get_action(name)
            if all(getattr(self, f"has_{perm}_permission")(request) for perm in func.allowed_permissions):
                actions[name] = (func, name, description)
        return actions

    @property
    def export_url_name(self) -> str:
        opts = self.model._meta
        return f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_export"

    def get_urls(self):
        opts = self.model._meta
        return [
            path("export/<str:fmt>/", self.admin_site.admin_view(self.export_view),
                 name=f"{opts.app_label}_{opts.model_name}_export"),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest, fmt: str):
        """Export every row the changelist shows with this query string: its filters, search and order."""
        if fmt not in CONTENT_TYPES:
            raise Http404(f"There is no {fmt!r} export; choose one of {', '.join(FORMATS)}.")
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The changelist would read any parameter it does not know as a field lookup; the page is not a filter.
        query = request.GET.copy()
        for name in ("fmt", PAGE_VAR):
            query.pop(name, None)
        request.GET = query
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
        except IncorrectLookupParameters:
            opts = self.model._meta
            self.message_user(request, "Those filters do not fit this list, so nothing was exported. "
                              "Clear the filters and try again.", messages.ERROR)
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
            )
        return self.export_response(queryset, fmt)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "export_url_name": self.export_url_name, "export_formats": FORMATS}
        return super().changelist_view(request, extra_context)


def parse_day(value: str, option: str) -> datetime.date | None:
    """Return the date in "YYYY-MM-DD", None for empty text; raise CommandError naming the option otherwise."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-06-01.") from None


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Return the first moment of day in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _Counted:
    """Rows passed through as they are read, counted on the way."""

    def __init__(self, rows: Iterable[dict]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[dict]:
        for row in self.rows:
            self.count += 1
            yield row


def output_target(output: str, *, example: str) -> Path:
    """Return the file --output names; raise CommandError, suggesting a name like example, when it is a folder or its
    folder does not exist."""
    target = Path(output).expanduser()
    if target.is_dir():
        raise CommandError(f"--output {output} is a folder; give a file name in it, e.g. {target / example}.")
    if not target.parent.is_dir():
        raise CommandError(f"--output {output}: the folder {target.parent} does not exist; create it first.")
    return target


class ExportCommand(BaseCommand):
    """The options and output every export command shares: --format, --output, --genre, --discovered-after."""

    export_name = "export"

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", default="csv", metavar="{csv,json,txt,xlsx}",
                            help="csv (default), json (an array of objects), txt (one 'Artist - Title (Version)' "
                                 "line per track, to paste into a store's search) or xlsx.")
        parser.add_argument("--output", "-o", default="", metavar="PATH",
                            help="Write to this file (replaced only once the export is complete); "
                                 "default: standard output.")
        parser.add_argument("--genre", default="", help="Only tracks of this genre.")
        parser.add_argument("--discovered-after", default="", metavar="YYYY-MM-DD",
                            help="Only tracks first discovered on or after this day.")

    def check_options(self, *, fmt: str, output: str) -> Path | None:
        """Return the output path, or None for standard output; raise CommandError on a bad format or folder."""
        try:
            check_format(fmt)
        except ExportError as exc:
            raise CommandError(f"--format: {exc}") from None
        if not output or output == "-":
            if fmt == "xlsx" and self._stdout_is_terminal():
                raise CommandError("XLSX is a binary file: give --output PATH, or redirect standard output to a file.")
            return None
        return output_target(output, example=f"export.{fmt}")

    def _stdout_is_terminal(self) -> bool:
        isatty = getattr(self.stdout, "isatty", None)
        try:
            return bool(isatty and isatty())
        except ValueError:  # a closed stream
            return False

    def export(self, *, rows: Iterable[dict], columns: list[Column], fmt: str, target: Path | None) -> int:
        """Write the export to target (atomically) or to standard output; return how many rows it holds."""
        counted = _Counted(rows)
        if target is None:
            self._to_stdout(rows=counted, columns=columns, fmt=fmt)
            return counted.count
        # A temporary file beside the target, renamed over it at the end: a crash never leaves half a file.
        write_atomically(
            target, lambda out: write(rows=counted, columns=columns, fmt=fmt, out=out, sheet_title=self.export_name),
        )
        return counted.count

    def _to_stdout(self, *, rows: Iterable[dict], columns: list[Column], fmt: str) -> None:
        buffer = getattr(self.stdout, "buffer", None)  # OutputWrapper hands on its stream's attributes
        if buffer is not None:
            self.stdout.flush()
            try:
                write(rows=rows, columns=columns, fmt=fmt, out=buffer, sheet_title=self.export_name)
                buffer.flush()
            except BrokenPipeError:
                # The reader stopped early (`export_wantlist --format txt | head`): not an error of ours.
                # Point the stream at nothing so that Python's own flush at exit does not complain again.
                os.dup2(os.open(os.devnull, os.O_WRONLY), buffer.fileno())
            return
        if fmt == "xlsx":
            raise CommandError("XLSX is a binary file and standard output here takes only text; give --output PATH.")
        # A text stream (as in call_command(stdout=StringIO())): every piece ends on a whole row, so decodes alone.
        for chunk in chunks(rows=rows, columns=columns, fmt=fmt):
            self.stdout.write(chunk.decode(), ending="")

