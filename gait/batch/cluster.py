"""Running a batch's sessions on Dask: a local cluster of worker processes sized to the machine, or an
existing cluster by its scheduler's address; one task per session (:func:`gait.batch.session.run_session`),
a progress bar over clips, the summary tables at the end (and after Ctrl-C, for what finished)."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gait.batch.inputs import SessionJob
from gait.batch.session import DONE, FAILED, BatchSettings, Outcome, run_session
from gait.batch.summary import write_tables
from gait.errors import BAD_OPTION, GaitInputError

if TYPE_CHECKING:
    from gait.history import History

WORKER_FAILED = "worker_failed"  # the task's worker died or was lost (e.g. out of memory): tried again next run


def machine_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class BatchResult:
    """A finished (or interrupted) batch: each session's outcome by name, the summary files written, the
    wall-clock time and the worker processes it ran on."""

    jobs: tuple[SessionJob, ...]
    outcomes: dict[str, Outcome]
    tables: dict[str, Path]
    seconds: float
    workers: int
    interrupted: bool = False
    history: tuple[str, ...] = ()  # what was saved to the run history, and what not and why

    def count(self, status: str, skipped: bool | None = None) -> int:
        return sum(1 for o in self.outcomes.values()
                   if o.status == status and (skipped is None or o.skipped == skipped))

    def text(self) -> str:
        """What the command prints at the end: the counts, the failed sessions and where the tables are."""
        clips = sum(len(j.clips) for j in self.jobs if j.name in self.outcomes and not self.outcomes[j.name].skipped)
        lines = [f"{len(self.jobs)} sessions: {self.count(DONE, False)} analysed, {self.count(DONE, True)} done "
                 f"before (skipped), {self.count(FAILED)} failed ({self.count(FAILED, True)} of them before)"
                 + (f", {len(self.jobs) - len(self.outcomes)} not run (interrupted)" if self.interrupted else "")
                 + f"; {clips} clips run in {_duration(self.seconds)} on {self.workers} worker process(es)"]
        for job in self.jobs:
            outcome = self.outcomes.get(job.name)
            if outcome is not None and outcome.status == FAILED:
                lines.append(f"  failed: {job.name} ({outcome.code}): {outcome.message}")
        lines += self.history
        folder = next(iter(self.tables.values())).parent if self.tables else None
        lines.append(f"summary: {', '.join(p.name for p in self.tables.values())} in {folder}")
        return "\n".join(lines)


class _Bar:
    """Progress over clips with the time left: a tqdm bar on a terminal; in a log, one line per session."""

    def __init__(self, total_clips: int, total_sessions: int):
        from tqdm import tqdm

        self.terminal = sys.stderr.isatty()
        self.sessions, self.done_sessions = total_sessions, 0
        self.bar = tqdm(total=total_clips, unit="clip", desc="batch", file=sys.stderr, disable=not self.terminal,
                        dynamic_ncols=True)
        self.clips, self.start = 0, time.perf_counter()

    def update(self, job: SessionJob, outcome: Outcome) -> None:
        self.done_sessions += 1
        self.clips += len(job.clips)
        self.bar.update(len(job.clips))
        state = outcome.status + (" earlier" if outcome.skipped else "")
        if outcome.status == FAILED:
            state += f" ({outcome.code}): {outcome.message}"
        if self.terminal:
            if outcome.status == FAILED:
                self.bar.write(f"{job.name}: {state}", file=sys.stderr)
            return
        elapsed = time.perf_counter() - self.start
        left = elapsed / self.clips * (self.bar.total - self.clips) if self.clips else 0.0
        print(f"[{self.done_sessions}/{self.sessions} sessions, {self.clips}/{self.bar.total} clips, "
              f"{_duration(elapsed)} elapsed, about {_duration(left)} left] {job.name}: {state}",
              file=sys.stderr, flush=True)

    def close(self) -> None:
        self.bar.close()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


def _remove_staging(out_dir: Path) -> None:
    """Staging folders of sessions cut short by stopping the local workers (``.<name>.*.partial``, which
    :func:`gait.output.write_session` moves in only when complete) and half-written markers."""
    for path in out_dir.rglob(".*.partial"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
    for path in out_dir.rglob(".batch_done.json.*.tmp"):
        path.unlink(missing_ok=True)


def local_workers(asked: int | None, sessions: int, cores: int) -> tuple[int, str | None]:
    """The local cluster's worker processes: ``asked``, or one per core, and never more than the sessions (a
    worker with nothing to do still starts and loads the analysis); and a note when more workers than cores
    would run (they take turns on the cores, each with its own pose model in memory)."""
    n = max(1, min(asked or cores, sessions))
    if n <= cores:
        return n, None
    return n, (f"batch: {n} worker processes on {cores} cores take turns on them, no faster than {cores}, and each "
               "holds its own pose model in memory: --workers at most the cores is enough")


def _client(scheduler: str | None, workers: int | None, sessions: int) -> tuple[Any, Any, int]:
    """A Dask client: on the cluster at ``scheduler``, else on a new local cluster of worker processes
    (:func:`local_workers`), each running one task at a time (MediaPipe single-process inside)."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise GaitInputError(f"no Dask scheduler answered at {scheduler!r} ({exc}). Start one with `dask "
                                 "scheduler` and give its address, e.g. --scheduler tcp://HOST:8786.",
                                 BAD_OPTION) from None
        workers_seen = len(client.scheduler_info().get("workers", {}))
        if not workers_seen:
            print(f"batch: the cluster at {scheduler} has no workers yet: the sessions wait for them "
                  "(`dask worker " + scheduler + "`)", file=sys.stderr, flush=True)
        return client, None, workers_seen
    n, note = local_workers(workers, sessions, machine_cores())
    if note:
        print(note, file=sys.stderr, flush=True)
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster, n


def save_to_history(history: History, jobs: Sequence[SessionJob], outcomes: dict[str, Outcome]) -> tuple[str, ...]:
    """Save each session analysed in this run that has a runner (a manifest's ``runner``) to the run history,
    one after the other from this process (the one writer of the file); returns what was saved and what not."""
    from gait.history import HistoryError

    lines, saved, unnamed = [], 0, 0
    with history:
        for job in jobs:
            outcome = outcomes.get(job.name)
            if outcome is None or outcome.status != DONE or outcome.skipped:
                continue
            if outcome.record is None:
                unnamed += 1
                continue
            height = next((c.options.height_cm for c in job.clips if c.options.height_cm is not None), None)
            try:
                number = history.save(str(job.runner), outcome.record, height_cm=height)
            except HistoryError as exc:
                lines.append(f"  not saved to the history: {job.name}: {exc}")
                continue
            saved += 1
            lines.append(f"  saved to the history: {job.name} as session {number} of {job.runner}")
    lines.insert(0, f"history ({history.path}): {saved} session(s) saved"
                 + (f"; {unnamed} without a runner not saved (a manifest's runner column names them)"
                    if unnamed else ""))
    return tuple(lines)


def run_sessions(jobs: Sequence[SessionJob], out_dir: Path, settings: BatchSettings | None = None, *,
                 scheduler: str | None = None, workers: int | None = None,
                 history: History | None = None) -> BatchResult:
    """Run each session as one Dask task and write the summary tables into ``out_dir``.

    ``scheduler``: the address of an existing Dask scheduler (``tcp://host:8786``), whose workers must have
    this package installed and see the inputs and ``out_dir`` at the same paths (a shared file system);
    without it, a local cluster of ``workers`` processes (default: the machine's cores; at most one per
    session, :func:`local_workers`) is started and stopped. A session's failure is recorded in its outcome
    and never stops the others; a worker that dies gives its session a ``worker_failed`` outcome. On Ctrl-C
    the tasks are cancelled, the local workers stopped, no half-written session folder is left, the tables
    are written for the sessions that finished, and a :class:`BatchResult` with ``interrupted`` set is
    returned. With ``history`` (an open :class:`gait.history.History`), the sessions analysed that have a
    runner are saved to it at the end (:func:`save_to_history`).
    """
    settings = replace(settings or BatchSettings(), history=history is not None)
    out_dir = Path(out_dir)
    jobs = tuple(jobs)
    start = time.perf_counter()
    outcomes: dict[str, Outcome] = {}
    interrupted = False
    client, cluster, n_workers = _client(scheduler, workers, len(jobs))
    where = f"the cluster at {scheduler}" if scheduler else "a local cluster"
    print(f"batch: {len(jobs)} sessions ({sum(len(j.clips) for j in jobs)} clips) on {where}, {n_workers} "
          f"worker process(es), into {out_dir}", file=sys.stderr, flush=True)
    bar = _Bar(sum(len(j.clips) for j in jobs), len(jobs))
    futures = []
    try:
        from dask.distributed import as_completed

        out_dir.mkdir(parents=True, exist_ok=True)
        by_key = {}
        for job in jobs:
            future = client.submit(run_session, job, str(out_dir.absolute()), settings, pure=False)
            futures.append(future)
            by_key[future.key] = job
        for future in as_completed(futures):
            job = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as exc:  # the worker died or was lost: not the clip's fault, tried again next run
                outcome = Outcome(job.name, FAILED, code=WORKER_FAILED,
                                  message=f"the worker running it stopped ({type(exc).__name__}: {exc})")
            outcomes[job.name] = outcome
            bar.update(job, outcome)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
        if interrupted:
            client.cancel(futures)  # tasks running on a cluster's workers finish their folder (or write nothing)
        client.close()
        if cluster is not None:
            cluster.close()
            _remove_staging(out_dir)  # the local workers are stopped: what they staged is incomplete
    tables = write_tables(jobs, outcomes, out_dir)
    saved = save_to_history(history, jobs, outcomes) if history is not None else ()
    return BatchResult(jobs, outcomes, tables, time.perf_counter() - start, n_workers, interrupted, saved)
