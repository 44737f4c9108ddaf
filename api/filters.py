"""The lists' filters, each declared once: ?artist=, ?bpm_min=, ?discovered_after= and the rest.

A filter that reads a rule the admin also applies calls the same code: keys through tracks.keys (the Camelot
wheel and its compatible keys), genres through their one spelling, text search through tracks.selectors.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from rest_framework.exceptions import ValidationError

from core.exports import start_of_day
from core.models import JobStatus
from downloads.models import Download, DownloadState
from downloads.quality import Quality
from library.models import DiscoveryStatus, LibraryTrack, Tracklist
from tracks import keys, selectors
from tracks.genres import normalise_genre
from tracks.models import Track
from wantlist.models import WantList, WantStatus


class TrackFieldsFilter(django_filters.FilterSet):
    """Filters over a track's own fields; prefix reaches the track from the listed row."""

    prefix = ""
    artist = django_filters.CharFilter(method="filter_artist", help_text="Part of an artist's name.")
    title = django_filters.CharFilter(method="filter_title", help_text="Part of the title.")
    genre = django_filters.CharFilter(method="filter_genre", help_text="A genre, in any spelling (dnb, Drum and Bass).")
    label = django_filters.CharFilter(method="filter_label", help_text="Part of the label's name.")

    def _field(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def filter_artist(self, queryset, name, value):
        return queryset.filter(Q(**{self._field("credit_name__icontains"): value})
                               | Q(**{self._field("artists__icontains"): value}))

    def filter_title(self, queryset, name, value):
        return queryset.filter(**{self._field("title__icontains"): value})

    def filter_genre(self, queryset, name, value):
        return queryset.filter(**{self._field("genre"): normalise_genre(value)})

    def filter_label(self, queryset, name, value):
        return queryset.filter(**{self._field("label__icontains"): value})


class TrackFilter(TrackFieldsFilter):
    bpm_min = django_filters.NumberFilter(field_name="bpm", lookup_expr="gte", min_value=0, max_value=999,
                                          help_text="BPM from (inclusive).")
    bpm_max = django_filters.NumberFilter(field_name="bpm", lookup_expr="lte", min_value=0, max_value=999,
                                          help_text="BPM up to (inclusive).")
    key = django_filters.CharFilter(method="filter_key", help_text="A key: 8A, Am or “A minor”.")
    key_compatible = django_filters.BooleanFilter(method="filter_nothing",
                                                  help_text="With key: also the keys that mix with it on the wheel.")
    key_min = django_filters.CharFilter(method="filter_key_min", help_text="Keys from this one on the Camelot wheel "
                                                                           "(1A … 12B), such as 4A.")
    key_max = django_filters.CharFilter(method="filter_key_max", help_text="Keys up to this one on the wheel.")
    year_min = django_filters.NumberFilter(field_name="release_date__year", lookup_expr="gte", min_value=1000,
                                           max_value=9999)
    year_max = django_filters.NumberFilter(field_name="release_date__year", lookup_expr="lte", min_value=1000,
                                           max_value=9999)
    has_file = django_filters.BooleanFilter(method="filter_has_file")
    search = django_filters.CharFilter(method="filter_search", help_text="Artist, title, album, label or ISRC; or an "
                                       "id with its prefix (isrc:, mbid:, spotify:, discogs:, beatport:, deezer:, …).")

    class Meta:
        model = Track
        fields: list[str] = []

    def _code(self, value: str, name: str) -> str:
        code = keys.camelot(value)
        if code is None:
            raise ValidationError({name: [f"“{value[:40]}” is not a key. {keys.KEY_HELP}"]})
        return code

    def filter_key(self, queryset, name, value):
        code = self._code(value, "key")
        codes = keys.compatible(code) if self.form.cleaned_data.get("key_compatible") else [code]
        return queryset.filter(key_wheel__in=[keys.wheel_index(each) for each in codes])

    def filter_key_min(self, queryset, name, value):
        return queryset.filter(key_wheel__gte=keys.wheel_index(self._code(value, "key_min")))

    def filter_key_max(self, queryset, name, value):
        return queryset.filter(key_wheel__lte=keys.wheel_index(self._code(value, "key_max")))

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_has_file(self, queryset, name, value):
        return queryset.exclude(file_path="") if value else queryset.filter(file_path="")

    def filter_search(self, queryset, name, value):
        return selectors.tracks_search(queryset, value)


class LibraryTrackFilter(TrackFieldsFilter):
    prefix = "track__"
    discovered_after = django_filters.DateFilter(method="filter_discovered_after",
                                                 help_text="First discovered on or after this day (YYYY-MM-DD).")
    provisional = django_filters.BooleanFilter(field_name="is_provisional")

    class Meta:
        model = LibraryTrack
        fields: list[str] = []

    def filter_discovered_after(self, queryset, name, value):
        return queryset.filter(first_discovered__gte=start_of_day(value))


class WantFilter(TrackFieldsFilter):
    prefix = "library_track__track__"
    status = django_filters.ChoiceFilter(choices=WantStatus.choices)
    priority = django_filters.NumberFilter(min_value=1, max_value=5)
    discovered_after = django_filters.DateFilter(method="filter_discovered_after")

    class Meta:
        model = WantList
        fields: list[str] = []

    def filter_discovered_after(self, queryset, name, value):
        return queryset.filter(library_track__first_discovered__gte=start_of_day(value))


class TracklistFilter(django_filters.FilterSet):
    dj = django_filters.CharFilter(field_name="dj", lookup_expr="icontains")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Tracklist
        fields: list[str] = []


class DownloadFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DownloadState.choices)
    quality = django_filters.ChoiceFilter(choices=Quality.choices)
    source = django_filters.CharFilter()
    track = django_filters.UUIDFilter(field_name="track_id")

    class Meta:
        model = Download
        fields: list[str] = []


LINE_STATUSES = DiscoveryStatus.choices
JOB_STATUSES = JobStatus.choices
