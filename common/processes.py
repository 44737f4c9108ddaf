"""Who holds something, and whether that holder still runs: the one dead-holder rule.

A job's run and a slot held by code both record `worker_identity()`; anyone may
ask `holder_is_dead(identity)`. It can only tell for a process on this machine
(in this pid namespace): a holder elsewhere is trusted until its lease lapses.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path


def proc_stat(pid: int) -> list[str] | None:
    """Return the fields of /proc/<pid>/stat after the command name, or None when there is no such process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after it.
    return raw[raw.rfind(")") + 2 :].split()


def pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def worker_identity() -> str:
    """Return who this thread is: host | pid namespace | pid | process start time | thread."""
    stat = proc_stat(os.getpid())
    started = stat[19] if stat and len(stat) > 19 else ""
    return f"{socket.gethostname()}|{pid_namespace()}|{os.getpid()}|{started}|{threading.get_ident()}"


def holder_is_dead(identity: str) -> bool:
    """Return True only when the identity names a process on this machine that no longer runs.

    Anything that is not an identity (another kind of holder) is never called dead.
    """
    parts = identity.split("|")
    if len(parts) != 5 or not parts[1] or not parts[3]:
        return False
    host, namespace, pid, started, _thread = parts
    if host != socket.gethostname() or namespace != pid_namespace() or not pid.isdigit():
        return False  # another machine or container: only the lease can tell
    stat = proc_stat(int(pid))
    # Gone, a zombie, or the pid reused by a newer process.
    return stat is None or stat[0] in ("Z", "X") or (len(stat) > 19 and stat[19] != started)
