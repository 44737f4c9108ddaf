"""A real Celery worker, started by the test against Redis, runs a task and stores its result."""

import pytest
from django_celery_results.models import TaskResult

from core.queue import BrokerUnavailable, enqueue
from core.tasks import ping
from tests.services import wait_for


@pytest.mark.services
def test_real_worker_runs_a_task_and_the_result_lands_in_the_database(celery_worker):
    task_id = enqueue(ping)
    result = wait_for(
        lambda: TaskResult.objects.filter(task_id=task_id, status="SUCCESS").first(),
        timeout=60,
        message=f"task {task_id} to succeed; worker log:\n{celery_worker.log_text()[-1500:]}",
    )
    assert result.task_name == "cratedigger.ping"
    assert '"host"' in result.result


def test_enqueue_with_the_broker_down_raises_a_clear_error(broker_down):
    with pytest.raises(BrokerUnavailable) as excinfo:
        enqueue(ping)
    assert "redis://127.0.0.1:1/0 is unreachable" in str(excinfo.value)


def test_task_settings_make_redelivery_safe(settings):
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.result_backend == "django-db"
    assert app.conf.beat_scheduler == "core.scheduler:Scheduler"  # the database scheduler, one cleanup
