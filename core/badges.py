"""What waits, at a glance: counts the sidebar shows beside a page (lines to review, downloads awaiting a choice).

A feature registers a count for one of its admin pages; the theme's sidebar asks for each by an import path, so
each registered count becomes a function of this module. Nothing is shown at zero.
"""

from __future__ import annotations

from collections.abc import Callable

_PATHS: dict[tuple[str, str], str] = {}


def register(app_label: str, model_name: str, count: Callable[[], int]) -> None:
    """Show count() beside the admin page of app_label.model_name in the sidebar."""
    name = f"badge_{app_label}_{model_name}"

    def badge(request) -> str:
        number = count()
        return f"{number:,}" if number else ""

    badge.__name__ = name
    globals()[name] = badge
    _PATHS[(app_label, model_name.lower())] = f"{__name__}.{name}"


def path_for(app_label: str, model_name: str) -> str | None:
    """Return the import path of the page's count, or None when it has none."""
    return _PATHS.get((app_label, model_name.lower()))
