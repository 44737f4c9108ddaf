"""What crates add to other apps' admin pages, as actions and a save hook (registered in
crates/admin_extensions.py): *Export as …* (a download now, or a job for a large one), *Add to crate…*, *Organise
files*, the offer to move a file after an edit, and *Make a crate of each* tracklist. The crate's own page uses the
exports and the organising too."""

from __future__ import annotations

import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from common.text import count_text
from core import selectors as job_selectors
from core.admin import job_link, started_by
from core.queue import BrokerUnavailable
from crates import files, services
from crates.djformats import CONTENT_TYPES, FORMATS
from crates.models import Crate
from downloads.files import FilingFailed
from library.models import LibraryTrack
from tracks.models import Track

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
                modeladmin.message_user(request, "An M3U8 file holds one playlist: select one tracklist.",
                                        messages.WARNING)
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
