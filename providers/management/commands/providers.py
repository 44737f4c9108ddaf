"""List the providers, what each can do and whether it is enabled; optionally check them."""

from django.core.management.base import BaseCommand

from common.text import count_text
from providers.base import ProviderError
from providers.registry import get_provider, statuses


class Command(BaseCommand):
    help = (
        "List every provider with its capabilities, enabled or disabled and why. "
        "--check makes one cheap call to each enabled provider and reports OK or the error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Call each enabled provider once.")

    def handle(self, *args, check=False, **options):
        failures = 0
        for status in statuses():
            capabilities = ", ".join(status.capabilities) or "cover art"
            line = f"{status.name:<12} {status.label:<20} {capabilities:<60}"
            if not status.enabled:
                self.stdout.write(f"{line} disabled: {status.reason}")
                continue
            if not check:
                self.stdout.write(f"{line} enabled")
                continue
            try:
                answer = get_provider(status.name).check()
            except ProviderError as exc:
                failures += 1
                self.stdout.write(f"{line} {self.style.ERROR('FAILED')}: {exc}")
            else:
                self.stdout.write(f"{line} {self.style.SUCCESS('OK')}: {answer}")
        if failures:
            self.stderr.write(f"{count_text(failures, 'provider')} failed their check.")
            raise SystemExit(1)
