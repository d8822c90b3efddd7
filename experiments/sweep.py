"""``python -m experiments sweep SPEC.toml``: one protocol over a table of settings and seeds.

A spec (TOML)::

    protocol = "windup"
    seeds = [1, 2, 3]            # default [1]
    scale = 0.5                  # optional, as --scale (also device = "runtime")
    [set]                        # fixed overrides: knobs, dotted model parameters, dt
    n_stim = 16
    [grid]                       # every combination of these lists
    ketamine_uM = [0.0, 0.3, 1.0, 3.0]
    stim_hz = [0.5, 1.0]
    [[points]]                   # explicit rows; with a [grid], each point x every combination
    drug = "fentanyl"
    [slurm]                      # the slurm backend's settings (experiments.slurm.SlurmSettings)
    time = "1:00:00"

The rows are (points x grid combinations) x seeds, each resolved as ``run`` would resolve it and
written to ``DIR/<protocol>-<hash>.h5``, the hash being that of its resolved config. A row whose
file is complete is skipped, so a sweep resumes where it stopped; a failing row leaves
``DIR/<name>.error.json`` and the others go on. At the end ``DIR/summary.csv`` and
``DIR/summary.h5`` hold one row per run: the swept keys, seed, every scalar read-out, file,
status (complete, failed, missing) and error.

Backends: ``local`` runs the rows on a pool of ``--jobs`` processes (``--jobs 1``: in this
process, one after another); ``slurm`` submits a job array whose tasks each run a chunk of rows
in one process (``sweep-task``, see :mod:`experiments.slurm`) and follows it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import difflib
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import shlex
import shutil
import signal
import socket
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import h5py
import numpy as np

from experiments import slurm
from experiments.cli import (RESULTS_DIR, SUBCOMMANDS, Progress, RunFailed, Terminated, UsageError, execute,
                             interrupt_guard)
from experiments.config import DEFAULT_SEED, ConfigError, ResolvedConfig, get_protocol, read_toml, resolve_config
from experiments.storage import StorageError, read_run, temporary_path, write_atomic

__all__ = ["Sweep", "Row", "Outcome", "load_spec", "run_row", "run_local", "summarize", "is_complete",
           "error_path", "SPEC_KEYS"]

SPEC_KEYS = ("protocol", "seeds", "scale", "device", "set", "grid", "points", "slurm")


# --------------------------------------------------------------------------------------------
# The spec and its table of rows
# --------------------------------------------------------------------------------------------

@dataclass
class Row:
    """One run of a sweep: its swept values as written in the spec, and its resolved config."""

    index: int
    values: dict[str, Any]
    config: ResolvedConfig
    #: ``<protocol>-<first 12 hex digits of the SHA-256 of the config's JSON>``
    name: str

    @property
    def file(self) -> str:
        return f"{self.name}.h5"


@dataclass
class Sweep:
    """A spec expanded: the swept keys (in order) and the rows."""

    path: Path
    protocol: str
    swept: list[str]
    rows: list[Row]
    slurm: slurm.SlurmSettings


def _show(value: Any) -> str:
    return json.dumps(value, default=str)


def _flatten(table: dict, prefix: str = "") -> list[tuple[str, Any]]:
    """``[grid.rvm.on_cells] n = [...]`` and ``"rvm.on_cells.n" = [...]`` alike: dotted keys."""
    items = []
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        items.extend(_flatten(value, path) if isinstance(value, dict) else [(path, value)])
    return items


def _as_text(value: Any, where: str) -> str:
    """A TOML value as ``--set`` text (the config layer parses and checks it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and not any(isinstance(item, (list, dict)) for item in value):
        return "[" + ", ".join(_as_text(item, where) for item in value) + "]"
    raise ConfigError(f"{where} = {_show(value)}: not a value a setting can take")


def _seeds(raw: Any, label: str) -> list[int]:
    good = isinstance(raw, list) and raw and all(
        isinstance(s, int) and not isinstance(s, bool) and 0 <= s < 2**32 for s in raw)
    if not good or len(set(raw)) != len(raw):
        raise ConfigError(f"{label}: seeds = {_show(raw)}: must be a non-empty list of distinct integers >= 0")
    return list(raw)


def _resolve(protocol: str, items: list[tuple[str, Any, str]], seed: int, label: str) -> ResolvedConfig:
    """Resolve ``(key, value, where)`` items; a bad one is reported by ``where`` in the spec."""
    sets = [f"{key}={_as_text(value, f'{label}: {where}')}" for key, value, where in items]
    try:
        return resolve_config(protocol, sets, seed=seed)
    except ConfigError as exc:
        message = str(exc)
        for (_, value, where), item in zip(items, sets):
            prefix = f"--set {item}: "
            if message.startswith(prefix):
                raise ConfigError(f"{label}: {where} = {_show(value)}: {message[len(prefix):]}") from None
        raise ConfigError(f"{label}: {message}") from None


def _digest(config: ResolvedConfig) -> str:
    return hashlib.sha256(config.to_json().encode()).hexdigest()[:12]


def load_spec(path: Path | str) -> Sweep:
    """Read and expand a sweep spec. Every row is resolved (so every value checked) here;
    ConfigError with one line naming the offending item on any bad input."""
    path = Path(path)
    label = str(path)
    data = read_toml(path, str(path))
    for key in data:
        if key not in SPEC_KEYS:
            close = difflib.get_close_matches(key, SPEC_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{label}: unknown key {key!r}{hint} (a spec has: {', '.join(SPEC_KEYS)})")
    protocol = data.get("protocol")
    if not isinstance(protocol, str):
        raise ConfigError(f"{label}: protocol: missing or not a string (name the protocol to sweep)")
    try:
        get_protocol(protocol)
    except ConfigError as exc:
        raise ConfigError(f"{label}: protocol: {exc}") from None
    seeds = _seeds(data.get("seeds", [DEFAULT_SEED]), label)

    for table in ("set", "grid", "slurm"):
        if not isinstance(data.get(table, {}), dict):
            raise ConfigError(f"{label}: {table} = {_show(data[table])}: must be a table ([{table}])")
    fixed = [(key, data[key], key) for key in ("scale", "device") if key in data]
    fixed += [(key, value, f"set.{key}") for key, value in _flatten(data.get("set", {}))]
    axes = _flatten(data.get("grid", {}))
    for key, values in axes:
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{label}: grid.{key} = {_show(values)}: must be a non-empty list of values to sweep")
    points = data.get("points", [])
    if not isinstance(points, list) or not all(isinstance(p, dict) and p for p in points):
        raise ConfigError(f"{label}: points: must be [[points]] tables of settings, none empty")
    points = [dict(_flatten(point)) for point in points] or [{}]

    sources = [(key, where) for key, _, where in fixed] + [(key, f"grid.{key}") for key, _ in axes]
    sources += [(key, f"points[{i}].{key}") for i, point in enumerate(points) for key in point]
    owner: dict[str, str] = {}
    for key, where in sources:
        if key == "seed":
            raise ConfigError(f"{label}: {where}: give seeds as seeds = [...]")
        first = owner.setdefault(key, where)
        if first != where and not (first.startswith("points[") and where.startswith("points[")):
            raise ConfigError(f"{label}: {where}: also set in {first}")

    keys = [key for key, _ in axes]
    swept = keys + [key for key in dict.fromkeys(k for point in points for k in point) if key not in keys]
    rows, names = [], {}
    for point_index, point in enumerate(points):
        for combo in itertools.product(*(values for _, values in axes)):
            items = fixed + [(key, value, f"grid.{key}") for key, value in zip(keys, combo)]
            items += [(key, value, f"points[{point_index}].{key}") for key, value in point.items()]
            values = {**dict(zip(keys, combo)), **point}
            for seed in seeds:
                config = _resolve(protocol, items, seed, label)
                row = Row(len(rows), values, config, f"{protocol}-{_digest(config)}")
                if row.name in names:
                    raise ConfigError(f"{label}: rows {names[row.name]} and {row.index} are the same run "
                                      f"({_show(values)}, seed {seed}): remove the repeated value")
                names[row.name] = row.index
                rows.append(row)
    settings = slurm.SlurmSettings.from_table(data.get("slurm", {}), f"{label}: slurm")
    return Sweep(path, protocol, swept, rows, settings)


# --------------------------------------------------------------------------------------------
# Running rows
# --------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What became of one row: ``complete``, ``failed`` (with ``error``) or ``skipped`` (it was
    already complete)."""

    name: str
    status: str
    error: str = ""
    seconds: float = 0.0


def error_path(out_dir: Path, name: str) -> Path:
    """The failure record of row ``name``: ``DIR/<name>.error.json``."""
    return Path(out_dir) / f"{name}.error.json"


def is_complete(path: Path) -> bool:
    """Whether ``path`` is a result file with ``complete=True``."""
    try:
        with h5py.File(path, "r") as handle:
            return bool(handle.attrs.get("complete", False))
    except (OSError, ValueError):
        return False


def run_row(name: str, config_json: str, out_dir: Path | str, build_root: Path | str,
            argv: Sequence[str]) -> Outcome:
    """Run one row into ``out_dir/<name>.h5`` unless that file is complete. An exception of the
    run is recorded in ``<name>.error.json`` and returned, not raised; KeyboardInterrupt and
    other BaseExceptions propagate (the result file is then not written)."""
    out_dir = Path(out_dir)
    path = out_dir / f"{name}.h5"
    if is_complete(path):
        return Outcome(name, "skipped")
    start = time.monotonic()
    try:
        execute(ResolvedConfig.from_json(config_json), path, force=path.exists(), argv=argv, build_root=build_root)
    except Exception as exc:
        error = " ".join(f"{type(exc).__name__}: {exc}".split())
        record = {"row": name, "error": error, "traceback": traceback.format_exc(), "host": socket.gethostname(),
                  "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
        write_atomic(error_path(out_dir, name), lambda tmp: tmp.write_text(json.dumps(record, indent=1)))
        return Outcome(name, "failed", error, time.monotonic() - start)
    error_path(out_dir, name).unlink(missing_ok=True)
    return Outcome(name, "complete", "", time.monotonic() - start)


def _run_packed(job: tuple[str, str], out_dir: str, build_root: str, argv: list[str]) -> Outcome:
    return run_row(job[0], job[1], out_dir, build_root, argv)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _init_worker() -> None:
    """Pool workers: Ctrl-C is the main process's business; SIGTERM (``Pool.terminate``)
    unwinds the current row, which removes its temporary file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def run_local(rows: Sequence[Row], out_dir: Path, *, jobs: int, build_root: Path | str, argv: Sequence[str],
              on_outcome: Callable[[Outcome], None]) -> None:
    """Run ``rows``: in this process when ``jobs`` is 1, else on a pool of ``jobs`` fresh
    (spawned) processes, each with its own build folder. On KeyboardInterrupt or Terminated the
    workers are stopped (their unfinished rows leave no file) and the exception propagates."""
    work = [(row.name, row.config.to_json()) for row in rows]
    if jobs == 1:
        for name, config_json in work:
            on_outcome(run_row(name, config_json, out_dir, build_root, argv))
        return
    task = functools.partial(_run_packed, out_dir=str(out_dir), build_root=str(build_root), argv=list(argv))
    pool = multiprocessing.get_context("spawn").Pool(min(jobs, len(work)), initializer=_init_worker)
    try:
        for outcome in pool.imap_unordered(task, work):
            on_outcome(outcome)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


# --------------------------------------------------------------------------------------------
# The summary
# --------------------------------------------------------------------------------------------

def _row_state(row: Row, out_dir: Path) -> tuple[str, str, dict[str, int | float], dict[str, str]]:
    """(status, error, scalar read-outs, their units) of one row, from the files."""
    path = out_dir / row.file
    try:
        record = read_run(path) if path.exists() else None
    except StorageError:
        record = None
    if record is not None:
        scalars = {name: value for name, value in record.readouts.items() if isinstance(value, (int, float))}
        return "complete", "", scalars, record.readout_units
    failure = error_path(out_dir, row.name)
    if failure.exists():
        try:
            error = json.loads(failure.read_text())["error"]
        except (OSError, ValueError, KeyError, TypeError):
            error = f"unreadable failure record {failure.name}"
        return "failed", error, {}, {}
    return "missing", "", {}, {}


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def summarize(sweep: Sweep, out_dir: Path | str) -> list[dict[str, Any]]:
    """Write ``summary.csv`` and ``summary.h5`` in ``out_dir`` (each by temp file + rename) and
    return the table: one dict per row with ``row``, the swept keys, ``seed``, the scalar
    read-outs (NaN where a row has none), ``file``, ``status`` and ``error``."""
    out_dir = Path(out_dir)
    states = [_row_state(row, out_dir) for row in sweep.rows]
    readouts: dict[str, str] = {}  # name -> units, in order of first appearance
    for _, _, scalars, units in states:
        for name in scalars:
            readouts.setdefault(name, units.get(name, ""))
    table = []
    for row, (status, error, scalars, _) in zip(sweep.rows, states):
        entry = {"row": row.index, **{key: row.values.get(key) for key in sweep.swept}, "seed": row.config.seed}
        entry.update({name: scalars.get(name, float("nan")) for name in readouts})
        entry.update(file=row.file, status=status, error=error)
        table.append(entry)
    columns = ["row", *sweep.swept, "seed", *readouts, "file", "status", "error"]

    def write_csv(tmp: Path) -> None:
        with open(tmp, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([_csv_text(entry[column]) for column in columns] for entry in table)

    def write_h5(tmp: Path) -> None:
        with h5py.File(tmp, "x", track_order=True) as handle:
            handle.attrs["columns"] = json.dumps(columns)
            handle.attrs["protocol"] = sweep.protocol
            handle.attrs["spec"] = str(sweep.path)
            for column in columns:
                values = [entry[column] for entry in table]
                present = [v for v in values if v is not None]
                if column in ("row", "seed"):
                    data = np.array(values, dtype=np.int64)
                elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
                    data = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
                else:
                    data = np.array([_csv_text(v) for v in values], dtype=h5py.string_dtype())
                dataset = handle.create_dataset(column, data=data)
                if column in readouts:
                    dataset.attrs["units"] = readouts[column]

    write_atomic(out_dir / "summary.csv", write_csv)
    write_atomic(out_dir / "summary.h5", write_h5)
    return table


# --------------------------------------------------------------------------------------------
# The commands
# --------------------------------------------------------------------------------------------

def _positive_int(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return int(text)


_SLURM_FLAGS = ("partition", "account", "time", "mem", "cpus_per_task", "rows_per_task")


def _add_sweep(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC.toml", help="the sweep spec (see docs/hpc.md)")
    parser.add_argument("--backend", choices=("local", "slurm"), default="local",
                        help="local: a process pool (default); slurm: a SLURM job array")
    parser.add_argument("--jobs", type=_positive_int, metavar="N",
                        help="local: processes at once (default: the number of CPUs)")
    parser.add_argument("--out", metavar="DIR", help="folder of the result files (default results/sweeps/SPEC)")
    parser.add_argument("--build-root", metavar="DIR", help="local: where compiled networks go (default .build)")
    group = parser.add_argument_group("slurm backend (override the spec's [slurm] table)")
    group.add_argument("--partition")
    group.add_argument("--account")
    group.add_argument("--time", metavar="D-HH:MM:SS", help="wall time of one array task")
    group.add_argument("--mem", metavar="SIZE", help="memory of one array task (e.g. 4G)")
    group.add_argument("--cpus-per-task", metavar="N", help="CPUs of one array task (sets OMP_NUM_THREADS)")
    group.add_argument("--rows-per-task", metavar="N", help="rows each array task runs in one process (default 8)")
    group.add_argument("--poll", type=float, default=10.0, metavar="SECONDS", help="squeue polling interval")
    group.add_argument("--no-follow", action="store_true", help="submit and return without following the job")


def _check_flags(args: argparse.Namespace, settings: slurm.SlurmSettings) -> None:
    given = [name for name in _SLURM_FLAGS if getattr(args, name) is not None]
    if args.no_follow:
        given.append("no_follow")
    if args.backend == "local" and given:
        raise UsageError(f"--{given[0].replace('_', '-')} applies to --backend slurm only")
    if args.backend == "slurm" and args.jobs is not None:
        raise UsageError("--jobs applies to --backend local only (see --rows-per-task and --cpus-per-task)")
    if args.backend == "slurm" and args.build_root is not None:
        raise UsageError("--build-root applies to --backend local only (array tasks build in node-local scratch)")
    if not args.poll > 0:
        raise UsageError(f"--poll {args.poll:g}: must be > 0")
    for name in given:
        if name != "no_follow":
            settings.set(name, getattr(args, name), f"--{name.replace('_', '-')}")


def _out_dir(args: argparse.Namespace) -> Path:
    out = Path(args.out) if args.out else RESULTS_DIR / "sweeps" / Path(args.spec).stem
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--out {out}: cannot create: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ConfigError(f"--out {out}: directory is not writable")
    return out


def _finish(sweep: Sweep, out_dir: Path, quiet: bool, retry_hint: str) -> int:
    """Write the summary, report it, and the exit status (RunFailed unless every row is complete)."""
    table = summarize(sweep, out_dir)
    counts = Counter(entry["status"] for entry in table)
    if not quiet:
        print(f"sweep: {len(table)} rows: {counts['complete']} complete, {counts['failed']} failed, "
              f"{counts['missing']} missing; summary in {out_dir / 'summary.csv'} and {out_dir / 'summary.h5'}")
    if counts["complete"] == len(table):
        return 0
    first = next((entry for entry in table if entry["status"] == "failed"), None)
    example = f" (row {first['row']}: {first['error']})" if first else ""
    raise RunFailed(f"{len(table) - counts['complete']} of {len(table)} rows not complete{example}; {retry_hint}")


def _interrupted(signum: int, what: str) -> int:
    print(f"interrupted by {signal.Signals(signum).name}: {what}", file=sys.stderr)
    return 128 + signum


def _signal_of(guard: interrupt_guard, exc: BaseException) -> int:
    if guard.signum is not None:
        return guard.signum
    return exc.signum if isinstance(exc, Terminated) else signal.SIGINT


def _sweep_local(args: argparse.Namespace, sweep: Sweep, out_dir: Path, pending: list[Row]) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs = min(args.jobs or cpus, max(len(pending), 1))
    if not args.quiet:
        print(f"sweep: {len(sweep.rows)} rows of {sweep.protocol}: {len(sweep.rows) - len(pending)} already "
              f"complete, {len(pending)} to run in {jobs} process{'es' if jobs > 1 else ''}; results in {out_dir}")
    progress = Progress("sweep", quiet=args.quiet, verbose=args.verbose)
    counts: Counter = Counter()

    def on_outcome(outcome: Outcome) -> None:
        counts[outcome.status] += 1
        if outcome.status == "failed" and args.verbose and not args.quiet:
            progress.clear()
            print(f"{outcome.name}: {outcome.error}", file=sys.stderr)
        finished = counts["complete"] + counts["failed"] + counts["skipped"]
        progress(finished / len(pending), f"{counts['complete'] + counts['skipped']} done, {counts['failed']} failed "
                                          f"of {len(pending)}")

    if pending:
        progress(0.0, f"0 done, 0 failed of {len(pending)}")
        with interrupt_guard() as guard:
            try:
                run_local(pending, out_dir, jobs=jobs, build_root=args.build_root or ".build", argv=args.argv,
                          on_outcome=on_outcome)
            except (KeyboardInterrupt, Terminated) as exc:
                progress.clear()
                summarize(sweep, out_dir)
                done = sum(is_complete(out_dir / row.file) for row in sweep.rows)
                return _interrupted(_signal_of(guard, exc), f"{done} of {len(sweep.rows)} rows complete, no partial "
                                                             "file left; run the same command to resume")
        progress.clear()
    return _finish(sweep, out_dir, args.quiet, "run the same command to retry them")


def _write_resubmit(out_dir: Path, argv: Sequence[str]) -> Path:
    path = out_dir / "resubmit.sh"
    text = ("#!/bin/sh\n# Submit the rows of this sweep that are not complete (or follow the array job if one is "
            "still queued or running).\n"
            f"cd {shlex.quote(os.getcwd())} && exec {shlex.join([sys.executable, '-m', 'experiments', *argv])}\n")
    write_atomic(path, lambda tmp: tmp.write_text(text))
    path.chmod(0o755)
    return path


def _submit(args: argparse.Namespace, sweep: Sweep, out_dir: Path, pending: list[Row]) -> tuple[Path, str]:
    settings = sweep.slurm
    folder = slurm.new_submission(out_dir)
    size = settings.rows_per_task
    chunks = [pending[i:i + size] for i in range(0, len(pending), size)]
    tasks = {"out": str(out_dir.resolve()),
             "chunks": [[{"name": row.name, "config": row.config.to_json()} for row in chunk] for chunk in chunks]}
    (folder / "tasks.json").write_text(json.dumps(tasks))
    (folder / "logs").mkdir()
    script = folder / "job.sbatch"
    script.write_text(slurm.render_script(
        settings, n_tasks=len(chunks), job_name=f"oih-{sweep.protocol}", tasks_file=(folder / "tasks.json").resolve(),
        logs=(folder / "logs").resolve(), workdir=Path.cwd()))
    for row in pending:  # retried now: an old failure no longer describes them
        error_path(out_dir, row.name).unlink(missing_ok=True)
    job_id = slurm.submit(script)
    if not args.quiet:
        tasks_text = f"{len(chunks)} task{'s' if len(chunks) > 1 else ''}"
        rows_text = f"{len(pending)} row{'s' if len(pending) > 1 else ''}"
        print(f"sweep: submitted array job {job_id}: {tasks_text} for {rows_text} ({len(sweep.rows) - len(pending)} "
              f"already complete); logs in {folder / 'logs'}")
    return folder, job_id


def _sweep_slurm(args: argparse.Namespace, sweep: Sweep, out_dir: Path, pending: list[Row]) -> int:
    slurm.require_commands()
    resubmit = _write_resubmit(out_dir, args.argv)
    latest = slurm.latest_submission(out_dir)
    if latest is not None and slurm.job_active(latest[1]):
        folder, job_id = latest
        if not args.quiet:
            print(f"sweep: array job {job_id} of this sweep ({folder}) is still queued or running: following it")
    elif pending:
        folder, job_id = _submit(args, sweep, out_dir, pending)
    else:
        return _finish(sweep, out_dir, args.quiet, f"resubmit them with: bash {resubmit}")
    if args.no_follow:
        if not args.quiet:
            print(f"sweep: follow it, or once it is over resubmit what is missing, with: bash {resubmit}")
        return 0

    names = [item["name"] for chunk in json.loads((folder / "tasks.json").read_text())["chunks"] for item in chunk]
    finished: dict[str, str] = {}
    progress = Progress(f"job {job_id}", quiet=args.quiet, verbose=args.verbose)

    def on_poll(states: list[str]) -> None:
        for name in names:
            if name not in finished:
                if is_complete(out_dir / f"{name}.h5"):
                    finished[name] = "complete"
                elif error_path(out_dir, name).exists():
                    finished[name] = "failed"
        failed = sum(status == "failed" for status in finished.values())
        tasks = ", ".join(f"{n} {state.lower()}" for state, n in Counter(states).items()) or "over"
        progress(len(finished) / len(names), f"{len(finished) - failed} done, {failed} failed of {len(names)} "
                                             f"rows; tasks: {tasks}")

    with interrupt_guard() as guard:
        try:
            slurm.follow(job_id, on_poll, poll_s=args.poll)
        except (KeyboardInterrupt, Terminated) as exc:
            progress.clear()
            return _interrupted(_signal_of(guard, exc), f"stopped following; array job {job_id} goes on (scancel "
                                                         f"{job_id} cancels it); follow it again with: bash {resubmit}")
    progress.clear()
    return _finish(sweep, out_dir, args.quiet, f"logs in {folder / 'logs'}; resubmit them with: bash {resubmit}")


def _cmd_sweep(args: argparse.Namespace) -> int:
    """Run a protocol over a grid of settings and seeds (resumable; process pool or SLURM)."""
    sweep = load_spec(args.spec)
    _check_flags(args, sweep.slurm)
    out_dir = _out_dir(args)
    pending = [row for row in sweep.rows if not is_complete(out_dir / row.file)]
    if args.backend == "slurm":
        return _sweep_slurm(args, sweep, out_dir, pending)
    return _sweep_local(args, sweep, out_dir, pending)


def _add_sweep_task(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tasks", metavar="TASKS.json", help="the tasks file of a submission")
    parser.add_argument("--task-id", type=int, metavar="N", help="which chunk (default $SLURM_ARRAY_TASK_ID)")


def _cmd_sweep_task(args: argparse.Namespace) -> int:
    """Internal: run one array task of a SLURM sweep (its sbatch script calls this)."""
    task_id = args.task_id
    if task_id is None:
        if not os.environ.get("SLURM_ARRAY_TASK_ID", "").isdigit():
            raise UsageError("sweep-task: give --task-id N (no SLURM_ARRAY_TASK_ID in the environment)")
        task_id = int(os.environ["SLURM_ARRAY_TASK_ID"])
    try:
        tasks = json.loads(Path(args.tasks).read_text())
        chunk, out_dir = tasks["chunks"][task_id], Path(tasks["out"])
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise ConfigError(f"{args.tasks}: no task {task_id} ({type(exc).__name__}: {exc})") from None
    build_root = slurm.task_build_root(os.environ, Path.cwd())
    print(f"task {task_id}: {len(chunk)} rows on {socket.gethostname()}; builds in {build_root}; "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}", flush=True)
    failed = 0
    with interrupt_guard() as guard:
        try:
            for item in chunk:
                outcome = run_row(item["name"], item["config"], out_dir, build_root, args.argv)
                failed += outcome.status == "failed"
                detail = f": {outcome.error}" if outcome.error else f" in {outcome.seconds:.1f} s"
                print(f"{item['name']}: {outcome.status}{detail}", flush=True)
        except (KeyboardInterrupt, Terminated) as exc:
            return _interrupted(_signal_of(guard, exc), "the row being run left no file")
        finally:
            shutil.rmtree(build_root, ignore_errors=True)
    if failed:
        raise RunFailed(f"task {task_id}: {failed} of {len(chunk)} rows failed")
    return 0


SUBCOMMANDS["sweep"] = (_add_sweep, _cmd_sweep)
SUBCOMMANDS["sweep-task"] = (_add_sweep_task, _cmd_sweep_task)
