"""SLURM job arrays for sweeps: the sbatch script, submission, following a job, task scratch.

This module knows SLURM, not sweeps: :mod:`experiments.sweep` decides which rows go into which
array task (``tasks.json``) and what a task does (``python -m experiments sweep-task``).

A submission lives in ``<sweep dir>/slurm/submit-<n>/``: ``tasks.json`` (the rows of each
array task), ``job.sbatch`` (the script, resubmittable by hand), ``job_id`` and ``logs/``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

from experiments.config import ConfigError

__all__ = [
    "SlurmSettings",
    "SlurmError",
    "render_script",
    "new_submission",
    "latest_submission",
    "submit",
    "job_active",
    "follow",
    "task_build_root",
    "require_commands",
    "SBATCH_TEMPLATE",
]

#: the array script; ``{directives}`` are the ``#SBATCH`` lines
SBATCH_TEMPLATE = """\
#!/bin/bash
# Written by `python -m experiments sweep --backend slurm`: each array task runs its chunk of
# sweep rows in one process (so a protocol can reuse one standalone build for all of them).
{directives}
set -euo pipefail
# as many threads as SLURM gave this task
export OMP_NUM_THREADS="${{SLURM_CPUS_PER_TASK:-1}}"
# each result file is written once under a temporary name and renamed: HDF5 file locks are not
# needed, and they fail on some parallel file systems
export HDF5_USE_FILE_LOCKING=FALSE
exec {command} --task-id "$SLURM_ARRAY_TASK_ID"
"""

_WORD = re.compile(r"^[A-Za-z0-9_.,:+=@-]+$")   # partition, account, time, mem, job name
_SAFE_PATH = re.compile(r"^[^\s%\"'\\]+$")          # a path an #SBATCH line can hold
_TIME = re.compile(r"^(\d+-)?\d+(:\d{1,2}){0,2}$")
_MEM = re.compile(r"^\d+[KMGT]?$")


class SlurmError(RuntimeError):
    """A SLURM command failed (one-line message)."""


@dataclass
class SlurmSettings:
    """What the ``[slurm]`` table of a spec (or the matching command-line flags) sets."""

    partition: str | None = None
    account: str | None = None
    #: wall time per array task, as sbatch takes it (``2:00:00``, ``1-00:00:00``)
    time: str | None = None
    #: memory per node of a task (``4G``)
    mem: str | None = None
    cpus_per_task: int = 1
    #: sweep rows per array task (they share one process and its standalone build)
    rows_per_task: int = 8
    #: at most this many array tasks at once (``--array=...%N``); None: no limit
    max_running: int | None = None
    #: more sbatch options, each as on the command line (``"--qos=short"``)
    extra: list[str] = field(default_factory=list)

    @classmethod
    def from_table(cls, table: Mapping[str, Any], where: str) -> "SlurmSettings":
        """Settings from a ``[slurm]`` table; ConfigError naming ``where.key`` on bad input."""
        known = [f.name for f in fields(cls)]
        settings = cls()
        for key, value in table.items():
            if key not in known:
                raise ConfigError(f"{where}.{key}: unknown key (one of: {', '.join(known)})")
            settings.set(key, value, f"{where}.{key}")
        return settings

    def set(self, key: str, value: Any, where: str) -> None:
        """Set ``key`` after checking ``value``; ConfigError naming ``where`` otherwise."""
        if key in ("cpus_per_task", "rows_per_task", "max_running"):
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{where}={value!r}: must be an integer >= 1")
        elif key == "extra":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.startswith("--") and "\n" not in v
                                                      for v in value):
                raise ConfigError(f"{where}: must be a list of sbatch options such as [\"--qos=short\"]")
        else:
            pattern = {"time": _TIME, "mem": _MEM}.get(key, _WORD)
            if not isinstance(value, str) or not pattern.match(value):
                raise ConfigError(f"{where}={value!r}: not a valid sbatch --{key.replace('_', '-')} value")
        setattr(self, key, value)


def render_script(settings: SlurmSettings, *, n_tasks: int, job_name: str, tasks_file: Path, logs: Path,
                  workdir: Path, python: str = sys.executable) -> str:
    """The sbatch array script that runs ``n_tasks`` tasks of ``tasks_file``."""
    for path in (tasks_file, logs, workdir):
        if not _SAFE_PATH.match(str(path)):
            raise ConfigError(f"{path}: an #SBATCH line cannot hold a path with spaces, quotes or '%'")
    array = f"0-{n_tasks - 1}" + (f"%{settings.max_running}" if settings.max_running else "")
    options = [f"--job-name={job_name}", f"--array={array}", f"--output={logs}/%A_%a.out", f"--chdir={workdir}",
               "--ntasks=1", f"--cpus-per-task={settings.cpus_per_task}"]
    options += [f"--{name}={getattr(settings, name)}" for name in ("time", "mem", "partition", "account")
                if getattr(settings, name)]
    options += settings.extra
    command = shlex.join([python, "-m", "experiments", "sweep-task", str(tasks_file)])
    return SBATCH_TEMPLATE.format(directives="\n".join(f"#SBATCH {option}" for option in options), command=command)


def _submissions(out_dir: Path) -> list[Path]:
    folders = (out_dir / "slurm").glob("submit-*")
    return sorted((p for p in folders if p.name[7:].isdigit()), key=lambda p: int(p.name[7:]))


def new_submission(out_dir: Path) -> Path:
    """A new empty folder ``<out_dir>/slurm/submit-<n>`` (n one more than the last)."""
    existing = _submissions(out_dir)
    number = int(existing[-1].name[7:]) + 1 if existing else 1
    while True:
        folder = out_dir / "slurm" / f"submit-{number}"
        try:
            folder.mkdir(parents=True)
            return folder
        except FileExistsError:
            number += 1


def latest_submission(out_dir: Path) -> tuple[Path, str] | None:
    """``(folder, job id)`` of the last submission of this sweep, if it was submitted."""
    for folder in reversed(_submissions(out_dir)):
        job_file = folder / "job_id"
        if job_file.exists():
            return folder, job_file.read_text().strip()
    return None


def _command(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SlurmError(f"{args[0]}: {exc}") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def submit(script: Path) -> str:
    """Submit ``script`` with sbatch; its job id (also written to ``job_id`` beside it)."""
    done = _command(["sbatch", "--parsable", str(script)])
    if done.returncode != 0:
        raise SlurmError(f"sbatch {script} failed: {_one_line(done.stderr or done.stdout)}")
    job_id = done.stdout.strip().split(";")[0]
    if not job_id.isdigit():
        raise SlurmError(f"sbatch {script}: unexpected answer {done.stdout.strip()!r}")
    (script.parent / "job_id").write_text(job_id + "\n")
    return job_id


def job_active(job_id: str) -> list[str]:
    """The states of the job's array tasks that are still queued or running ([] when over)."""
    done = _command(["squeue", "--noheader", "--jobs", job_id, "--format=%T"])
    if done.returncode != 0:
        if "Invalid job id" in done.stderr:  # the controller has forgotten it: long over
            return []
        raise SlurmError(f"squeue --jobs {job_id} failed: {_one_line(done.stderr or done.stdout)}")
    return done.stdout.split()


def follow(job_id: str, on_poll: Callable[[list[str]], None], *, poll_s: float = 10.0, retries: int = 3) -> None:
    """Poll squeue until the job has left the queue, calling ``on_poll(states)`` after each
    poll. A failing squeue is retried ``retries`` times before SlurmError propagates."""
    failures = 0
    while True:
        try:
            states = job_active(job_id)
            failures = 0
        except SlurmError:
            failures += 1
            if failures > retries:
                raise
            states = ["UNKNOWN"]
        on_poll(states)
        if not states:
            return
        time.sleep(poll_s)


def task_build_root(env: Mapping[str, str], workdir: Path) -> Path:
    """Where an array task builds its networks: node-local scratch (``$SLURM_TMPDIR``, else
    ``$TMPDIR``) if set, else ``<workdir>/.build``; in a folder of its own per task."""
    scratch = env.get("SLURM_TMPDIR") or env.get("TMPDIR")
    base = Path(scratch) if scratch else Path(workdir) / ".build"
    job = env.get("SLURM_ARRAY_JOB_ID") or env.get("SLURM_JOB_ID") or f"pid{os.getpid()}"
    return base / f"oih-sweep-{job}_{env.get('SLURM_ARRAY_TASK_ID', '0')}"


def require_commands() -> None:
    """ConfigError unless sbatch and squeue are on PATH."""
    for name in ("sbatch", "squeue"):
        if shutil.which(name) is None:
            raise ConfigError(f"--backend slurm: {name} is not on PATH (run on a SLURM login node, or use "
                              "--backend local)")
