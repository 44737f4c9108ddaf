"""Pagination on every list: cursors for the large ones (stable while rows are added), page numbers for the rest."""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination, PageNumberPagination


class PageSize:
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        try:
            asked = int(request.query_params.get(self.page_size_query_param, ""))
        except ValueError:
            return settings.API_PAGE_SIZE
        return max(1, min(asked, settings.API_PAGE_SIZE_MAX))


class CursorPage(PageSize, CursorPagination):
    """Pages of a large list by a cursor: `next` and `previous` are links, and a page never repeats a row."""

    ordering = "-created_at"

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", self.ordering)
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def paginate_queryset(self, queryset, request, view=None):
        self.page_size = self.get_page_size(request)
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {"cursor": ["That cursor is not one this list gave; start again without it."]}
            ) from None


class NumberedPage(PageSize, PageNumberPagination):
    """Pages of a smaller list by number, with its count."""

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param, "")
        if page and page != "last" and not (page.isdigit() and int(page) > 0):
            raise exceptions.ValidationError({"page": ["A page is a whole number from 1."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise exceptions.NotFound("There is no such page; the list has fewer pages.") from None
