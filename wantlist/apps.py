from django.apps import AppConfig


class WantlistConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wantlist"
    verbose_name = "Want list"
