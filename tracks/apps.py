from django.apps import AppConfig


class TracksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracks"
    verbose_name = "Catalogue"
