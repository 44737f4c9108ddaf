"""Django's model permissions on every endpoint: each view names the permissions each of its actions needs.

A view sets `perms`, a dict from its action (a viewset's action name, else the HTTP method) to the permission
codenames it needs, or to a callable(request, view) returning them. An action not named there is refused: no
endpoint is open by accident. A view-only user reads and is refused every write with 403, in words.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from common.text import and_join


def required_permissions(request, view) -> tuple[str, ...] | None:
    """Return the permissions this request needs from view, or None if the view does not allow it at all."""
    perms = getattr(view, "perms", {})
    action = getattr(view, "action", None)
    needed = perms.get(action) if action in perms else perms.get(request.method)
    if needed is None and request.method == "HEAD":
        needed = perms.get("GET") if action is None else perms.get(action)
    if callable(needed):
        needed = needed(request, view)
    return tuple(needed) if needed is not None else None


class ModelPermissions(BasePermission):
    """Allow an authenticated, active user who has every permission the action names."""

    message = "You may not do this; ask an administrator for the permission."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method == "OPTIONS" or not hasattr(view, request.method.lower()):
            return True  # what the endpoint allows (OPTIONS), or a 405 saying it does not
        needed = required_permissions(request, view)
        if needed is None:
            self.message = "This endpoint does not allow that."
            return False
        missing = [perm for perm in needed if not user.has_perm(perm)]
        if missing:
            self.message = (
                f"You may not do this: it needs the permission {and_join([f'“{perm}”' for perm in missing])}, "
                "which your user does not have. Ask an administrator for it."
            )
            return False
        return True
