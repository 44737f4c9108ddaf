"""Make sure an admin user exists, so a fresh install can be logged into at once."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


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
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created admin user {username!r} with the password: {password}\n"
                    "It is shown only this once. Change it in the admin, or set "
                    "CRATEDIGGER_ADMIN_PASSWORD before the first run."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Created admin user {username!r} with CRATEDIGGER_ADMIN_PASSWORD."))
