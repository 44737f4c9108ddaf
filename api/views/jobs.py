"""Jobs of every kind over HTTP: listed newest first, each with its status, counts, progress and failures; cancel
and retry of the failed items, as on a job's page in the admin. A person sees the kinds they may view."""

from __future__ import annotations

import base64
import binascii
import datetime
import uuid

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.errors import Conflict, broker_unavailable, provider_unavailable
from api.idempotency import idempotent
from api.pagination import CursorPage, PageSize
from api.serializers.common import JOB_KINDS, JobSerializer, job_kind
from api.views.base import ApiViewSet, started_by
from api.views.docs import errors
from api.views.job_starts import JobStartSerializer, jobs_start, start_permissions
from common.text import count_text
from core import jobs
from core.models import Job, JobStatus
from core.queue import BrokerUnavailable
from providers.base import ProviderError


def _perm(model: type[Job], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def job_models_allowed(user, action: str = "view") -> list[type[Job]]:
    """Return the kinds of job this user may view (or change)."""
    return [model for model in jobs.job_models() if user.has_perm(_perm(model, action))]


def _any_job_view(request, view) -> list[str]:
    allowed = job_models_allowed(request.user)
    if allowed:
        return [_perm(allowed[0], "view")]
    return [_perm(model, "view") for model in jobs.job_models()[:1]] or ["core.view_jobs"]


class JobCancelledSerializer(serializers.Serializer):
    cancelled = serializers.BooleanField(help_text="False when it was cancelled already.")
    job = JobSerializer()
    message = serializers.CharField()


class JobsStartedSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when the job asked for was under way already.")
    jobs = JobSerializer(many=True)
    message = serializers.CharField()


class JobRetriedSerializer(serializers.Serializer):
    retried = serializers.IntegerField(help_text="How many items were queued again.")
    job = JobSerializer()
    message = serializers.CharField()


def _encode(job: Job) -> str:
    return base64.urlsafe_b64encode(f"{job.created_at.isoformat()}|{job.pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime.datetime, uuid.UUID]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, pk = text.partition("|")
        when = parse_datetime(moment)
        if when is None:
            raise ValueError(moment)
        return when, uuid.UUID(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise exceptions.ValidationError(
            {"cursor": ["That cursor is not one this list gave; start again without it."]}
        ) from None


class JobViewSet(ApiViewSet):
    perms = {"list": _any_job_view, "retrieve": _any_job_view, "cancel": _any_job_view,
             "retry_failed": _any_job_view, "create": start_permissions}
    serializer_class = JobSerializer
    # Its pages are made in list() across every kind of job; the class gives the schema their shape.
    pagination_class = CursorPage

    def get_queryset(self):
        # Jobs are of several models; this is only what the schema reads the id's type from.
        return jobs.job_models()[0].objects.none()

    def _job(self, request, pk, action: str = "view") -> Job:
        for model in jobs.job_models():
            job = model.objects.filter(pk=pk).first()
            if job is None:
                continue
            if not request.user.has_perm(_perm(model, "view")):
                raise exceptions.PermissionDenied(f"You may not look at {model._meta.verbose_name_plural}.")
            if action != "view" and not request.user.has_perm(_perm(model, action)):
                raise exceptions.PermissionDenied(
                    f"You may look at this job but not change it; that needs the permission “{_perm(model, action)}”."
                )
            return job
        raise exceptions.NotFound("No job has that id.")

    @extend_schema(
        summary="List jobs of every kind, newest first",
        parameters=[
            OpenApiParameter("status", enum=JobStatus.values),
            OpenApiParameter("kind", enum=sorted(JOB_KINDS.values())),
        ],
        responses={200: JobSerializer(many=True), **errors(400)},
    )
    def list(self, request):
        models = job_models_allowed(request.user)
        kind = request.query_params.get("kind")
        if kind:
            known = {job_kind(model): model for model in jobs.job_models()}
            if kind not in known:
                raise exceptions.ValidationError({"kind": [f"Choose one of {', '.join(sorted(known))}."]})
            models = [model for model in models if job_kind(model) == kind]
        state = request.query_params.get("status")
        if state and state not in JobStatus.values:
            raise exceptions.ValidationError({"status": [f"Choose one of {', '.join(JobStatus.values)}."]})
        size = PageSize().get_page_size(request)
        cursor = request.query_params.get("cursor")
        found: list[Job] = []
        for model in models:
            rows = model.objects.all()
            if state:
                rows = rows.filter(status=state)
            if cursor:
                when, pk = _decode(cursor)
                rows = rows.filter(Q(created_at__lt=when) | Q(created_at=when, pk__lt=pk))
            found.extend(rows.order_by("-created_at", "-pk")[: size + 1])
        found.sort(key=lambda job: (job.created_at, job.pk), reverse=True)
        page, more = found[:size], len(found) > size
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", _encode(page[-1])) if more else None
        return Response({"next": next_url, "previous": None, "results": JobSerializer(page, many=True).data})

    @extend_schema(
        summary="Start a job",
        description="The admin's bulk jobs: `metadata_fetch` (tracks, or every stale one; one provider; audience), "
        "`tag_write` (the files of tracks), `scan` (the music folder; a scan under way is the answer, 200) and "
        "`purchase_links` (want-list entries, or every stale one). Each needs the permissions its admin action does.",
        request=JobStartSerializer, responses={202: JobsStartedSerializer, 200: JobsStartedSerializer,
                                               **errors(400, 404, 409, 503)},
    )
    @idempotent
    def create(self, request):
        given = JobStartSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            started = jobs_start(data=given.validated_data, started_by=started_by(request))
        except LookupError as exc:
            raise exceptions.NotFound(str(exc)) from None
        except ValueError as exc:
            raise Conflict(str(exc)) from None
        except ProviderError as exc:
            raise provider_unavailable(exc) from None
        except BrokerUnavailable as exc:
            raise broker_unavailable(exc) from None
        body = {"created": started.created, "jobs": JobSerializer(started.jobs, many=True).data,
                "message": started.message}
        return Response(body, status=202 if started.created and started.jobs else 200)

    @extend_schema(summary="A job: status, counts, progress and failures", responses={200: JobSerializer,
                                                                                      **errors(404)})
    def retrieve(self, request, pk=None):
        return Response(JobSerializer(self._job(request, pk), context={"with_failures": True}).data)

    @extend_schema(
        summary="Cancel a job",
        description="It stops before its next item; the item running is asked to stop. Cancelling a cancelled job "
        "answers `cancelled: false`; a finished one is a 409.",
        request=None, responses={200: JobCancelledSerializer, **errors(404, 409)},
    )
    @idempotent
    def cancel(self, request, pk=None):
        job = self._job(request, pk, "change")
        if jobs.job_cancel(job=job):
            job.refresh_from_db()
            return Response({"cancelled": True, "job": JobSerializer(job).data,
                             "message": "Cancelled: it stops before its next item."})
        job.refresh_from_db()
        if job.status == JobStatus.CANCELLED:
            return Response({"cancelled": False, "job": JobSerializer(job).data,
                             "message": "It was cancelled already."})
        raise Conflict(f"The job had already {job.get_status_display().lower()}; nothing to cancel.")

    @extend_schema(
        summary="Queue a finished job again over its failed items",
        request=None, responses={202: JobRetriedSerializer, **errors(404, 409, 503)},
    )
    @idempotent
    def retry_failed(self, request, pk=None):
        job = self._job(request, pk, "change")
        if job.is_active:
            raise Conflict("The job is still running; retry it once it has finished.")
        try:
            count = jobs.job_retry_failed(job=job, started_by=started_by(request))
        except BrokerUnavailable as exc:
            raise broker_unavailable(exc) from None
        job.refresh_from_db()
        if count and job.status == JobStatus.FAILED:
            raise broker_unavailable(BrokerUnavailable.of_job(job.last_error))
        if not count:
            raise Conflict("Nothing failed in this job; there is nothing to retry.")
        return Response({"retried": count, "job": JobSerializer(job).data,
                         "message": f"Queued again over {count_text(count, 'item')}."}, status=202)
