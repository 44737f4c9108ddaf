import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.celery import exit_on_bad_settings  # noqa: E402

exit_on_bad_settings()
application = get_asgi_application()
