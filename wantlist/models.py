"""The want list: library tracks the user wants to buy or download."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from common.text import count_text
from core.models import Job, JobItem


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
    purchase_links_errors = models.JSONField(
        default=list, blank=True,
        help_text="The stores that failed at the last refresh, and why; their old links stay.",
    )
    purchased_at = models.DateTimeField(null=True, blank=True, help_text="When it was marked purchased.")
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

    @property
    def cheapest(self) -> dict | None:
        """The cheapest priced link, if any store gave a price."""
        links = self.purchase_links if isinstance(self.purchase_links, list) else []
        priced = [(price, link) for link in links if isinstance(link, dict) and (price := link_price(link)) is not None]
        return min(priced, key=lambda pair: pair[0], default=(None, None))[1]


def link_price(link: dict) -> Decimal | None:
    """Return a purchase link's price as a number; None when the store gave none or something that is not one."""
    value = link.get("price")
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        price = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return price if price.is_finite() else None


class PurchaseLinksJob(Job):
    """Refresh the purchase links of wanted tracks: one item per want-list entry."""

    handler = "wantlist.jobs.PurchaseLinksHandler"

    force_refresh = models.BooleanField(default=False, help_text="Ask the stores again, bypassing the cache.")

    class Meta(Job.Meta):
        verbose_name = "purchase links job"

    def __str__(self) -> str:
        started = timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M") if self.created_at else "new"
        return f"Purchase links for {count_text(self.total, 'wanted track')} ({started})"


class PurchaseLinksJobItem(JobItem):
    job = models.ForeignKey(PurchaseLinksJob, on_delete=models.CASCADE, related_name="items")
    want = models.ForeignKey(WantList, on_delete=models.CASCADE, related_name="link_items")

    class Meta(JobItem.Meta):
        constraints = [
            *JobItem.Meta.constraints,
            models.UniqueConstraint(fields=["job", "want"], name="linksitem_unique_want"),
        ]
        indexes = [models.Index(fields=["job", "status", "position"], name="linksitem_job_status_idx")]

    def __str__(self) -> str:
        return str(self.want)
