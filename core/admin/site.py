"""The admin site: the menu grouped by what a person does, the sidebar with its icons and counts, the dashboard,
the system status page, and the theme worn by the admins of Django's and the libraries' models."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin
from unfold.sites import UnfoldAdminSite

from config.env import mask_url
from core import badges, selectors
from core.admin.base import NamedListMixin
from core.admin.jobs import JobPagesMixin
from core.queue import BrokerUnavailable, enqueue
from providers.registry import statuses as provider_statuses

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
    "librarytrack": "album", "linetoreview": "rule", "discoveryjob": "travel_explore", "purchaselinksjob": "sell",
    "discoverystatistics": "insights", "wantlist": "bookmark_heart",
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
    item = {"title": model["name"], "link": model["admin_url"],
            "icon": ICONS.get(model["object_name"].lower(), "table")}
    badge = badges.path_for(request, model.get("app_label", ""), model["object_name"])
    if badge:
        item["badge"] = badge
    return item


class CratediggerAdminSite(JobPagesMixin, UnfoldAdminSite):
    """The one admin site: the menu by what a person does, the dashboard, the status page and the job pages."""

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
            *self.job_urls(),
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


def _section(name: str, models: list[dict]) -> dict:
    return {"name": name, "app_label": name.lower().replace(" ", "_"), "app_url": "", "has_module_perms": True,
            "models": models}


def theme_third_party_admins(site: admin.AdminSite) -> None:
    """Called once every admin module is loaded (CoreConfig.ready): re-register the admins of Django's and the
    libraries' models on the theme's ModelAdmin, so every page (users, schedules, task results, login attempts)
    looks and behaves like the rest."""
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

