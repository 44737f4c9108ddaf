from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class CratediggerAdminConfig(AdminConfig):
    default_site = "core.admin.CratediggerAdminSite"


class CoreConfig(AppConfig):
    """What every feature shares: the job engine, enqueueing, the admin site and status page, setup commands."""

    name = "core"
    verbose_name = "Jobs and system"

    def ready(self) -> None:
        from django.contrib import admin

        from core import checks  # noqa: F401 - registers the system checks
        from core.admin import theme_third_party_admins

        theme_third_party_admins(admin.site)
