"""Downloads in the admin: the list with live progress, a download's page (pick a file, search again,
cancel), the download jobs, and the "Download (best / good / any)" actions on tracks, library tracks
and want-list entries."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from common.text import count_text, length_text, size_text
from core.admin import CrateModelAdmin, JobAdmin, html_table, job_link, started_by
from core.queue import BrokerUnavailable
from core.selectors import register_progress
from downloads.models import Download, DownloadJob, DownloadState
from downloads.moves import download_cancel
from downloads.starts import SourceUnavailable, download_choose, download_search_again, downloads_request
from tracks import player

CHANGE = "downloads.change_download"
ADD = "downloads.add_download"


def download_progress(download: Download) -> dict:
    """What the progress component shows for a download: state, percent, speed, place in queue, file."""
    parts = []
    if download.state in (DownloadState.QUEUED, DownloadState.DOWNLOADING, DownloadState.VERIFYING,
                          DownloadState.FILING, DownloadState.COMPLETED):
        parts.append(f"{download.progress}%")
    if download.state == DownloadState.DOWNLOADING and download.speed:
        parts.append(f"{size_text(download.speed)}/s")
    if download.state == DownloadState.QUEUED and download.place_in_queue:
        parts.append(f"#{download.place_in_queue} in the peer's queue")
    if download.chosen_name:
        parts.append(download.chosen_name)
    status = download.get_state_display()
    if download.state == DownloadState.FAILED and download.error:
        status = f"Failed: {download.error}"
    return {
        "key": f"downloads.download:{download.pk}", "status_text": status, "finished": download.is_finished,
        "percent": download.progress, "counts_text": " · ".join(parts),
    }


register_progress(Download, download_progress)


class SearchAgainForm(forms.Form):
    query = forms.CharField(
        max_length=500, label="Search for", help_text="Words to search Soulseek for, or a link for yt-dlp.",
    )


@admin.register(Download)
class DownloadAdmin(CrateModelAdmin):
    list_display = ("track_link", "quality_text", "live", "source", "candidates_found", "created_at")
    list_filter = ("state", "source", "quality", "created_at")
    search_fields = ("track__title", "track__credit_name", "query")
    list_select_related = ("track",)
    list_per_page = 50
    date_hierarchy = "created_at"
    actions = ("cancel_downloads", "download_again")
    change_form_template = "admin/downloads/download/change_form.html"
    fields = (
        "track", "quality", "state", "source", "query", "candidates_found", "file_path", "file_format",
        "file_bitrate", "file_duration", "error", "started_by", "created_at", "updated_at", "finished_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # downloads start from tracks, library tracks and the want list

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(CHANGE)  # the page's buttons; the fields stay read-only

    def has_delete_permission(self, request, obj=None):
        # A download under way is cancelled, not deleted: its transfer and file would be left behind.
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_finished)

    @admin.display(description="Track", ordering="track__title")
    def track_link(self, download: Download) -> str:
        return format_html(
            '<a class="crate-link" href="{}">{}</a>', reverse("admin:downloads_download_change", args=[download.pk]),
            download.track,
        )

    @admin.display(description="Quality", ordering="quality")
    def quality_text(self, download: Download) -> str:
        return download.quality

    @admin.display(description="Progress")
    def live(self, download: Download) -> str:
        return render_to_string("admin/core/job_progress.html", {"p": download_progress(download)})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:pk>/choose/", view(require_POST(self.choose_view)), name="downloads_download_choose"),
            path("<uuid:pk>/search/", view(require_POST(self.search_view)), name="downloads_download_search"),
            path("<uuid:pk>/cancel/", view(require_POST(self.cancel_view)), name="downloads_download_cancel"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        download = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if download is not None:
            context.update({
                "progress": download_progress(download),
                "candidates": [
                    {**candidate, "name": candidate.get("filename", "").replace("\\", "/").rsplit("/", 1)[-1],
                     "folder": candidate.get("filename", "").replace("\\", "/").rsplit("/", 1)[0],
                     "size_text": size_text(candidate.get("size")), "length": length_text(candidate.get("duration")),
                     "speed_text": (f"{size_text(candidate.get('upload_speed'))}/s"
                                    if candidate.get("upload_speed") else "")}
                    for candidate in download.candidates
                ],
                "tried": html_table(
                    "download-tried", ("File", "From", "Why it was given up"),
                    [(t.get("filename", ""), t.get("username", ""), t.get("reason", "")) for t in download.tried],
                ) if download.tried else "",
                "can_choose": download.state == DownloadState.AWAITING_CHOICE and request.user.has_perm(CHANGE),
                "can_cancel": download.is_active and request.user.has_perm(CHANGE),
                "search_form": SearchAgainForm(initial={"query": download.query}),
                "listen": player.player(download.track) if download.state == DownloadState.COMPLETED else "",
                # Nothing on the page is edited by hand: no save buttons.
                "show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False,
            })
        return super().change_view(request, object_id, form_url, context)

    def _back(self, pk) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:downloads_download_change", args=[pk]))

    def _refused(self, request: HttpRequest, pk):
        if request.user.has_perm(CHANGE):
            return None
        self.message_user(request, "You may look at downloads but not change them; nothing was done.", messages.ERROR)
        return self._back(pk)

    def choose_view(self, request: HttpRequest, pk):
        if refused := self._refused(request, pk):
            return refused
        download = get_object_or_404(Download, pk=pk)
        try:
            job = download_choose(
                download=download, username=request.POST.get("username", ""),
                filename=request.POST.get("filename", ""), started_by=started_by(request),
            )
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request, format_html("Downloading “{}” ({}).", download.chosen_name, job_link(job)), messages.SUCCESS
            )
        return self._back(pk)

    def search_view(self, request: HttpRequest, pk):
        if refused := self._refused(request, pk):
            return refused
        download = get_object_or_404(Download, pk=pk)
        form = SearchAgainForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Type what to search for.", messages.ERROR)
            return self._back(pk)
        try:
            job = download_search_again(
                download=download, query=form.cleaned_data["query"], started_by=started_by(request)
            )
        except (ValueError, BrokerUnavailable) as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request, format_html("Searching for “{}” ({}).", download.query, job_link(job)), messages.SUCCESS
            )
        return self._back(pk)

    def cancel_view(self, request: HttpRequest, pk):
        if refused := self._refused(request, pk):
            return refused
        download = get_object_or_404(Download, pk=pk)
        if download_cancel(download=download):
            self.message_user(request, "Cancelled the download.", messages.SUCCESS)
        else:
            self.message_user(request, f"The download had already {download.state}; nothing to cancel.", messages.INFO)
        return self._back(pk)

    @admin.action(description="Cancel the selected downloads", permissions=["change"])
    def cancel_downloads(self, request, queryset):
        cancelled = sum(download_cancel(download=download) for download in queryset)
        self.message_user(
            request, f"Cancelled {count_text(cancelled, 'download')}"
            + (f"; {queryset.count() - cancelled} had already finished." if queryset.count() > cancelled else "."),
            messages.SUCCESS if cancelled else messages.INFO,
        )

    @admin.action(description="Download again (same quality)", permissions=["change"])
    def download_again(self, request, queryset):
        by_quality: dict[str, list] = {}
        for download in queryset.select_related("track"):
            by_quality.setdefault(download.quality, []).append(download.track)
        for quality, tracks in by_quality.items():
            request_and_say(self, request, tracks, quality)


@admin.register(DownloadJob)
class DownloadJobAdmin(JobAdmin):
    list_display = ("__str__", "progress", "started_by", "created_at", "finished_at")


def request_and_say(modeladmin, request: HttpRequest, tracks, quality: str) -> None:
    """Start downloads of tracks and say on the page what happened, in words."""
    if not tracks:
        modeladmin.message_user(request, "Nothing to download: none of them has a track.", messages.WARNING)
        return
    try:
        requested = downloads_request(tracks=tracks, quality=quality, started_by=started_by(request))
    except (SourceUnavailable, BrokerUnavailable) as exc:
        modeladmin.message_user(request, f"No download was started: {exc}", messages.ERROR)
        return
    link = reverse("admin:downloads_download_changelist")
    modeladmin.message_user(
        request, format_html('{} <a href="{}">See the downloads</a>.', requested.summary, link),
        messages.SUCCESS if requested.created else messages.INFO,
    )


from downloads import admin_extensions  # noqa: E402, F401 - what downloads add to other apps' pages
