"""The purchase-link refresh on a real worker: beat's task starts a job, the worker asks the stores."""

import pytest

from tests.factories import TrackFactory
from tests.replay import FIXTURES
from tests.services import WorkerProcess, clear_test_cache, wait_for
from wantlist import services, tasks
from wantlist.models import PurchaseLinksJob, WantList

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BEATPORT_FEELING = "beatport/postmanlog-catalog-tracks-name-feeling-artist-newtone.json"


def test_the_daily_refresh_runs_on_a_worker_and_fills_the_links(httpserver, tmp_path, redis_url):
    httpserver.expect_request("/v4/catalog/tracks/").respond_with_data(
        (FIXTURES / BEATPORT_FEELING).read_bytes(), content_type="application/json",
    )
    clear_test_cache()
    track = TrackFactory(title="Feeling", version="Original Mix", credit_name="Newtone", artists=["Newtone"])
    services.wants_add(library_tracks=[services.library_track_for_track(track=track)])
    worker = WorkerProcess(tmp_path / "worker.log", extra_env={
        "BEATPORT_API_URL": httpserver.url_for("/v4").rstrip("/"), "BEATPORT_TOKEN": "beatport-test-token",
        "DISCOGS_TOKEN": "", "METADATA_PROVIDERS": "beatport,itunes", "ITUNES_API_URL": "http://127.0.0.1:9",
        "PROVIDER_RETRIES": "0",
    }).start()
    try:
        result = tasks.refresh_stale_purchase_links()  # what beat runs daily
        job = PurchaseLinksJob.objects.get(pk=result["job"])
        wait_for(lambda: PurchaseLinksJob.objects.get(pk=job.pk).is_finished, timeout=60,
                 message=f"the job to finish; log:\n{worker.log_text()[-2000:]}")
    finally:
        worker.stop()
    job.refresh_from_db()
    assert (job.status, job.processed) == ("completed", 1), job.last_error
    want = WantList.objects.get()
    assert want.purchase_links[0]["store"] == "Beatport" and want.purchase_links[0]["price"] == "1.49"
    # iTunes could not be reached: it says why, and Beatport's link is there all the same.
    assert want.purchase_links_errors and want.purchase_links_errors[0].startswith("itunes")
    # Fresh now: the next daily run has nothing to do.
    assert tasks.refresh_stale_purchase_links() == {"job": None, "wanted": 0}
