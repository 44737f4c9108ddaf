"""How the engine runs a download job: the downloads that are due, stepped side by side, and none waited for.

Each download moves one step at a time (`downloads.steps.download_step`), which says
when it wants to be looked at again; that time is kept on the download
(`next_step_at`). A run steps the due downloads of its job, each again at once
while it has more to do now, and hands its worker back as soon as every due one
has been stepped and none is due: the engine queues the job again for when the
next one is (`core.jobs.Later`), saying what they wait for. A download waiting
in a peer's queue (which can take hours on Soulseek), for a search's answers or
for a retry holds no worker meanwhile, and leaves its place in the batch to the
next: a download that only waits never keeps a later one from starting.

A download leaves the job when it is finished or waits for a person. A cancel
of the job cancels its downloads (at once when the job waits between runs).
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Sequence

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from core.jobs import BatchOutcome, ItemOutcome, JobHandler, Later, RunContext, unexpected_error
from core.models import ItemStatus, JobStatus
from downloads.models import WORKING_STATES, Download, DownloadJob, DownloadJobItem, DownloadState
from downloads.moves import download_cancel, download_fail
from downloads.starts import download_retry
from downloads.steps import download_step, download_waiting_for

# How long one batch keeps stepping downloads that have more to do at once before the engine takes over
# (it records the batch, then carries on with whatever is due); never a wait.
BATCH_SLICE = 60.0
# The note of a download cancelled with its job: "Retry failed" on the job starts it afresh, as a failed one.
CANCELLED_WITH_JOB = "Cancelled with its job."


class DownloadHandler(JobHandler):
    @property
    def batch_size(self) -> int:  # downloads stepped side by side, per job
        return settings.SLSKD_MAX_CONCURRENT

    def select_items(self, queryset):
        """Return the pending items whose download is due: its next look has come, or this job no longer moves it."""
        due = (
            Q(download__next_step_at__isnull=True)
            | Q(download__next_step_at__lte=timezone.now())
            | ~Q(download__state__in=WORKING_STATES)
            | Q(download__job__isnull=True)
            | ~Q(download__job_id=F("job_id"))
        )
        return queryset.filter(due).select_related("download__track")

    def later(self, job: DownloadJob) -> Later | None:
        """Say when the job's next download is due, and what its downloads wait for."""
        waiting = list(
            Download.objects.filter(job_items__job=job, job_items__status=ItemStatus.PENDING)
            .order_by("job_items__position")
            .only("state", "error", "next_step_at")
        )
        if not waiting:
            return None
        next_at = min((d.next_step_at for d in waiting if d.next_step_at is not None), default=timezone.now())
        seconds = max(0.0, (next_at - timezone.now()).total_seconds())
        return Later(seconds=seconds, reason=waiting_reason(waiting))

    def on_cancel(self, job: DownloadJob) -> None:
        """Cancel the downloads the job still moves: their transfers at slskd, and any search slot they hold."""
        pending = DownloadJobItem.objects.filter(job=job, status=ItemStatus.PENDING).values_list("download", flat=True)
        for download in Download.objects.filter(pk__in=list(pending), job=job, state__in=WORKING_STATES):
            download_cancel(download=download, note=CANCELLED_WITH_JOB)

    def process_item(self, job: DownloadJob, item: DownloadJobItem, ctx: RunContext) -> ItemOutcome:
        return self.process_batch(job, [item], ctx).done.get(item.pk, ItemOutcome(error="Not finished."))

    def process_batch(self, job: DownloadJob, items: Sequence[DownloadJobItem], ctx: RunContext) -> BatchOutcome:
        """Step each download once, and again at once while it has more to do now; leave the ones that wait."""
        outcome = BatchOutcome()
        by_pk = {item.pk: item for item in items}
        due: dict = {}
        for item in items:
            if item.download.state == DownloadState.FAILED or (
                item.download.state == DownloadState.CANCELLED and item.download.error == CANCELLED_WITH_JOB
            ):
                # "Retry failed" on the job: a failed download (or one its cancel stopped) is final, so the retry is
                # a fresh one of the track.
                item.download = download_retry(download=item.download, job=job)
                DownloadJobItem.objects.filter(pk=item.pk).update(download=item.download)
            if item.download.job_id not in (None, job.pk):
                # A later job (a person's pick, a new search) moves this download now; this run leaves it alone.
                outcome.done[item.pk] = ItemOutcome(result={"state": item.download.state, "moved_on_by": "a later job"})
            else:
                due[item.pk] = 0.0
        slice_end = time.monotonic() + BATCH_SLICE
        while due:
            if ctx.should_stop():
                if DownloadJob.objects.filter(pk=job.pk, status=JobStatus.CANCELLED).exists():
                    for pk in due:
                        download_cancel(download=by_pk[pk].download, note=CANCELLED_WITH_JOB)
                        outcome.done[pk] = _outcome(by_pk[pk])
                return outcome
            pk = min(due, key=due.get)
            if due[pk] > time.monotonic() or time.monotonic() > slice_end:
                break  # the rest wait (their next look is on the row), or the engine carries on with them
            item = by_pk[pk]
            try:
                delay = download_step(download=item.download, job_id=job.pk)
            except SoftTimeLimitExceeded:
                outcome.interrupted = True  # the download stays where it is; a new run carries on from there
                return outcome
            except Exception as exc:  # noqa: BLE001 - one download's bug never stops the others
                download_fail(download=item.download, reason=unexpected_error(item, exc))
                delay = None
            if delay is None:
                del due[pk]
                outcome.done[pk] = _outcome(item)
            elif delay > 0:
                due[pk] = time.monotonic() + delay
                next_at = timezone.now() + datetime.timedelta(seconds=delay)
                Download.objects.filter(pk=item.download.pk).update(next_step_at=next_at)
            else:
                # More to do at once: this one goes on first (a search it began is read before the next one asks
                # for the search slot).
                due[pk] = -1.0
        return outcome


def waiting_reason(downloads: Sequence[Download]) -> str:
    """Return what the downloads wait for, as the job's page says it: "waiting for peers' queues (3), a transfer"."""
    counts = Counter(download_waiting_for(download) for download in downloads)
    parts = [one if count == 1 else f"{several} ({count})" for (one, several), count in counts.most_common()]
    return "waiting for " + ", ".join(parts)


def _outcome(item: DownloadJobItem) -> ItemOutcome:
    download = item.download
    download.refresh_from_db()
    result = {"state": download.state, "file_path": download.file_path}
    if download.state in ("failed",):
        return ItemOutcome(error=download.error or "The download failed.", result=result)
    return ItemOutcome(result=result)
