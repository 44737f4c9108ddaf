"""The catalogue in the admin: tracks, metadata fetch jobs with live progress, downloads."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core import dashboard
from core.admin import JobAdmin, job_link, started_by
from core.queue import BrokerUnavailable
from providers.base import ProviderError, RateLimited
from providers.registry import id_fields, provider_class
from tracks import keys, selectors, services
from tracks.forms import SoundchartsImportForm, SpotifySearchForm, TrackForm
from tracks.metadata import FIELD_MAP
from tracks.models import PROVIDER_ID_FIELDS, Download, FetchTaskType, MetadataFetchTask, Track


class DownloadInline(admin.TabularInline):
    model = Download
    extra = 0
    fields = ("source", "quality_preference", "state", "progress", "file_path", "created_at")
    readonly_fields = ("state", "progress", "file_path", "created_at")
    show_change_link = True


class CachedValuesFilter(admin.SimpleListFilter):
    """A filter by the values a column holds, listed from a cache rather than a DISTINCT over every track."""

    field = ""
    cache_seconds = 300

    def lookups(self, request, model_admin):
        return [(value, value) for value in selectors.track_values_cached(self.field, self.cache_seconds)]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() is not None else queryset


class GenreFilter(CachedValuesFilter):
    title = parameter_name = field = "genre"


class LabelFilter(CachedValuesFilter):
    title = parameter_name = field = "label"


class KeyFilter(admin.SimpleListFilter):
    """Keys in Camelot wheel order, each alone or with the keys that mix with it."""

    title = "key"
    parameter_name = "key"

    def lookups(self, request, model_admin):
        choices = []
        for index in selectors.track_values_cached("key_wheel"):
            code = keys.code_of_index(index)
            choices.append((code, keys.key_text(code)))
            choices.append((f"{code}+", f"{code} and compatible"))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        code = keys.camelot((value or "").rstrip("+"))
        if code is None:
            return queryset
        codes = keys.compatible(code) if value.endswith("+") else [code]
        return queryset.filter(key_wheel__in=[keys.wheel_index(each) for each in codes])


class BandFilter(admin.SimpleListFilter):
    """A filter by ranges of a number: (label, low, high) with high excluded; None is open."""

    field = ""
    bands: tuple[tuple[str, float | None, float | None], ...] = ()

    def lookups(self, request, model_admin):
        return [(str(index), label) for index, (label, _low, _high) in enumerate(self.bands)]

    def queryset(self, request, queryset):
        if self.value() is None or not self.value().isdigit() or int(self.value()) >= len(self.bands):
            return queryset
        _label, low, high = self.bands[int(self.value())]
        if low is not None:
            queryset = queryset.filter(**{f"{self.field}__gte": low})
        if high is not None:
            queryset = queryset.filter(**{f"{self.field}__lt": high})
        return queryset


class BpmFilter(BandFilter):
    title, parameter_name, field = "BPM", "bpm", "bpm"
    bands = (("under 100", None, 100), ("100–114", 100, 115), ("115–124", 115, 125), ("125–134", 125, 135),
             ("135–149", 135, 150), ("150 and over", 150, None))


class YearFilter(BandFilter):
    title, parameter_name, field = "year", "year", "release_date__year"
    bands = (("2020s", 2020, None), ("2010s", 2010, 2020), ("2000s", 2000, 2010), ("1990s", 1990, 2000),
             ("1980s", 1980, 1990), ("before 1980", None, 1980))


class ProviderFilter(admin.SimpleListFilter):
    title = "known to"
    parameter_name = "known_to"

    def lookups(self, request, model_admin):
        return [(spec.provider, provider_class(spec.provider).label) for spec in id_fields()]

    def queryset(self, request, queryset):
        field = {spec.provider: spec.field for spec in id_fields()}.get(self.value())
        return queryset.exclude(**{field: ""}) if field else queryset


class StaleFilter(admin.SimpleListFilter):
    title = "metadata"
    parameter_name = "metadata"

    def lookups(self, request, model_admin):
        return [("stale", "Missing or stale"), ("fresh", "Fresh")]

    def queryset(self, request, queryset):
        stale = selectors.stale_tracks_select().values("pk")
        if self.value() == "stale":
            return queryset.filter(pk__in=stale)
        if self.value() == "fresh":
            return queryset.exclude(pk__in=stale)
        return queryset


class HasFileFilter(admin.SimpleListFilter):
    title = "file"
    parameter_name = "has_file"

    def lookups(self, request, model_admin):
        return [("yes", "Has a file"), ("no", "No file")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(file_path="")
        if self.value() == "no":
            return queryset.filter(file_path="")
        return queryset


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = TrackForm
    list_display = (
        "artwork", "track", "bpm_display", "key_display", "length", "genre", "label", "year", "isrc",
        "known_to", "file",
    )
    list_display_links = ("track",)
    list_filter = (BpmFilter, KeyFilter, GenreFilter, LabelFilter, YearFilter, HasFileFilter, ProviderFilter, StaleFilter)
    # Each has a trigram index on PostgreSQL; provider ids are found by prefix (see get_search_results).
    search_fields = ("title", "credit_name", "album", "label", "isrc")
    search_help_text = (
        "Artist, title, album, label or ISRC; or an id with its prefix: isrc:, mbid:, spotify:, discogs:, "
        "beatport:, deezer:, itunes:, soundcharts:."
    )
    # One COUNT(*) a page: the total of all tracks is not worth a second count over 100,000 rows.
    show_full_result_count = False
    # No admin `ordering`: the model's (title) is the default, and a column a person sorts by
    # is then followed only by the id, which its (column, -id) index matches.
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
    actions = ("create_bulk_fetch_task", "enrich_from_musicbrainz", "enrich_from_musicbrainz_force", "fetch_audience")
    change_list_template = "admin/tracks/track/change_list.html"
    change_form_template = "admin/tracks/track/change_form.html"

    def get_search_results(self, request, queryset, search_term):
        """Find "prefix:id" and bare ISRCs by exact match; anything else by the search fields."""
        exact = selectors.track_id_lookup(search_term)
        if exact is not None:
            return queryset.filter(**exact), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="", empty_value="")
    def artwork(self, track: Track) -> str:
        if not track.artwork_url:
            return ""
        return format_html(
            '<img src="{}" alt="" width="36" height="36" loading="lazy" referrerpolicy="no-referrer" '
            'style="object-fit: cover; border-radius: 3px">', track.artwork_url,
        )

    @admin.display(description="Track", ordering="title")
    def track(self, track: Track) -> str:
        artist = track.credit_name or ", ".join(track.artists)
        return format_html(
            '<span class="crate-cell" title="{}">{}{}</span>', str(track),
            format_html("{} – ", artist) if artist else "", track.title,
        )

    @admin.display(description="Year", ordering="release_date")
    def year(self, track: Track) -> str:
        return str(track.release_date.year) if track.release_date else ""

    @admin.display(description="Known to")
    def known_to(self, track: Track) -> str:
        badges = [(provider_class(spec.provider).label, spec.provider[:2].upper())
                  for spec in id_fields() if getattr(track, spec.field)]
        return format_html_join(" ", '<abbr class="crate-badge" title="{}">{}</abbr>', badges)

    @admin.display(description="File", ordering="file_path")
    def file(self, track: Track) -> str:
        if not track.file_path:
            return ""
        return " · ".join(part for part in (track.file_format.upper(), str(track.file_bitrate or "")) if part)

    @admin.display(description="BPM", ordering="bpm")
    def bpm_display(self, track: Track) -> str:
        return keys.bpm_text(track.bpm)

    @admin.display(description="Key", ordering="key_wheel")
    def key_display(self, track: Track) -> str:
        return keys.key_text(track.key)

    @admin.display(description="Length", ordering="duration")
    def length(self, track: Track) -> str:
        return keys.duration_text(track.duration)

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
            services.track_fields_mark_manual(track=obj, fields=form.changed_data)
        super().save_model(request, obj, form, change)

    # --- Actions -------------------------------------------------------------------

    def _start_jobs(self, request, tracks, **options):
        """Start fetch jobs over tracks, say so with links, and return where to follow them."""
        try:
            created = services.metadata_fetch_jobs_create(tracks=tracks, started_by=started_by(request), **options)
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        except ProviderError as exc:
            self.message_user(request, f"Nothing was started: {exc.message}.", messages.ERROR)
            return None
        if not created:
            self.message_user(request, "No track to fetch.", messages.INFO)
            return None
        total = sum(job.total for job in created)
        links = mark_safe(", ".join(job_link(job) for job in created[:10]) + (" …" if len(created) > 10 else ""))
        self.message_user(
            request,
            format_html("Started {} job(s) over {} track(s): {}.", len(created), total, links),
            messages.SUCCESS,
        )
        if len(created) == 1:
            return HttpResponseRedirect(reverse("admin:tracks_metadatafetchtask_change", args=[created[0].pk]))
        return HttpResponseRedirect(reverse("admin:tracks_metadatafetchtask_changelist"))

    def _selected(self, queryset):
        return queryset.order_by("pk").values_list("pk", flat=True)

    @admin.action(description="Fetch metadata (background)", permissions=["change"])
    def create_bulk_fetch_task(self, request, queryset):
        return self._start_jobs(request, self._selected(queryset))

    @admin.action(description="Enrich from MusicBrainz", permissions=["change"])
    def enrich_from_musicbrainz(self, request, queryset):
        return self._start_jobs(request, self._selected(queryset), provider="musicbrainz")

    @admin.action(description="Enrich from MusicBrainz (bypass the cache)", permissions=["change"])
    def enrich_from_musicbrainz_force(self, request, queryset):
        return self._start_jobs(request, self._selected(queryset), provider="musicbrainz", force_refresh=True)

    @admin.action(description="Fetch Soundcharts audience (background)", permissions=["change"])
    def fetch_audience(self, request, queryset):
        return self._start_jobs(
            request, self._selected(queryset), kind=FetchTaskType.BULK_AUDIENCE, provider="soundcharts"
        )

    # --- Custom pages ----------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:track_id>/fetch-now/", view(require_POST(self.fetch_now_view)), name="tracks_track_fetch_now"),
            path(
                "<uuid:track_id>/fetch-background/", view(require_POST(self.fetch_background_view)),
                name="tracks_track_fetch_background",
            ),
            path("fetch-stale/", view(require_POST(self.fetch_stale_view)), name="tracks_track_fetch_stale"),
            path("import-soundcharts/", view(self.soundcharts_import_view), name="tracks_track_import_soundcharts"),
            path("search-spotify/", view(self.spotify_search_view), name="tracks_track_search_spotify"),
            *super().get_urls(),
        ]

    def _refusal(self, request, *, provider: str = "", back: str = ""):
        """Return a redirect with a message if this person may not do it, or the provider is off; else None."""
        back = back or reverse("admin:tracks_track_changelist")
        if not self.has_change_permission(request):
            self.message_user(
                request, "You may look at tracks but not change them, so nothing was started. "
                "Ask an administrator for the permission to change tracks.", messages.ERROR,
            )
            return HttpResponseRedirect(back)
        reason = provider_class(provider).disabled_reason() if provider else None
        if reason:
            label = provider_class(provider).label
            self.message_user(request, f"{label} is not set up: {reason}.", messages.ERROR)
            return HttpResponseRedirect(back)
        return None

    def changelist_view(self, request, extra_context=None):
        # The buttons above the list: shown only to those who may use them, and a disabled
        # provider's button says why instead of failing after a search.
        can_change = self.has_change_permission(request)
        extra_context = {
            **(extra_context or {}), "can_change_tracks": can_change,
            "spotify_off": provider_class("spotify").disabled_reason() or "",
            "soundcharts_off": provider_class("soundcharts").disabled_reason() or "",
        }
        return super().changelist_view(request, extra_context)

    def fetch_now_view(self, request: HttpRequest, track_id):
        """Fetch one track's metadata in the request and say which fields changed."""
        back = reverse("admin:tracks_track_change", args=[track_id])
        if refused := self._refusal(request, back=back):
            return refused
        track = get_object_or_404(Track, pk=track_id)
        try:
            outcome = services.track_metadata_fetch(track=track, force_refresh=True)
        except services.NothingFound as exc:
            self.message_user(request, str(exc), messages.WARNING)
        except RateLimited as exc:
            self.message_user(
                request, f"{exc.provider} asks to wait {exc.retry_after:g} s; fetch in the background instead.",
                messages.WARNING,
            )
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
            for note in outcome.disagreements:
                self.message_user(
                    request,
                    f"{note['provider']} calls it “{note['title']}”, another recording: left out, and the track kept as it is.",
                    messages.WARNING,
                )
        return HttpResponseRedirect(reverse("admin:tracks_track_change", args=[track.pk]))

    def fetch_background_view(self, request: HttpRequest, track_id):
        """Start a job of one for this track and follow it on its page."""
        if refused := self._refusal(request, back=reverse("admin:tracks_track_change", args=[track_id])):
            return refused
        track = get_object_or_404(Track, pk=track_id)
        done = self._start_jobs(request, [track.pk], kind=FetchTaskType.METADATA, force_refresh=True)
        return done or HttpResponseRedirect(reverse("admin:tracks_track_change", args=[track.pk]))

    def fetch_stale_view(self, request: HttpRequest):
        if refused := self._refusal(request):
            return refused
        try:
            created = services.stale_tracks_fetch(started_by=started_by(request))
        except BrokerUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            if created:
                total = sum(job.total for job in created)
                self.message_user(
                    request, f"Started {len(created)} fetch job(s) over {total} stale track(s).", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:tracks_metadatafetchtask_changelist"))
            self.message_user(request, "No track has missing or stale metadata.", messages.INFO)
        return HttpResponseRedirect(reverse("admin:tracks_track_changelist"))

    def _import_and_report(self, request: HttpRequest, run_import):
        """Run an import service and say what it did; return the redirect to the track list on success."""
        try:
            result = run_import()
        except BrokerUnavailable as exc:
            self.message_user(request, f"The tracks were imported but their metadata fetch was not queued: {exc}", messages.WARNING)
        except services.NothingFound as exc:
            self.message_user(request, f"Nothing was imported: {exc}", messages.ERROR)
        except ProviderError as exc:
            self.message_user(request, f"Nothing was imported: {exc.message}. Try again in a minute.", messages.ERROR)
        else:
            summary = result.summary()
            if result.jobs:
                links = mark_safe(", ".join(job_link(job) for job in result.jobs))
                summary = format_html("{} Their metadata is being fetched: {}.", summary, links)
            self.message_user(request, summary, messages.SUCCESS if result.created else messages.INFO)
            return HttpResponseRedirect(reverse("admin:tracks_track_changelist"))
        return None

    def soundcharts_import_view(self, request: HttpRequest):
        """Import an artist's songs: by UUID at once, or by name after picking one of the artists found."""
        if refused := self._refusal(request, provider="soundcharts"):
            return refused
        form = SoundchartsImportForm(request.POST or None)
        candidates, error = [], ""
        if request.method == "POST" and form.is_valid():
            artist_uuid = form.artist_uuid()
            if artist_uuid is not None:
                done = self._import_and_report(
                    request,
                    lambda: services.soundcharts_artist_import(
                        artist_uuid=artist_uuid, limit=form.cleaned_data["limit"], offset=form.cleaned_data["offset"],
                        started_by=started_by(request),
                    ),
                )
                if done:
                    return done
            else:
                try:
                    candidates = services.soundcharts_artist_search(name=form.cleaned_data["artist"])
                except ProviderError as exc:
                    error = f"Soundcharts could not search now: {exc.message}. Try again in a minute."
                if not candidates and not error:
                    error = f"Soundcharts knows no artist called “{form.cleaned_data['artist']}”."
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": "Import from Soundcharts", "candidates": candidates, "error": error,
        }
        return TemplateResponse(request, "admin/tracks/track/import_soundcharts.html", context)

    def spotify_search_view(self, request: HttpRequest):
        if refused := self._refusal(request, provider="spotify"):
            return refused
        form = SpotifySearchForm(request.GET or None)
        results, error = [], ""
        if request.method == "POST":
            chosen = request.POST.getlist("spotify_id")
            done = self._import_and_report(
                request, lambda: services.spotify_tracks_import(spotify_ids=chosen, started_by=started_by(request))
            )
            if done:
                return done
        if form.is_valid():
            try:
                results = services.spotify_search(query=form.cleaned_data["query"])
            except ProviderError as exc:
                error = f"Spotify could not search now: {exc.message}. Try again in a minute."
        known = selectors.known_spotify_ids([result.external_id for result in results])
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "title": "Search Spotify",
            "results": [(result, result.external_id in known) for result in results], "error": error,
        }
        return TemplateResponse(request, "admin/tracks/track/search_spotify.html", context)


@admin.register(MetadataFetchTask)
class MetadataFetchTaskAdmin(JobAdmin):
    list_display = ("__str__", "progress", "provider", "started_by", "created_at", "finished_at")
    job_fields = ("kind", "provider", "force_refresh")


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


def _tracks_by_genre() -> list[tuple[str, int]]:
    rows = Track.objects.exclude(genre="").values("genre").annotate(tracks=Count("id")).order_by("-tracks")[:10]
    return [(row["genre"], row["tracks"]) for row in rows]


dashboard.register_count("Tracks", Track, lambda: Track.objects.count(), "admin:tracks_track_changelist")
dashboard.register_count("Downloads", Download, lambda: Download.objects.count(), "admin:tracks_download_changelist")
dashboard.register_chart("Tracks by genre", Track, _tracks_by_genre)
