"""The crates' pages in a real browser: a crate with its tracks and export buttons, and the Duplicates page."""

from __future__ import annotations

import pytest

from core import jobs
from crates import files, services
from crates.models import FingerprintJob
from tests.browser.conftest import screenshot
from tests.crates.conftest import track_with_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_crate_and_the_duplicates_page(admin_page, music, tunes):
    glue = track_with_file(tunes(music / "Bicep" / "Bicep - Glue.flac", tune="a", codec="flac"), title="Glue",
                           credit_name="Bicep", artists=["Bicep"], bpm=130, key="A minor", genre="Techno")
    copy = track_with_file(tunes(music / "Downloads" / "glue.mp3", tune="a", codec="mp3"), title="Glue",
                           credit_name="Bicep", artists=["Bicep"])
    other = track_with_file(tunes(music / "X" / "X - Other.flac", tune="b", codec="flac"), title="Other",
                            credit_name="X", artists=["X"], bpm=124, key="E minor", genre="Techno")
    crate = services.crate_create(name="Peak time", folder="Gigs/2026")
    services.crate_tracks_add(crate=crate, library_tracks=[other.library_entry, glue.library_entry])
    tab = admin_page
    tab.goto(f"{tab.live_server_url}/admin/crates/crate/{crate.pk}/change/")
    tab.wait_for_selector("#export-rekordbox")
    body = tab.inner_text("body")
    assert "Export as Rekordbox XML" in body and "Export as Traktor NML" in body and "Export as M3U8 playlist" in body
    screenshot(tab, "crate")
    job = files.fingerprint_job_create(enqueue_now=False)
    jobs.job_run_here(model=FingerprintJob, job_id=job.pk)
    tab.goto(f"{tab.live_server_url}/admin/crates/duplicate/")
    tab.wait_for_selector(".duplicate-group")
    rows = tab.locator(".duplicate-group .duplicate-file")
    assert (rows.count() == 2 and "FLAC (lossless)" in rows.nth(0).inner_text()
            and copy.file_path in rows.nth(1).inner_text())
    screenshot(tab, "duplicates")


def test_add_to_crate_and_the_rekordbox_upload_pages(admin_page, music, tunes):
    track = track_with_file(tunes(music / "Bicep" / "Bicep - Glue.flac", tune="a", codec="flac", seconds=6),
                            title="Glue", credit_name="Bicep", artists=["Bicep"])
    tab = admin_page
    tab.goto(f"{tab.live_server_url}/admin/library/librarytrack/")
    tab.check(f"input[name=_selected_action][value='{track.library_entry.pk}']")
    tab.select_option("select[name=action]", "add_to_crate")
    tab.click("button[type=submit][name=index], button:has-text('Run')")
    tab.wait_for_selector("#add-to-crate")
    screenshot(tab, "add-to-crate")
    tab.fill("#id_name", "Peak time")
    tab.click("#add-to-crate button[type=submit]")
    tab.wait_for_selector("text=Added 1 track to “Peak time”")
    tab.goto(f"{tab.live_server_url}/admin/crates/crate/import-rekordbox/")
    tab.wait_for_selector("#import-rekordbox-form")
    screenshot(tab, "import-rekordbox")
