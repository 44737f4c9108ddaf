"""What the job engine's tests share: a queued job of the catalogue's kind, as a message would find it."""

from tests.factories import TrackFactory
from tracks import services
from tracks.models import MetadataFetchTask


def queued_job(count: int = 2) -> MetadataFetchTask:
    [job] = services.metadata_fetch_jobs_create(tracks=TrackFactory.create_batch(count), enqueue_now=False)
    MetadataFetchTask.objects.filter(pk=job.pk).update(celery_task_id="message-1")
    job.refresh_from_db()
    return job
