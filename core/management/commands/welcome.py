"""Say, once the web server answers, where the admin is and how to log in: the last thing `make run` prints."""

from __future__ import annotations

import os
import signal
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand

from core.management.commands.ensure_admin import first_run_password_take

# The web server's first start (migrations checked, the autoreloader up) takes a few seconds.
WAIT_FOR_WEB = 60.0


def _box(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    rule = "─" * (width + 2)
    return "\n".join([f"┌{rule}┐", *(f"│ {line.ljust(width)} │" for line in lines), f"└{rule}┘"])


class Command(BaseCommand):
    help = "Wait until the web server answers, then print the admin's address and login, boxed; stay until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="The admin's address (default: from CRATEDIGGER_HOST/PORT).")
        parser.add_argument("--once", action="store_true", help="Print and exit instead of staying.")

    def handle(self, *args, url: str, once: bool, **options):
        # Stopped with the others by Ctrl-C (honcho sends SIGTERM): leave quietly, with status 0.
        for name in (signal.SIGTERM, signal.SIGINT):
            signal.signal(name, lambda *_: sys.exit(0))
        host = os.environ.get("CRATEDIGGER_HOST", "127.0.0.1")
        url = url or f"http://{host}:{os.environ.get('CRATEDIGGER_PORT', '8000')}/admin/"
        up = self._wait_for(url)
        username = settings.CRATEDIGGER_ADMIN_USERNAME
        password = first_run_password_take()
        lines = [f"Cratedigger is {'up' if up else 'starting'}: {url}"]
        if password:
            lines += [f"Log in as {username} with the password {password}",
                      "It is shown only this once: change it under System › Users."]
        else:
            lines += [f"Log in as {username} (its password is unchanged; change it under System › Users)."]
        lines += ["Ctrl-C stops the web server, the worker and beat."]
        self.stdout.write(_box(lines))
        self.stdout.flush()
        if not once:
            while True:
                signal.pause()

    def _wait_for(self, url: str) -> bool:
        deadline = time.monotonic() + WAIT_FOR_WEB
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "login/", timeout=2):  # noqa: S310 - our own local address
                    return True
            except urllib.error.HTTPError:
                return True  # it answers
            except OSError:
                time.sleep(0.5)
        return False
