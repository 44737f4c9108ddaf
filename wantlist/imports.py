"""Import a want list from CSV or XLSX (django-import-export), with a preview before anything is written.

Columns: artist, title, version, priority, notes; or isrc alone. Each row is matched to a catalogue track (by
ISRC, else by title, version and artists through `matching.same_recording`, so a remix never stands for the
original), or a provisional library track is made from the row's text. Then the track's want-list entry is
created, or updated with the priority and notes given; a row that would change nothing is skipped.

A file is all or nothing: a bad header, too many rows, a row that fails, or more new entries than WANTLIST_MAX
leaves room for, and nothing is written (the preview is the same import in a transaction that is rolled back).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.encoding import force_str
from django.utils.html import escape, format_html
from import_export import fields, resources, widgets
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import Diff
from import_export.results import RowResult
from unfold.contrib.import_export.forms import ImportForm

import matching
from common.text import storable
from library import services as library_services
from library.models import LibraryTrack
from tracks import metadata
from tracks import services as track_services
from tracks.models import Track
from wantlist import services
from wantlist.models import WantList

COLUMNS = ("artist", "title", "version", "priority", "notes", "isrc")
# One file is read, matched and previewed inside one request; 10,000 rows is the limit, and the size
# of the whole want list by default (WANTLIST_MAX).
MAX_ROWS = 10_000
PRIORITY_ERROR = "priority must be 1 to 5"
ISRC_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


def _text(value: Any) -> str:
    """Return a cell as trimmed text; an empty cell (None in XLSX) is ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # XLSX gives whole numbers as floats
    return storable(" ".join(str(value).split()))


def priority_parse(value: Any) -> int | None:
    """Return the priority a cell gives (None when blank); raise ValueError unless it is a whole 1 to 5."""
    text = _text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value() or not 1 <= number <= 5:
        raise ValueError(f"{PRIORITY_ERROR}, not “{text[:40]}”.")
    return int(number)


def isrc_parse(value: Any) -> str:
    """Return an ISRC written any usual way ("GB-AYE-06-01498") as its 12 characters; "" when blank."""
    isrc = re.sub(r"[\s-]", "", _text(value)).upper()
    if isrc and not ISRC_PATTERN.match(isrc):
        raise ValueError(f"isrc “{_text(value)[:40]}” is not an ISRC: 12 characters, like GBAYE0601498.")
    return isrc


class PriorityWidget(widgets.Widget):
    """A priority cell: blank keeps the entry's priority (3 for a new one)."""

    def clean(self, value, row=None, **kwargs):
        return priority_parse(value)


class BlankKeepsWidget(widgets.Widget):
    """A text cell: blank keeps what the entry has."""

    def clean(self, value, row=None, **kwargs):
        return _text(value) or None


def _track_field(column: str, attribute: str) -> fields.Field:
    # Read-only: the row's text chooses the track, and the preview shows the track it chose.
    return fields.Field(attribute=f"library_track__track__{attribute}", column_name=column, readonly=True)


class ChangeDiff(Diff):
    """The preview's cells: a changed value reads "3 → 2" (the old struck through), not the two run together."""

    def as_html(self):
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            before, after = force_str(before), force_str(after)
            if self.new or before == after:
                cells.append(escape(after))
            elif not before:
                cells.append(format_html("<ins>{}</ins>", after))
            else:
                cells.append(format_html("<del>{}</del> → <ins>{}</ins>", before, after))
        return cells


class WantListResource(resources.ModelResource):
    """One want-list entry per row, matched to a catalogue track or to a provisional one made from the row."""

    artist = _track_field("artist", "credit_name")
    title = _track_field("title", "title")
    version = _track_field("version", "version")
    isrc = _track_field("isrc", "isrc")
    priority = fields.Field(attribute="priority", column_name="priority", widget=PriorityWidget(),
                            saves_null_values=False)
    notes = fields.Field(attribute="notes", column_name="notes", widget=BlankKeepsWidget(), saves_null_values=False)

    class Meta:
        model = WantList
        fields = COLUMNS
        import_order = COLUMNS
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._library_track: LibraryTrack | None = None

    def get_diff_class(self):
        return ChangeDiff

    @classmethod
    def get_display_name(cls) -> str:
        return "Want list"

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=True, **kwargs):
        # All or nothing: a row that fails validation rolls back the rows before it too.
        return super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows, rollback_on_validation_errors=rollback_on_validation_errors,
            **kwargs,
        )

    # --- The whole file ----------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Refuse a file whose columns are not ours or that has too many rows, before any row is read."""
        headers = [_text(header).lower() for header in dataset.headers or ()]
        dataset.headers = headers
        problem = self._file_problem(headers, len(dataset))
        if problem:
            # import-export reads the rows even after this hook fails; with none left it reports only this.
            del dataset[0:len(dataset)]
            raise ValueError(problem)

    @staticmethod
    def _file_problem(headers: list[str], rows: int) -> str:
        # The want list's own export re-imports as it is: its other columns are read-only facts, left alone.
        from wantlist.exports import columns as exported_columns

        exported = {column.name for column in exported_columns()}
        unknown = [header or "(a column with no name)" for header in headers
                   if header not in COLUMNS and header not in exported]
        if unknown:
            return (f"Unknown {'columns' if len(unknown) > 1 else 'column'}: {', '.join(unknown)}. A want list has the "
                    f"columns {', '.join(COLUMNS[:5])}, or isrc alone; rename or remove the others. Nothing was "
                    "imported.")
        if "title" not in headers and "isrc" not in headers:
            return "The file needs a title column (with artist and version) or an isrc column. Nothing was imported."
        if rows > MAX_ROWS:
            return (f"The file has {rows:,} rows; one import takes at most {MAX_ROWS:,}. Split it into smaller "
                    "files and import each. Nothing was imported.")
        return ""

    def after_import(self, dataset, result, **kwargs):
        """Refuse the whole file when its new entries would pass WANTLIST_MAX (the rows are rolled back)."""
        super().after_import(dataset, result, **kwargs)
        new = result.totals[RowResult.IMPORT_TYPE_NEW]
        limit = settings.WANTLIST_MAX
        if new and WantList.objects.count() > limit:
            before = WantList.objects.count() - new
            raise services.WantListFull(
                f"The want list holds at most {limit:,} tracks (WANTLIST_MAX) and has {before:,}; this file would "
                f"add {new:,}, so nothing was imported. Remove or mark purchased some first, or import fewer rows."
            )

    # --- One row -----------------------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        """Check the row's cells and find (or make) its library track."""
        self._library_track = None
        errors = {}
        try:
            priority_parse(row.get("priority"))
        except ValueError as exc:
            errors["priority"] = str(exc)
        try:
            isrc = isrc_parse(row.get("isrc"))
        except ValueError as exc:
            errors["isrc"] = str(exc)
            isrc = ""
        if not isrc and "isrc" not in errors:
            if not _text(row.get("title")):
                errors["title"] = "Give a title (with artist and version), or an isrc."
            elif not _text(row.get("artist")):
                errors["artist"] = "Give the artist as well as the title (or an isrc): a title alone could be anyone's."
        if errors:
            raise ValidationError(errors)
        self._library_track = self._library_track_for(row, isrc)

    def _library_track_for(self, row, isrc: str) -> LibraryTrack:
        track = self._track_for(row, isrc)
        if track is not None:
            return services.library_track_for_track(track=track)
        title, version, remixers = metadata.title_parts(_text(row.get("title")), _text(row.get("version")))
        if not title:
            raise ValidationError({"isrc": f"No track in the catalogue has the ISRC {isrc}; add its artist and "
                                           "title to want it anyway."})
        artist = _text(row.get("artist"))
        track = track_services.track_provisional_create(values={
            "title": title, "version": version, "remixers": remixers, "credit_name": artist,
            "artists": list(matching.split_artists(artist)), "isrc": isrc,
        })
        library_track, _ = library_services.library_track_ensure(track=track, provisional=True)
        return library_track

    @staticmethod
    def _track_for(row, isrc: str) -> Track | None:
        """Return the catalogue track the row names, preferring one already in the library; None if none."""
        in_library_first = (F("library_entry").asc(nulls_last=True), "created_at")
        if isrc:
            found = Track.objects.filter(isrc=isrc).order_by(*in_library_first).first()
            if found is not None:
                return found
        title, version, _ = metadata.title_parts(_text(row.get("title")), _text(row.get("version")))
        if not title:
            return None
        wanted = matching.Recording(title=title, version=version,
                                    artists=matching.split_artists(_text(row.get("artist"))))
        candidates = Track.objects.filter(title__iexact=title).order_by(*in_library_first)
        if isrc:
            # A track known by another ISRC is another recording.
            candidates = candidates.filter(isrc__in=("", isrc))
        for candidate in candidates[:200]:
            if matching.same_recording(wanted, metadata.recording_of(candidate)):
                return candidate
        return None

    def get_instance(self, instance_loader, row):
        if self._library_track is None:
            return None
        return WantList.objects.filter(library_track=self._library_track).first()

    def init_instance(self, row=None):
        # As services.wants_add does: a new entry remembers the mix it was last heard in.
        return WantList(library_track=self._library_track, found_in=services.last_heard_in(self._library_track))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if instance._state.adding:
            return False  # a new entry is never "unchanged", even with no priority or notes
        return super().skip_row(instance, original, row, import_validation_errors)


# --- The admin's side -------------------------------------------------------------------------


class WantListImportForm(ImportForm):
    """The theme's import form, refusing a file whose name says it is not the chosen format."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self._formats = list(formats)

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload and chosen not in (None, ""):
            format_ = self._formats[int(chosen)]()
            extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
            if extension != format_.get_extension():
                self.add_error("import_file", (
                    f"“{upload.name}” is not a {format_.get_title().upper()} file. A want list is imported from "
                    ".csv (UTF-8) or .xlsx: save it as one of those, choose that format, and upload it again."
                ))
        return cleaned


class WantListImportMixin(ImportMixin):
    """The admin's "Import" button and pages for the want list: CSV or XLSX, previewed before it is written."""

    resource_classes = [WantListResource]
    import_form_class = WantListImportForm
    import_formats = [CSV, XLSX]
    import_template_name = "admin/wantlist/wantlist/import.html"

    def has_import_permission(self, request):
        # import-export lets any staff user import unless a setting says otherwise; an import adds and changes.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeDecodeError):
            message = ("The file is not UTF-8 text, so it cannot be read as CSV (a spreadsheet or another program's "
                       "file renamed .csv, or text in another encoding). Save it as “CSV UTF-8” or as .xlsx and "
                       "upload it again. Nothing was imported.")
        else:
            chosen = form.cleaned_data.get("format")
            title = self.get_import_formats()[int(chosen)]().get_title().upper() if chosen not in (None, "") else ""
            message = (f"The file could not be read as {title or 'the chosen format'} ({type(e).__name__}: "
                       f"{str(e)[:200]}). Check it opens in a spreadsheet, save it as .csv (UTF-8) or .xlsx, and "
                       "upload it again. Nothing was imported.")
        form.add_error("import_file", message)
