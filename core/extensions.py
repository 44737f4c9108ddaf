"""What one feature adds to another's admin pages: actions, buttons, save hooks and sections.

A feature may not import the features above it (the catalogue knows no want list, no downloads), so a feature
above registers here what it adds to their pages. Each feature lists all it adds, in one module named
`<app>/admin_extensions.py`, so a reader of a page's admin finds where every action, button and tab comes from:

- actions (`register_action`): "Add to want list" on tracks, library tracks and tracklist lines;
- buttons on an object's page (`register_object_tool`): "Write tags" on a track;
- save hooks (`register_save_hook`): an edited track's tags written into its file;
- sections (`register_section`): what a track's "Downloads", "Discoveries" and "Want list" tabs show;
- the dashboard's counts and charts (core.dashboard) and the sidebar's counts (core.badges).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse

EXTRA_ACTIONS: dict[str, list[tuple[Callable, str]]] = {}
OBJECT_TOOLS: dict[str, list[dict]] = {}
SAVE_HOOKS: dict[str, list[Callable]] = {}
SECTIONS: dict[tuple[str, str], Callable] = {}


def register_save_hook(model_label: str, hook: Callable) -> None:
    """Call hook(modeladmin, request, obj, changed_fields) after a person saves an object of model_label
    in the admin (the music folder writes an edited track's tags into its file)."""
    SAVE_HOOKS.setdefault(model_label, []).append(hook)


def register_action(model_label: str, action: Callable, permission: str) -> None:
    """Offer action (an admin action function) on the admin of model_label to users with permission."""
    EXTRA_ACTIONS.setdefault(model_label, []).append((action, permission))


def register_object_tool(model_label: str, *, label: str, icon: str, url_name: str, permission: str) -> None:
    """Offer a POST button on each object's page of model_label, to users with permission."""
    OBJECT_TOOLS.setdefault(model_label, []).append(
        {"label": label, "icon": icon, "url_name": url_name, "permission": permission}
    )


def object_tools(request: HttpRequest, obj) -> list[dict]:
    """Return the registered buttons of obj's page that this user may use, with their URLs."""
    tools = []
    for tool in OBJECT_TOOLS.get(obj._meta.label_lower, ()):
        if request.user.has_perm(tool["permission"]):
            tools.append({**tool, "url": reverse(tool["url_name"], args=[obj.pk])})
    return tools


def register_section(model_label: str, name: str, render: Callable) -> None:
    """Let render(obj) -> HTML fill the section called name on each page of model_label (a track's Downloads tab)."""
    SECTIONS[(model_label, name)] = render


def section(obj, name: str, default: str = "") -> str:
    """Return what the feature that fills obj's section name shows there, or default when none does."""
    render = SECTIONS.get((obj._meta.label_lower, name))
    return render(obj) if render is not None else default
