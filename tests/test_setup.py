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
        ("DATABASE_URL", "mysql://root@localhost/x", "DATABASE_URL has the scheme 'mysql'"),
        ("DATABASE_URL", "postgres://u:hunter2@localhost:notaport/x", "DATABASE_URL is not a valid URL"),
        ("DATABASE_URL", "postgres://localhost:5432", "DATABASE_URL names no database"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL has the scheme 'localhost'"),
    ],
)
def test_a_malformed_url_is_named_with_how_to_fix_it(variable, value, expected):
    result = manage("check", **{variable: value})
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: " + expected)
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


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


@pytest.mark.django_db
def test_ensure_admin_creates_the_user_once_with_a_printed_password(monkeypatch):
    monkeypatch.delenv("CRATEDIGGER_ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().split("password: ", 1)[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)

    again = io.StringIO()
    call_command("ensure_admin", stdout=again)
    assert "exists" in again.getvalue() and password not in again.getvalue()
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_ensure_admin_takes_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("CRATEDIGGER_ADMIN_PASSWORD", "a long passphrase")
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    assert "a long passphrase" not in out.getvalue()
    assert get_user_model().objects.get(username="admin").check_password("a long passphrase")


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
