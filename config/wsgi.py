import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.celery import exit_on_bad_settings  # noqa: E402

exit_on_bad_settings()
application = get_wsgi_application()
