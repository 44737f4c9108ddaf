"""The catalogue in the admin: tracks and metadata fetch jobs with live progress."""

from __future__ import annotations

import copy
from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from unfold.contrib.filters.admin import DropdownFilter, RangeNumericListFilter

from common.text import count_text
from core import extensions
from core.admin import CrateListAdmin, JobAdmin, html_table, job_link, object_tools, started_by
from core.queue import BrokerUnavailable
from core.ranges import ranged_file_response
from providers.base import ProviderError, RateLimited
from providers.registry import id_fields, provider_class, provider_label
from tracks import keys, metadata, player, selectors, services
from tracks.forms import SoundchartsImportForm, SpotifySearchForm, TrackForm
from tracks.metadata import FIELD_MAP
from tracks.models import PROVIDER_ID_FIELDS, RELATED_ID_FIELDS, FetchTaskType, MetadataFetchTask, Track
from tracks.templatetags.crate import length_text


class CachedValuesFilter(DropdownFilter):
    """A filter by the values a column holds, listed from a cache rather than a DISTINCT over every track."""

    field = ""  # the Track column whose values are listed
    lookup = ""  # the lookup from the listed model to it ("track__genre" from a library track); field by default
    cache_seconds = 300

    def lookups(self, request, model_admin):
        return [(value, value) for value in selectors.track_values_cached(self.field, self.cache_seconds)]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.lookup or self.field: self.value()}) if self.value() else queryset


class GenreFilter(CachedValuesFilter):
    title = parameter_name = field = "genre"


class LabelFilter(CachedValuesFilter):
    title = parameter_name = field = "label"


class KeyFilter(DropdownFilter):
    """Keys in Camelot wheel order (1A, 1B, 2A … 12B), each alone or with the keys that mix with it."""

    title = "key"
    parameter_name = "key"

    def lookups(self, request, model_admin):
        choices = []
        for index in selectors.track_values_cached("key_wheel"):
            code = keys.code_of_index(index)
            choices.append((code, keys.key_text(code)))
            choices.append((f"{code}+", f"{code} and compatible keys"))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        code = keys.camelot((value or "").rstrip("+"))
        if code is None:
            return queryset
        codes = keys.compatible(code) if value.endswith("+") else [code]
        return queryset.filter(key_wheel__in=[keys.wheel_index(each) for each in codes])


class NumberRangeFilter(RangeNumericListFilter):
    """From … to … over a number; a bound that is not a number in [minimum, maximum] is left out."""

    lookup = ""
    minimum: int = 0
    maximum: int = 0
    number = int

    def queryset(self, request, queryset):
        for suffix, operator in (("from", "gte"), ("to", "lte")):
            bound = self._bound(self.used_parameters.get(f"{self.parameter_name}_{suffix}"))
            if bound is not None:
                queryset = queryset.filter(**{f"{self.lookup}__{operator}": bound})
        return queryset

    def _bound(self, text):
        try:
            value = self.number(str(text).strip())
        except (ArithmeticError, TypeError, ValueError):
            return None
        return value if self.minimum <= value <= self.maximum else None


class BpmFilter(NumberRangeFilter):
    title, parameter_name, lookup = "BPM", "bpm", "bpm"
    minimum, maximum, number = 1, 999, Decimal


class YearFilter(NumberRangeFilter):
    title, parameter_name, lookup = "year", "year", "release_date__year"
    minimum, maximum = 1000, 9999


class ProviderFilter(DropdownFilter):
    title = "known to"
    parameter_name = "known_to"

    def lookups(self, request, model_admin):
        return [(spec.provider, provider_class(spec.provider).label) for spec in id_fields()]

    def queryset(self, request, queryset):
        field = {spec.provider: spec.field for spec in id_fields()}.get(self.value())
        return queryset.exclude(**{field: ""}) if field else queryset


class StaleFilter(DropdownFilter):
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


class HasFileFilter(DropdownFilter):
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


PROTECTED_FIELDS = services.PROTECTED_FIELDS


@admin.register(Track)
class TrackAdmin(CrateListAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = TrackForm
    list_display = (
        "artwork", "track", "bpm_display", "key_display", "length", "genre_display", "label_display", "year",
        "isrc", "file",
    )
    list_display_links = ("track",)
    list_filter = (BpmFilter, KeyFilter, GenreFilter, LabelFilter, YearFilter, HasFileFilter, ProviderFilter, StaleFilter)
    list_filter_submit = True  # the range filters are forms: one Apply button for all
    list_before_template = "admin/tracks/track/list_tools.html"
    # Each has a trigram index on PostgreSQL; provider ids are found by prefix (see get_search_results).
    search_fields = selectors.TRACK_SEARCH_FIELDS
    search_help_text = (
        "Artist, title, album, label or ISRC; or an id with its prefix: isrc:, mbid:, spotify:, discogs:, "
        "beatport:, deezer:, itunes:, soundcharts:."
    )
    # One COUNT(*) a page: the total of all tracks is not worth a second count over 100,000 rows.
    show_full_result_count = False
    # No admin `ordering`: the model's (title) is the default, and a column a person sorts by
    # is then followed only by the id, which its (column, -id) index matches.
    readonly_fields = (
        "id", "field_sources", "metadata_fetched_at", "audience_text", "audience_fetched_at", "created_at", "updated_at",
        "file_summary", "listen", "downloads", "discoveries", "want_state", "tags_state", "musicbrainz_release_id",
        "musicbrainz_release_group_id", "musicbrainz_artists", "musicbrainz_album_artists",
    )
    # The track page's tabs: what it is, where each field came from, its file, downloads, discoveries, want list.
    fieldsets = (
        ("Metadata", {"classes": ["tab"], "fields": (
            "title", "version", "remixers", "credit_name", "artists", "album", "album_artist", "label",
            "catalog_number", "release_date",
            "isrc", "track_number", "disc_number", "genre", "bpm", "key", "duration", "artwork_url",
        )}),
        ("Provider ids", {"classes": ["tab"], "fields": (
            *PROVIDER_ID_FIELDS, "musicbrainz_release_id", "musicbrainz_release_group_id", "musicbrainz_artists",
            "musicbrainz_album_artists",
        )}),
        ("Sources", {"classes": ["tab"], "fields": (
            "field_sources", "metadata_fetched_at", "audience_text", "audience_fetched_at",
        )}),
        ("File", {"classes": ["tab"], "fields": (
            "file_summary", "listen", "file_path", "file_format", "file_bitrate", "tags_state",
        )}),
        ("Downloads", {"classes": ["tab"], "fields": ("downloads",)}),
        ("Discoveries", {"classes": ["tab"], "fields": ("discoveries", "want_state")}),
        ("Record", {"classes": ["tab"], "fields": ("id", "slug", "created_at", "updated_at")}),
    )
    actions = ("create_bulk_fetch_task", "enrich_from_musicbrainz", "enrich_from_musicbrainz_force", "fetch_audience")
    change_form_template = "admin/tracks/track/change_form.html"

    class Media:
        js = (player.SCRIPT,)

    def get_search_results(self, request, queryset, search_term):
        """Find "prefix:id" and bare ISRCs by exact match; anything else by the search fields."""
        exact = selectors.track_id_lookup(search_term)
        if exact is not None:
            return queryset.filter(**exact), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="", empty_value="")
    def artwork(self, track: Track) -> str:
        """The cover, with the play button over it when the track has a file (one column, so the crate fits)."""
        cover = format_html(
            '<img src="{}" alt="" width="32" height="32" loading="lazy" referrerpolicy="no-referrer">', track.artwork_url,
        ) if track.artwork_url else ""
        play = player.play_button(track)
        if not play:
            return cover
        return format_html('<span class="crate-cover">{}{}</span>', cover, play)

    @admin.display(description="Track", ordering="title")
    def track(self, track: Track) -> str:
        """ "Artist – Title (Version)", and under it a badge for each provider that knows the track."""
        artist = track.credit_name or ", ".join(track.artists)
        text = f"{artist} – {track.full_title}" if artist else track.full_title
        return format_html("{}{}", _cell(text), self.known_to(track))

    @admin.display(description="Genre", ordering="genre")
    def genre_display(self, track: Track) -> str:
        return _cell(track.genre)

    @admin.display(description="Label", ordering="label")
    def label_display(self, track: Track) -> str:
        return _cell(track.label)

    @admin.display(description="Year", ordering="release_date")
    def year(self, track: Track) -> str:
        return str(track.release_date.year) if track.release_date else ""

    @admin.display(description="Known to")
    def known_to(self, track: Track) -> str:
        badges = [(provider_class(spec.provider).label, spec.provider[:2].upper())
                  for spec in id_fields() if getattr(track, spec.field)]
        return format_html('<span class="crate-badges" aria-label="Known to">{}</span>', format_html_join(
            "", '<abbr class="crate-badge" title="{}">{}</abbr>', badges,
        ))

    @admin.display(description="File", ordering="file_path")
    def file(self, track: Track) -> str:
        if not track.file_path:
            return ""
        # Two short lines, not one long one: the crate fits 1280 px.
        bitrate = f"{track.file_bitrate} kbit/s" if track.file_bitrate else ""
        return format_html('{}<div class="crate-muted">{}</div>', track.file_format.upper(), bitrate)

    @admin.display(description="BPM", ordering="bpm")
    def bpm_display(self, track: Track) -> str:
        return keys.bpm_text(track.bpm)

    @admin.display(description="Key", ordering="key_wheel")
    def key_display(self, track: Track) -> str:
        code = keys.camelot(track.key)
        if code is None:
            return track.key
        return format_html('<span title="{}">{}</span>', keys.key_text(code), keys.key_short_text(code))

    @admin.display(description="Length", ordering="duration")
    def length(self, track: Track) -> str:
        return keys.duration_text(track.duration)

    @admin.display(description="Where each field came from")
    def field_sources(self, track: Track) -> str:
        sources = track.metadata_sources or {}
        if not sources:
            return "No metadata fetched yet."
        rows = []
        for field in (*FIELD_MAP.values(), "version", "remixers", "release_date_precision", *PROVIDER_ID_FIELDS,
                      *RELATED_ID_FIELDS):
            if field not in sources:
                continue
            entry = sources[field]
            source = metadata.source_of(entry)
            label = "you (edited here)" if source == metadata.MANUAL else (provider_label(source) or "unknown")
            rows.append((_field_label(field), label, _when(entry)))
        return html_table("field-sources", ("Field", "From", "When"), rows)

    @admin.display(description="The file")
    def file_summary(self, track: Track) -> str:
        if not track.file_path:
            return "No local file yet."
        if track.file_missing:
            return "The file was not found by the last scan of the music folder."
        parts = [
            track.file_format.upper(), f"{track.file_bitrate} kbit/s" if track.file_bitrate else "",
            f"{track.file_sample_rate / 1000:g} kHz" if track.file_sample_rate else "",
            f"{track.file_bit_depth} bit" if track.file_bit_depth else "",
            length_text(round(track.file_duration)) if track.file_duration else "",
            keys.size_text(track.file_size) if track.file_size else "",
        ]
        return " · ".join(part for part in parts if part) or "A file of unknown format."

    @admin.display(description="MusicBrainz artists")
    def musicbrainz_artists(self, track: Track) -> str:
        return ", ".join(track.musicbrainz_artist_ids or ())

    @admin.display(description="MusicBrainz album artists")
    def musicbrainz_album_artists(self, track: Track) -> str:
        return ", ".join(track.musicbrainz_album_artist_ids or ())

    @admin.display(description="Audience")
    def audience_text(self, track: Track) -> str:
        """Each platform's latest figure from Soundcharts, in words."""
        lines = []
        for platform, figures in sorted((track.audience or {}).items()):
            latest = figures.get("latest") if isinstance(figures, dict) else None
            if isinstance(latest, dict) and isinstance(latest.get("value"), int):
                lines.append(f"{provider_label(platform)}: {latest['value']:,} on {latest.get('date', '')}")
        return "; ".join(lines) or "No audience figures fetched yet."

    @admin.display(description="Listen")
    def listen(self, track: Track) -> str:
        return player.player(track) or "No file to play."

    @admin.display(description="Tags in the file")
    def tags_state(self, track: Track) -> str:
        if not track.file_path:
            return "—"
        if track.tags_out_of_date:
            return f"Out of date: {track.tags_error or 'the last write did not finish'}. Use “Write tags” to try again."
        if track.tags_written_at:
            return f"Written {date_format(timezone.localtime(track.tags_written_at), 'DATETIME_FORMAT')}"
        return "Not written by Cratedigger yet."

    # The Downloads, Discoveries and Want list tabs are the other apps' to fill (core.extensions: see
    # downloads/, library/ and wantlist/admin_extensions.py): the catalogue knows none of them.
    @admin.display(description="Downloads")
    def downloads(self, track: Track) -> str:
        return extensions.section(track, "downloads", "Downloads are not installed.")

    @admin.display(description="Heard in")
    def discoveries(self, track: Track) -> str:
        return extensions.section(track, "discoveries", "")

    @admin.display(description="Want list")
    def want_state(self, track: Track) -> str:
        return extensions.section(track, "want_state", "")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        track = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "tools": object_tools(request, track) if track else []}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            # Ids, the ISRC and the file are the providers' and the music folder's to write, not a person's:
            # shown, never taken from a post.
            for name in PROTECTED_FIELDS:
                if name in form.base_fields:
                    # A copy: the form class's declared fields are shared with every other use of TrackForm.
                    field = copy.deepcopy(form.base_fields[name])
                    field.disabled = True
                    form.base_fields[name] = field
        return form

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
            format_html("Started {} over {}: {}.", count_text(len(created), "job"), count_text(total, "track"), links),
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

    def audio_view(self, request, track_id):
        """The track's own file, in parts as the player asks (staff who may view tracks only)."""
        track = get_object_or_404(Track, pk=track_id)
        if not self.has_view_permission(request, track):
            raise PermissionDenied
        if not player.playable(track):
            raise Http404("This track has no file on disk to play.")
        return ranged_file_response(request, track.file_path, player.media_type(track))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:track_id>/fetch-now/", view(require_POST(self.fetch_now_view)), name="tracks_track_fetch_now"),
            path(
                "<uuid:track_id>/fetch-background/", view(require_POST(self.fetch_background_view)),
                name="tracks_track_fetch_background",
            ),
            path("fetch-stale/", view(require_POST(self.fetch_stale_view)), name="tracks_track_fetch_stale"),
            path("<uuid:track_id>/audio/", view(self.audio_view), name="tracks_track_audio"),
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
                    request, f"Started {count_text(len(created), 'fetch job')} over {count_text(total, 'stale track')}.", messages.SUCCESS
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


def _cell(text: str) -> str:
    """A list cell that ends in an ellipsis when too long, with the whole text in its tooltip."""
    return format_html('<span class="crate-cell" title="{}">{}</span>', text, text)


def _field_label(field: str) -> str:
    label = Track._meta.get_field(field).verbose_name
    return label if label[:1].isupper() else label.capitalize()


def _when(entry) -> str:
    """Return when a field was given, as the admin shows times; "" when not recorded."""
    at = entry.get("at") if isinstance(entry, dict) else None
    parsed = parse_datetime(at) if isinstance(at, str) else None
    return date_format(timezone.localtime(parsed), "DATETIME_FORMAT") if parsed else ""


from tracks import admin_extensions  # noqa: E402, F401 - what the catalogue adds to the dashboard
