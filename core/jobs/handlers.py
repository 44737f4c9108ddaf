"""The kinds of job and their handlers: what a kind writes (how to process one item), and how the engine finds it."""

from __future__ import annotations

import abc
import logging
import threading
from collections.abc import Sequence
from functools import cache

from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.utils.module_loading import import_string

from core.jobs.outcomes import BatchOutcome, ItemOutcome, Later
from core.models import Job
from providers.base import ProviderError, RateLimited

logger = logging.getLogger(__name__)


class RunContext:
    """What a handler may ask of the run in progress."""

    def __init__(self, job: Job):
        self.job = job
        self.stop = threading.Event()

    def should_stop(self) -> bool:
        """Return True once the job was cancelled or taken over: finish the current item and stop."""
        return self.stop.is_set()


class JobHandler(abc.ABC):
    """How one kind of job processes its items. Subclasses implement `process_item` (or `process_batch`)."""

    # Items handed over at once; their writes share one transaction.
    batch_size = 1

    def select_items(self, queryset):
        """Return the items queryset with whatever process_item reads joined in."""
        return queryset

    def later(self, job: Job) -> Later | None:
        """When the pending items select_items left out (none of them is due yet) are due, and what they wait for.

        Asked when select_items gives nothing while items are still pending; None finishes the job.
        """
        return None

    def on_cancel(self, job: Job) -> None:
        """Let go of what the cancelled job's unfinished items hold; a job waiting between runs has no run to do it."""
        return None

    @abc.abstractmethod
    def process_item(self, job: Job, item, ctx: RunContext) -> ItemOutcome:
        """Process one item; raise RateLimited to wait, ProviderError for a failure worth reporting."""

    def process_batch(self, job: Job, items: Sequence, ctx: RunContext) -> BatchOutcome:
        """Process items one at a time; one item's failure never stops the others."""
        outcome = BatchOutcome()
        for item in items:
            if ctx.should_stop():
                break
            try:
                outcome.done[item.pk] = self.process_item(job, item, ctx)
            except RateLimited as exc:
                outcome.wait = exc
                break
            except SoftTimeLimitExceeded:
                outcome.interrupted = True
                break
            except ProviderError as exc:
                outcome.done[item.pk] = ItemOutcome(error=str(exc))
            except Exception as exc:  # noqa: BLE001 - one bad item never stops the others
                outcome.done[item.pk] = ItemOutcome(error=unexpected_error(item, exc))
        return outcome


def unexpected_error(item, exc: BaseException) -> str:
    logger.exception("Job item %s failed unexpectedly", item.pk)
    return f"Unexpected error for “{item}”: {exc.__class__.__name__}: {exc}"


# --- The kinds of job ------------------------------------------------------------------


def job_models() -> list[type[Job]]:
    """Return every concrete job model."""
    return [model for model in apps.get_models() if issubclass(model, Job)]


def label_of(model: type[Job]) -> str:
    return model._meta.label_lower


def model_for(label: str) -> type[Job]:
    model = apps.get_model(label)
    if not issubclass(model, Job):
        raise LookupError(f"{label} is not a job model")
    return model


@cache
def handler_for(model: type[Job]) -> JobHandler:
    return import_string(model.handler)()


def item_model_for(model: type[Job]):
    return model._meta.get_field("items").related_model
