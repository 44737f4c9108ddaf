"""The track list's filters: by BPM, key, genre, label, year, file, the providers that know a track, and stale
metadata. The library's and the want list's lists filter their tracks' genre and label with CachedValuesFilter."""

from __future__ import annotations

from decimal import Decimal

from unfold.contrib.filters.admin import DropdownFilter, RangeNumericListFilter

from providers.registry import id_fields, provider_class
from tracks import keys, selectors


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
