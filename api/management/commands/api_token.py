"""Make an API token for a user; the token is printed once, as the last line, and never stored."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from api import services


class Command(BaseCommand):
    help = "Make a new API token for USERNAME and print it as the last line (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, e.g. “phone”; shown in the admin.")

    def handle(self, *args, username: str, name: str, **options):
        try:
            row, token = services.api_token_create_for(username=username, name=name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"Made API token {row.prefix}… for {row.user.get_username()}. It is shown only this once; keep it "
            "secret. Send it as `Authorization: Bearer <token>`; revoke it in the admin (API tokens)."
        )
        self.stdout.write(token)
