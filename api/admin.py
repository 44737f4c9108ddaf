"""API tokens in the admin: listed by their first characters (never the token), revoked with an action."""

from __future__ import annotations

from django.contrib import admin, messages

from api import services
from api.models import ApiToken
from common.text import count_text
from core.admin import CrateModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(CrateModelAdmin):
    list_display = ("prefix_text", "user", "name", "created_at", "last_used_at", "state")
    list_filter = ("revoked_at", "created_at")
    search_fields = ("user__username", "name", "prefix")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix_text", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "prefix_text", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        # A token is shown once, when it is made: `python manage.py api_token USERNAME`, never typed in a form.
        return False

    @admin.display(description="Token", ordering="prefix")
    def prefix_text(self, token: ApiToken) -> str:
        return f"{token.prefix}…"

    @admin.display(description="State")
    def state(self, token: ApiToken) -> str:
        return "Revoked" if token.is_revoked else "In use"

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        count = services.api_tokens_revoke(tokens=queryset)
        self.message_user(
            request, f"Revoked {count_text(count, 'token')}; they are refused from now on.",
            messages.SUCCESS if count else messages.INFO,
        )
