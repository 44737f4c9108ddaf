"""The job pages: each kind's JobAdmin (read-only, live progress, cancel and retry), and the site's pages for jobs
of every kind: the jobs page, the progress endpoint the live components poll, and the cancel and retry buttons."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from common.text import count_text
from core import jobs, selectors
from core.admin.base import CrateModelAdmin, job_link, started_by
from core.models import Job
from core.queue import BrokerUnavailable


class JobPagesMixin:
    """The admin site's pages for jobs of every kind, each shown only to those who may view (or change) that kind."""

    def job_urls(self) -> list:
        """Return the job pages' URLs, each wrapped in the site's admin_view."""
        view = self.admin_view
        return [
            path("jobs/", view(self.jobs_view), name="jobs"),
            path("jobs/progress/", view(self.job_progress_view), name="job_progress"),
            path("jobs/<str:label>/<uuid:pk>/cancel/", view(require_POST(self.job_cancel_view)), name="job_cancel"),
            path("jobs/<str:label>/<uuid:pk>/retry/", view(require_POST(self.job_retry_view)), name="job_retry"),
        ]

    def _job_models(self, request: HttpRequest, permission: str = "view") -> list[type[Job]]:
        allowed = []
        for model in jobs.job_models():
            model_admin = self._registry.get(model)
            check = getattr(model_admin, f"has_{permission}_permission", None)
            if check and check(request):
                allowed.append(model)
        return allowed

    def _job(self, request: HttpRequest, label: str, pk, permission: str) -> Job:
        try:
            model = jobs.model_for(label)
        except LookupError:
            raise Http404("No such kind of job.") from None
        if model not in self._job_models(request, permission):
            raise PermissionDenied
        return get_object_or_404(model, pk=pk)

    def jobs_view(self, request: HttpRequest) -> HttpResponse:
        """List the running and recent jobs of every kind, with live progress and what started them."""
        models = self._job_models(request)
        if not models:
            raise PermissionDenied
        rows = [
            {"job": job, "key": selectors.job_key(job), "url": selectors.job_admin_url(job),
             "kind": job._meta.verbose_name, "progress": selectors.job_progress(job, with_failures=False)}
            for job in selectors.jobs_recent(models=models)
        ]
        context = {**self.each_context(request), "title": "Jobs", "rows": rows}
        return TemplateResponse(request, "admin/core/jobs.html", context)

    def job_progress_view(self, request: HttpRequest) -> JsonResponse:
        """Return the progress of the jobs named in ?job=<label>:<id>, for the components to refresh themselves."""
        sources = [
            label for label, (model, _payload) in selectors.PROGRESS_SOURCES.items()
            if (model_admin := self._registry.get(model)) and model_admin.has_view_permission(request)
        ]
        progress = selectors.jobs_progress(
            keys=request.GET.getlist("job")[:200], models=self._job_models(request), sources=sources,
            with_failures=request.GET.get("detail") == "1",
        )
        return JsonResponse({"jobs": progress})

    def _may_change_job(self, request: HttpRequest, label: str, pk, verb: str) -> Job | HttpResponse:
        """Return the job if this person may change it, else a redirect saying why nothing happened."""
        try:
            return self._job(request, label, pk, "change")
        except PermissionDenied:
            job = self._job(request, label, pk, "view")
            messages.error(request, f"You may look at this job but not {verb} it; nothing was done.")
            return HttpResponseRedirect(selectors.job_admin_url(job))

    def job_cancel_view(self, request: HttpRequest, label: str, pk) -> HttpResponse:
        job = self._may_change_job(request, label, pk, "cancel")
        if isinstance(job, HttpResponse):
            return job
        if jobs.job_cancel(job=job):
            messages.success(request, format_html("Cancelled {}: it stops before its next item.", job_link(job)))
        else:
            messages.info(request, format_html("{} had already finished; nothing to cancel.", job_link(job)))
        return HttpResponseRedirect(selectors.job_admin_url(job))

    def job_retry_view(self, request: HttpRequest, label: str, pk) -> HttpResponse:
        job = self._may_change_job(request, label, pk, "retry")
        if isinstance(job, HttpResponse):
            return job
        try:
            count = jobs.job_retry_failed(job=job, started_by=started_by(request))
        except BrokerUnavailable as exc:
            messages.error(request, str(exc))
        else:
            job.refresh_from_db()
            if count and job.status == job.Status.FAILED:
                messages.error(request, job.last_error)
            elif count:
                messages.success(request,
                                 format_html("Queued {} again over {}.", job_link(job), count_text(count, "item")))
            elif job.is_active:
                messages.info(request, "The job is still running; retry it once it has finished.")
            else:
                messages.info(request, "Nothing failed in this job; there is nothing to retry.")
        return HttpResponseRedirect(selectors.job_admin_url(job))


class JobAdmin(CrateModelAdmin):
    """The admin of one kind of job: read-only, with the live progress component, cancel and retry."""

    list_display = ("__str__", "progress", "started_by", "created_at", "finished_at")
    list_filter = ("status", "kind", "created_at")
    search_fields = ("started_by", "last_error", "celery_task_id")
    date_hierarchy = "created_at"
    job_fields: tuple[str, ...] = ("kind",)
    change_form_template = "admin/core/job/change_form.html"
    change_list_template = "admin/core/job/change_list.html"
    actions = ("cancel_jobs", "retry_failed")

    def get_fields(self, request, obj=None):
        # Only what never changes while it runs: the live parts are in the progress component.
        return (*self.job_fields, "started_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request) -> bool:
        # Jobs are started by actions, commands and beat, never typed in.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A job a worker may be running is cancelled, not deleted.
        if obj is not None and obj.is_active:
            return False
        return super().has_delete_permission(request, obj)

    # The progress fields whose change redraws the page's live parts (data-live), e.g. "processed status".
    progress_live_on = ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}), "show_save": False, "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "can_change_job": self.has_change_permission(request, obj),
            "progress": selectors.job_progress(obj) if obj else None,
            "progress_live_on": self.progress_live_on,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Progress")
    def progress(self, job: Job) -> str:
        from django.template.loader import render_to_string

        return render_to_string("admin/core/job_progress.html", {"p": selectors.job_progress(job, with_failures=False)})

    @admin.action(description="Cancel (the worker stops before its next item)", permissions=["change"])
    def cancel_jobs(self, request, queryset):
        cancelled = sum(jobs.job_cancel(job=job) for job in queryset)
        self.message_user(request, f"Cancelled {count_text(cancelled, 'job')}; finished ones were left alone.",
                          messages.SUCCESS)

    @admin.action(description="Retry the failed items", permissions=["change"])
    def retry_failed(self, request, queryset):
        retried = []
        for job in queryset:
            try:
                if jobs.job_retry_failed(job=job, started_by=started_by(request)):
                    retried.append(job)
            except BrokerUnavailable as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
        if retried:
            self.message_user(request, f"Queued {count_text(len(retried), 'job')} again over their failed items.",
                              messages.SUCCESS)
        else:
            self.message_user(request, "No finished job among those selected had failed items.", messages.INFO)
