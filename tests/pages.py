"""What the admin tests read off a page."""

from __future__ import annotations

from django.contrib.messages import get_messages


def messages_of(response) -> list[str]:
    """Return the messages the request left for the person, as text: those the page showed (after follow=True) or
    those waiting for the next page (a redirect not followed)."""
    return [str(message) for message in get_messages(response.wsgi_request)]
