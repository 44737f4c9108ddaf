from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "downloads"
    verbose_name = "Downloads"

    def ready(self) -> None:
        # Registers the system check of DOWNLOAD_PATH_TEMPLATE, so a bad template stops the start, not a download.
        from downloads import files  # noqa: F401
