"""Make sure an admin user exists, so a fresh install can be logged into at once."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


def _first_run_file() -> Path:
    return Path(settings.VAR_DIR) / "first-run-password"


def first_run_password_take() -> str:
    """Return the password made on the first run, once: it is deleted as it is read (the welcome box shows it)."""
    path = _first_run_file()
    try:
        password = path.read_text().strip()
        path.unlink()
    except OSError:
        return ""
    return password


class Command(BaseCommand):
    help = (
        "Create the admin superuser if it does not exist. The password comes from "
        "CRATEDIGGER_ADMIN_PASSWORD, or is generated and printed once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        username = settings.CRATEDIGGER_ADMIN_USERNAME
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Admin user {username!r} exists; its password is unchanged.")
            return
        # Read when the command runs (checked with every setting at start): it is only ever needed here.
        password = os.environ.get("CRATEDIGGER_ADMIN_PASSWORD", "")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=settings.CRATEDIGGER_ADMIN_EMAIL, password=password)
        if generated:
            # Kept for `welcome`, which shows it last, after the servers' start-up lines, and then deletes it.
            path = _first_run_file()
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(password)
            self.stdout.write(self.style.SUCCESS(
                f"Created admin user {username!r} with a new password; it is shown once the app is up."
            ))
        else:
            self.stdout.write(self.style.SUCCESS(f"Created admin user {username!r} with CRATEDIGGER_ADMIN_PASSWORD."))
