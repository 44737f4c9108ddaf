"""The *Duplicates* page: files that are one recording by their sound (crates.selectors.duplicate_groups), side
by side; fingerprint the files that have none yet, and keep the best of a group (the others are set aside, never
deleted)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from common.text import count_text
from core.admin import CrateModelAdmin, job_link, started_by
from core.queue import BrokerUnavailable
from crates import files, selectors
from crates.admin_actions import MOVE_FILES
from crates.models import Duplicate


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
            "running": selectors.fingerprint_job_under_way(),
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
        choices = selectors.duplicates_keep_choices(keep_id=request.POST.get("keep", ""))
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
                "Moving {} copy(ies) into {} ({}); nothing is deleted.", job.total,
                files.duplicates_dir(), job_link(job),
            ), messages.SUCCESS)
        return self._back()
