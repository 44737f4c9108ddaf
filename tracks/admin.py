from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from tracks.models import PROVIDER_ID_FIELDS, Download, MetadataFetchTask, Track


class DownloadInline(admin.TabularInline):
    model = Download
    extra = 0
    fields = ("source", "quality_preference", "state", "progress", "file_path", "created_at")
    readonly_fields = ("state", "progress", "file_path", "created_at")
    show_change_link = True


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "credit_name", "album", "label", "bpm", "key", "isrc", "has_file", "metadata_fetched_at")
    list_filter = ("metadata_fetched_at", "genre", "file_format", "key")
    search_fields = ("title", "credit_name", "album", "label", "isrc", *PROVIDER_ID_FIELDS)
    date_hierarchy = "created_at"
    ordering = ("title",)
    readonly_fields = ("id", "metadata_sources", "metadata_fetched_at", "audience", "audience_fetched_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "credit_name", "artists", "album", "album_artist")}),
        ("Release", {"fields": ("label", "catalog_number", "release_date", "isrc", "track_number", "disc_number", "artwork_url")}),
        ("Musical", {"fields": ("genre", "bpm", "key", "duration")}),
        ("Provider ids", {"fields": PROVIDER_ID_FIELDS, "classes": ("collapse",)}),
        ("Local file", {"fields": ("file_path", "file_format", "file_bitrate")}),
        ("Where the metadata came from", {"fields": ("metadata_sources", "metadata_fetched_at", "audience", "audience_fetched_at")}),
        ("Record", {"fields": ("id", "slug", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (DownloadInline,)

    @admin.display(description="File", boolean=True, ordering="file_path")
    def has_file(self, track: Track) -> bool:
        return bool(track.file_path)


@admin.register(MetadataFetchTask)
class MetadataFetchTaskAdmin(admin.ModelAdmin):
    list_display = ("created_at", "task_type", "status", "progress", "successful", "failed", "finished_at")
    list_filter = ("status", "task_type", "created_at")
    search_fields = ("celery_task_id", "last_error")
    date_hierarchy = "created_at"
    readonly_fields = (
        "task_type", "status", "total", "processed", "successful", "failed", "progress",
        "celery_task_id", "error_messages", "last_error", "created_at", "started_at", "finished_at",
    )
    exclude = ("tracks",)

    def has_add_permission(self, request) -> bool:
        # Jobs are started by actions on tracks, commands and beat, never typed in.
        return False

    @admin.display(description="Progress")
    def progress(self, task: MetadataFetchTask) -> str:
        return format_html(
            '<progress max="100" value="{}"></progress> {} of {}',
            task.progress_percent,
            task.processed,
            task.total,
        )


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ("track", "source", "quality_preference", "state", "progress", "created_at", "finished_at")
    list_filter = ("state", "source", "quality_preference", "created_at")
    search_fields = ("track__title", "track__credit_name", "chosen_filename", "chosen_username")
    list_select_related = ("track",)
    autocomplete_fields = ("track",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "state", "candidates", "chosen_username", "chosen_filename", "chosen_size", "progress",
        "bytes_transferred", "file_path", "error", "celery_task_id", "created_at", "started_at", "finished_at",
    )
