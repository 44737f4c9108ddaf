"""What the crates' commands share: run a job here with a progress bar (--sync), or queue it for the workers."""

from __future__ import annotations

import sys

from core import jobs


def run_here(command, model, job, *, what: str = "items"):
    """Run the job in this process, a progress bar on a terminal's standard error; return the finished row."""
    show = sys.stderr.isatty()

    def progress(row, width: int = 30) -> None:
        filled = width * row.processed // max(1, row.total)
        command.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {row.processed}/{row.total} {what}",
                             ending="")
        command.stderr.flush()

    finished = jobs.job_run_here(model=model, job_id=job.pk, on_progress=progress if show else None)
    if show:
        command.stderr.write("")
    return finished


def report_end(command, job) -> None:
    """Say on standard error how a job ended when it did not end well."""
    if job.status != job.Status.COMPLETED or job.failed:
        command.stderr.write(f"{job.status_text}. {job.last_error}".strip())
