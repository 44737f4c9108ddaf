"""Discovery statistics, trends and a tracklist's sources over HTTP, from the same aggregate reads as the admin's
statistics page and `manage.py discovery_stats` (library.statistics, library.selectors)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.views.base import ApiView
from api.views.docs import errors
from library import selectors, statistics
from library.models import Tracklist

VIEW = ["library.view_discoverystatistics"]


class NameCount(serializers.Serializer):
    name = serializers.CharField()
    tracks = serializers.IntegerField()


class MixCount(serializers.Serializer):
    tracklist_id = serializers.UUIDField()
    name = serializers.CharField()
    tracks = serializers.IntegerField()


class PlayedCount(serializers.Serializer):
    library_track_id = serializers.UUIDField()
    track = serializers.CharField()
    mixes = serializers.IntegerField()


class StatisticsSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    sightings = serializers.IntegerField()
    tracks_discovered = serializers.IntegerField()
    unique_artists = serializers.IntegerField()
    unique_labels = serializers.IntegerField()
    tracklists_processed = serializers.IntegerField()
    top_genres = NameCount(many=True)
    top_artists = NameCount(many=True)
    top_labels = NameCount(many=True)
    top_mixes = MixCount(many=True)
    top_djs = NameCount(many=True)
    most_played = PlayedCount(many=True)


class StatisticsQuery(serializers.Serializer):
    period = serializers.ChoiceField(choices=["daily", "weekly", "monthly", "all-time"], default="weekly")
    day = serializers.DateField(required=False, help_text="A day in the period; today by default.")


def _named(rows) -> list[dict]:
    return [{"name": str(name), "tracks": count} for name, count in rows]


class StatisticsView(ApiView):
    perms = {"GET": VIEW}

    @extend_schema(summary="Discovery statistics of a period", parameters=[StatisticsQuery],
                   responses={200: StatisticsSerializer, **errors(400)})
    def get(self, request):
        asked = StatisticsQuery(data=request.query_params)
        asked.is_valid(raise_exception=True)
        figures = statistics.statistics_for(period=asked.validated_data["period"], day=asked.validated_data.get("day"))
        return Response({
            "period": figures["period"], "period_start": figures["period_start"].isoformat(),
            "period_end": figures["period_end"].isoformat(), "sightings": figures["sightings"],
            "tracks_discovered": figures["tracks_discovered"], "unique_artists": figures["unique_artists"],
            "unique_labels": figures["unique_labels"], "tracklists_processed": figures["tracklists_processed"],
            "top_genres": _named(figures["top_genres"]), "top_artists": _named(figures["top_artists"]),
            "top_labels": _named(figures["top_labels"]),
            "top_mixes": [{"tracklist_id": pk, "name": name, "tracks": count}
                          for name, pk, count in figures["sources"]["mixes"]],
            "top_djs": _named(figures["sources"]["djs"]),
            "most_played": [{"library_track_id": pk, "track": name, "mixes": count}
                            for name, pk, count in figures["most_played"]],
        })


class Rising(serializers.Serializer):
    name = serializers.CharField()
    now = serializers.IntegerField()
    before = serializers.IntegerField()


class WeekCount(serializers.Serializer):
    week = serializers.DateField(help_text="Its Monday.")
    sightings = serializers.IntegerField()


class ProviderSuccess(serializers.Serializer):
    provider = serializers.CharField()
    label = serializers.CharField()
    consulted = serializers.IntegerField()
    identified = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class SourceSuccess(serializers.Serializer):
    dj = serializers.CharField(allow_blank=True)
    lines = serializers.IntegerField()
    identified = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class Success(serializers.Serializer):
    lines = serializers.IntegerField()
    identified = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    by_provider = ProviderSuccess(many=True)
    by_method = serializers.DictField(child=serializers.IntegerField())
    by_source = SourceSuccess(many=True)


class Conversion(serializers.Serializer):
    added = serializers.IntegerField()
    purchased = serializers.IntegerField()
    wanted = serializers.IntegerField()
    unavailable = serializers.IntegerField()
    purchased_in_window = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class TrendsSerializer(serializers.Serializer):
    today = serializers.DateField()
    days = serializers.IntegerField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    trending_artists = Rising(many=True)
    trending_genres = Rising(many=True)
    discovery_rate = WeekCount(many=True)
    success = Success()
    wantlist = Conversion()


class TrendsQuery(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=3650, default=30)


class TrendsView(ApiView):
    perms = {"GET": VIEW}

    @extend_schema(summary="Discovery trends of the last days against the days before", parameters=[TrendsQuery],
                   responses={200: TrendsSerializer, **errors(400)})
    def get(self, request):
        asked = TrendsQuery(data=request.query_params)
        asked.is_valid(raise_exception=True)
        found = statistics.trends(days=asked.validated_data["days"])
        success = found["success"]
        return Response({
            "today": found["today"].isoformat(), "days": found["days"],
            "window_start": found["window"][0].isoformat(), "window_end": found["window"][1].isoformat(),
            "previous_start": found["previous"][0].isoformat(), "previous_end": found["previous"][1].isoformat(),
            "trending_artists": [{"name": str(n), "now": a, "before": b} for n, a, b in found["trending_artists"]],
            "trending_genres": [{"name": str(n), "now": a, "before": b} for n, a, b in found["trending_genres"]],
            "discovery_rate": [{"week": monday.isoformat(), "sightings": count}
                               for monday, count in found["discovery_rate"]],
            "success": {**success, "by_method": dict(success["by_method"])},
            "wantlist": found["wantlist"],
        })


class SourceCount(serializers.Serializer):
    source = serializers.CharField(help_text="“library”, or a provider.")
    consulted = serializers.IntegerField(help_text="Lines that asked it.")
    identified = serializers.IntegerField(help_text="Lines its candidate identified.")


class SourcesSerializer(serializers.Serializer):
    tracklist_id = serializers.UUIDField()
    name = serializers.CharField()
    lines = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_method = serializers.DictField(child=serializers.IntegerField())
    sources = SourceCount(many=True)
    library_tracks = serializers.IntegerField(help_text="Distinct library tracks its lines point at.")


class SourcesView(ApiView):
    perms = {"GET": ["library.view_tracklist", "library.view_trackdiscovery"]}

    @extend_schema(summary="How a tracklist's lines were identified, by source",
                   responses={200: SourcesSerializer, **errors(404)})
    def get(self, request, tracklist_id):
        tracklist = get_object_or_404(Tracklist, pk=tracklist_id)
        return Response({"tracklist_id": str(tracklist.pk), "name": tracklist.name,
                         **selectors.tracklist_sources(tracklist=tracklist)})

