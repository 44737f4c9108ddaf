from django.apps import AppConfig


class WantlistConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wantlist"
    verbose_name = "Want list"

    def ready(self) -> None:
        from library.statistics import register_trend_figures
        from wantlist.statistics import conversion

        register_trend_figures("wantlist", conversion)
