"""Thin Celery tasks of the API."""

from __future__ import annotations

from celery import shared_task

from api import services


@shared_task(name="api.tasks.idempotency_keys_expire", verbose_name="Delete expired API idempotency keys")
def idempotency_keys_expire() -> dict:
    """Forget the answers kept for Idempotency-Key headers older than API_IDEMPOTENCY_HOURS."""
    return {"deleted": services.idempotency_keys_expire()}
