"""The commands `make run` calls, and the messages a wrong configuration gets."""

import io
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from tests.services import ROOT, subprocess_env


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=subprocess_env(**env),
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x",
         "DATABASE_URL='mysql://root@localhost/x' is not allowed: use a URL with the scheme pgsql or postgres or"),
        ("DATABASE_URL", "postgres://u:hunter2@localhost:notaport/x",
         "DATABASE_URL='postgres://u:***@localhost:notaport/x' is not allowed: use a URL such as"),
        ("DATABASE_URL", "postgres://localhost:5432", "DATABASE_URL='postgres://localhost:5432' is not allowed: "
         "use a URL that names the database after the host"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL='localhost:6379' is not allowed: use a URL with the scheme redis"),
        # Each setting a careless operator got wrong in the hardening trial.
        ("MUSICBRAINZ_RATE_LIMIT", "abc", "MUSICBRAINZ_RATE_LIMIT='abc' is not allowed: use requests per second"),
        ("MUSICBRAINZ_RATE_LIMIT", "0/s", "MUSICBRAINZ_RATE_LIMIT='0/s' is not allowed: use requests per second"),
        ("PROVIDER_RETRIES", "abc", "PROVIDER_RETRIES='abc' is not allowed: use a whole number between 0 and 10."),
        ("CELERY_VISIBILITY_TIMEOUT", "abc",
         "CELERY_VISIBILITY_TIMEOUT='abc' is not allowed: use a whole number of at least 60."),
        ("JOB_LEASE_SECONDS", "abc", "JOB_LEASE_SECONDS='abc' is not allowed: use a whole number between 2 and"),
        ("PROVIDER_RATE_WAIT_MAX", "abc", "PROVIDER_RATE_WAIT_MAX='abc' is not allowed: use a number between 0 and"),
        ("BULK_CHUNK", "0", "BULK_CHUNK='0' is not allowed: use a whole number between 1 and 10000."),
        ("BULK_CHUNK", "-5", "BULK_CHUNK='-5' is not allowed: use a whole number between 1 and 10000."),
        ("METADATA_PROVIDERS", "musicbrainz,napster",
         "METADATA_PROVIDERS='musicbrainz,napster' is not allowed: use a comma-separated list of"),
        ("DEBUG", "maybe", "DEBUG='maybe' is not allowed: use true or false"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE='Mars/Olympus' is not allowed: use a time zone name"),
        ("SPOTIFY_API_URL", "ftp://x", "SPOTIFY_API_URL='ftp://x' is not allowed: use a URL with the scheme http"),
        ("CELERY_TASK_TIME_LIMIT", "100", "CELERY_TASK_TIME_LIMIT=100 must be above CELERY_TASK_SOFT_TIME_LIMIT=1800"),
        ("CRATEDIGGER_VAR_DIR", "/proc/cratedigger", "CRATEDIGGER_VAR_DIR='/proc/cratedigger' cannot be written"),
        ("SOUNDCHARTS_API_KEY", "SEKRET123\x01", "SOUNDCHARTS_API_KEY='***' is not allowed: use text without NUL"),
    ],
)
def test_a_bad_setting_stops_the_process_with_its_name_and_what_is_allowed(variable, value, expected):
    result = manage("check", **{variable: value})
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Configuration error: " + expected), result.stderr
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr and "SEKRET123" not in result.stderr


def test_a_worker_with_a_bad_setting_exits_with_its_name_before_starting():
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker"], cwd=ROOT, capture_output=True, text=True,
        timeout=60, env=subprocess_env(BULK_CHUNK="0", SOUNDCHARTS_API_KEY="SEKRET123", MUSICBRAINZ_RATE_LIMIT="fast"),
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: MUSICBRAINZ_RATE_LIMIT='fast' is not allowed")
    assert "BULK_CHUNK='0' is not allowed" in result.stderr
    assert "Traceback" not in result.stderr and "SEKRET123" not in result.stderr


def test_an_unreachable_database_is_reported_by_preflight():
    result = manage("preflight", DATABASE_URL="postgres://cratedigger:s3cret@127.0.0.1:1/cratedigger")
    assert result.returncode == 1
    assert "DATABASE_URL: cannot connect to the postgresql database 'cratedigger'" in result.stderr
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr


def test_an_unreachable_broker_is_reported_by_preflight():
    result = manage("preflight", REDIS_URL="redis://:s3cret@127.0.0.1:1/0")
    assert result.returncode == 1
    assert "cannot reach the broker at redis://:***@127.0.0.1:1/0" in result.stderr
    assert "s3cret" not in result.stderr


def test_the_development_secret_key_is_refused_without_debug():
    result = manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode == 2
    assert "SECRET_KEY is the development default" in result.stderr


def test_the_first_runs_password_is_shown_last_boxed_once_the_web_server_answers(monkeypatch, live_server, settings,
                                                                                  tmp_path):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("CRATEDIGGER_ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    assert "shown once the app is up" in out.getvalue() and "password: " not in out.getvalue()
    box = io.StringIO()
    call_command("welcome", "--once", "--url", f"{live_server.url}/admin/", stdout=box)
    shown = box.getvalue()
    assert shown.startswith("┌") and shown.rstrip().endswith("┘")
    assert f"Cratedigger is up: {live_server.url}/admin/" in shown and "System › Users" in shown
    password = shown.split("with the password ", 1)[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)

    again, box_again = io.StringIO(), io.StringIO()
    call_command("ensure_admin", stdout=again)
    call_command("welcome", "--once", "--url", f"{live_server.url}/admin/", stdout=box_again)
    assert "exists" in again.getvalue() and password not in again.getvalue() + box_again.getvalue()
    assert "its password is unchanged" in box_again.getvalue()
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_ensure_admin_takes_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("CRATEDIGGER_ADMIN_PASSWORD", "a long passphrase")
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    assert "a long passphrase" not in out.getvalue()
    assert get_user_model().objects.get(username="admin").check_password("a long passphrase")


@pytest.mark.django_db(transaction=True)  # beat's scheduler closes the connections it finds
def test_one_periodic_task_cleans_up_results():
    from django_celery_beat.models import CrontabSchedule

    from config.celery import app
    from core.scheduler import Scheduler

    night = CrontabSchedule.objects.create(minute="0", hour="4")
    PeriodicTask.objects.create(name="celery.backend_cleanup", task="celery.backend_cleanup", crontab=night)
    call_command("install_schedules", stdout=io.StringIO())
    Scheduler(app=app)  # beat starting up must not add its own entry back
    cleanups = PeriodicTask.objects.filter(task="celery.backend_cleanup")
    assert list(cleanups.values_list("name", flat=True)) == ["Delete expired task results"]


@pytest.mark.django_db
def test_install_schedules_keeps_edits_made_in_the_admin():
    call_command("install_schedules", stdout=io.StringIO())
    task = PeriodicTask.objects.get(name="Delete expired task results")
    assert task.task == "celery.backend_cleanup" and task.enabled
    refresh = PeriodicTask.objects.get(name="Refresh stale track metadata")
    assert refresh.task == "tracks.tasks.fetch_all_tracks_metadata" and refresh.enabled
    assert (refresh.crontab.hour, refresh.crontab.minute) == ("3", "30")  # daily
    task.enabled = False
    task.save()
    call_command("install_schedules", stdout=io.StringIO())
    assert PeriodicTask.objects.filter(name="Delete expired task results").count() == 1
    assert not PeriodicTask.objects.get(name="Delete expired task results").enabled
