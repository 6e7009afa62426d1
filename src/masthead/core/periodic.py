"""Periodic jobs run from inside the app, without cron or an external timer.

Apps register jobs in ``AppConfig.ready()`` (scheduled publishing, campaign roll-over).
Each app server process and the worker run :func:`run_due` from a daemon thread; a cache
lock per job and interval makes one process run each due job, however many servers share
the database and cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[[], object]
    every_seconds: int


_jobs: dict[str, Job] = {}
_started = threading.Event()


def register(name: str, function: Callable[[], object], *, every_seconds: int) -> None:
    _jobs[name] = Job(name, function, every_seconds)


def jobs() -> list[Job]:
    return list(_jobs.values())


def run_due(now: float | None = None) -> list[str]:
    """Run every job whose interval has come round and no other process has claimed."""
    now = time.time() if now is None else now
    ran = []
    for job in list(_jobs.values()):
        slot = int(now // job.every_seconds)
        if not cache.add(f"periodic:{job.name}:{slot}", 1, timeout=job.every_seconds * 2):
            continue
        try:
            job.function()
            ran.append(job.name)
        except Exception:
            logger.exception("periodic job %s failed", job.name)
    return ran


def _loop(tick_seconds: int) -> None:
    while True:
        time.sleep(tick_seconds)
        try:
            run_due()
        except Exception:
            logger.exception("periodic scheduler tick failed")
        finally:
            close_old_connections()


def start_background_thread(tick_seconds: int = 20) -> None:
    """Start the scheduler once per process (safe to call more than once)."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_loop, args=(tick_seconds,), name="masthead-periodic", daemon=True).start()
