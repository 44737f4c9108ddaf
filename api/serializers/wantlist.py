"""The want list's shapes: a wanted track, its purchase links, and what a person may change of it."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import iso
from api.serializers.library import LibraryTrackSerializer
from wantlist.models import WantList, WantStatus, link_price


class PurchaseLinkSerializer(serializers.Serializer):
    store = serializers.CharField()
    url = serializers.CharField()
    price = serializers.FloatField(allow_null=True)
    currency = serializers.CharField(allow_blank=True)
    kind = serializers.CharField(help_text="track (its page), release (a record that holds it) or search.")
    title = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)


def link(kept: dict) -> dict:
    price = link_price(kept)
    return {
        "store": str(kept.get("store") or ""), "url": str(kept.get("url") or ""),
        "price": float(price) if price is not None else None, "currency": str(kept.get("currency") or ""),
        "kind": str(kept.get("kind") or "track"), "title": str(kept.get("title") or ""),
        "source": str(kept.get("source") or ""),
    }


class MixRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class WantSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    library_track = LibraryTrackSerializer()
    priority = serializers.IntegerField(min_value=1, max_value=5, help_text="1 (most wanted) to 5.")
    status = serializers.ChoiceField(choices=WantStatus.choices)
    notes = serializers.CharField(allow_blank=True)
    found_in = MixRefSerializer(allow_null=True, help_text="The mix it was heard in.")
    cheapest = PurchaseLinkSerializer(allow_null=True)
    purchase_links_fetched_at = serializers.DateTimeField(allow_null=True)
    purchased_at = serializers.DateTimeField(allow_null=True)
    added_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, want: WantList) -> dict:
        cheapest = want.cheapest
        return {
            "id": str(want.pk), "library_track": LibraryTrackSerializer(want.library_track).data,
            "priority": want.priority, "status": want.status, "notes": want.notes,
            "found_in": {"id": str(want.found_in_id), "name": want.found_in.name} if want.found_in_id else None,
            "cheapest": link(cheapest) if cheapest else None,
            "purchase_links_fetched_at": iso(want.purchase_links_fetched_at), "purchased_at": iso(want.purchased_at),
            "added_at": iso(want.added_at), "updated_at": iso(want.updated_at),
        }


class WantCreateSerializer(serializers.Serializer):
    """What to want: a library track, a catalogue track or a tracklist line (exactly one), with a priority and notes."""

    library_track_id = serializers.UUIDField(required=False)
    track_id = serializers.UUIDField(required=False, help_text="A catalogue track: it joins the library too.")
    line_id = serializers.UUIDField(required=False, help_text="A tracklist line, a close call included.")
    priority = serializers.IntegerField(min_value=1, max_value=5, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)

    def validate(self, data):
        named = [name for name in ("library_track_id", "track_id", "line_id") if name in data]
        if len(named) != 1:
            raise serializers.ValidationError("Name exactly one of library_track_id, track_id or line_id.")
        return data


class WantUpdateSerializer(serializers.Serializer):
    priority = serializers.IntegerField(min_value=1, max_value=5, required=False)
    status = serializers.ChoiceField(choices=WantStatus.choices, required=False,
                                     help_text="Marking purchased records when.")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class WantAddedSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when it was wanted already (only what was asked changed).")
    want = WantSerializer()
    message = serializers.CharField()


class PurchaseLinksSerializer(serializers.Serializer):
    library_track_id = serializers.UUIDField()
    wanted = serializers.BooleanField(help_text="Purchase links are kept for wanted tracks only.")
    want_id = serializers.UUIDField(allow_null=True)
    links = PurchaseLinkSerializer(many=True, help_text="Cheapest first; those without a price after.")
    fetched_at = serializers.DateTimeField(allow_null=True)
    errors = serializers.ListField(child=serializers.CharField(), help_text="The stores that failed, and why; their "
                                                                          "earlier links are kept.")
