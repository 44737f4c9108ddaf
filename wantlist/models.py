"""The want list: library tracks the user wants to buy or download."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class WantStatus(models.TextChoices):
    WANTED = "wanted", "Wanted"
    PURCHASED = "purchased", "Purchased"
    UNAVAILABLE = "unavailable", "Unavailable"


class WantList(models.Model):
    """One wanted library track, with its priority and where to buy it."""

    Status = WantStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    library_track = models.OneToOneField(
        "library.LibraryTrack", on_delete=models.CASCADE, related_name="want"
    )
    priority = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (most wanted) to 5.",
        db_index=True,
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WANTED, db_index=True)
    notes = models.TextField(blank=True)
    found_in = models.ForeignKey(
        "library.Tracklist",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wanted_tracks",
        help_text="The mix it was heard in.",
    )
    purchase_links = models.JSONField(
        default=list, blank=True, help_text="Where to buy it: each store's link and price, as last found."
    )
    purchase_links_fetched_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "-added_at"]
        verbose_name = "wanted track"
        verbose_name_plural = "wanted tracks"
        constraints = [
            models.CheckConstraint(condition=Q(priority__gte=1) & Q(priority__lte=5), name="want_priority_1_5"),
            models.CheckConstraint(
                condition=Q(status__in=WantStatus.values), name="want_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.library_track)
