"""What a handler gives back for its items, and what a run gives back to its task."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from providers.base import RateLimited


@dataclass
class ItemOutcome:
    """What became of one item: an error (it failed), or a result, and the writes to make."""

    error: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    # Database writes for this item, run inside the batch's transaction; if one
    # fails, the batch is written again with each item apart (see job_record).
    write: Callable[[], dict[str, Any] | None] | None = None


@dataclass
class BatchOutcome:
    """Outcomes of the items that were finished (by pk); the others stay pending."""

    done: dict[Any, ItemOutcome] = field(default_factory=dict)
    # A provider asked to slow down: the job waits this out, then carries on.
    wait: RateLimited | None = None
    # The run reached its soft time limit: what is done is recorded, then a new run carries on.
    interrupted: bool = False
    # Nothing more to do before then (a peer's queue, a search collecting answers): come back later.
    later: Later | None = None


@dataclass
class Later:
    """Come back at a time: the run hands its worker back, and the job is queued again for then.

    Unlike a rate limit (`BatchOutcome.wait`), this is the work itself taking time, so it is never
    counted against JOB_MAX_WAIT. The reason is what the job's page says it waits for.
    """

    seconds: float
    reason: str  # e.g. "waiting for peers' queues (3)"


class RunOutcome(enum.StrEnum):
    """How one run of a job ended."""

    COMPLETED = "completed"  # no item left: the job is done
    STOPPED = "stopped"  # cancelled, or another run took the job over
    HANDED_BACK = "handed back"  # the run used its time; a new run carries on
    WAITING = "waiting"  # put aside until a rate limit allows it, or until its items are due (Later)
    FAILED = "failed"  # failed for good (it waited too long)
    NOT_CLAIMED = "not claimed"  # another run has it, or the message is stale


@dataclass
class RunResult:
    outcome: RunOutcome
    detail: str = ""
