"""The catalogue in the admin: the track list and a track's page, declared here; their filters are in
tracks/admin_filters.py, their own pages (fetch now, the Soundcharts import, the Spotify search, a track's audio) in
tracks/admin_pages.py; and the metadata fetch jobs with live progress."""

from __future__ import annotations

import copy

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from common.text import bpm_text, length_text, size_text
from core import extensions
from core.admin import CrateListAdmin, JobAdmin, html_table, object_tools
from providers.registry import id_fields, provider_class, provider_label
from tracks import keys, metadata, player, selectors, services
from tracks.admin_filters import (
    BpmFilter,
    CachedValuesFilter,  # noqa: F401 - the library's and the want list's filters extend it
    GenreFilter,
    HasFileFilter,
    KeyFilter,
    LabelFilter,
    ProviderFilter,
    StaleFilter,
    YearFilter,
)
from tracks.admin_pages import TrackPagesMixin
from tracks.forms import TrackForm
from tracks.metadata import FIELD_MAP
from tracks.models import PROVIDER_ID_FIELDS, RELATED_ID_FIELDS, FetchTaskType, MetadataFetchTask, Track

PROTECTED_FIELDS = services.PROTECTED_FIELDS


@admin.register(Track)
class TrackAdmin(TrackPagesMixin, CrateListAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = TrackForm
    list_display = (
        "artwork", "track", "bpm_display", "key_display", "length", "genre_display", "label_display", "year",
        "isrc", "file",
    )
    list_display_links = ("track",)
    list_filter = (BpmFilter, KeyFilter, GenreFilter, LabelFilter, YearFilter, HasFileFilter,
                   ProviderFilter, StaleFilter)
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
        "id", "field_sources", "metadata_fetched_at", "audience_text", "audience_fetched_at",
        "created_at", "updated_at",
        "file_summary", "listen", "downloads", "discoveries", "want_state", "tags_state", "musicbrainz_release_id",
        "musicbrainz_release_group_id", "musicbrainz_artists", "musicbrainz_album_artists",
    )
    # The track page's tabs: what it is, where each field came from, its file, downloads, discoveries, want list.
    fieldsets = (
        ("Metadata", {"classes": ["tab"], "fields": (
            "title", "version", "remixers", "credit_name", "artists", "album", "album_artist", "label",
            "catalog_number", "release_date",
            "isrc", "track_number", "disc_number", "genre", "bpm", "key", "duration", "rating",
            "artwork_url",
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
            '<img src="{}" alt="" width="32" height="32" loading="lazy" referrerpolicy="no-referrer">',
            track.artwork_url,
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
        return bpm_text(track.bpm)

    @admin.display(description="Key", ordering="key_wheel")
    def key_display(self, track: Track) -> str:
        code = keys.camelot(track.key)
        if code is None:
            return track.key
        return format_html('<span title="{}">{}</span>', keys.key_text(code), keys.key_short_text(code))

    @admin.display(description="Length", ordering="duration")
    def length(self, track: Track) -> str:
        return length_text(track.duration)

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
            size_text(track.file_size) if track.file_size else "",
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
            # A tag write job under way (after an edit) is the music folder's to name: audio/admin_extensions.py.
            waiting = extensions.section(track, "tags_waiting", "")
            return waiting or (
                f"Out of date: {track.tags_error or 'the last write did not finish'}. Use “Write tags” to try again."
            )
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

    # --- Actions: each starts fetch jobs (TrackPagesMixin._start_jobs says so) --------------------

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
