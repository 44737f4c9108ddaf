"""What waits, at a glance: counts the sidebar shows beside a page (lines to review, downloads awaiting a choice).

A feature registers a count for one of its admin pages; the theme's sidebar asks for each by an import path, so
each registered count becomes a function of this module. Nothing is shown at zero: the sidebar asks `count_for`
first and names the badge only when there is something to count; each count is made once a request.
"""

from __future__ import annotations

from collections.abc import Callable

_COUNTS: dict[tuple[str, str], Callable[[], int]] = {}
_PATHS: dict[tuple[str, str], str] = {}


def register(app_label: str, model_name: str, count: Callable[[], int]) -> None:
    """Show count() beside the admin page of app_label.model_name in the sidebar."""
    key = (app_label, model_name.lower())
    name = f"badge_{app_label}_{key[1]}"

    def badge(request) -> str:
        return f"{count_for(request, *key):,}"

    badge.__name__ = name
    globals()[name] = badge
    _COUNTS[key] = count
    _PATHS[key] = f"{__name__}.{name}"


def count_for(request, app_label: str, model_name: str) -> int:
    """Return the page's count for this request (made once a request), or 0 when it has none."""
    key = (app_label, model_name.lower())
    if key not in _COUNTS:
        return 0
    made = request.__dict__.setdefault("_crate_badges", {})
    if key not in made:
        made[key] = _COUNTS[key]()
    return made[key]


def path_for(request, app_label: str, model_name: str) -> str | None:
    """Return the import path of the page's count when it has something to count, else None."""
    return _PATHS.get((app_label, model_name.lower())) if count_for(request, app_label, model_name) else None
