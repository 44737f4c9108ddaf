"""Check that the database, the broker and the cache answer before anything starts."""

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from config.env import mask_url


class Command(BaseCommand):
    help = "Check that the database, the Celery broker and the cache can be reached."

    def handle(self, *args, **options):
        problems = []
        db = settings.DATABASES["default"]
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            problems.append(
                f"DATABASE_URL: cannot connect to the {connection.vendor} database {db['NAME']!r} "
                f"({reason}). Is the server running, and is DATABASE_URL right?"
            )
        else:
            self.stdout.write(f"database: {connection.vendor} {db['NAME']} OK")

        broker = mask_url(settings.CELERY_BROKER_URL)
        try:
            from config.celery import app

            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=3)
        except Exception as exc:  # noqa: BLE001 - any driver error means "unreachable"
            problems.append(
                f"CELERY_BROKER_URL/REDIS_URL: cannot reach the broker at {broker} "
                f"({str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}). "
                "Start Redis, or unset REDIS_URL and CELERY_BROKER_URL to use the filesystem broker under var/."
            )
        else:
            self.stdout.write(f"broker: {broker} OK")

        try:
            cache.set("cratedigger:preflight", "ok", 5)
            cache.get("cratedigger:preflight")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"REDIS_URL: the cache cannot be used ({exc.__class__.__name__}: {exc}).")
        else:
            self.stdout.write(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} OK")

        if problems:
            raise CommandError("\n".join(problems))
