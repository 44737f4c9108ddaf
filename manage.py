#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
import unicodedata


def unusable_argument() -> str:
    """Return a message about the first argument holding a NUL or control character, or ""."""
    for position, argument in enumerate(sys.argv[1:], start=1):
        if any(unicodedata.category(char) == "Cc" for char in argument):
            return f"Argument {position} holds a NUL or control character; type it again without one."
    return ""


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError, InterfaceError, OperationalError

    if message := unusable_argument():
        sys.stderr.write(f"Error: {message} Nothing was done.\n")
        sys.exit(2)
    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake gets one readable line, not a traceback.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)
    except (OperationalError, InterfaceError) as exc:
        from common.redact import redact
        from config.env import mask_url

        reason = redact(str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__)
        url = mask_url(os.environ.get("DATABASE_URL", "the SQLite file under var/"))
        sys.stderr.write(
            f"Error: the database ({url}) cannot be used: {reason}. Is the server running, and is DATABASE_URL "
            "right? `python manage.py preflight` checks the database, the broker and the cache.\n"
        )
        sys.exit(1)
    except DatabaseError as exc:
        from common.redact import redact

        sys.stderr.write(f"Error: the database refused the request: {redact(str(exc).strip())}\n")
        sys.exit(1)
    except Exception as exc:
        # Redis down (the cache, the rate limiter or the broker): say which and what to do.
        from redis.exceptions import RedisError

        if not isinstance(exc, RedisError):
            raise
        from config.env import mask_url

        sys.stderr.write(
            f"Error: Redis at {mask_url(os.environ.get('REDIS_URL', ''))} cannot be reached ({exc}). Start Redis, "
            "or unset REDIS_URL to use the embedded cache and broker under var/.\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
