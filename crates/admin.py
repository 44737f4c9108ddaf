"""Crates in the admin, and the way into and out of DJ software: *Add to crate* on tracks, library tracks, want-list
entries and tracklist lines; *Export as …* on crates, tracklists and the library; a Rekordbox collection uploaded;
*Organise files*; the *Duplicates* page; and the pages of their jobs."""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from unfold.admin import TabularInline
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminFileFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanWidget,
)

from common.text import count_text
from core import selectors as job_selectors
from core.admin import CrateModelAdmin, JobAdmin, job_link, started_by
from core.queue import BrokerUnavailable
from crates import files, imports, selectors, services
from crates.djformats import CONTENT_TYPES, FORMATS
from crates.models import (
    Crate,
    CrateTrack,
    Duplicate,
    ExportJob,
    FileMoveJob,
    FingerprintJob,
    RekordboxImportJob,
)
from downloads.files import FilingFailed
from library.models import LibraryTrack, Tracklist
from tracks import keys
from tracks.models import Track
from wantlist.models import WantStatus

CHANGE_CRATES = "crates.change_crate"
ADD_CRATES = "crates.add_crate"
MOVE_FILES = "tracks.change_track"
IMPORT_PERMISSIONS = ("crates.add_rekordboximportjob", "tracks.add_track", "library.add_librarytrack")


# --- Exports: a download now, or a job for a large one ------------------------------------------------------------


def export_answer(modeladmin, request: HttpRequest, fmt: str, content: services.ExportContent | None = None, *,
                  job_kwargs: dict | None = None, filename: str = "export"):
    """Answer with the export as a download, or (over EXPORT_DIRECT_MAX tracks) start a job and go to its page."""
    if content is not None and len(content.tracks) <= services.EXPORT_DIRECT_MAX:
        if not content.tracks:
            modeladmin.message_user(request, f"Nothing to export: {content.summary(fmt)}", messages.WARNING)
            return None
        out = io.BytesIO()
        services.export_write(content=content, fmt=fmt, out=out)
        if content.without_file:
            modeladmin.message_user(request, content.summary(fmt), messages.WARNING)
        response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{services.export_filename(filename, fmt)}"'
        return response
    try:
        job = services.export_job_create(fmt=fmt, started_by=started_by(request), **(job_kwargs or {}))
    except BrokerUnavailable as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return None
    modeladmin.message_user(request, format_html(
        "Writing the {} in the background ({}); its page offers the file when it is done.", FORMATS[fmt], job_link(job),
    ), messages.SUCCESS)
    return HttpResponseRedirect(job_selectors.job_admin_url(job))


def export_action(fmt: str, *, of: str):
    """Return an admin action exporting the selected crates, tracklists or library tracks as fmt."""

    def action(modeladmin, request, queryset):
        if of == "crate":
            chosen = list(queryset)
            if fmt == "m3u8" and len(chosen) > 1:
                modeladmin.message_user(request, "An M3U8 file holds one playlist: select one crate.", messages.WARNING)
                return None
            contents = [services.export_content(crate=crate) for crate in chosen]
            name = chosen[0].name if len(chosen) == 1 else "crates"
            kwargs = {"crate": chosen[0]} if len(chosen) == 1 else None
        elif of == "tracklist":
            chosen = list(queryset)
            if fmt == "m3u8" and len(chosen) > 1:
                modeladmin.message_user(request, "An M3U8 file holds one playlist: select one tracklist.", messages.WARNING)
                return None
            contents = [services.export_content(tracklist=tracklist) for tracklist in chosen]
            name = str(chosen[0]) if len(chosen) == 1 else "tracklists"
            kwargs = {"tracklist": chosen[0]} if len(chosen) == 1 else None
        else:
            ids = list(queryset.values_list("pk", flat=True))
            contents = [services.export_content(library_track_ids=ids)]
            name, kwargs = "selection", {"library_track_ids": ids}
        content = contents[0] if len(contents) == 1 else services.export_content_merged(contents, name=name)
        if kwargs is None and len(content.tracks) > services.EXPORT_DIRECT_MAX:
            modeladmin.message_user(request, "That is too much for one download; export them one at a time.",
                                    messages.WARNING)
            return None
        return export_answer(modeladmin, request, fmt, content, job_kwargs=kwargs, filename=name)

    action.__name__ = f"export_{of}_{fmt}"
    action.short_description = f"Export as {FORMATS[fmt]}"
    action.allowed_permissions = ("view",)
    return action


# --- Add to crate ---------------------------------------------------------------------------------------------------


class AddToCrateForm(forms.Form):
    crate = forms.ModelChoiceField(
        queryset=Crate.objects.filter(rule={}), required=False, empty_label="(a new crate)",
        help_text="A crate filled by hand (a saved filter's crate fills itself).", widget=UnfoldAdminSelectWidget,
    )
    name = forms.CharField(max_length=200, required=False, label="New crate's name", widget=UnfoldAdminTextInputWidget)
    folder = forms.CharField(max_length=500, required=False, label="In folder", help_text="e.g. Gigs/2026; optional.",
                             widget=UnfoldAdminTextInputWidget)

    def clean(self):
        data = super().clean()
        if not data.get("crate") and not (data.get("name") or "").strip():
            raise forms.ValidationError("Choose a crate, or name a new one.")
        return data


def _library_tracks_of(queryset) -> tuple[list[LibraryTrack], int]:
    """Return the library tracks a selection stands for (a catalogue track joins the library), and how many of its
    rows stand for none (a tracklist line not identified)."""
    model = queryset.model
    if model is LibraryTrack:
        return list(queryset), 0
    if model is Track:
        return services.library_tracks_of_tracks(queryset), 0
    if hasattr(model, "library_track"):
        rows = list(queryset.select_related("library_track"))
        found = [row.library_track for row in rows if row.library_track_id]
        return found, len(rows) - len(found)
    raise TypeError(f"{model.__name__} rows are not tracks")


@admin.action(description="Add to crate…")
def add_to_crate(modeladmin, request, queryset):
    """Ask which crate (or a new one), then add the selection to it in the order it was listed."""
    if "apply" in request.POST:
        form = AddToCrateForm(request.POST)
        if form.is_valid():
            crate = form.cleaned_data["crate"]
            try:
                if crate is None:
                    if not request.user.has_perm(ADD_CRATES):
                        raise services.CrateError("You may not make crates; choose an existing one.")
                    crate = services.crate_create(name=form.cleaned_data["name"], folder=form.cleaned_data["folder"])
                library_tracks, none = _library_tracks_of(queryset)
                added = services.crate_tracks_add(crate=crate, library_tracks=library_tracks)
            except services.CrateError as exc:
                modeladmin.message_user(request, str(exc), messages.ERROR)
                return None
            skipped = (f" {count_text(none, 'line')} {'names' if none == 1 else 'name'} no identified track and "
                       f"{'was' if none == 1 else 'were'} left out.") if none else ""
            modeladmin.message_user(request, format_html(
                '{}{} <a class="crate-link" href="{}">Open the crate</a>.', added.summary(), skipped,
                reverse("admin:crates_crate_change", args=[crate.pk]),
            ), messages.SUCCESS)
            return None
    else:
        form = AddToCrateForm()
    context = {
        **modeladmin.admin_site.each_context(request), "title": "Add to crate", "form": form,
        "heading": f"Add {queryset.count()} selected to a crate", "opts": modeladmin.model._meta,
        "action_name": "add_to_crate", "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/crates/add_to_crate.html", context)


# --- Organise ---------------------------------------------------------------------------------------------------


def start_organise(modeladmin, request, tracks) -> HttpResponseRedirect | None:
    try:
        job, plan = files.organise_job_create(tracks=tracks, started_by=started_by(request))
    except BrokerUnavailable as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return None
    if job is None:
        outside = sum(1 for move in plan if "outside" in move.reason)
        note = f" ({outside} outside the music folder are left where they are)" if outside else ""
        modeladmin.message_user(request, f"Every file is where its tags say{note}; nothing to move.", messages.INFO)
        return None
    modeladmin.message_user(request, format_html(
        "Moving {} to where their tags say ({}); the job's page lists each move.", count_text(job.total, "file"),
        job_link(job),
    ), messages.SUCCESS)
    return HttpResponseRedirect(job_selectors.job_admin_url(job))


@admin.action(description="Organise files (move them to where their tags say)")
def organise_tracks(modeladmin, request, queryset):
    return start_organise(modeladmin, request, queryset.exclude(file_path=""))


@admin.action(description="Organise files (move them to where their tags say)")
def organise_library_tracks(modeladmin, request, queryset):
    return start_organise(modeladmin, request, [entry.track for entry in queryset.select_related("track")
                                                if entry.track.file_path])


def rename_after_edit(modeladmin, request: HttpRequest, track, changed) -> None:
    """After a person's edit of a track's title, artists or album: move its file (MUSIC_RENAME_ON_EDIT), or offer to."""
    try:
        move = files.track_file_after_edit(track=track, changed=changed)
    except FilingFailed as exc:
        modeladmin.message_user(request, f"The change is saved, but the file could not be moved: {exc.reason}.",
                                messages.WARNING)
        return
    if move is None:
        return
    if not move.moves or track.file_path == move.destination:
        modeladmin.message_user(request, f"The file was moved to {track.file_path}.", messages.INFO)
        return
    modeladmin.message_user(request, format_html(
        'The file\'s name no longer follows its tags. <a class="crate-link" id="organise-offer" href="{}">'
        "Move it to {}</a>", reverse("admin:crates_crate_organise_track", args=[track.pk]), move.destination,
    ), messages.INFO)


# --- Tracklists ---------------------------------------------------------------------------------------------------


@admin.action(description="Make a crate of each (its identified tracks, in order)")
def crates_from_tracklists(modeladmin, request, queryset):
    made = []
    for tracklist in queryset:
        crate, count = services.crate_from_tracklist(tracklist=tracklist)
        made.append((reverse("admin:crates_crate_change", args=[crate.pk]), str(crate), count))
    modeladmin.message_user(request, format_html(
        "Crates: {}.", format_html_join(", ", '<a class="crate-link" href="{}">{}</a> ({} tracks)', made),
    ), messages.SUCCESS)


# --- The crate admin ------------------------------------------------------------------------------------------------


class CrateForm(forms.ModelForm):
    """A crate, and its saved filter as fields a person fills (they become `rule`)."""

    genres = forms.CharField(required=False, widget=UnfoldAdminTextInputWidget,
                             help_text="One or more, separated by commas: “Techno, Minimal”.")
    labels = forms.CharField(required=False, widget=UnfoldAdminTextInputWidget,
                             help_text="One or more, separated by commas.")
    bpm_from = forms.DecimalField(required=False, min_value=1, max_value=999, label="BPM from",
                                  widget=UnfoldAdminDecimalFieldWidget)
    bpm_to = forms.DecimalField(required=False, min_value=1, max_value=999, label="BPM to",
                                widget=UnfoldAdminDecimalFieldWidget)
    key = forms.CharField(required=False, max_length=20, help_text=keys.KEY_HELP, widget=UnfoldAdminTextInputWidget)
    key_compatible = forms.BooleanField(required=False, label="and the keys that mix with it", widget=UnfoldBooleanWidget,
                                        help_text="Its relative major or minor, and one step either way round the wheel.")
    year_from = forms.IntegerField(required=False, min_value=1000, max_value=9999, widget=UnfoldAdminIntegerFieldWidget)
    year_to = forms.IntegerField(required=False, min_value=1000, max_value=9999, widget=UnfoldAdminIntegerFieldWidget)
    want_status = forms.ChoiceField(required=False, choices=[("", "any"), *WantStatus.choices],
                                    label="On the want list as", widget=UnfoldAdminSelectWidget)
    with_file = forms.BooleanField(required=False, initial=True, label="Only tracks with a file", widget=UnfoldBooleanWidget)

    class Meta:
        model = Crate
        fields = ("name", "folder", "description")
        widgets = {"description": UnfoldAdminTextareaWidget(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rule = self.instance.rule or {} if self.instance.pk else {}
        for name in selectors.RULE_FIELDS:
            value = rule.get(name)
            if isinstance(value, list):
                value = ", ".join(value)
            if value not in (None, ""):
                self.initial[name] = value
        if self.instance.pk and not rule:
            self.initial["with_file"] = True

    def clean(self):
        data = super().clean()
        try:
            self.rule = services.crate_rule_clean({name: data.get(name) for name in selectors.RULE_FIELDS})
        except services.CrateError as exc:
            raise forms.ValidationError(str(exc)) from None
        if data.get("folder") is not None:
            data["folder"] = services.folder_clean(data["folder"])
        return data

    def save(self, commit=True):
        self.instance.rule = self.rule
        self.instance.folder = self.cleaned_data.get("folder", "")
        return super().save(commit)


class CrateTrackInline(TabularInline):
    model = CrateTrack
    extra = 0
    fields = ("position", "library_track", "bpm", "key", "length", "stars", "file")
    readonly_fields = ("bpm", "key", "length", "stars", "file")
    autocomplete_fields = ("library_track",)
    ordering_field = "position"
    hide_ordering_field = True
    verbose_name = "track"
    verbose_name_plural = "tracks"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("library_track__track")

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not (obj is not None and obj.is_smart)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_smart)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_smart)

    @admin.display(description="BPM")
    def bpm(self, entry: CrateTrack) -> str:
        return keys.bpm_text(entry.library_track.track.bpm) if entry.pk else ""

    @admin.display(description="Key")
    def key(self, entry: CrateTrack) -> str:
        return keys.key_short_text(entry.library_track.track.key) if entry.pk else ""

    @admin.display(description="Length")
    def length(self, entry: CrateTrack) -> str:
        track = entry.library_track.track if entry.pk else None
        return keys.duration_text(track.file_duration or track.duration) if track else ""

    @admin.display(description="Rating")
    def stars(self, entry: CrateTrack) -> str:
        rating = entry.library_track.track.rating if entry.pk else None
        return "★" * rating + "☆" * (5 - rating) if rating else ""

    @admin.display(description="File")
    def file(self, entry: CrateTrack) -> str:
        if not entry.pk:
            return ""
        track = entry.library_track.track
        if not track.file_path:
            return "no file: left out of exports"
        bitrate = f" {track.file_bitrate} kbit/s" if track.file_bitrate else ""
        return f"{(track.file_format or '').upper()}{bitrate}"


class RekordboxUploadForm(forms.Form):
    collection = forms.FileField(
        label="Rekordbox collection (XML)", widget=UnfoldAdminFileFieldWidget,
        help_text="In Rekordbox: File › Export Collection in xml format. Tracks, their BPM, key, rating and comment, "
                  "and the playlists (as crates) come in.",
    )


@admin.register(Crate)
class CrateAdmin(CrateModelAdmin):
    form = CrateForm
    list_display = ("name", "folder", "track_count", "filter_text", "updated_at")
    list_display_links = ("name",)
    search_fields = ("name", "folder", "description")
    list_filter = ("folder",)
    inlines = (CrateTrackInline,)
    readonly_fields = ("tracklist", "created_at", "updated_at")
    fieldsets = (
        ("Crate", {"classes": ["tab"], "fields": ("name", "folder", "description", "tracklist")}),
        ("Saved filter", {
            "classes": ["tab"],
            "description": "Fill any of these and the crate fills itself with the library tracks that match, "
                           "when saved and before every export (ordered by BPM, then key). Leave them all empty "
                           "for a crate you fill by hand.",
            "fields": ("genres", "labels", ("bpm_from", "bpm_to"), ("key", "key_compatible"), ("year_from", "year_to"),
                       "want_status", "with_file"),
        }),
    )
    actions = (*(f"export_crate_{fmt}" for fmt in FORMATS), "organise_crates")
    change_form_template = "admin/crates/crate/change_form.html"
    change_list_template = "admin/crates/crate/change_list.html"

    def get_action(self, action):
        if isinstance(action, str) and action.startswith("export_crate_") and action[13:] in FORMATS:
            made = export_action(action[13:], of="crate")
            return made, made.__name__, made.short_description
        return super().get_action(action)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(track_total=Count("entries"))

    @admin.display(description="Tracks", ordering="track_total")
    def track_count(self, crate: Crate) -> int:
        return getattr(crate, "track_total", 0)

    @admin.display(description="Filter")
    def filter_text(self, crate: Crate) -> str:
        return selectors.rule_text(crate.rule) if crate.is_smart else ""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        crate = form.instance
        if crate.is_smart:
            count = services.crate_refill(crate=crate)
            self.message_user(request, f"“{crate}” holds the {count_text(count, 'library track')} its filter takes.", messages.INFO)
        else:
            services.crate_renumber(crate=crate)

    @admin.action(description="Organise the crates' files", permissions=["view"])
    def organise_crates(self, request, queryset):
        if not request.user.has_perm(MOVE_FILES):
            self.message_user(request, "You may not change tracks, so no file was moved.", messages.ERROR)
            return None
        tracks = Track.objects.filter(library_entry__crate_entries__crate__in=queryset).exclude(file_path="").distinct()
        return start_organise(self, request, tracks)

    # --- Pages -----------------------------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:pk>/export/<str:fmt>/", view(self.export_view), name="crates_crate_export"),
            path("export-library/<str:fmt>/", view(self.export_library_view), name="crates_crate_export_library"),
            path("export-tracklist/<uuid:pk>/<str:fmt>/", view(self.export_tracklist_view),
                 name="crates_crate_export_tracklist"),
            path("import-rekordbox/", view(self.import_view), name="crates_crate_import_rekordbox"),
            path("organise/", view(require_POST(self.organise_all_view)), name="crates_crate_organise"),
            path("organise-track/<uuid:pk>/", view(self.organise_track_view), name="crates_crate_organise_track"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}), "formats": FORMATS.items(),
            "can_import": request.user.has_perms(IMPORT_PERMISSIONS), "can_move": request.user.has_perm(MOVE_FILES),
            "can_see_library": request.user.has_perm("library.view_librarytrack"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "formats": FORMATS.items()})

    def _format(self, fmt: str) -> str:
        if fmt not in FORMATS:
            raise Http404(f"There is no {fmt!r} export; choose one of {', '.join(FORMATS)}.")
        return fmt

    def export_view(self, request, pk, fmt):
        crate = get_object_or_404(Crate, pk=pk)
        if not self.has_view_permission(request, crate):
            raise PermissionDenied
        answer = export_answer(self, request, self._format(fmt), services.export_content(crate=crate),
                               job_kwargs={"crate": crate}, filename=crate.name)
        return answer or HttpResponseRedirect(reverse("admin:crates_crate_change", args=[pk]))

    def export_library_view(self, request, fmt):
        if not request.user.has_perm("library.view_librarytrack"):
            raise PermissionDenied
        self._format(fmt)
        count = LibraryTrack.objects.exclude(track__file_path="").count()
        content = services.export_content() if count <= services.EXPORT_DIRECT_MAX else None
        answer = export_answer(self, request, fmt, content, filename="library")
        return answer or HttpResponseRedirect(reverse("admin:crates_crate_changelist"))

    def export_tracklist_view(self, request, pk, fmt):
        tracklist = get_object_or_404(Tracklist, pk=pk)
        if not request.user.has_perm("library.view_tracklist"):
            raise PermissionDenied
        answer = export_answer(self, request, self._format(fmt), services.export_content(tracklist=tracklist),
                               job_kwargs={"tracklist": tracklist}, filename=str(tracklist))
        return answer or HttpResponseRedirect(reverse("admin:library_tracklist_change", args=[pk]))

    def import_view(self, request):
        """Upload a Rekordbox collection; the import runs as a job."""
        if not request.user.has_perms(IMPORT_PERMISSIONS):
            self.message_user(request, "You may not bring tracks into the library; nothing was imported.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:crates_crate_changelist"))
        form = RekordboxUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["collection"]
            try:
                job = imports.rekordbox_import_job_create(source=upload.file, source_name=upload.name,
                                                          started_by=started_by(request))
            except imports.ImportRefused as exc:
                form.add_error("collection", str(exc))
            except BrokerUnavailable as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, format_html(
                    "Importing {} from {} ({}).",
                    count_text(job.total - (1 if job.items.filter(kind="playlists").exists() else 0), "track"),
                    upload.name, job_link(job),
                ), messages.SUCCESS)
                return HttpResponseRedirect(job_selectors.job_admin_url(job))
        context = {**self.admin_site.each_context(request), "title": "Import a Rekordbox collection", "form": form,
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/crates/import_rekordbox.html", context)

    def organise_all_view(self, request):
        if not request.user.has_perm(MOVE_FILES):
            self.message_user(request, "You may not change tracks, so no file was moved.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:crates_crate_changelist"))
        answer = start_organise(self, request, files.tracks_with_files().iterator(chunk_size=2000))
        return answer or HttpResponseRedirect(reverse("admin:crates_crate_changelist"))

    def organise_track_view(self, request, pk):
        """Show where one track's file would go (GET), and move it (POST): the offer after an edit."""
        track = get_object_or_404(Track, pk=pk)
        back = reverse("admin:tracks_track_change", args=[pk])
        if not request.user.has_perm(MOVE_FILES):
            self.message_user(request, "You may not change tracks, so the file was not moved.", messages.ERROR)
            return HttpResponseRedirect(back)
        move = files.track_move_plan(track)
        if request.method == "POST":
            try:
                done = files.track_file_organise(track=track)
            except FilingFailed as exc:
                self.message_user(request, f"The file was not moved: {exc.reason}.", messages.ERROR)
            else:
                if done["status"] == "moved":
                    self.message_user(request, f"Moved the file to {done['to']}.", messages.SUCCESS)
                else:
                    self.message_user(request, f"The file stays where it is: {done['why']}.", messages.INFO)
            return HttpResponseRedirect(back)
        context = {**self.admin_site.each_context(request), "title": "Move the file to where its tags say",
                   "track": track, "move": move, "back": back, "opts": Track._meta}
        return TemplateResponse(request, "admin/crates/organise_track.html", context)


# --- Duplicates ----------------------------------------------------------------------------------------------------


@admin.register(Duplicate)
class DuplicateAdmin(CrateModelAdmin):
    """The *Duplicates* page: files that are one recording by their sound, side by side; keep the best."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("tracks.view_track")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.duplicates_view), name="crates_duplicate_changelist"),
            path("fingerprint/", view(require_POST(self.fingerprint_view)), name="crates_duplicate_fingerprint"),
            path("keep/", view(require_POST(self.keep_view)), name="crates_duplicate_keep"),
        ]

    def duplicates_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            folder, folder_error = str(files.duplicates_dir()), ""
        except ImproperlyConfigured as exc:
            folder, folder_error = "", str(exc)
        groups = selectors.duplicate_groups()
        context = {
            **self.admin_site.each_context(request), "title": "Duplicates", "groups": groups,
            "groups_title": count_text(len(groups), "group"),
            "counts": selectors.fingerprint_counts(), "can_move": request.user.has_perm(MOVE_FILES),
            "folder": folder, "folder_error": folder_error, "opts": self.model._meta,
            "running": FingerprintJob.objects.filter(status__in=("pending", "running", "waiting")).first(),
        }
        return TemplateResponse(request, "admin/crates/duplicates.html", context)

    def _back(self):
        return HttpResponseRedirect(reverse("admin:crates_duplicate_changelist"))

    def fingerprint_view(self, request):
        if not request.user.has_perm(MOVE_FILES):
            self.message_user(request, "You may not change tracks, so nothing was started.", messages.ERROR)
            return self._back()
        try:
            job = files.fingerprint_job_create(started_by=started_by(request))
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return self._back()
        if job is None:
            self.message_user(request, "Every file has its fingerprint already.", messages.INFO)
        else:
            self.message_user(request, format_html("Fingerprinting {}: {}. Come back here when it is done.",
                                                   count_text(job.total, "file"), job_link(job)), messages.SUCCESS)
        return self._back()

    def keep_view(self, request):
        """Keep the chosen file of a group (or the best of every group) and set the others aside."""
        if not request.user.has_perm(MOVE_FILES):
            self.message_user(request, "You may not change tracks, so no file was moved.", messages.ERROR)
            return self._back()
        groups = selectors.duplicate_groups()
        keep_id = request.POST.get("keep", "")
        if keep_id:
            chosen = [group for group in groups if any(str(each.track.pk) == keep_id for each in group.files)]
            choices = [(next(each.track for each in group.files if str(each.track.pk) == keep_id),
                        [each.track for each in group.files if str(each.track.pk) != keep_id]) for group in chosen]
        else:
            choices = [(group.best.track, [each.track for each in group.others]) for group in groups]
        if not choices:
            self.message_user(request, "Those duplicates are gone already; the page shows what is left.", messages.INFO)
            return self._back()
        try:
            job = files.set_aside_job_create(choices=choices, started_by=started_by(request))
        except ImproperlyConfigured as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return self._back()
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return self._back()
        if job is not None:
            self.message_user(request, format_html(
                "Moving {} copy(ies) into {} ({}); nothing is deleted.", job.total, files.duplicates_dir(), job_link(job),
            ), messages.SUCCESS)
        return self._back()


# --- The jobs' pages ------------------------------------------------------------------------------------------------


@admin.register(ExportJob)
class ExportJobAdmin(JobAdmin):
    job_fields = ("fmt", "crate", "tracklist")
    change_form_template = "admin/crates/exportjob/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<uuid:pk>/download/", view(self.download_view), name="crates_exportjob_download"),
                *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        result = {}
        if job is not None:
            item = job.items.first()
            result = item.result if item is not None and isinstance(item.result, dict) else {}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "export": result})

    def download_view(self, request, pk):
        job = get_object_or_404(ExportJob, pk=pk)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        target = services.exports_dir() / (job.output.rsplit("/", 1)[-1] if job.output else "")
        if not job.output or not target.is_file():
            raise Http404("The file is not there (the job has not finished, or the file was removed).")
        name = target.name.split("-", 5)[-1] if target.name.startswith(str(job.pk)) else target.name
        return FileResponse(target.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[job.fmt])


@admin.register(RekordboxImportJob)
class RekordboxImportJobAdmin(JobAdmin):
    job_fields = ("source_name", "product")
    change_form_template = "admin/crates/rekordboximportjob/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        summary = imports.import_summary(job=job) if job is not None else None
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "summary": summary})


@admin.register(FileMoveJob)
class FileMoveJobAdmin(JobAdmin):
    change_form_template = "admin/crates/filemovejob/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        moves = files.moves_done(job=job) if job is not None else []
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "moves": moves})


@admin.register(FingerprintJob)
class FingerprintJobAdmin(JobAdmin):
    job_fields = ()


from crates import admin_extensions  # noqa: E402, F401 - what crates add to other apps' pages
