"""What a careless operator and an attacker tried: access, the login throttle, deploy settings, bad input."""

import io
import secrets
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import TrackFactory, UserFactory
from tests.pages import messages_of
from tests.services import ROOT, subprocess_env
from tracks.models import MetadataFetchTask, Track

PASSWORD = "correct horse battery staple"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=subprocess_env(**env),
        capture_output=True, text=True, timeout=120,
    )


# --- Admin access ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_staff_user_without_permissions_is_refused_the_status_page_and_test_job_with_a_message(client):
    client.force_login(UserFactory(username="staff", is_superuser=False))
    for response in (
        client.get(reverse("admin:system_status"), follow=True),
        client.post(reverse("admin:system_ping"), follow=True),
    ):
        assert response.status_code == 200 and response.request["PATH_INFO"] == reverse("admin:index")
        assert messages_of(response) == [
            "Only a superuser may see the system status and send the test job."
        ]
    assert "System status" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_a_view_only_user_cannot_cancel_or_retry_a_job(client):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="viewer", is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_metadatafetchtask"))
    client.force_login(user)
    job = MetadataFetchTask.objects.create(total=1, status="running")
    assert "job-cancel" not in client.get(
        reverse("admin:tracks_metadatafetchtask_change", args=[job.pk])).content.decode()
    url = reverse("admin:job_cancel", kwargs={"label": "tracks.metadatafetchtask", "pk": job.pk})
    response = client.post(url, follow=True)
    assert messages_of(response) == [
        "You may look at this job but not cancel it; nothing was done.",
    ]
    job.refresh_from_db()
    assert job.status == "running"


@pytest.mark.django_db
def test_repeated_failed_logins_are_throttled_and_the_page_says_why(client):
    UserFactory(password=PASSWORD)
    url = reverse("admin:login")
    for _ in range(4):
        page = client.post(url, {"username": "admin", "password": "wrong"}).content.decode()
        assert "Please enter the correct username and password" in page
    locked = client.post(url, {"username": "admin", "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many failed logins for “admin” from this address" in locked.content.decode()
    # The right password does not get in during the lockout either.
    again = client.post(url, {"username": "admin", "password": PASSWORD})
    assert again.status_code == 429 and "_auth_user_id" not in client.session


# --- Deploy settings --------------------------------------------------------------------------


def test_check_deploy_passes_with_https_and_says_what_remains_without():
    key = secrets.token_urlsafe(50)
    good = manage("check", "--deploy", DEBUG="0", SECRET_KEY=key, CRATEDIGGER_HTTPS="1")
    assert good.returncode == 0 and "System check identified no issues" in good.stdout, (good.stdout, good.stderr)
    plain = manage("check", "--deploy", DEBUG="0", SECRET_KEY=key)
    assert "cratedigger.W001" in plain.stderr and "CRATEDIGGER_HTTPS is not set" in plain.stderr


# --- Command input ------------------------------------------------------------------------------


def test_a_nul_byte_in_a_command_argument_is_refused_before_anything_runs():
    result = manage("fetch_track_metadata", "--track-uuid", "abc\x01def")
    assert result.returncode == 2
    assert result.stderr == (
        "Error: Argument 3 holds a NUL or control character; type it again without one. Nothing was done.\n"
    )


def test_an_unreachable_database_outside_preflight_is_a_sentence_not_a_traceback():
    result = manage("fetch_track_metadata", "--all", "--dry-run", DATABASE_URL="postgres://u:s3cret@127.0.0.1:1/x")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the database (postgres://u:***@127.0.0.1:1/x) cannot be used: ")
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr


def test_redis_down_is_a_sentence_not_a_traceback(tmp_path):
    own = {"CRATEDIGGER_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    assert manage("migrate", "-v0", **own).returncode == 0
    create = "from tracks.models import Track; Track.objects.create(title='bad guy', credit_name='Billie Eilish')"
    assert manage("shell", "-c", create, **own).returncode == 0
    result = manage("fetch_track_metadata", "--bulk", "--sync", REDIS_URL="redis://:pw0rd99@127.0.0.1:1/0", **own)
    assert result.returncode == 1
    assert "Error: Redis at redis://:***@127.0.0.1:1/0 cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr and "pw0rd99" not in result.stderr


@pytest.mark.django_db
@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_as_a_command_argument_gives_a_clean_message_and_changes_nothing(text):
    tracks, jobs = Track.objects.count(), MetadataFetchTask.objects.count()
    for args in (["--track-uuid", text], ["--all", "--provider", text], ["--bulk", "--dry-run", "--provider", text]):
        try:
            call_command("fetch_track_metadata", *args, stdout=io.StringIO(), stderr=io.StringIO())
        except CommandError as exc:
            assert str(exc) and "Traceback" not in str(exc)
    assert (Track.objects.count(), MetadataFetchTask.objects.count()) == (tracks, jobs)


# --- Admin forms ----------------------------------------------------------------------------------


@pytest.mark.django_db
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), number=st.text(max_size=20))
def test_any_text_in_the_admin_forms_gives_a_page_with_messages_and_changes_nothing(client, settings, text, number):
    settings.SOUNDCHARTS_APP_ID = settings.SOUNDCHARTS_API_KEY = "fuzz-key-never-used"
    settings.SPOTIFY_CLIENT_ID = settings.SPOTIFY_CLIENT_SECRET = "fuzz-key-never-used"
    settings.PROVIDER_RETRIES = 0
    client.force_login(UserFactory())
    track = TrackFactory.create() if not Track.objects.exists() else Track.objects.first()
    before = (Track.objects.count(), MetadataFetchTask.objects.count())
    responses = [
        client.post(reverse("admin:tracks_track_import_soundcharts"),
                    {"artist": text, "limit": number, "offset": number}),
        client.get(reverse("admin:tracks_track_search_spotify"), {"query": text}),
        client.get(reverse("admin:tracks_track_changelist"), {"q": text}),
        client.get(reverse("admin:job_progress"), {"job": text}),
        client.post(reverse("admin:tracks_track_changelist"), {"action": text, "_selected_action": [text]}),
    ]
    for response in responses:
        assert response.status_code in (200, 302), response.status_code
    assert (Track.objects.count(), MetadataFetchTask.objects.count()) == before
    assert track.pk


def test_processes_starting_together_all_find_the_var_dir_writable(tmp_path):
    """Web, worker and beat start at once (make run): each checks the var dir with a file of its own."""
    import concurrent.futures

    from config import schema

    env = {"CRATEDIGGER_VAR_DIR": str(tmp_path)}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        loaded = list(pool.map(lambda _: schema.load(env), range(200)))
    assert len(loaded) == 200 and list(tmp_path.iterdir()) == []
