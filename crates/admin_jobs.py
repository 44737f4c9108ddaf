"""The pages of the crates' jobs: an export (its file to download when done), a Rekordbox import (what it
brought in, and what it could not), a file move (each move), and a fingerprinting."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path

from core.admin import JobAdmin
from crates import files, imports, selectors, services
from crates.djformats import CONTENT_TYPES
from crates.models import ExportJob, FileMoveJob, FingerprintJob, RekordboxImportJob


@admin.register(ExportJob)
class ExportJobAdmin(JobAdmin):
    job_fields = ("fmt", "crate", "tracklist")
    change_form_template = "admin/crates/exportjob/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<uuid:pk>/download/", view(self.download_view), name="crates_exportjob_download"),
                *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        result = selectors.export_job_result(job) if job is not None else {}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "export": result})

    def download_view(self, request, pk):
        job = get_object_or_404(ExportJob, pk=pk)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        target = services.exports_dir() / (job.output.rsplit("/", 1)[-1] if job.output else "")
        if not job.output or not target.is_file():
            raise Http404("The file is not there (the job has not finished, or the file was removed).")
        name = target.name.split("-", 5)[-1] if target.name.startswith(str(job.pk)) else target.name
        return FileResponse(target.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES[job.fmt])


@admin.register(RekordboxImportJob)
class RekordboxImportJobAdmin(JobAdmin):
    job_fields = ("source_name", "product")
    change_form_template = "admin/crates/rekordboximportjob/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        summary = imports.import_summary(job=job) if job is not None else None
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "summary": summary})


@admin.register(FileMoveJob)
class FileMoveJobAdmin(JobAdmin):
    change_form_template = "admin/crates/filemovejob/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        moves = files.moves_done(job=job) if job is not None else []
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "moves": moves})


@admin.register(FingerprintJob)
class FingerprintJobAdmin(JobAdmin):
    job_fields = ()
