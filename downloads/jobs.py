"""How the engine runs a download job: a batch of downloads stepped side by side.

Each download moves one step at a time (`services.download_step`), which says
when it wants to be looked at again; the batch sleeps until the next one is
due. A download leaves the batch when it is finished or waits for a person.
The run hands itself back (and a new run carries on from each download's
state) after RUN_SLICE seconds, so a transfer queued for hours never holds a
worker's run forever, and a cancel of the job cancels its downloads.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from core.jobs import BatchOutcome, ItemOutcome, JobHandler, RunContext, unexpected_error
from core.models import JobStatus
from downloads import services
from downloads.models import DownloadJob, DownloadJobItem, DownloadState

# How long one run steps its batch before handing back to the queue.
RUN_SLICE = 600.0


class DownloadHandler(JobHandler):
    @property
    def batch_size(self) -> int:  # transfers at once, per job
        return settings.SLSKD_MAX_CONCURRENT

    def select_items(self, queryset):
        return queryset.select_related("download__track")

    def process_item(self, job: DownloadJob, item: DownloadJobItem, ctx: RunContext) -> ItemOutcome:
        return self.process_batch(job, [item], ctx).done.get(item.pk, ItemOutcome(error="Not finished."))

    def process_batch(self, job: DownloadJob, items: Sequence[DownloadJobItem], ctx: RunContext) -> BatchOutcome:
        outcome = BatchOutcome()
        by_pk = {item.pk: item for item in items}
        due = {}
        for item in items:
            if item.download.state == DownloadState.FAILED:
                # "Retry failed" on the job: a failed download is final, so the retry is a fresh one of the track.
                item.download = services.download_retry(download=item.download, job=job)
                DownloadJobItem.objects.filter(pk=item.pk).update(download=item.download)
            if item.download.job_id not in (None, job.pk):
                # A later job (a person's pick, a new search) moves this download now; this run leaves it alone.
                outcome.done[item.pk] = ItemOutcome(result={"state": item.download.state, "moved_on_by": "a later job"})
            else:
                due[item.pk] = 0.0
        deadline = time.monotonic() + RUN_SLICE
        while due:
            if ctx.should_stop():
                if DownloadJob.objects.filter(pk=job.pk, status=JobStatus.CANCELLED).exists():
                    for pk in due:
                        services.download_cancel(download=by_pk[pk].download)
                        outcome.done[pk] = _outcome(by_pk[pk])
                return outcome
            if time.monotonic() > deadline:
                outcome.interrupted = True
                return outcome
            pk = min(due, key=due.get)
            wait = due[pk] - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, 1.0))
                continue
            item = by_pk[pk]
            try:
                delay = services.download_step(download=item.download, job_id=job.pk)
            except SoftTimeLimitExceeded:
                outcome.interrupted = True  # the download stays where it is; a new run carries on from there
                return outcome
            except Exception as exc:  # noqa: BLE001 - one download's bug never stops the others
                services.download_fail(download=item.download, reason=unexpected_error(item, exc))
                delay = None
            if delay is None:
                del due[pk]
                outcome.done[pk] = _outcome(item)
            else:
                due[pk] = time.monotonic() + delay
        return outcome


def _outcome(item: DownloadJobItem) -> ItemOutcome:
    download = item.download
    download.refresh_from_db()
    result = {"state": download.state, "file_path": download.file_path}
    if download.state in ("failed",):
        return ItemOutcome(error=download.error or "The download failed.", result=result)
    return ItemOutcome(result=result)
