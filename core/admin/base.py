"""What every app's admin is made of: the theme's ModelAdmin with what other apps register on it, the crate
lists' lean rows, list pages titled by what they list, and the small helpers their pages and messages share."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from unfold.admin import ModelAdmin

from core import selectors
from core.extensions import EXTRA_ACTIONS, SAVE_HOOKS
from core.models import Job


def started_by(request: HttpRequest) -> str:
    """Return what a job started from this request records as its starter."""
    return request.user.get_username() or "admin"


def job_link(job: Job) -> str:
    """Return an HTML link to the job's page, for messages."""
    return format_html('<a href="{}">{}</a>', selectors.job_admin_url(job), job)


def html_table(table_id: str, headers: tuple[str, ...], rows: list[tuple], row: str = "") -> str:
    """Return a small read-only table for a page (a track's sources, its downloads): headers, then one row
    per tuple, each value escaped into `row` (plain cells by default)."""
    row = row or "<tr>" + "<td>{}</td>" * len(headers) + "</tr>"
    return format_html(
        '<table class="crate-table" id="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        table_id, format_html_join("", "<th>{}</th>", ((header,) for header in headers)),
        format_html_join("", row, rows),
    )


class NamedListMixin:
    """A list's page is titled with what it lists ("Library tracks"), not Django's "Select library track to change"."""

    def changelist_view(self, request, extra_context=None):
        title = capfirst(str(self.model._meta.verbose_name_plural))
        return super().changelist_view(request, {"title": title, **(extra_context or {})})


class CrateModelAdmin(NamedListMixin, ModelAdmin):
    """The theme's ModelAdmin with the actions and save hooks other features register on it."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for hook in SAVE_HOOKS.get(self.model._meta.label_lower, ()):
            hook(self, request, obj, list(form.changed_data) if change else None)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action, permission in EXTRA_ACTIONS.get(self.model._meta.label_lower, ()):
            if request.user.has_perm(permission):
                actions[action.__name__] = (action, action.__name__, action.short_description)
        return actions


class CrateListAdmin(CrateModelAdmin):
    """A crate list (tracks, the library, the want list): the same page, with lean rows (core.templatetags.crate_list)
    so that 100 rows weigh about a quarter of what the theme's rows do."""

    change_list_template = "admin/crate_change_list.html"
    empty_value_display = ""  # an empty cell, as the theme draws it, not "-"

    @admin.display(description=ModelAdmin.action_checkbox.short_description)  # the theme's select-all box
    def action_checkbox(self, obj) -> str:
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select crate-check" aria-label="Select record">',
            helpers.ACTION_CHECKBOX_NAME, obj.pk,
        )
