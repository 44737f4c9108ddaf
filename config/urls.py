from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from api.errors import not_found_view

urlpatterns = [
    path("admin/", admin.site.urls),
    # The JSON API: one version, its OpenAPI schema at /api/v1/schema/ and its docs at /api/v1/docs/.
    path("api/v1/", include("api.urls")),
    re_path(r"^api/", not_found_view),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
