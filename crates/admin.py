"""Crates in the admin: a crate's page (its saved filter as a form, its tracks in order) and the crate list, with
their pages: *Export as …* a crate, a tracklist or the library, a Rekordbox collection uploaded, *Organise files*,
and one track's file moved after an edit.

The rest of the crates' admin lives beside it, each part in its module: what crates add to other apps' pages
(crates/admin_actions.py, listed in crates/admin_extensions.py), the *Duplicates* page (crates/admin_duplicates.py)
and the jobs' pages (crates/admin_jobs.py). Django's autodiscovery imports this module, which imports them."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
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

from common.text import bpm_text, count_text, length_text
from core import selectors as job_selectors
from core.admin import CrateModelAdmin, job_link, started_by
from core.queue import BrokerUnavailable
from crates import files, imports, selectors, services
from crates.admin_actions import (  # noqa: F401 - each is also known by this module's name
    ADD_CRATES,
    CHANGE_CRATES,
    IMPORT_PERMISSIONS,
    MOVE_FILES,
    add_to_crate,
    crates_from_tracklists,
    export_action,
    export_answer,
    organise_library_tracks,
    organise_tracks,
    rename_after_edit,
    start_organise,
)
from crates.djformats import FORMATS
from crates.models import Crate, CrateTrack
from downloads.files import FilingFailed
from library.models import Tracklist
from tracks import keys
from tracks.models import Track
from wantlist.models import WantStatus


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
    key_compatible = forms.BooleanField(required=False, label="and the keys that mix with it",
                                        widget=UnfoldBooleanWidget,
                                        help_text="Its relative major or minor, "
                                        "and one step either way round the wheel.")
    year_from = forms.IntegerField(required=False, min_value=1000, max_value=9999, widget=UnfoldAdminIntegerFieldWidget)
    year_to = forms.IntegerField(required=False, min_value=1000, max_value=9999, widget=UnfoldAdminIntegerFieldWidget)
    want_status = forms.ChoiceField(required=False, choices=[("", "any"), *WantStatus.choices],
                                    label="On the want list as", widget=UnfoldAdminSelectWidget)
    with_file = forms.BooleanField(required=False, initial=True, label="Only tracks with a file",
                                   widget=UnfoldBooleanWidget)

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
        return bpm_text(entry.library_track.track.bpm) if entry.pk else ""

    @admin.display(description="Key")
    def key(self, entry: CrateTrack) -> str:
        return keys.key_short_text(entry.library_track.track.key) if entry.pk else ""

    @admin.display(description="Length")
    def length(self, entry: CrateTrack) -> str:
        track = entry.library_track.track if entry.pk else None
        return length_text(track.file_duration or track.duration) if track else ""

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
            self.message_user(request, f"“{crate}” holds the {count_text(count, 'library track')} its filter takes.",
                              messages.INFO)
        else:
            services.crate_renumber(crate=crate)

    @admin.action(description="Organise the crates' files", permissions=["view"])
    def organise_crates(self, request, queryset):
        if not request.user.has_perm(MOVE_FILES):
            self.message_user(request, "You may not change tracks, so no file was moved.", messages.ERROR)
            return None
        return start_organise(self, request, selectors.crates_tracks_with_files(queryset))

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
        direct = selectors.library_tracks_with_files_count() <= services.EXPORT_DIRECT_MAX
        content = services.export_content() if direct else None
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
            self.message_user(request, "You may not bring tracks into the library; nothing was imported.",
                              messages.ERROR)
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
                    count_text(selectors.rekordbox_import_track_count(job), "track"),
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


# The Duplicates page and the jobs' pages register themselves; what crates add to other apps' pages, too.
from crates import admin_duplicates, admin_extensions, admin_jobs  # noqa: E402, F401
