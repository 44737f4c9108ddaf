from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API under /api/v1/: the same services as the admin and the commands, over HTTP."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"
