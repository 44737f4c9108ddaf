"""The admin site: Cratedigger's whole user interface, its system status page, and the jobs of every kind."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin
from unfold.sites import UnfoldAdminSite

from common.text import count_text
from config.env import mask_url
from core import badges, jobs, selectors
from core.extensions import EXTRA_ACTIONS, SAVE_HOOKS, object_tools  # noqa: F401 - object_tools: the pages' buttons
from core.models import Job
from core.queue import BrokerUnavailable, enqueue
from providers.registry import statuses as provider_statuses


def started_by(request: HttpRequest) -> str:
    """Return what a job started from this request records as its starter."""
    return request.user.get_username() or "admin"


def job_link(job: Job) -> str:
    """Return an HTML link to the job's page, for messages."""
    return format_html('<a href="{}">{}</a>', selectors.job_admin_url(job), job)


def html_table(table_id: str, headers: tuple[str, ...], rows: list[tuple], row: str = "") -> str:
    """Return a small read-only table for a page (a track's sources, its downloads): headers, then one row
    per tuple, each value escaped into `row` (plain cells by default)."""
    row = row or "<tr>" + "<td>{}</td>" * len(headers) + "</tr>"
    return format_html(
        '<table class="crate-table" id="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        table_id, format_html_join("", "<th>{}</th>", ((header,) for header in headers)), format_html_join("", row, rows),
    )


class NamedListMixin:
    """A list's page is titled with what it lists ("Library tracks"), not Django's "Select library track to change"."""

    def changelist_view(self, request, extra_context=None):
        title = capfirst(str(self.model._meta.verbose_name_plural))
        return super().changelist_view(request, {"title": title, **(extra_context or {})})


class CrateModelAdmin(NamedListMixin, ModelAdmin):
    """The theme's ModelAdmin with the actions and save hooks other features register on it."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for hook in SAVE_HOOKS.get(self.model._meta.label_lower, ()):
            hook(self, request, obj, list(form.changed_data) if change else None)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action, permission in EXTRA_ACTIONS.get(self.model._meta.label_lower, ()):
            if request.user.has_perm(permission):
                actions[action.__name__] = (action, action.__name__, action.short_description)
        return actions


class CrateListAdmin(CrateModelAdmin):
    """A crate list (tracks, the library, the want list): the same page, with lean rows (core.templatetags.crate_list)
    so that 100 rows weigh about a quarter of what the theme's rows do."""

    change_list_template = "admin/crate_change_list.html"
    empty_value_display = ""  # an empty cell, as the theme draws it, not "-"

    @admin.display(description=ModelAdmin.action_checkbox.short_description)  # the theme's select-all box
    def action_checkbox(self, obj) -> str:
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select crate-check" aria-label="Select record">',
            helpers.ACTION_CHECKBOX_NAME, obj.pk,
        )


# How the status page names each database server.
DATABASE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite", "mysql": "MySQL"}

# The admin's sections, by what a person does; each model is (app_label, model_name).
# Anything not named here goes under System.
SECTIONS = (
    ("Catalogue", (("tracks", "track"),)),
    ("Discovery", (("library", "tracklist"), ("library", "linetoreview"), ("library", "trackdiscovery"),
                   ("library", "librarytrack"), ("library", "discoverystatistics"))),
    ("Want list", (("wantlist", "wantlist"),)),
    ("Crates", (("crates", "crate"), ("crates", "duplicate"))),
    ("Downloads", (("downloads", "download"),)),
    ("Jobs", (("tracks", "metadatafetchtask"), ("library", "discoveryjob"), ("wantlist", "purchaselinksjob"),
              ("downloads", "downloadjob"), ("audio", "tagwritejob"), ("audio", "scanjob"), ("crates", "exportjob"),
              ("crates", "rekordboximportjob"), ("crates", "filemovejob"), ("crates", "fingerprintjob"))),
)
# Rows only machines write: listed, never added by hand.
MACHINE_WRITTEN = {
    ("django_celery_results", "taskresult"), ("django_celery_results", "groupresult"),
    ("django_celery_results", "chordcounter"), ("django_celery_beat", "clockedschedule"),
    ("django_celery_beat", "solarschedule"), ("axes", "accessattempt"), ("axes", "accesslog"),
    ("axes", "accessfailurelog"),
}
# Internals a person has no use for in the menu (still reachable by URL for a superuser).
HIDDEN = {("django_celery_results", "groupresult"), ("django_celery_results", "chordcounter"),
          ("django_celery_beat", "clockedschedule"), ("django_celery_beat", "solarschedule")}


# The sidebar's icon for each page (Material Symbols, shipped with the theme).
ICONS = {
    "track": "library_music", "tracklist": "queue_music", "trackdiscovery": "manage_search",
    "librarytrack": "album", "linetoreview": "rule", "discoveryjob": "travel_explore", "purchaselinksjob": "sell", "discoverystatistics": "insights", "wantlist": "bookmark_heart",
    "download": "download", "downloadjob": "downloading", "scanjob": "folder_open", "tagwritejob": "sell",
    "metadatafetchtask": "sync", "jobs": "work_history", "status": "monitor_heart",
    "user": "person", "group": "group", "periodictask": "schedule", "intervalschedule": "timer",
    "crontabschedule": "calendar_month", "taskresult": "task_alt",
    "crate": "library_add", "duplicate": "content_copy", "exportjob": "ios_share", "rekordboximportjob": "input",
    "filemovejob": "drive_file_move", "fingerprintjob": "fingerprint",
}


def sidebar_navigation(request: HttpRequest) -> list[dict]:
    """The theme's sidebar: the admin's sections (CratediggerAdminSite.get_app_list), each page with its icon."""
    site = admin.site
    return [
        {"title": section["name"], "separator": True, "collapsible": section["name"] == "System",
         "items": [_sidebar_item(request, model) for model in section["models"]]}
        for section in site.get_app_list(request)
    ]


def _sidebar_item(request: HttpRequest, model: dict) -> dict:
    item = {"title": model["name"], "link": model["admin_url"], "icon": ICONS.get(model["object_name"].lower(), "table")}
    badge = badges.path_for(request, model.get("app_label", ""), model["object_name"])
    if badge:
        item["badge"] = badge
    return item


class CratediggerAdminSite(UnfoldAdminSite):
    site_header = "Cratedigger"
    site_title = "Cratedigger"
    index_title = "Your music library"

    def index(self, request, extra_context=None):
        """The dashboard: counts, running jobs live, the latest failures, the providers and charts."""
        from core.dashboard import dashboard_context

        return super().index(request, {**(extra_context or {}), **dashboard_context(user=request.user)})

    def get_app_list(self, request, app_label=None):
        """Return the menu grouped by what a person does: Catalogue, Discovery, Want list, Downloads, Jobs, System."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps  # an app's own index page keeps Django's grouping
        models = {}
        for app in apps:
            for model in app["models"]:
                key = (app["app_label"], model["object_name"].lower())
                if key in HIDDEN:
                    continue
                if key in MACHINE_WRITTEN:
                    model["add_url"] = None
                model["app_label"] = app["app_label"]
                models[key] = model
        sections = []
        for name, keys in SECTIONS:
            found = [models.pop(key) for key in keys if key in models]
            if name == "Jobs" and found:
                found.insert(0, {"name": "All jobs", "object_name": "Jobs", "admin_url": reverse("admin:jobs"),
                                 "add_url": None, "view_only": True, "perms": {"view": True}})
            if found:
                sections.append(_section(name, found))
        system = sorted(models.values(), key=lambda model: str(model["name"]))
        if request.user.is_superuser:
            system.insert(0, {"name": "System status and workers", "object_name": "Status", "view_only": True,
                              "admin_url": reverse("admin:system_status"), "add_url": None, "perms": {"view": True}})
        if system:
            sections.append(_section("System", system))
        return sections

    def get_urls(self):
        view = self.admin_view
        return [
            path("status/", view(self.status_view), name="system_status"),
            path("status/ping/", view(require_POST(self.ping_view)), name="system_ping"),
            path("jobs/", view(self.jobs_view), name="jobs"),
            path("jobs/progress/", view(self.job_progress_view), name="job_progress"),
            path("jobs/<str:label>/<uuid:pk>/cancel/", view(require_POST(self.job_cancel_view)), name="job_cancel"),
            path("jobs/<str:label>/<uuid:pk>/retry/", view(require_POST(self.job_retry_view)), name="job_retry"),
            *super().get_urls(),
        ]

    # --- System status ---------------------------------------------------------------

    def _superusers_only(self, request: HttpRequest) -> HttpResponse | None:
        """Return a redirect with a message for anyone but a superuser: the page shows how the system is set up."""
        if request.user.is_superuser:
            return None
        messages.error(request, "Only a superuser may see the system status and send the test job.")
        return HttpResponseRedirect(reverse("admin:index"))

    def status_view(self, request: HttpRequest) -> HttpResponse:
        """Show where data, jobs and cache live, the providers, and the latest jobs the workers ran."""
        if refused := self._superusers_only(request):
            return refused
        db = settings.DATABASES["default"]
        context = {
            **self.each_context(request),
            "title": "System status",
            "database": f"{DATABASE_NAMES.get(connection.vendor, connection.vendor)}, database “{db['NAME']}”",
            "broker": mask_url(settings.CELERY_BROKER_URL),
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "version": settings.VERSION,
            "recent_results": selectors.task_results_recent(),
            "providers": provider_statuses(),
        }
        return TemplateResponse(request, "admin/system_status.html", context)

    def ping_view(self, request: HttpRequest) -> HttpResponse:
        """Queue a test job; its result appears on the status page once a worker ran it."""
        from core.tasks import ping

        if refused := self._superusers_only(request):
            return refused
        try:
            task_id = enqueue(ping)
        except BrokerUnavailable as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Queued test job {task_id}. Reload this page: a running worker answers within seconds.",
            )
        return HttpResponseRedirect(reverse("admin:system_status"))

    # --- Jobs of every kind ----------------------------------------------------------------

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
        allowed = {jobs.label_of(model): model for model in self._job_models(request)}
        others = {
            label: source for label, source in selectors.PROGRESS_SOURCES.items()
            if (model_admin := self._registry.get(source[0])) and model_admin.has_view_permission(request)
        }
        wanted: dict[str, list] = {}
        for key in request.GET.getlist("job")[:200]:
            label, _, pk = key.partition(":")
            if (label in allowed or label in others) and _is_uuid(pk):
                wanted.setdefault(label, []).append(pk)
        detail = request.GET.get("detail") == "1"
        found = {}
        for label, pks in wanted.items():
            if label in others:
                model, payload = others[label]
                for row in model.objects.filter(pk__in=pks):
                    found[f"{label}:{row.pk}"] = payload(row)
                continue
            for job in allowed[label].objects.filter(pk__in=pks):
                found[selectors.job_key(job)] = selectors.job_progress(job, with_failures=detail)
        return JsonResponse({"jobs": found})

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
                messages.success(request, format_html("Queued {} again over {}.", job_link(job), count_text(count, "item")))
            elif job.is_active:
                messages.info(request, "The job is still running; retry it once it has finished.")
            else:
                messages.info(request, "Nothing failed in this job; there is nothing to retry.")
        return HttpResponseRedirect(selectors.job_admin_url(job))


def _section(name: str, models: list[dict]) -> dict:
    return {"name": name, "app_label": name.lower().replace(" ", "_"), "app_url": "", "has_module_perms": True,
            "models": models}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


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
        self.message_user(request, f"Cancelled {count_text(cancelled, 'job')}; finished ones were left alone.", messages.SUCCESS)

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
            self.message_user(request, f"Queued {count_text(len(retried), 'job')} again over their failed items.", messages.SUCCESS)
        else:
            self.message_user(request, "No finished job among those selected had failed items.", messages.INFO)


def theme_third_party_admins(site: admin.AdminSite) -> None:
    """Called once every admin module is loaded (CoreConfig.ready): re-register the admins of Django's and the libraries' models on the theme's ModelAdmin, so every page
    (users, schedules, task results, login attempts) looks and behaves like the rest."""
    from django.contrib.auth.models import User
    from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ModelAdmin):
            continue
        attrs = {}
        if (model._meta.app_label, model._meta.model_name) in MACHINE_WRITTEN:
            attrs["has_add_permission"] = lambda self, request, *args: False
        if model is User:
            attrs = {"form": UserChangeForm, "add_form": UserCreationForm,
                     "change_password_form": AdminPasswordChangeForm}
        if getattr(model_admin, "filter_horizontal", ()):
            # Django's two-box picker is wider than the theme's form column; the theme's own multiple
            # select fits (and filters as you type).
            attrs["filter_horizontal"] = ()
        themed = type(f"Themed{type(model_admin).__name__}", (NamedListMixin, type(model_admin), ModelAdmin), attrs)
        site.unregister(model)
        site.register(model, themed)

