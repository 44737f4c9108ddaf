"""Downloads end to end against the slskd stand-in: search, choice, transfer, verification, filing, cancel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audio.probe import decoded_seconds, probe
from audio.tags import read_tags
from core.jobs import job_run_here
from downloads import steps
from downloads.models import Download, DownloadJob, DownloadState
from downloads.moves import download_cancel, download_move
from downloads.starts import SourceUnavailable, download_choose, downloads_request
from downloads.steps import download_step
from tests.factories import TrackFactory
from tests.slskd_standin import SharedFile

pytestmark = pytest.mark.django_db(transaction=True)
FOLDER = "@@music\\Daft Punk\\Discovery"


@pytest.fixture(autouse=True)
def quick_stalls_and_retries(settings, monkeypatch):
    """A transfer that does not move for a second is stalled; retries come back within 0.2 s."""
    settings.SLSKD_STALL_SECONDS = 1
    monkeypatch.setattr(steps, "BACKOFF_MAX", 0.2)


def one_more_time(**fields):
    values = {"title": "One More Time", "artists": ["Daft Punk"], "album": "Discovery", "duration": 3, **fields}
    return TrackFactory(**values)


def shared(name: str, fmt: str, user: str = "peer", **options) -> SharedFile:
    extension = {"alac": "m4a"}.get(fmt, fmt)
    return SharedFile(user, f"{FOLDER}\\{name}.{extension}", fmt, **{"transfer_seconds": 0.3, **options})


def run(track, quality="best") -> Download:
    requested = downloads_request(tracks=[track], quality=quality, started_by="test", enqueue_now=False)
    if requested.job is not None:
        job_run_here(model=DownloadJob, job_id=requested.job.pk)
    download = (requested.created or requested.existing)[0]
    download.refresh_from_db()
    return download


def test_best_downloads_the_lossless_file_verifies_it_and_files_it(slskd, settings):
    slskd.share(shared("01 Daft Punk - One More Time", "mp3", "mp3peer", bitrate=320),
                shared("01 Daft Punk - One More Time", "flac", "flacpeer"))
    track = one_more_time()
    download = run(track)

    assert download.state == DownloadState.COMPLETED, download.error
    assert download.chosen["username"] == "flacpeer" and download.source == "slskd"
    filed = Path(download.file_path)
    assert filed == Path(settings.MUSIC_ROOT) / "Daft Punk" / "Discovery" / "Daft Punk - One More Time.flac"
    assert probe(filed).format == "flac"
    written = read_tags(filed)
    assert (written.title, written.artists, written.album) == ("One More Time", ("Daft Punk",), "Discovery")
    track.refresh_from_db()
    assert (track.file_path, track.file_format) == (str(filed), "flac")
    assert track.file_duration == pytest.approx(3, abs=0.1) and track.file_size == filed.stat().st_size
    assert track.tags_written_at is not None and not track.tags_out_of_date
    assert slskd.enqueued == [("flacpeer", f"{FOLDER}\\01 Daft Punk - One More Time.flac")]
    assert slskd.searches == ["Daft Punk One More Time"]
    assert download.candidates_found == 2 and download.progress == 100


def test_best_takes_a_320_mp3_when_no_lossless_file_exists(slskd):
    slskd.share(shared("Daft Punk - One More Time", "mp3", bitrate=320),
                shared("Daft Punk - One More Time", "mp3", "low", bitrate=128))
    download = run(one_more_time())
    assert download.state == DownloadState.COMPLETED and download.file_format == "mp3" and download.file_bitrate >= 315


def test_good_takes_v0_over_128_and_any_takes_what_there_is(slskd):
    slskd.share(shared("Daft Punk - One More Time", "mp3", "low", bitrate=128),
                shared("Daft Punk - One More Time", "mp3", "v0", bitrate=245, vbr=True))
    download = run(one_more_time(), quality="good")
    assert download.state == DownloadState.COMPLETED and download.chosen["username"] == "v0"

    slskd.share(shared("Daft Punk - Aerodynamic", "ogg", "oggpeer", bitrate=128))
    other = run(one_more_time(title="Aerodynamic"), quality="any")
    assert other.state == DownloadState.COMPLETED and other.file_format == "ogg"


def test_the_version_less_query_runs_only_when_the_first_finds_nothing(slskd):
    slskd.share(shared("Daft Punk - One More Time (Romanthony Remix)", "flac"))
    download = run(one_more_time(version="Romanthony Remix"))
    assert download.state == DownloadState.COMPLETED
    assert slskd.searches == ["Daft Punk One More Time Romanthony Remix"]

    slskd.share(shared("Daft Punk - Digital Love", "flac", "dl"))
    second = run(one_more_time(title="Digital Love", version="Extended Mix"))
    # The first query found nothing; the second finds the original, which is not the version wanted.
    assert slskd.searches[-2:] == ["Daft Punk Digital Love Extended Mix", "Daft Punk Digital Love"]
    assert second.state == DownloadState.AWAITING_CHOICE
    assert "version differs" in " ".join(second.candidates[0]["reasons"])


def test_no_sure_file_waits_for_a_person_who_picks_one(slskd):
    slskd.share(shared("Daft Punk - One More Time (Romanthony Remix)", "flac", "remixer"))
    slskd.add_search_results("one more time", shared("track01", "flac", "unnamed"))
    download = run(one_more_time())
    assert download.state == DownloadState.AWAITING_CHOICE and download.candidates_found == 2
    assert "choose one or search again" in download.error and slskd.enqueued == []
    job = download_choose(
        download=download, username="unnamed", filename=f"{FOLDER}\\track01.flac", started_by="test"
    )
    # The job was queued for a worker; run it here instead.
    job_run_here(model=DownloadJob, job_id=job.pk)
    download.refresh_from_db()
    assert download.state == DownloadState.COMPLETED and download.chosen_by_person
    assert slskd.enqueued == [("unnamed", f"{FOLDER}\\track01.flac")]


def test_a_stalled_peer_is_abandoned_for_the_next_file(slskd):
    slskd.share(shared("Daft Punk - One More Time", "flac", "stuck", behaviour="stall", transfer_seconds=2),
                shared("Daft Punk - One More Time", "flac", "fine", free_slot=False, queue_length=3))
    download = run(one_more_time())
    assert download.state == DownloadState.COMPLETED and download.chosen["username"] == "fine"
    assert [t["username"] for t in download.tried] == ["stuck"] and "stalled" in download.tried[0]["reason"]
    assert ("stuck", f"{FOLDER}\\Daft Punk - One More Time.flac") in slskd.cancelled


@pytest.mark.parametrize("behaviour", ["corrupt", "truncated", "mislabelled"])
def test_a_bad_file_is_quarantined_with_the_reason_and_the_next_is_tried(slskd, settings, behaviour):
    slskd.share(shared("Daft Punk - One More Time", "flac", "bad", behaviour=behaviour),
                shared("Daft Punk - One More Time", "flac", "good", free_slot=False))
    download = run(one_more_time())
    assert download.state == DownloadState.COMPLETED and download.chosen["username"] == "good"
    assert "rejected" in download.tried[0]["reason"]
    kept = [p for p in Path(settings.DOWNLOAD_QUARANTINE_DIR).rglob("*") if p.is_file()]
    assert any(p.suffix == ".flac" for p in kept) and any(p.name.endswith(".reason.txt") for p in kept)
    [filed] = [p for p in Path(settings.MUSIC_ROOT).rglob("*") if p.is_file()]
    # The good file, whole, with the catalogue's tags written into it.
    assert decoded_seconds(filed) == pytest.approx(3, abs=0.1) and read_tags(filed).title == "One More Time"


def test_a_wrong_length_file_is_not_chosen_and_fails_verification_if_mislisted(slskd):
    slskd.share(shared("Daft Punk - One More Time", "flac", "long", seconds=8, reported_length=3),
                shared("Daft Punk - One More Time", "flac", "ok", free_slot=False))
    download = run(one_more_time())
    assert download.state == DownloadState.COMPLETED and download.chosen["username"] == "ok"
    assert "long" in download.tried[0]["reason"] or "track is" in download.tried[0]["reason"]


def test_every_candidate_failing_fails_the_download_with_each_reason(slskd, settings):
    settings.DOWNLOAD_MAX_CANDIDATES = 2
    slskd.share(shared("Daft Punk - One More Time", "flac", "a", behaviour="reject"),
                shared("Daft Punk - One More Time", "flac", "b", behaviour="offline"),
                shared("Daft Punk - One More Time", "flac", "c"))
    download = run(one_more_time())
    assert download.state == DownloadState.FAILED and download.error.startswith("Tried 2 files")
    assert len(download.tried) == 2


def test_asking_twice_returns_the_download_under_way(slskd):
    track = one_more_time()
    first = downloads_request(tracks=[track], quality="best", enqueue_now=False)
    second = downloads_request(tracks=[track, track], quality="best", enqueue_now=False)
    assert second.created == [] and second.existing == first.created and second.job is None
    assert "already under way" in second.summary
    other_quality = downloads_request(tracks=[track], quality="good", enqueue_now=False)
    assert len(other_quality.created) == 1
    assert Download.objects.filter(track=track).count() == 2


def test_slskd_unreachable_or_refusing_the_key_is_said_in_words_and_leaves_nothing(slskd, settings):
    track = one_more_time()
    slskd.set_down(True)
    with pytest.raises(SourceUnavailable, match="cannot be reached"):
        downloads_request(tracks=[track], quality="best")
    slskd.set_down(False)
    settings.SLSKD_API_KEY = "wrong"
    with pytest.raises(SourceUnavailable, match="refused the API key"):
        downloads_request(tracks=[track], quality="best")
    assert not Download.objects.exists() and not DownloadJob.objects.exists()
    with pytest.raises(CommandError, match="refused the API key"):
        call_command("download_track", str(track.pk))


def test_slskd_answering_503_is_retried_with_backoff(slskd):
    slskd.share(shared("Daft Punk - One More Time", "flac"))
    track = one_more_time()
    requested = downloads_request(tracks=[track], quality="best", enqueue_now=False)
    slskd.fail_next(6, 503)  # more than the HTTP client's own retries: the download backs off too
    job_run_here(model=DownloadJob, job_id=requested.job.pk)
    download = Download.objects.get()
    assert download.state == DownloadState.COMPLETED and download.retries == 0


def test_a_source_down_for_good_fails_the_download_with_the_reason(slskd, settings):
    settings.DOWNLOAD_MAX_RETRIES = 2
    track = one_more_time()
    requested = downloads_request(tracks=[track], quality="best", enqueue_now=False)
    slskd.set_down(True)
    job_run_here(model=DownloadJob, job_id=requested.job.pk)
    download = Download.objects.get()
    assert download.state == DownloadState.FAILED and download.error.startswith("Gave up after 3 tries")


@pytest.mark.parametrize(
    "state", [DownloadState.PENDING, DownloadState.AWAITING_CHOICE, DownloadState.QUEUED, DownloadState.DOWNLOADING]
)
def test_cancel_works_in_each_state_is_terminal_and_idempotent(slskd, state):
    slow = {"queued_seconds": 60} if state == DownloadState.QUEUED else {"transfer_seconds": 60}
    name = "track01" if state == DownloadState.AWAITING_CHOICE else "Daft Punk - One More Time"
    slskd.add_search_results("one more time", shared(name, "flac", **slow))
    track = one_more_time()
    requested = downloads_request(tracks=[track], quality="best", enqueue_now=False)
    download = requested.created[0]
    for _ in range(100):
        # In QUEUED, once slskd has been asked for the file.
        if download.state == state and (state != DownloadState.QUEUED or download.enqueued_at):
            break
        download_step(download=download)
        download.refresh_from_db()
    assert download.state == state
    assert download_cancel(download=download) is True
    assert download_cancel(download=download) is False
    download.refresh_from_db()
    assert download.state == DownloadState.CANCELLED and download.finished_at is not None
    assert download_step(download=download) is None  # a worker's next look does nothing
    if state in (DownloadState.QUEUED, DownloadState.DOWNLOADING):
        assert slskd.cancelled == [("peer", f"{FOLDER}\\{name}.flac")]
        # Cancelled with remove=true: slskd forgets the transfer.
        assert ("peer", f"{FOLDER}\\{name}.flac") not in slskd.transfer_states()


@pytest.mark.parametrize("state", [DownloadState.SEARCHING, DownloadState.VERIFYING])
def test_cancel_in_the_short_states_stops_the_worker_at_its_next_move(slskd, state):
    download = Download.objects.create(track=one_more_time(), state=state, source="slskd")
    assert download_cancel(download=download)
    # A worker that read the download before the cancel cannot move it on.
    stale = Download.objects.get(pk=download.pk)
    stale.state = state
    assert download_move(download=stale, to=DownloadState.FAILED) is False
    assert Download.objects.get(pk=download.pk).state == DownloadState.CANCELLED


def test_a_download_being_filed_is_too_late_to_cancel(slskd):
    download = Download.objects.create(track=one_more_time(), state=DownloadState.FILING, source="slskd")
    assert download_cancel(download=download) is False
    assert Download.objects.get(pk=download.pk).state == DownloadState.FILING


def test_a_pick_is_taken_once_and_a_broker_outage_puts_the_download_back(slskd, broker_down):
    slskd.add_search_results("one more time", shared("track01", "flac", "unnamed"))
    download = run(one_more_time())
    assert download.state == DownloadState.AWAITING_CHOICE
    from core.queue import BrokerUnavailable

    with pytest.raises(BrokerUnavailable):
        download_choose(download=download, username="unnamed", filename=f"{FOLDER}\\track01.flac")
    download.refresh_from_db()
    assert download.state == DownloadState.AWAITING_CHOICE and download.job is None


def test_a_double_click_or_a_stale_page_picks_nothing_twice(slskd):
    slskd.add_search_results("one more time", shared("track01", "flac", "unnamed"))
    download = run(one_more_time())
    first = download_choose(download=download, username="unnamed", filename=f"{FOLDER}\\track01.flac")
    with pytest.raises(ValueError, match="nothing was changed"):
        download_choose(download=download, username="unnamed", filename=f"{FOLDER}\\track01.flac")
    with pytest.raises(ValueError, match="no longer on the list"):
        download_choose(download=download, username="someone", filename="else.flac")
    assert Download.objects.get().job_id == first.pk
    job_run_here(model=DownloadJob, job_id=first.pk)
    assert slskd.enqueued == [("unnamed", f"{FOLDER}\\track01.flac")]


def test_remote_names_that_try_to_escape_land_inside_the_folders(slskd, settings):
    nasty = "@@music\\..\\..\\..\\etc\\..\\Daft Punk - One More Time.flac"
    slskd.share(SharedFile("peer", nasty, "flac", transfer_seconds=0.2))
    track = one_more_time(artists=["../../etc"], album="C:\\Windows\\System32", title="One More Time")
    download = run(track, quality="any")
    assert download.state in (DownloadState.COMPLETED, DownloadState.AWAITING_CHOICE), download.error
    if download.state == DownloadState.AWAITING_CHOICE:
        first = download.candidates[0]
        job = download_choose(download=download, username=first["username"], filename=first["filename"])
        job_run_here(model=DownloadJob, job_id=job.pk)
        download.refresh_from_db()
    filed = Path(download.file_path).resolve()
    assert download.state == DownloadState.COMPLETED
    assert filed.is_relative_to(Path(settings.MUSIC_ROOT).resolve())
    assert all(path.resolve().is_relative_to(Path(settings.SLSKD_DOWNLOADS_DIR).resolve())
               for path in Path(settings.SLSKD_DOWNLOADS_DIR).rglob("*"))
    assert ".." not in filed.parts


def test_download_track_command_prints_json(slskd):
    slskd.share(shared("Daft Punk - One More Time", "flac"))
    track = one_more_time()
    from io import StringIO

    out = StringIO()
    call_command("download_track", str(track.pk), "--sync", "--json", stdout=out, stderr=StringIO())
    data = json.loads(out.getvalue())
    assert set(data) == {"download_id", "state", "source", "username", "filename", "file_path", "format", "bitrate",
                         "duration", "candidates_found"}
    assert data["state"] == "completed" and data["format"] == "flac" and data["candidates_found"] == 1
    with pytest.raises(CommandError, match="No track has the id"):
        call_command("download_track", "not-an-id\x00")


def test_download_wanted_starts_the_wanted_tracks_without_a_file(slskd):
    from tests.factories import WantListFactory

    slskd.share(shared("Daft Punk - One More Time", "flac"))
    want = WantListFactory(priority=1, library_track__track=one_more_time())
    WantListFactory(priority=2)
    from io import StringIO

    out = StringIO()
    call_command("download_wanted", "--priority", "1", "--sync", stdout=out, stderr=StringIO())
    assert "Completed" in out.getvalue()
    want.library_track.track.refresh_from_db()
    assert want.library_track.track.file_path
    out = StringIO()
    call_command("download_wanted", "--priority", "1", stdout=out, stderr=StringIO())
    assert "No wanted track needs a download" in out.getvalue()


def test_searches_are_paced_by_the_window_budget(slskd, settings):
    import random

    settings.SLSKD_SEARCHES_PER_WINDOW = 1
    settings.SLSKD_SEARCH_WINDOW_SECONDS = random.randint(10_000, 80_000)  # a window of its own, every run
    from providers.base import RateLimited
    from providers.registry import get_provider

    client = get_provider("slskd")
    client.find_downloads("first")
    with pytest.raises(RateLimited) as raised:
        client.find_downloads("second")
    assert raised.value.retry_after >= 1 and slskd.searches == ["first"]


def test_retry_failed_on_a_download_job_downloads_the_track_afresh(slskd):
    from core.jobs import job_retry_failed

    track = one_more_time()
    requested = downloads_request(tracks=[track], quality="best", enqueue_now=False)
    job = job_run_here(model=DownloadJob, job_id=requested.job.pk)
    assert (job.status, job.failed) == ("completed", 1)  # nothing shared: nothing found
    slskd.share(shared("Daft Punk - One More Time", "flac"))
    assert job_retry_failed(job=job) == 1
    job = job_run_here(model=DownloadJob, job_id=job.pk)
    assert (job.status, job.failed, job.succeeded) == ("completed", 0, 1)
    states = sorted(Download.objects.filter(track=track).values_list("state", flat=True))
    assert states == ["completed", "failed"]


def require_postgresql() -> None:
    """Skip (or fail under REQUIRE_SERVICES=1) unless the tests run on PostgreSQL: it is the one that refuses NUL."""
    from django.db import connection

    from tests.services import services_required

    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (DATABASE_URL=postgres://...): SQLite stores a NUL where PostgreSQL refuses it"
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}")
        pytest.skip(reason)


def test_a_peer_file_name_holding_a_nul_never_fails_a_download_on_postgresql(slskd, admin_client):
    require_postgresql()
    hostile = "@@evil\\Music\\Dre\x00ams.flac"
    slskd.add_search_results("daft punk", SharedFile("evil", hostile, "flac", transfer_seconds=0.3))
    slskd.share(shared("01 Daft Punk - One More Time", "flac", "good"))
    slskd.add_search_results("aerodynamic", shared("track02", "flac", "unnamed"))

    sure = run(one_more_time())
    unsure = run(one_more_time(title="Aerodynamic"))

    # The peer's answer is stored, the hostile name with U+FFFD where the NUL was; the download goes on.
    assert sure.state == DownloadState.COMPLETED and sure.chosen["username"] == "good", sure.error
    assert "@@evil\\Music\\Dre\ufffdams.flac" in [c["filename"] for c in sure.candidates]
    assert unsure.state == DownloadState.AWAITING_CHOICE, unsure.error
    assert {c["filename"] for c in unsure.candidates} == {"@@evil\\Music\\Dre\ufffdams.flac", f"{FOLDER}\\track02.flac"}
    from django.urls import reverse

    page = admin_client.get(reverse("admin:downloads_download_change", args=[unsure.pk])).content.decode()
    assert "Dre\ufffdams.flac" in page and "\x00" not in page
