"""The music folder in the admin: its jobs (scans, and tag writes), with the "Scan the music folder" button.

Each job kind's admin is a JobAdmin (core.admin): read-only, live progress, cancel and retry. A scan's page
adds what it found: counts by outcome, the files it could not take and why, and the files whose sound
(AcoustID) gave a close call, with their candidates to accept.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from audio import identify, scanning, tagging
from audio.models import ScanJob, ScanJobItem, TagWriteJob
from audio.selectors import OUTCOMES, scan_summary
from common.text import count_text
from core import selectors
from core.admin import JobAdmin, job_link, started_by
from core.models import JobStatus
from core.queue import BrokerUnavailable

# Who may start a scan: it writes tracks and library entries.
SCAN_PERMISSIONS = ("audio.add_scanjob", "tracks.change_track")


@admin.register(ScanJob)
class ScanJobAdmin(JobAdmin):
    list_display = ("__str__", "progress", "started_by", "created_at", "finished_at")
    job_fields = ("root", "analyse")
    change_list_template = "admin/audio/scanjob/change_list.html"
    change_form_template = "admin/audio/scanjob/change_form.html"
    progress_live_on = "processed status"  # what the scan found grows with each step

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("scan/", view(require_POST(self.scan_view)), name="audio_scanjob_scan"),
            path(
                "<uuid:pk>/review/<int:item_id>/<int:index>/", view(require_POST(self.accept_view)),
                name="audio_scanjob_accept",
            ),
            *super().get_urls(),
        ]

    def may_scan(self, request: HttpRequest) -> bool:
        return request.user.has_perms(SCAN_PERMISSIONS)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_scan": self.may_scan(request), "music_root": settings.MUSIC_ROOT}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        extra = {}
        if job is not None:
            summary = scan_summary(job=job)
            extra = {
                "scan": summary,
                "scan_counts": [(label, summary.counts.get(name, 0)) for name, label in OUTCOMES.items()
                                if summary.counts.get(name) or name in ("new", "updated", "unchanged", "missing",
                                                                         "unreadable", "not_audio")],
                "can_review": self.has_change_permission(request, job) and self.may_scan(request),
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def scan_view(self, request: HttpRequest):
        """Start a scan of MUSIC_ROOT and follow it on its page."""
        back = HttpResponseRedirect(reverse("admin:audio_scanjob_changelist"))
        if not self.may_scan(request):
            self.message_user(
                request, "You may look at scans but not start one (it changes tracks); nothing was started.",
                messages.ERROR,
            )
            return back
        try:
            job = scanning.scan_job_create(started_by=started_by(request))
        except scanning.ScanAlreadyRunning as exc:
            self.message_user(request, format_html("{} Its page: {}.", str(exc), job_link(exc.job)), messages.INFO)
            return HttpResponseRedirect(selectors.job_admin_url(exc.job))
        except scanning.ScanError as exc:
            self.message_user(request, f"Nothing was scanned: {exc} (the music folder is the MUSIC_ROOT setting)",
                              messages.ERROR)
            return back
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        self.message_user(
            request, format_html("Started {}: new and changed files are read; the counts appear here.", job_link(job)),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(selectors.job_admin_url(job))

    def accept_view(self, request: HttpRequest, pk, item_id: int, index: int):
        """Take a person's choice among the AcoustID candidates of one file."""
        job = get_object_or_404(ScanJob, pk=pk)
        back = HttpResponseRedirect(selectors.job_admin_url(job))
        if not (self.has_change_permission(request, job) and self.may_scan(request)):
            self.message_user(request, "You may look at this scan but not change its tracks; nothing was done.",
                              messages.ERROR)
            return back
        item = get_object_or_404(ScanJobItem, pk=item_id, job=job)
        try:
            result = identify.scan_review_accept(item=item, index=index, chosen_by=started_by(request))
        except ValueError as exc:
            self.message_user(request, str(exc), messages.WARNING)
            return back
        if result.get("status") == "identified":
            self.message_user(request, f"{item.path} is now linked to the recording you chose.", messages.SUCCESS)
        else:
            self.message_user(
                request, f"{item.path}: that recording is already in the library with its own file; nothing changed.",
                messages.WARNING,
            )
        return back


# --- Tags: edits in the admin reach the file; "Write tags" on a selection ------------------------------------------

WRITE_TAGS = "tracks.change_track"


@admin.register(TagWriteJob)
class TagWriteJobAdmin(JobAdmin):
    list_display = ("__str__", "progress", "started_by", "created_at", "finished_at")
    job_fields = ("with_artwork",)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("track/<uuid:pk>/", view(require_POST(self.write_track_view)), name="audio_write_tags"),
            *super().get_urls(),
        ]

    def write_track_view(self, request: HttpRequest, pk):
        """The "Write tags" button on a track's page: one track, as a job like a selection."""
        from tracks.models import Track

        track = get_object_or_404(Track, pk=pk)
        if request.user.has_perm(WRITE_TAGS):
            start_tag_writes(self, request, [track])
        else:
            self.message_user(request, "You may not change tracks; no tags were written.", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:tracks_track_change", args=[pk]))


def start_tag_writes(modeladmin, request: HttpRequest, tracks) -> TagWriteJob | None:
    """Start a tag write job over the tracks and say so (how many had no file) on the page."""
    tracks = list(tracks)
    try:
        job = tagging.tag_write_jobs_create(tracks=tracks, started_by=started_by(request))
    except BrokerUnavailable as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return None
    if job is None:
        modeladmin.message_user(request, "None of them has a file; no tags to write.", messages.WARNING)
        return None
    without = len(set(tracks)) - job.total
    modeladmin.message_user(
        request,
        format_html("Writing the tags of {} ({}){}.", count_text(job.total, "file"), job_link(job),
                    f"; {without} without a file skipped" if without else ""),
        messages.SUCCESS,
    )
    return job


@admin.action(description="Write tags into the files")
def write_tags(modeladmin, request, queryset):
    start_tag_writes(modeladmin, request, queryset)


def tags_after_edit(modeladmin, request: HttpRequest, track, changed: list[str] | None) -> None:
    """After a person saves a track, start a job writing the fields they changed into its file (the track's tags
    are out of date until it has run), and say so once the edit is committed; a broker that is down is said in
    words, the edit kept."""
    try:
        outcome = tagging.track_tags_after_edit(
            track=track, changed=changed, in_background=True, started_by=started_by(request),
        )
    except BrokerUnavailable as exc:  # known at once when the save is not inside a transaction
        _say_tags_not_queued(modeladmin, request, exc)
        return
    if outcome is not None and outcome.job is not None:
        # After the job's own queueing (core.jobs queues it once the edit is committed): it is known then whether
        # the broker took it.
        transaction.on_commit(lambda: _say_tags_queued(modeladmin, request, outcome.job))


def _say_tags_queued(modeladmin, request: HttpRequest, job: TagWriteJob) -> None:
    job.refresh_from_db(fields=["status", "last_error"])
    if job.status == JobStatus.FAILED:
        _say_tags_not_queued(modeladmin, request, BrokerUnavailable.of_job(job.last_error))
        return
    modeladmin.message_user(request, format_html(
        "The file's tags are being written in the background ({}); the track's tags read “out of date” until then.",
        job_link(job),
    ), messages.INFO)


def _say_tags_not_queued(modeladmin, request: HttpRequest, exc: BrokerUnavailable) -> None:
    modeladmin.message_user(
        request,
        f"The change is saved, but the file's tags were not written: {exc} The track is marked “tags out of date”; "
        "use “Write tags” to try again once the broker is back.",
        messages.WARNING,
    )


from audio import admin_extensions  # noqa: E402, F401 - what the music folder adds to other apps' pages
