"""The catalogue in the admin: tracks, metadata fetch jobs with live progress, downloads."""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from config.queue import BrokerUnavailable, enqueue
from providers.base import ProviderError
from tracks import services
from tracks.forms import SoundchartsImportForm, SpotifySearchForm
from tracks.metadata import FIELD_MAP, MANUAL
from tracks.models import PROVIDER_ID_FIELDS, Download, FetchTaskType, MetadataFetchTask, Track
from tracks.tasks import fetch_track_metadata


class DownloadInline(admin.TabularInline):
    model = Download
    extra = 0
    fields = ("source", "quality_preference", "state", "progress", "file_path", "created_at")
    readonly_fields = ("state", "progress", "file_path", "created_at")
    show_change_link = True


def progress_bar(task: MetadataFetchTask) -> str:
    return format_html(
        '<div class="fetch-progress" data-task="{}" data-finished="{}">'
        '<progress max="100" value="{}"></progress> '
        '<span class="fetch-progress-text">{} of {} ({}%) · {} ok · {} failed · {}</span></div>',
        task.pk, "1" if task.is_finished else "0", task.progress_percent,
        task.processed, task.total, task.progress_percent, task.successful, task.failed,
        task.get_status_display(),
    )


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "credit_name", "album", "label", "bpm", "key", "isrc", "has_file", "metadata_fetched_at")
    list_filter = ("metadata_fetched_at", "genre", "file_format", "key")
    search_fields = ("title", "credit_name", "album", "label", "isrc", *PROVIDER_ID_FIELDS)
    date_hierarchy = "created_at"
    ordering = ("title",)
    readonly_fields = ("id", "field_sources", "metadata_fetched_at", "audience", "audience_fetched_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "credit_name", "artists", "album", "album_artist")}),
        ("Release", {"fields": ("label", "catalog_number", "release_date", "isrc", "track_number", "disc_number", "artwork_url")}),
        ("Musical", {"fields": ("genre", "bpm", "key", "duration")}),
        ("Provider ids", {"fields": PROVIDER_ID_FIELDS}),
        ("Local file", {"fields": ("file_path", "file_format", "file_bitrate")}),
        ("Where the metadata came from", {"fields": ("field_sources", "metadata_fetched_at", "audience", "audience_fetched_at")}),
        ("Record", {"fields": ("id", "slug", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (DownloadInline,)
    actions = (
        "fetch_metadata_background", "create_bulk_fetch_task", "enrich_from_musicbrainz",
        "enrich_from_musicbrainz_force", "fetch_audience",
    )
    change_list_template = "admin/tracks/track/change_list.html"
    change_form_template = "admin/tracks/track/change_form.html"

    @admin.display(description="File", boolean=True, ordering="file_path")
    def has_file(self, track: Track) -> bool:
        return bool(track.file_path)

    @admin.display(description="Source of each field")
    def field_sources(self, track: Track) -> str:
        sources = track.metadata_sources or {}
        if not sources:
            return "No metadata fetched yet."
        rows = [(field.replace("_", " "), sources[field]) for field in (*FIELD_MAP.values(), *PROVIDER_ID_FIELDS) if field in sources]
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))

    def save_model(self, request, obj, form, change):
        # A person's edit outranks every provider: later fetches keep it.
        if change:
            sources = dict(obj.metadata_sources or {})
            for field in form.changed_data:
                if field in FIELD_MAP.values() or field in PROVIDER_ID_FIELDS:
                    sources[field] = MANUAL
            obj.metadata_sources = sources
        super().save_model(request, obj, form, change)

    # --- Actions -------------------------------------------------------------------

    @admin.action(description="Fetch metadata (background, a job per track)", permissions=["change"])
    def fetch_metadata_background(self, request, queryset):
        queued = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                enqueue(fetch_track_metadata, str(pk))
            except BrokerUnavailable as exc:
                self.message_user(request, f"{queued} queued before the broker failed. {exc}", messages.ERROR)
                return
            queued += 1
        self.message_user(request, f"Queued a metadata fetch for {queued} track(s).", messages.SUCCESS)

    def _create_task(self, request, queryset, **options):
        try:
            task = services.metadata_fetch_task_create(tracks=queryset.values_list("pk", flat=True), **options)
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        except ProviderError as exc:
            self.message_user(request, f"Nothing was started: {exc}", messages.ERROR)
            return None
        url = reverse("admin:tracks_metadatafetchtask_change", args=[task.pk])
        self.message_user(
            request,
            format_html('Started a fetch task over {} track(s): <a href="{}">follow its progress</a>.', task.total, url),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(url)

    @admin.action(description="Create bulk metadata fetch task", permissions=["change"])
    def create_bulk_fetch_task(self, request, queryset):
        return self._create_task(request, queryset)

    @admin.action(description="Enrich from MusicBrainz", permissions=["change"])
    def enrich_from_musicbrainz(self, request, queryset):
        return self._create_task(request, queryset, provider="musicbrainz")

    @admin.action(description="Enrich from MusicBrainz (bypass the cache)", permissions=["change"])
    def enrich_from_musicbrainz_force(self, request, queryset):
        return self._create_task(request, queryset, provider="musicbrainz", force_refresh=True)

    @admin.action(description="Fetch Soundcharts audience (background)", permissions=["change"])
    def fetch_audience(self, request, queryset):
        return self._create_task(request, queryset, task_type=FetchTaskType.BULK_AUDIENCE, provider="soundcharts")

    # --- Custom pages ----------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:track_id>/fetch-now/", view(require_POST(self.fetch_now_view)), name="tracks_track_fetch_now"),
            path("fetch-stale/", view(require_POST(self.fetch_stale_view)), name="tracks_track_fetch_stale"),
            path("import-soundcharts/", view(self.soundcharts_import_view), name="tracks_track_import_soundcharts"),
            path("search-spotify/", view(self.spotify_search_view), name="tracks_track_search_spotify"),
            *super().get_urls(),
        ]

    def _require_change(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied

    def fetch_now_view(self, request: HttpRequest, track_id):
        """Fetch one track's metadata in the request and say which fields changed."""
        self._require_change(request)
        track = get_object_or_404(Track, pk=track_id)
        try:
            outcome = services.track_metadata_fetch(track=track, force_refresh=True)
        except services.NothingFound as exc:
            self.message_user(request, str(exc), messages.WARNING)
        except ProviderError as exc:
            self.message_user(request, f"Could not fetch metadata now: {exc}. Try again later.", messages.ERROR)
        else:
            sources = ", ".join(outcome.sources)
            if outcome.changed:
                changed = ", ".join(field.replace("_", " ") for field in outcome.changed)
                self.message_user(request, f"Fetched from {sources}. Changed: {changed}.", messages.SUCCESS)
            else:
                self.message_user(request, f"Fetched from {sources}. Nothing changed.", messages.INFO)
            for error in outcome.errors:
                self.message_user(request, f"Skipped a provider: {error}", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:tracks_track_change", args=[track.pk]))

    def fetch_stale_view(self, request: HttpRequest):
        self._require_change(request)
        try:
            tasks = services.stale_tracks_fetch()
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            if tasks:
                total = sum(task.total for task in tasks)
                self.message_user(request, f"Started {len(tasks)} fetch task(s) over {total} stale track(s).", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:tracks_metadatafetchtask_changelist"))
            self.message_user(request, "No track has missing or stale metadata.", messages.INFO)
        return HttpResponseRedirect(reverse("admin:tracks_track_changelist"))

    def _import_and_report(self, request: HttpRequest, run_import):
        """Run an import service and say what it did; return the redirect to the track list on success."""
        try:
            result = run_import()
        except BrokerUnavailable as exc:
            self.message_user(request, f"The tracks were imported but their metadata fetch was not queued: {exc}", messages.WARNING)
        except ProviderError as exc:
            self.message_user(request, f"Nothing was imported: {exc}", messages.ERROR)
        else:
            self.message_user(request, result.summary(), messages.SUCCESS if result.created else messages.INFO)
            return HttpResponseRedirect(reverse("admin:tracks_track_changelist"))
        return None

    def soundcharts_import_view(self, request: HttpRequest):
        self._require_change(request)
        form = SoundchartsImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = self._import_and_report(request, lambda: services.soundcharts_artist_import(**form.cleaned_data))
            if done:
                return done
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "title": "Import from Soundcharts"}
        return TemplateResponse(request, "admin/tracks/track/import_soundcharts.html", context)

    def spotify_search_view(self, request: HttpRequest):
        self._require_change(request)
        form = SpotifySearchForm(request.GET or None)
        results, error = [], ""
        if request.method == "POST":
            chosen = request.POST.getlist("spotify_id")
            done = self._import_and_report(request, lambda: services.spotify_tracks_import(spotify_ids=chosen))
            if done:
                return done
        if form.is_valid():
            try:
                results = services.spotify_search(query=form.cleaned_data["query"])
            except ProviderError as exc:
                error = str(exc)
        known = set(Track.objects.filter(spotify_id__in=[r.external_id for r in results]).values_list("spotify_id", flat=True))
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "title": "Search Spotify",
            "results": [(result, result.external_id in known) for result in results], "error": error,
        }
        return TemplateResponse(request, "admin/tracks/track/search_spotify.html", context)


@admin.register(MetadataFetchTask)
class MetadataFetchTaskAdmin(admin.ModelAdmin):
    list_display = ("created_at", "task_type", "status", "progress", "provider", "finished_at")
    list_filter = ("status", "task_type", "created_at")
    search_fields = ("celery_task_id", "last_error")
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "task_type", "status", "progress", "provider", "force_refresh", "failed_tracks", "last_error",
        "celery_task_id", "created_at", "started_at", "heartbeat_at", "finished_at",
    )
    actions = ("cancel_tasks", "retry_failed_tracks")
    change_list_template = "admin/tracks/metadatafetchtask/change_list.html"
    change_form_template = "admin/tracks/metadatafetchtask/change_form.html"

    def has_add_permission(self, request) -> bool:
        # Jobs are started by actions on tracks, commands and beat, never typed in.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every field is written by the worker: the page shows, it does not edit.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Progress")
    def progress(self, task: MetadataFetchTask) -> str:
        return progress_bar(task)

    @admin.display(description="Failed tracks")
    def failed_tracks(self, task: MetadataFetchTask) -> str:
        rows = services.error_messages(task)
        if not rows:
            return "None."
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td></tr>',
                ((reverse("admin:tracks_track_change", args=[row["track_id"]]), row["track"], row["error"]) for row in rows),
            ),
        )

    @admin.action(description="Cancel (the worker stops before its next track)", permissions=["change"])
    def cancel_tasks(self, request, queryset):
        cancelled = sum(services.metadata_fetch_task_cancel(task=task) for task in queryset)
        self.message_user(request, f"Cancelled {cancelled} task(s); finished ones were left alone.", messages.SUCCESS)

    @admin.action(description="Retry only the failed tracks", permissions=["change"])
    def retry_failed_tracks(self, request, queryset):
        started = 0
        for task in queryset:
            try:
                if services.metadata_fetch_task_retry_failed(task=task):
                    started += 1
            except BrokerUnavailable as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
        if started:
            self.message_user(request, f"Started {started} task(s) over the failed tracks.", messages.SUCCESS)
        else:
            self.message_user(request, "No track failed in the selected tasks.", messages.INFO)

    def get_urls(self):
        return [
            path("progress/", self.admin_site.admin_view(self.progress_view), name="tracks_metadatafetchtask_progress"),
            *super().get_urls(),
        ]

    def progress_view(self, request: HttpRequest) -> JsonResponse:
        """Return the progress of the tasks named in ?id=..., for the bars to refresh themselves."""
        if not self.has_view_permission(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        ids = request.GET.getlist("id")[:200]
        tasks = MetadataFetchTask.objects.filter(pk__in=[i for i in ids if _is_uuid(i)])
        return JsonResponse({
            "tasks": {
                str(task.pk): {
                    "status": task.status, "status_display": task.get_status_display(), "finished": task.is_finished,
                    "total": task.total, "processed": task.processed, "successful": task.successful,
                    "failed": task.failed, "percent": task.progress_percent,
                }
                for task in tasks
            }
        })


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


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
