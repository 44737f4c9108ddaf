"""Discovery's shapes: tracklists and their lines with the candidates scored, library tracks, the statistics."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import TrackSummarySerializer, iso
from library.models import DiscoveryStatus, LibraryTrack, TrackDiscovery, Tracklist


class CandidateSerializer(serializers.Serializer):
    """One provider's candidate for a line, scored: what a person compares in the review queue."""

    index = serializers.IntegerField(help_text="Its number on the line: what accepting it names.")
    source = serializers.CharField()
    external_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    version = serializers.CharField(allow_blank=True)
    artists = serializers.ListField(child=serializers.CharField())
    album = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)
    duration = serializers.IntegerField(allow_null=True)
    isrc = serializers.CharField(allow_blank=True)
    release_date = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(allow_blank=True, help_text="MusicBrainz's disambiguation.")
    score = serializers.FloatField(allow_null=True)
    same_version = serializers.BooleanField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    alternative = serializers.BooleanField(help_text="Another listing of the recording linked (or shown first).")


def candidate(index: int, kept) -> dict:
    kept = kept if isinstance(kept, dict) else {}

    def text(name):
        value = kept.get(name)
        return "" if value is None else str(value)

    duration, score = kept.get("duration"), kept.get("score")
    return {
        "index": index, "source": text("source"), "external_id": text("external_id"), "title": text("title"),
        "version": text("version"), "artists": [str(name) for name in kept.get("artists") or []],
        "album": text("album"), "label": text("label"),
        "duration": duration if isinstance(duration, int) and not isinstance(duration, bool) else None,
        "isrc": text("isrc"), "release_date": kept.get("release_date") or None, "url": text("url"),
        "comment": text("comment"),
        "score": float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
        "same_version": kept.get("same_version") if isinstance(kept.get("same_version"), bool) else None,
        "reasons": [str(reason) for reason in kept.get("reasons") or []],
        "alternative": kept.get("alternative") is True,
    }


class LineSerializer(serializers.Serializer):
    """One line of a tracklist: what was read from it, and how it was identified."""

    id = serializers.UUIDField()
    tracklist_id = serializers.UUIDField()
    position = serializers.IntegerField()
    timestamp = serializers.IntegerField(allow_null=True, help_text="Seconds into the mix.")
    raw_text = serializers.CharField()
    artist = serializers.CharField(allow_blank=True)
    artists = serializers.ListField(child=serializers.CharField())
    title = serializers.CharField(allow_blank=True)
    version = serializers.CharField(allow_blank=True)
    remixers = serializers.ListField(child=serializers.CharField())
    label = serializers.CharField(allow_blank=True)
    catalog_number = serializers.CharField(allow_blank=True)
    together = serializers.BooleanField(help_text="Played together with the line before (“w/”).")
    status = serializers.ChoiceField(choices=DiscoveryStatus.choices)
    confidence = serializers.FloatField(allow_null=True)
    method = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    identified_by = serializers.CharField(allow_blank=True)
    sources_consulted = serializers.ListField(child=serializers.CharField())
    library_track_id = serializers.UUIDField(allow_null=True)
    identified_at = serializers.DateTimeField(allow_null=True)
    candidates = CandidateSerializer(many=True, required=False, help_text="In the review queue and on request.")

    def to_representation(self, line: TrackDiscovery) -> dict:
        data = {
            "id": str(line.pk), "tracklist_id": str(line.tracklist_id), "position": line.position,
            "timestamp": int(line.timestamp.total_seconds()) if line.timestamp is not None else None,
            "raw_text": line.raw_text, "artist": line.artist, "artists": [str(a) for a in line.artists or []],
            "title": line.title, "version": line.version, "remixers": [str(r) for r in line.remixers or []],
            "label": line.label, "catalog_number": line.catalog_number, "together": line.together,
            "status": line.status, "confidence": line.confidence, "method": line.method, "reason": line.reason,
            "identified_by": line.identified_by,
            "sources_consulted": [str(name) for name in line.sources_consulted or []],
            "library_track_id": str(line.library_track_id) if line.library_track_id else None,
            "identified_at": iso(line.identified_at),
        }
        if self.context.get("with_candidates"):
            data["candidates"] = [candidate(index, kept) for index, kept in enumerate(line.candidates or [])]
        return data


class TracklistSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    dj = serializers.CharField(allow_blank=True)
    date = serializers.DateField(allow_null=True)
    source_url = serializers.CharField(allow_blank=True)
    lines_by_status = serializers.DictField(child=serializers.IntegerField(),
                                            help_text="How many lines have each status.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, tracklist: Tracklist) -> dict:
        counts = {status: 0 for status in DiscoveryStatus.values}
        for status in tracklist.discoveries.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        return {
            "id": str(tracklist.pk), "name": tracklist.name, "dj": tracklist.dj,
            "date": tracklist.date.isoformat() if tracklist.date else None, "source_url": tracklist.source_url,
            "lines_by_status": counts, "created_at": iso(tracklist.created_at), "updated_at": iso(tracklist.updated_at),
        }


class TracklistDetailSerializer(TracklistSerializer):
    raw_text = serializers.CharField(allow_blank=True)
    lines = LineSerializer(many=True)

    def to_representation(self, tracklist: Tracklist) -> dict:
        lines = tracklist.discoveries.order_by("position")
        return {**super().to_representation(tracklist), "raw_text": tracklist.raw_text,
                "lines": LineSerializer(lines, many=True, context=self.context).data}


class TracklistCreateSerializer(serializers.Serializer):
    """A tracklist as text, or as a .txt, .csv or .cue file (multipart), with the mix's facts."""

    name = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                 help_text="Needed with text; a file gives its own when this is empty.")
    dj = serializers.CharField(max_length=300, required=False, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)
    source_url = serializers.URLField(max_length=1000, required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                 help_text="The tracklist, one track per line.")
    file = serializers.FileField(required=False, help_text="A .txt, .csv (artist and title columns) or .cue file.")
    discover = serializers.BooleanField(default=False, help_text="Start identifying its lines at once.")

    def validate(self, data):
        if data.get("file") is None and not (data.get("text") or "").strip():
            raise serializers.ValidationError({"text": ["Send the tracklist as text, or a file."]})
        if data.get("file") is None and not (data.get("name") or "").strip():
            raise serializers.ValidationError({"name": ["Give the mix a name."]})
        return data


class DiscoverRequestSerializer(serializers.Serializer):
    process_all = serializers.BooleanField(default=True, help_text="Every line identification looks at.")
    positions = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=1_000_000), required=False,
                                      min_length=1, max_length=10_000, help_text="Only the lines at these positions.")
    force_refresh = serializers.BooleanField(default=False, help_text="Ask the providers again, bypassing the cache.")

    def validate(self, data):
        if "positions" in self.initial_data and data.get("process_all") and "process_all" in self.initial_data:
            raise serializers.ValidationError("Send process_all or positions, not both.")
        if not data.get("process_all") and "positions" not in data:
            raise serializers.ValidationError({"positions": ["Name the lines to identify, or send process_all."]})
        return data


class WantBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    priority = serializers.IntegerField()


class LibraryTrackSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    track = TrackSummarySerializer()
    discovery_count = serializers.IntegerField(help_text="Distinct mixes it was heard in.")
    first_discovered = serializers.DateTimeField(allow_null=True)
    last_seen = serializers.DateTimeField(allow_null=True)
    provisional = serializers.BooleanField(help_text="Not yet tied to any provider's recording.")
    added_at = serializers.DateTimeField()
    want = WantBriefSerializer(allow_null=True)

    def to_representation(self, entry: LibraryTrack) -> dict:
        want = getattr(entry, "want", None)
        return {
            "id": str(entry.pk), "track": TrackSummarySerializer(entry.track).data,
            "discovery_count": entry.discovery_count, "first_discovered": iso(entry.first_discovered),
            "last_seen": iso(entry.last_seen), "provisional": entry.is_provisional, "added_at": iso(entry.added_at),
            "want": {"id": str(want.pk), "status": want.status, "priority": want.priority} if want else None,
        }


class MixBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    dj = serializers.CharField(allow_blank=True)
    date = serializers.DateField(allow_null=True)


class LibraryTrackDetailSerializer(LibraryTrackSerializer):
    notes = serializers.CharField(allow_blank=True)
    discovered_from = MixBriefSerializer(many=True)
    lines = LineSerializer(many=True, help_text="The tracklist lines it was heard as.")

    def to_representation(self, entry: LibraryTrack) -> dict:
        mixes = entry.discovered_from.order_by("-date", "-created_at")
        return {
            **super().to_representation(entry), "notes": entry.notes,
            "discovered_from": [{"id": str(mix.pk), "name": mix.name, "dj": mix.dj,
                                 "date": mix.date.isoformat() if mix.date else None} for mix in mixes],
            "lines": LineSerializer(entry.discoveries.order_by("-created_at")[:100], many=True).data,
        }


class IdentifiedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DiscoveryStatus.choices, help_text="What identification decided.")
    merged = serializers.BooleanField(help_text="The provisional entry was merged into the recording found.")
    library_track = LibraryTrackSerializer(help_text="The library track it is now (another id when merged).")
    line = LineSerializer(help_text="The line it was identified from, with its candidates.")
    message = serializers.CharField()
