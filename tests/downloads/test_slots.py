"""The slots downloads share (slskd's search slot, the turn at slskd's search POST) let a dead holder go.

A process killed holding a slot loses it at once on this machine, by the job engine's dead-holder rule;
a holder elsewhere keeps it until its lease lapses, and a live one renews its lease while it holds it. The
search slot is held by the search itself and lapses at the search's deadline. Taking a slot never waits.
Each runs on Redis and on the file-backed slots used without REDIS_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest

from common.processes import worker_identity
from providers import ratelimit
from providers import slskd as slskd_client
from providers.base import RateLimited
from tests.services import ROOT, require_redis, subprocess_env
from tests.slskd_standin import standin_for

HOLD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from providers.ratelimit import concurrency_slot
with concurrency_slot(sys.argv[1], 1):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture(params=["redis", "file"])
def backend(request, settings, tmp_path) -> dict[str, str]:
    """Slots in Redis, or in files under a var dir of the test's own; returns the environment a child process needs."""
    if request.param == "redis":
        return {"REDIS_URL": require_redis()}
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path / "var"
    return {"REDIS_URL": "", "CRATEDIGGER_VAR_DIR": str(settings.VAR_DIR)}


def slot_name() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def take_at_once(name: str) -> None:
    """Take and give back one of the provider's slots, or raise RateLimited; taking never sleeps, whatever the load."""
    real_sleep = time.sleep

    def no_sleep(seconds):
        raise AssertionError(f"taking a slot slept {seconds} s")

    time.sleep = no_sleep
    try:
        with ratelimit.concurrency_slot(name, 1):
            pass
    finally:
        time.sleep = real_sleep


def test_a_process_killed_holding_a_slot_loses_it_at_once(backend, settings):
    settings.JOB_LEASE_SECONDS = 600  # far longer than the test: only the dead-holder rule can free it
    name = slot_name()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, name], cwd=ROOT, env=subprocess_env(**backend, JOB_LEASE_SECONDS="600"),
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RateLimited) as refused:
            take_at_once(name)
        # Held by a live process: refused at once, with when to look again; never a wait here.
        assert 0 < refused.value.retry_after <= ratelimit.SLOT_RECHECK_SECONDS
        assert refused.value.endpoint == "concurrency slot"
    finally:
        os.kill(holder.pid, 9)
        holder.wait(10)
    take_at_once(name)  # taken at once: no RateLimited, and no sleep
    assert ratelimit.slot_holder(f"{name}:0") is None  # and given back


def test_a_holder_on_another_machine_keeps_the_slot_until_its_lease_lapses(backend):
    name = slot_name()
    elsewhere = "another-host|pid:[4026531836]|123|456|1"
    assert ratelimit.slot_take(name, elsewhere, 1.0) is None
    wait = ratelimit.slot_take(name, "me", 10)
    assert wait is not None and 0 < wait <= 1.0
    assert ratelimit.slot_release(name, "me") is False  # not mine to give back
    time.sleep(wait + 0.1)
    assert ratelimit.slot_take(name, "me", 10) is None
    assert ratelimit.slot_holder(name)[0] == "me"
    assert ratelimit.slot_release(name, elsewhere) is False and ratelimit.slot_release(name, "me") is True
    assert ratelimit.slot_holder(name) is None


def test_a_live_holder_renews_its_lease_while_it_holds_the_slot(backend, settings):
    settings.JOB_LEASE_SECONDS = 1
    name = slot_name()
    with ratelimit.concurrency_slot(name, 1):
        time.sleep(2.5)  # more than twice the lease
        holder, left = ratelimit.slot_holder(f"{name}:0")
        assert holder.startswith(f"{worker_identity()}:") and 0 < left <= 1
        with pytest.raises(RateLimited):  # not even for this thread: a nested block never takes it over
            take_at_once(name)
    assert ratelimit.slot_holder(f"{name}:0") is None  # given back when the block ends


def test_the_search_slot_is_the_searchs_until_its_deadline_or_its_end(backend, settings, tmp_path, monkeypatch):
    settings.PROVIDER_RATE_LIMITS = {}
    settings.SLSKD_SEARCHES_PER_WINDOW = 1000
    monkeypatch.setattr(slskd_client, "SEARCH_SLOT", f"slskd-search-{uuid.uuid4().hex[:8]}")
    standin = standin_for(settings, tmp_path)
    try:
        client = slskd_client.Slskd()
        first, second = str(uuid.uuid4()), str(uuid.uuid4())
        client.search_begin("one more time", search_id=first, timeout=1.0)
        holder, left = ratelimit.slot_holder(slskd_client.SEARCH_SLOT)
        assert holder == f"slskd search {first}" and left <= 1.0 + slskd_client.SEARCH_SLOT_GRACE
        with pytest.raises(RateLimited) as refused:
            client.search_begin("aerodynamic", search_id=second, timeout=1.0)
        assert refused.value.endpoint == "search slot" and refused.value.retry_after <= ratelimit.SLOT_RECHECK_SECONDS
        # Nobody reads the first search (its run died): the slot lapses at its deadline.
        time.sleep(left + 0.1)
        client.search_begin("aerodynamic", search_id=second, timeout=30.0)
        client.search_end(first)  # a late end of the first search gives back nothing of the second's
        assert ratelimit.slot_holder(slskd_client.SEARCH_SLOT)[0] == f"slskd search {second}"
        client.search_end(second)  # its answers were read: free at once
        assert ratelimit.slot_holder(slskd_client.SEARCH_SLOT) is None
        assert [text for _, text, _ in standin.search_log()] == ["one more time", "aerodynamic"]
    finally:
        standin.close()
