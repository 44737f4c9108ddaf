"""The admin site: Cratedigger's whole user interface, plus a system status page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from config.env import mask_url
from config.queue import BrokerUnavailable, enqueue
from providers.registry import statuses as provider_statuses


class CratediggerAdminSite(admin.AdminSite):
    site_header = "Cratedigger"
    site_title = "Cratedigger"
    index_title = "Your music library"

    def get_urls(self):
        return [
            path("status/", self.admin_view(self.status_view), name="system_status"),
            path("status/ping/", self.admin_view(require_POST(self.ping_view)), name="system_ping"),
            *super().get_urls(),
        ]

    def status_view(self, request: HttpRequest) -> HttpResponse:
        """Show where data, jobs and cache live, the providers, and the latest jobs the workers ran."""
        from django_celery_results.models import TaskResult

        db = settings.DATABASES["default"]
        context = {
            **self.each_context(request),
            "title": "System status",
            "database": f"{connection.vendor} ({db['NAME']})",
            "broker": mask_url(settings.CELERY_BROKER_URL),
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "version": settings.VERSION,
            "recent_results": TaskResult.objects.order_by("-date_created")[:10],
            "providers": provider_statuses(),
        }
        return TemplateResponse(request, "admin/system_status.html", context)

    def ping_view(self, request: HttpRequest) -> HttpResponse:
        """Queue a test job; its result appears on the status page once a worker ran it."""
        from config.tasks import ping

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
