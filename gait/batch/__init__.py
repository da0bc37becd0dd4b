"""``gait batch``: a whole archive of clips, one Dask task per session, on this machine or a Dask cluster.

- :mod:`~gait.batch.inputs`: the sessions found in clips, folders and CSV manifests (:func:`find_sessions`),
  grouped into side + rear sessions by the manifest or a ``--pair-by`` pattern.
- :mod:`~gait.batch.session`: one session as a task (:func:`run_session`): the command line's own
  :func:`gait.output.analyze_and_write` into the session's folder, skipped when done before for the same content
  hash and settings (its ``batch_done.json``), a refused clip recorded with its message and code.
- :mod:`~gait.batch.cluster`: the Dask client, local or remote, and the progress bar (:func:`run_sessions`).
- :mod:`~gait.batch.summary`: summary.csv / summary.parquet and the overview of the archive.
"""

from gait.batch.cluster import BatchResult, machine_cores, run_sessions
from gait.batch.inputs import ClipJob, SessionJob, find_sessions, pair_pattern, read_manifest
from gait.batch.session import MARKER, BatchSettings, Outcome, run_session
from gait.batch.summary import SUMMARY_NAMES, write_tables

__all__ = [
    "MARKER", "SUMMARY_NAMES", "BatchResult", "BatchSettings", "ClipJob", "Outcome", "SessionJob", "find_sessions",
    "machine_cores", "pair_pattern", "read_manifest", "run_session", "run_sessions", "write_tables",
]
