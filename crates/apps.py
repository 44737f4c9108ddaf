from django.apps import AppConfig


class CratesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crates"
    verbose_name = "Crates and DJ software"
