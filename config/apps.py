from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class CratediggerAdminConfig(AdminConfig):
    default_site = "config.admin.CratediggerAdminSite"


class CratediggerConfig(AppConfig):
    """Project-wide commands (setup, preflight) and the system status page."""

    name = "config"
    label = "cratedigger"
    verbose_name = "Cratedigger"
