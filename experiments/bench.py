"""``python -m experiments bench``: the project's compile-once path against the path a user
would otherwise take, measured side by side in one run.

The **project path** is :class:`experiments.engine.FastLayer` on Brian2's C++ standalone device:
the fast layer is generated and compiled once (in a cold build folder), then run ``runs`` times,
each run with new parameter values (a ``connections.*`` weight changed through
:class:`circuits.ParameterSet` overrides and ``Circuit.parameter_values``) passed as
``run_args``. The **naive path** is the same network on Brian2's runtime device (Cython),
rebuilt for every run: the first run compiles into a fresh Cython cache, the later ones hit that
cache, as they would for a user's loop.

Figures (``figures`` in the JSON, one table row each):

- build time: standalone build (code generation and compilation, cold build folder) against the
  naive path's first-run compile overhead (first run minus a later run);
- time per run with new parameters, and re-run time / pure simulation time (target <= 1.2);
  the pure simulation time is Brian2's own ``Network::_last_run_time`` of the standalone binary
  (``device._last_run_time``, read from ``results/last_run_info.txt``);
- realtime factor (simulated seconds per wall second of a run call) of both paths;
- ``runs`` runs including every build and compile (target: the project path >= 10x faster);
- synaptic events per second per core: spikes of each presynaptic group times its out-degree,
  over every ``Synapses`` object of the network, divided by the pure simulation time, against
  Brian2's standalone COBA benchmark (Brette et al. 2007 benchmark 1: 4000 LIF neurons, 80%
  excitatory, 2% connectivity, conductance-based) measured in the same run (target: within 3x);
- peak resident memory of each path (``ru_maxrss`` of the measuring process; the compilers and
  the standalone binary are its children and are reported apart);
- sweep rows per minute with 1 and 2 workers (the sweep machinery, local backend; target: 2
  workers >= 1.7x one);
- wall time of the ``chronic_opioid`` protocol over 7 simulated days at its defaults (an s.c.
  morphine pump, a fast-layer probe every hour, a threshold test every day), its build included
  (target < 300 s).

Every measurement runs in a fresh process (``spawn``): Brian2's device state must not leak from
one to the next, and each process's peak memory is its own. Measurements run one after another.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import json
import math
import multiprocessing
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable

from experiments.cli import RESULTS_DIR, RunFailed, Terminated, UsageError, check_output, interrupt_guard
from experiments.storage import temporary_path

__all__ = ["Settings", "FULL", "QUICK", "run_bench", "run_measurement", "figures", "format_table", "write_report",
           "add_arguments", "command", "SCHEMA", "DEFAULT_OUT"]

SCHEMA = "oih-bench/1"
DEFAULT_OUT = RESULTS_DIR / "bench.json"
#: --quick keeps its compiled code here (so repeated quick runs compile nothing)
QUICK_BUILD_ROOT = Path(".build") / "bench-quick"
#: wall time the 7-day chronic protocol must stay under (s)
CHRONIC_TARGET_S = 300.0
#: what is simulated: the fast layer under a constant force, so afferents and dorsal horn fire
STIMULUS = "constant mechanical force (the mechanical protocol's afferent drive)"


@dataclass(frozen=True)
class Settings:
    """What one benchmark run measures."""

    quick: bool
    #: fast layer population scale and duration of one run
    scale: float
    duration_s: float
    #: runs of each path (the speed-up counts them all, builds included)
    runs: int
    force_mN: float
    coba_neurons: int
    coba_duration_s: float
    #: the sweep: windup rows at this scale, ``sweep_rows`` values of ketamine_uM (full: the
    #: protocol's default train, 16 pulses at 1 Hz, 19 s simulated per row)
    sweep_scale: float
    sweep_rows: int
    sweep_n_stim: int
    sweep_stim_hz: float
    #: the chronic protocol: days simulated at this scale (its other knobs at their defaults)
    chronic_scale: float
    chronic_days: float
    seed: int = 1


FULL = Settings(quick=False, scale=1.0, duration_s=2.0, runs=10, force_mN=100.0, coba_neurons=4000,
                coba_duration_s=1.0, sweep_scale=0.5, sweep_rows=24, sweep_n_stim=16, sweep_stim_hz=1.0,
                chronic_scale=1.0, chronic_days=7.0)
QUICK = Settings(quick=True, scale=0.1, duration_s=0.5, runs=3, force_mN=100.0, coba_neurons=4000,
                 coba_duration_s=0.2, sweep_scale=0.1, sweep_rows=2, sweep_n_stim=2, sweep_stim_hz=10.0,
                 chronic_scale=0.1, chronic_days=0.25)
#: the time step of both networks (FastLayer's default and COBA's), s
DT_S = 1e-4


# --------------------------------------------------------------------------------------------
# Measurements (each runs in a fresh spawned process)
# --------------------------------------------------------------------------------------------

def _quiet_brian(brian2: Any) -> None:
    """Only errors on the console: warnings of code generation would break the progress lines."""
    brian2.BrianLogger.log_level_error()


def varied_parameters(base: Any, k: int) -> tuple[Any, str, float]:
    """Parameters of run ``k``: the first pathway with an AMPA weight gets it times 1 + 0.05 (k + 1),
    so every run has values the build never saw. Returns (ParameterSet, path, factor)."""
    from circuits import ParameterSet
    from circuits.parameters import parse_unit

    path = next(f"connections.{name}.w_ampa" for name in base.subsections("connections")
                if base.param(f"connections.{name}.w_ampa").value > 0)
    param = base.param(path)
    factor = 1.0 + 0.05 * (k + 1)
    return ParameterSet({path: param.value * factor * parse_unit(param.unit)}), path, factor


def synaptic_events(network: Any) -> dict[str, int]:
    """Synaptic events of the last run, per ``Synapses`` object: the spikes of each presynaptic
    neuron (its group's SpikeMonitor) times its out-degree."""
    import numpy as np
    from brian2 import SpikeMonitor, Synapses

    monitors = {obj.source.name: obj for obj in network.objects if isinstance(obj, SpikeMonitor)}
    events = {}
    for obj in network.objects:
        if not isinstance(obj, Synapses):
            continue
        source = obj.source
        if source.name not in monitors:
            raise RuntimeError(f"no SpikeMonitor records {source.name}, the source of {obj.name}")
        n = len(source)
        counts = np.asarray(monitors[source.name].count[:], dtype=np.int64)
        out_degree = np.bincount(np.asarray(obj.i[:], dtype=np.int64), minlength=n)
        events[obj.name] = int(np.dot(counts, out_degree))
    return events


def _fast_layer(settings: dict, build_root: str, device: str, *, name: str = "bench",
                profile: bool = False) -> tuple[Any, Any]:
    import numpy as np

    from circuits import ParameterSet, build_circuit
    from experiments.engine import FastLayer

    base = ParameterSet()
    schedule = (np.array([settings["force_mN"]]), settings["duration_s"])
    return FastLayer(lambda: build_circuit(base, scale=settings["scale"], seed=settings["seed"],
                                           force_schedule=schedule),
                     settings["duration_s"], device=device, seed=settings["seed"], build_root=build_root,
                     name=name, profile=profile, dt_ms=DT_S * 1000), base


def _profile_summary(info: list, events: int) -> dict[str, Any]:
    """Where a profiled standalone run spent its time: all code objects, the synaptic event
    delivery (each pathway's spike queue and on_pre code) and the five largest objects."""
    times = {name: float(t) for name, t in info}
    # Brian2 numbers a code object's name (``_1``) when an earlier one of that name is alive
    synaptic = sum(t for name, t in times.items() if re.search(r"_pre_(codeobject|push_spikes)(_\d+)?$", name))
    largest = dict(sorted(times.items(), key=lambda item: -item[1])[:5])
    return {"profiled_s": sum(times.values()), "synaptic_s": synaptic, "synaptic_events": int(events),
            "largest_s": largest}


def _network_size(layer: Any) -> dict[str, int]:
    from brian2 import NeuronGroup, Synapses

    objects = layer.circuit.network.objects
    return {"neurons": int(sum(len(o) for o in objects if isinstance(o, NeuronGroup))),
            "synapses": int(sum(len(o) for o in objects if isinstance(o, Synapses)))}


def measure_project(settings: dict, build_root: str) -> dict[str, Any]:
    """The project path: one standalone build, then ``runs`` runs with new parameter values."""
    import brian2

    _quiet_brian(brian2)
    start = time.perf_counter()
    layer, base = _fast_layer(settings, build_root, "standalone")
    build_s = time.perf_counter() - start
    runs = []
    try:
        threads = int(brian2.prefs.devices.cpp_standalone.openmp_threads or 0)
        for k in range(settings["runs"]):
            params, path, factor = varied_parameters(base, k)
            start = time.perf_counter()
            layer.run(layer.circuit.parameter_values(params))
            wall = time.perf_counter() - start
            runs.append({"run_s": wall, "simulation_s": float(brian2.device._last_run_time),
                         "binary_s": float(brian2.device.timers.get("run_binary", math.nan)),
                         "synaptic_events": sum(synaptic_events(layer.circuit.network).values()),
                         "parameter": path, "factor": factor})
        size = _network_size(layer)  # standalone: readable once the network has run
    finally:
        layer.close()
    # one more build, with Brian2's profiling (timing calls in the generated code): where the
    # simulation time goes; not part of the timed path above
    profiled, _ = _fast_layer(settings, build_root, "standalone", name="bench-profile", profile=True)
    try:
        profiled.run(profiled.circuit.parameter_values())
        network = profiled.circuit.network
        profile = _profile_summary(network.profiling_info, sum(synaptic_events(network).values()))
    finally:
        profiled.close()
    return {"build_s": build_s, "runs": runs, "cores": max(threads, 1), "profile": profile, **size}


def measure_naive(settings: dict, build_root: str) -> dict[str, Any]:
    """The naive path: the same network on the runtime device (Cython), rebuilt for every run;
    the first run compiles into the (fresh) Cython cache under ``build_root``."""
    import brian2

    _quiet_brian(brian2)
    runs, size = [], {}
    for k in range(settings["runs"]):
        start = time.perf_counter()
        layer, base = _fast_layer(settings, build_root, "runtime")
        try:
            construct = time.perf_counter() - start
            params, path, factor = varied_parameters(base, k)
            begin = time.perf_counter()
            layer.run(layer.circuit.parameter_values(params))
            end = time.perf_counter()
            size = _network_size(layer)
            runs.append({"total_s": end - start, "construct_s": construct, "run_s": end - begin,
                         "synaptic_events": sum(synaptic_events(layer.circuit.network).values()),
                         "parameter": path, "factor": factor})
        finally:
            layer.close()
    return {"runs": runs, "cores": 1, **size}


def measure_coba(settings: dict, build_root: str) -> dict[str, Any]:
    """Brian2's standalone COBA benchmark (Brette et al. 2007 benchmark 1, after Vogels & Abbott
    2005): LIF neurons, 80% excitatory, 2% random connectivity, conductance-based synapses; then
    the same network again with Brian2's profiling, for where its time goes."""
    import brian2 as b
    import numpy as np

    _quiet_brian(b)
    directory = str(Path(build_root) / "coba")
    try:
        network, cells, spikes = _coba_network(b, settings, directory, profile=False)
        start = time.perf_counter()
        b.device.build(directory=directory, compile=True, run=False)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        b.device.run(directory=directory, with_output=False)
        run_s = time.perf_counter() - start
        simulation_s = float(b.device._last_run_time)
        threads = int(b.prefs.devices.cpp_standalone.openmp_threads or 0)
        events = synaptic_events(network)
        result = {"build_s": build_s, "run_s": run_s, "simulation_s": simulation_s,
                  "synaptic_events": sum(events.values()), "spikes": int(np.sum(spikes.count[:])),
                  "neurons": len(cells), "synapses": int(sum(len(o) for o in network.objects if isinstance(o, b.Synapses))),
                  "cores": max(threads, 1)}
        network, _, _ = _coba_network(b, settings, directory + "-profile", profile=True)
        b.device.build(directory=directory + "-profile", compile=True, run=True)
        result["profile"] = _profile_summary(network.profiling_info, sum(synaptic_events(network).values()))
        return result
    finally:
        b.device.reinit()
        b.set_device("runtime")


def _coba_network(b: Any, settings: dict, directory: str, *, profile: bool) -> tuple[Any, Any, Any]:
    """The COBA network on a fresh standalone device, run (code generated, not built)."""
    b.device.reinit()
    b.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    b.defaultclock.dt = DT_S * b.second
    b.seed(settings["seed"])
    n = settings["coba_neurons"]
    namespace = {"taum": 20 * b.ms, "taue": 5 * b.ms, "taui": 10 * b.ms, "Vt": -50 * b.mV, "Vr": -60 * b.mV,
                 "El": -60 * b.mV, "Erev_exc": 0 * b.mV, "Erev_inh": -80 * b.mV, "I": 20 * b.mV}
    equations = """
    dv/dt = (ge*(Erev_exc - v) + gi*(Erev_inh - v) - (v - El) + I) / taum : volt (unless refractory)
    dge/dt = -ge/taue : 1
    dgi/dt = -gi/taui : 1
    """
    cells = b.NeuronGroup(n, equations, threshold="v > Vt", reset="v = Vr", refractory=5 * b.ms,
                          method="euler", namespace=namespace, name="coba")
    cells.v = "Vr + rand()*(Vt - Vr)"
    excitatory = b.Synapses(cells, cells, on_pre="ge += 0.6", name="coba_exc")
    inhibitory = b.Synapses(cells, cells, on_pre="gi += 6.7", name="coba_inh")
    excitatory.connect(condition=f"i < {int(0.8 * n)}", p=0.02)
    inhibitory.connect(condition=f"i >= {int(0.8 * n)}", p=0.02)
    spikes = b.SpikeMonitor(cells, record=False, name="coba_spikes")
    network = b.Network(cells, excitatory, inhibitory, spikes)
    network.run(settings["coba_duration_s"] * b.second, namespace={}, profile=profile)
    return network, cells, spikes


def sweep_spec(settings: dict) -> str:
    """The sweep's spec: windup rows at a small scale, a grid of ketamine_uM values."""
    values = ", ".join(repr(round(0.1 * k, 3)) for k in range(settings["sweep_rows"]))
    return (f'protocol = "windup"\nseeds = [{settings["seed"]}]\nscale = {settings["sweep_scale"]!r}\n'
            f'[set]\nn_stim = {settings["sweep_n_stim"]}\nstim_hz = {settings["sweep_stim_hz"]!r}\n'
            f"[grid]\nketamine_uM = [{values}]\n")


def _binaries(build_root: Path, name: str) -> dict[str, int]:
    """Modification time (ns) of the linked binary of every build slot ``<name>-<k>``."""
    return {str(path): path.stat().st_mtime_ns for path in Path(build_root).glob(f"{name}-*/main") if path.is_file()}


def measure_sweep(settings: dict, build_root: str, work_dir: str) -> dict[str, Any]:
    """Sweep rows per minute on the local backend with 1 then 2 workers, each started from
    compiled build slots (a sweep's steady state). One row is run first in a fresh worker to
    compile slot 0 (``warmup_row_s``: a compile when the build folder is cold); before each timed
    sweep slots 0 and 1 are reset to copies of it (a copied slot recompiles nothing). ``rows_relinked_*`` counts the rows whose run relinked a slot's binary,
    i.e. recompiled the network instead of reusing it."""
    from experiments.engine import scale_slot_name
    from experiments.sweep import load_spec, run_local

    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    spec = work / "bench_sweep.toml"
    spec.write_text(sweep_spec(settings))
    rows = load_spec(spec).rows
    name = scale_slot_name(settings["sweep_scale"])  # the slots the windup rows build in
    root = Path(build_root)
    log = work / "sweep.log"  # Brian2's messages of this process and its workers (not the progress line)
    saved = os.dup(2)
    with open(log, "w") as handle:
        os.dup2(handle.fileno(), 2)

    def sweep(jobs: int, selection: list, out: Path) -> tuple[float, list[float], int]:
        out.mkdir(parents=True, exist_ok=True)
        failed, row_s, relinked = [], [], [0]
        seen = _binaries(root, name)

        def on_outcome(outcome: Any) -> None:
            row_s.append(outcome.seconds)
            if outcome.status == "failed":
                failed.append(outcome)
            now = _binaries(root, name)
            relinked[0] += sum(1 for path, mtime in now.items() if seen.get(path) != mtime)
            seen.update(now)

        start = time.perf_counter()
        run_local(selection, out, jobs=jobs, build_root=root, argv=["bench"], on_outcome=on_outcome)
        seconds = time.perf_counter() - start
        if failed:
            raise RuntimeError(f"sweep row {failed[0].name} failed: {failed[0].error}")
        return seconds, row_s, relinked[0]

    def reset_slots() -> None:
        for k in (0, 1):
            slot = root / f"{name}-{k}"
            shutil.rmtree(slot, ignore_errors=True)
            shutil.copytree(pristine, slot, symlinks=True)

    try:
        _quiet_brian(importlib.import_module("brian2"))
        pristine = root / f".{name}-compiled"
        warmup_s, _, _ = sweep(2, rows[:1], work / "warmup")  # one row: a pool of one fresh worker
        shutil.rmtree(pristine, ignore_errors=True)
        shutil.copytree(root / f"{name}-0", pristine, symlinks=True)
        reset_slots()
        one_s, one_rows, one_relinked = sweep(1, rows, work / "one_worker")
        reset_slots()
        two_s, two_rows, two_relinked = sweep(2, rows, work / "two_workers")
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
    return {"rows": len(rows), "protocol": "windup", "spec": sweep_spec(settings), "warmup_row_s": warmup_s,
            "one_worker_s": one_s, "one_worker_row_s": one_rows, "rows_relinked_1_worker": one_relinked,
            "two_workers_s": two_s, "two_workers_row_s": two_rows, "rows_relinked_2_workers": two_relinked}


# --------------------------------------------------------------------------------------------
# Running a measurement in a fresh process
# --------------------------------------------------------------------------------------------

def measure_chronic(settings: dict, build_root: str) -> dict[str, Any]:
    """The ``chronic_opioid`` protocol at its defaults over ``chronic_days`` without the two
    i.t. morphine dose-response curves (the hourly coupling and the daily threshold tests), in a
    cold build folder: wall time of the whole protocol, its one build included."""
    import brian2

    from circuits import ParameterSet
    from experiments.protocols import chronic_opioid
    from experiments.protocols.base import RunContext

    _quiet_brian(brian2)
    knobs = dict({name: knob.default for name, knob in chronic_opioid.KNOBS.items()}, days=settings["chronic_days"],
                 challenge_nmol=[])
    context = RunContext(params=ParameterSet(), knobs=knobs, seed=settings["seed"], scale=settings["chronic_scale"],
                         build_root=Path(build_root))
    start = time.perf_counter()
    result = chronic_opioid.run(context)
    wall = time.perf_counter() - start
    probes = len(result.timeseries["nmda_activity"].times)
    tests = len(result.readouts["test_days"].value)
    return {"wall_s": wall, "days": settings["chronic_days"], "scale": settings["chronic_scale"], "probes": probes,
            "threshold_tests": tests, "runs": probes + tests * len(knobs["forces_mN"])}


def _child_main(conn: Any, target: str, kwargs: dict) -> None:
    try:
        module, _, function = target.partition(":")
        result = dict(getattr(importlib.import_module(module), function)(**kwargs))
        result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        result["children_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
        conn.send(("ok", result))
    except BaseException as exc:  # reported to the parent as one line
        conn.send(("error", " ".join(f"{type(exc).__name__}: {exc}".split())))
    finally:
        conn.close()


def run_measurement(target: str, kwargs: dict) -> dict[str, Any]:
    """Call ``module:function`` with ``kwargs`` in a fresh spawned process and return its dict,
    with ``peak_rss_mib`` (the process's own peak resident set) and ``children_peak_rss_mib``
    (its largest child: compiler or standalone binary). RunFailed if it raises or dies."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, target, kwargs), name=f"bench {target}")
    process.start()
    sender.close()
    try:
        try:
            status, payload = receiver.recv()
        except EOFError:
            process.join()
            raise RunFailed(f"{target}: the measuring process died (exit status {process.exitcode})") from None
        process.join()
    finally:
        receiver.close()
        if process.is_alive():
            process.terminate()
            process.join()
    if status != "ok":
        raise RunFailed(f"{target}: {payload}")
    return payload


# --------------------------------------------------------------------------------------------
# The benchmark and its figures
# --------------------------------------------------------------------------------------------

def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not math.isfinite(a) or not math.isfinite(b) or b == 0:
        return None
    return a / b


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else math.nan


def _process_fields(raw: dict) -> dict[str, Any]:
    """What every measuring process reports besides its timings."""
    keys = ("cores", "peak_rss_mib", "children_peak_rss_mib", "neurons", "synapses", "runs")
    return {key: raw[key] for key in keys}


def summarize_project(raw: dict, settings: Settings) -> dict[str, Any]:
    runs = raw["runs"]
    run_s = _median([r["run_s"] for r in runs])
    simulation_s = _median([r["simulation_s"] for r in runs])
    total_simulation_s = sum(r["simulation_s"] for r in runs)
    events = sum(r["synaptic_events"] for r in runs)
    return {
        "build_s": raw["build_s"],
        "run_s": run_s,
        "simulation_s": simulation_s,
        "rerun_over_simulation": _ratio(run_s, simulation_s),
        "realtime_factor": _ratio(settings.duration_s, run_s),
        "realtime_factor_simulation_only": _ratio(settings.duration_s, simulation_s),
        "total_s": raw["build_s"] + sum(r["run_s"] for r in runs),
        "synaptic_events": events,
        "synaptic_events_per_s_per_core": _ratio(_ratio(events, total_simulation_s), raw["cores"]),
        "synaptic_events_per_step": _ratio(events, len(runs) * settings.duration_s / DT_S),
        **_delivery(raw),
        "profile": raw.get("profile"),
        **_process_fields(raw),
    }


def _delivery(raw: dict) -> dict[str, Any]:
    """From a profiled run (``raw["profile"]``, absent in old reports): the share of the
    simulation spent delivering synaptic events."""
    profile = raw.get("profile") or {}
    return {"delivery_share": _ratio(profile.get("synaptic_s"), profile.get("profiled_s"))}


def summarize_naive(raw: dict, settings: Settings) -> dict[str, Any]:
    runs = raw["runs"]
    later = runs[1:] or runs
    rebuild_and_run_s = _median([r["total_s"] for r in later])
    run_s = _median([r["run_s"] for r in later])
    events = sum(r["synaptic_events"] for r in later)
    return {
        "first_run_s": runs[0]["total_s"],
        "rebuild_and_run_s": rebuild_and_run_s,
        "compile_overhead_s": runs[0]["total_s"] - rebuild_and_run_s,
        "run_s": run_s,
        "realtime_factor": _ratio(settings.duration_s, run_s),
        "total_s": sum(r["total_s"] for r in runs),
        "synaptic_events_per_s_per_core": _ratio(_ratio(events, sum(r["run_s"] for r in later)), raw["cores"]),
        **_process_fields(raw),
    }


def summarize_coba(raw: dict, settings: Settings) -> dict[str, Any]:
    return {**raw, "realtime_factor": _ratio(settings.coba_duration_s, raw["simulation_s"]),
            "synaptic_events_per_s_per_core": _ratio(_ratio(raw["synaptic_events"], raw["simulation_s"]),
                                                     raw["cores"]),
            "synaptic_events_per_step": _ratio(raw["synaptic_events"], settings.coba_duration_s / DT_S),
            **_delivery(raw)}


def summarize_sweep(raw: dict) -> dict[str, Any]:
    one = _ratio(60.0 * raw["rows"], raw["one_worker_s"])
    two = _ratio(60.0 * raw["rows"], raw["two_workers_s"])
    return {**raw, "rows_per_min_1_worker": one, "rows_per_min_2_workers": two,
            "two_over_one_worker": _ratio(two, one)}


def _figure(key: str, label: str, unit: str, project: float | None, naive: float | None, ratio: float | None,
            ratio_of: str, target: tuple[str, float] | None, definition: str, **extra: Any) -> dict[str, Any]:
    met = None
    if target is not None and ratio is not None:
        op, value = target
        met = ratio <= value if op == "<=" else ratio >= value
    return {"key": key, "figure": label, "unit": unit, "project": project, "naive": naive, "ratio": ratio,
            "ratio_of": ratio_of, "target": None if target is None else {"op": target[0], "value": target[1]},
            "met": met, "definition": definition, **extra}


def figures(settings: Settings, project: dict, naive: dict, coba: dict, sweep: dict,
            chronic: dict) -> list[dict[str, Any]]:
    """The figures, one table row each, from the summaries (see the module docstring)."""
    n, t = settings.runs, settings.duration_s
    rows = [
        _figure("build_s", "build time", "s", project["build_s"], naive["compile_overhead_s"],
                _ratio(naive["compile_overhead_s"], project["build_s"]), "naive / project", None,
                "project: standalone code generation and compilation; naive: first run (fresh Cython cache) "
                "minus a later run"),
        _figure("run_s", "time per run, new parameters", "s", project["run_s"], naive["rebuild_and_run_s"],
                _ratio(naive["rebuild_and_run_s"], project["run_s"]), "naive / project", None,
                "project: parameter_values + run with run_args + reading spikes (median); naive: rebuild and run "
                "(median of runs 2..N)"),
        _figure("rerun_over_simulation", "re-run / pure simulation", "1",
                project["rerun_over_simulation"], None, project["rerun_over_simulation"],
                "project run_s / project simulation_s", ("<=", 1.2),
                "pure simulation: Brian2's Network::_last_run_time of the standalone binary",
                project_run_s=project["run_s"], project_simulation_s=project["simulation_s"]),
        _figure("realtime_factor", f"realtime factor, scale {settings.scale:g}", "simulated s / wall s",
                project["realtime_factor"], naive["realtime_factor"],
                _ratio(project["realtime_factor"], naive["realtime_factor"]), "project / naive", None,
                "simulated seconds per wall second of a run call, builds excluded"),
        _figure("total_s", f"{n} runs of {t:g} s, builds included", "s", project["total_s"], naive["total_s"],
                _ratio(naive["total_s"], project["total_s"]), "naive / project (speed-up)", (">=", 10.0),
                "project: one build + N runs; naive: N rebuilds and runs, the first compiling"),
        _figure("synaptic_events_per_s_per_core", "synaptic events / s / core", "1/s",
                project["synaptic_events_per_s_per_core"], coba["synaptic_events_per_s_per_core"],
                _ratio(project["synaptic_events_per_s_per_core"], coba["synaptic_events_per_s_per_core"]),
                "project / Brian2 standalone COBA (naive column)", (">=", 1 / 3),
                "spikes of each presynaptic neuron x its out-degree, summed over Synapses objects, per second of "
                "pure simulation and per core; reference: COBA benchmark in the naive column"),
        _figure("delivery_share", "share of the simulation in event delivery", "1",
                project.get("delivery_share"), coba.get("delivery_share"), None, "project, COBA (naive column)", None,
                "one profiled run of each network (Brian2 profiling): time in the pathways' spike queues and "
                "on_pre code over the time in all code objects"),
        _figure("synaptic_events_per_step", "synaptic events per time step", "1",
                project.get("synaptic_events_per_step"), coba.get("synaptic_events_per_step"),
                _ratio(project.get("synaptic_events_per_step"), coba.get("synaptic_events_per_step")),
                "project / COBA (naive column)", None,
                "synaptic events per 0.1 ms step of simulated time: the traffic a network has to deliver, whatever "
                "the code (with the share above, what the events-per-second figure measures)"),
        _figure("peak_rss_mib", "peak memory (resident)", "MiB", project["peak_rss_mib"], naive["peak_rss_mib"],
                _ratio(naive["peak_rss_mib"], project["peak_rss_mib"]), "naive / project", None,
                "ru_maxrss of the measuring process (children: compilers, standalone binary, reported apart)",
                project_children_mib=project["children_peak_rss_mib"],
                naive_children_mib=naive["children_peak_rss_mib"]),
        _figure("sweep_rows_per_min_1_worker", "sweep rows / min, 1 worker", "rows/min",
                sweep["rows_per_min_1_worker"], None, None, "", None,
                f"{sweep['rows']} windup rows, local backend, compiled build slots"),
        _figure("sweep_rows_per_min_2_workers", "sweep rows / min, 2 workers", "rows/min",
                sweep["rows_per_min_2_workers"], None, sweep["two_over_one_worker"], "2 workers / 1 worker",
                (">=", 1.7), f"{sweep['rows']} windup rows, local backend, compiled build slots"),
        _figure("chronic_wall_s", f"chronic protocol, {settings.chronic_days:g} days at scale {settings.chronic_scale:g}",
                "s", chronic["wall_s"], None, None, "", None,
                f"chronic_opioid at its defaults: {chronic['probes']} hourly probes and {chronic['threshold_tests']} "
                f"threshold tests ({chronic['runs']} runs of one build), build included"),
    ]
    # the chronic target applies to the wall time itself, not to a ratio of the two paths
    wall = chronic["wall_s"]
    rows[-1].update(target={"op": "<=", "value": CHRONIC_TARGET_S}, met=None if wall is None else wall <= CHRONIC_TARGET_S)
    return rows


def _machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version
        brian2_version = version("brian2")
    except Exception:
        brian2_version = "unknown"
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    return {"host": socket.gethostname(), "cpu": model, "cpus": cpus, "platform": platform.platform(),
            "python": platform.python_version(), "brian2": brian2_version,
            "niceness": os.getpriority(os.PRIO_PROCESS, 0), "load_average_1min_start": os.getloadavg()[0]}


Runner = Callable[[str, dict], dict]
Say = Callable[[str], None]


def run_bench(settings: Settings, build_root: Path, work_dir: Path, *, say: Say = lambda text: None,
              runner: Runner | None = None) -> dict[str, Any]:
    """Run every measurement (one fresh process each, one after another) and return the report.
    ``say`` gets the start of a progress line, then its end (with a newline)."""
    runner = runner or run_measurement
    plain = asdict(settings)
    root = str(build_root)
    n, t, s = settings.runs, settings.duration_s, settings.scale
    steps = [
        ("project", f"project path: standalone build + {n} runs of {t:g} s at scale {s:g}",
         "experiments.bench:measure_project", {"settings": plain, "build_root": root}),
        ("naive", f"naive path: runtime (Cython) rebuild + run, {n} runs of {t:g} s at scale {s:g}",
         "experiments.bench:measure_naive", {"settings": plain, "build_root": root}),
        ("coba", f"Brian2 standalone COBA, {settings.coba_neurons} neurons, {settings.coba_duration_s:g} s",
         "experiments.bench:measure_coba", {"settings": plain, "build_root": root}),
        ("sweep", f"sweep: {settings.sweep_rows} windup rows at scale {settings.sweep_scale:g}, 1 then 2 workers",
         "experiments.bench:measure_sweep", {"settings": plain, "build_root": str(build_root / "sweep"),
                                             "work_dir": str(work_dir / "sweep")}),
        ("chronic", f"chronic_opioid: {settings.chronic_days:g} days at scale {settings.chronic_scale:g}, build included",
         "experiments.bench:measure_chronic", {"settings": plain, "build_root": str(build_root / "chronic")}),
    ]
    raw, seconds = {}, {}
    for index, (key, label, target, kwargs) in enumerate(steps, 1):
        say(f"bench [{index}/{len(steps)}] {label} ... ")
        start = time.perf_counter()
        raw[key] = runner(target, kwargs)
        seconds[key] = time.perf_counter() - start
        say(f"{seconds[key]:.1f} s: {_step_summary(key, raw[key])}\n")
    project = summarize_project(raw["project"], settings)
    naive = summarize_naive(raw["naive"], settings)
    coba = summarize_coba(raw["coba"], settings)
    sweep = summarize_sweep(raw["sweep"])
    chronic = dict(raw["chronic"])
    for part, key in ((project, "project"), (naive, "naive"), (coba, "coba"), (sweep, "sweep"), (chronic, "chronic")):
        part["measurement_wall_s"] = seconds[key]
    return {
        "schema": SCHEMA,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "quick": settings.quick,
        "settings": {**plain, "stimulus": STIMULUS},
        "project_path": project,
        "naive_path": naive,
        "coba": coba,
        "sweep": sweep,
        "chronic": chronic,
        "figures": figures(settings, project, naive, coba, sweep, chronic),
    }


def _delivery_text(raw: dict) -> str:
    share = _delivery(raw)["delivery_share"]
    return "" if share is None else f", {100 * share:.1f}% of it in event delivery"


def _step_summary(key: str, raw: dict) -> str:
    memory = f"peak {raw.get('peak_rss_mib', math.nan):.0f} MiB"
    if key == "project":
        runs = raw["runs"]
        return (f"build {raw['build_s']:.1f} s, run {_median([r['run_s'] for r in runs]):.2f} s "
                f"(simulation {_median([r['simulation_s'] for r in runs]):.2f} s){_delivery_text(raw)}, {memory}")
    if key == "naive":
        runs = raw["runs"]
        later = _median([r["total_s"] for r in runs[1:] or runs])
        return f"first run {runs[0]['total_s']:.1f} s, later runs {later:.2f} s each, {memory}"
    if key == "coba":
        return (f"build {raw['build_s']:.1f} s, simulation {raw['simulation_s']:.2f} s, "
                f"{raw['synaptic_events']} synaptic events{_delivery_text(raw)}, {memory}")
    if key == "chronic":
        return f"{raw['runs']} runs ({raw['probes']} probes, {raw['threshold_tests']} threshold tests), {memory}"
    return (f"{raw['rows']} rows: {raw['one_worker_s']:.1f} s with 1 worker, {raw['two_workers_s']:.1f} s "
            f"with 2 ({raw['rows_relinked_1_worker']} and {raw['rows_relinked_2_workers']} rows recompiled)")


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def _number(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    magnitude = abs(value)
    if magnitude >= 1e5:
        text = f"{value:.3g}"
    elif magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 0.1 or magnitude == 0:
        text = f"{value:.2f}"
    else:
        text = f"{value:.2g}"
    return f"{text} {unit}".rstrip()


def _cells(figure: dict) -> list[str]:
    unit = {"s": "s", "MiB": "MiB"}.get(figure["unit"], "")
    project, naive = _number(figure["project"], unit), _number(figure["naive"], unit)
    if figure["key"] == "rerun_over_simulation":
        project = (f"{_number(figure['project'])} ({_number(figure['project_run_s'])} / "
                   f"{_number(figure['project_simulation_s'])} s)")
    target = figure["target"]
    target_text = "-" if target is None else f"{target['op']} {_number(target['value'])}"
    if figure["met"] is None:
        met = "n/a" if target is not None else "-"
    else:
        met = "yes" if figure["met"] else "no"
    label = f"{figure['figure']} [{figure['unit']}]" if figure["unit"] not in ("1", "") else figure["figure"]
    return [label, project, naive, _number(figure["ratio"]), target_text, met]


def format_table(report: dict) -> str:
    """The figures as a text table: figure, project path, naive path, ratio, target, met."""
    header = ["figure", "project path", "naive path / reference", "ratio", "target", "met"]
    rows = [header] + [_cells(figure) for figure in report["figures"]]
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    settings = report["settings"]
    notes = ["ratio: see each figure's ratio_of in the JSON (naive / project for times and memory, "
             "project / naive for rates; events: project / Brian2 standalone COBA)",
             f"runs of {settings['duration_s']:g} s of the fast layer at scale {settings['scale']:g} under a "
             f"{settings['force_mN']:g} mN {STIMULUS}; builds: {report.get('build_cache', '?')}"]
    sweep = report.get("sweep", {})
    relinked = (sweep.get("rows_relinked_1_worker") or 0, sweep.get("rows_relinked_2_workers") or 0)
    if any(relinked):
        notes.append(f"sweep: {relinked[0]} (1 worker) and {relinked[1]} (2 workers) of {sweep['rows']} rows "
                     "recompiled their network instead of reusing the compiled build slot")
    if report["quick"]:
        notes.append("quick mode: small scale and short runs; the figures are not comparable with the targets")
    return "\n".join(lines + [""] + notes)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def write_report(path: Path, report: dict) -> Path:
    """Write the report as JSON to ``path`` (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    try:
        tmp.write_text(json.dumps(_finite(report), indent=1, allow_nan=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------

def _runs(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 2:
        raise argparse.ArgumentTypeError(f"must be an integer >= 2, got {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the JSON report instead of the table")
    parser.add_argument("--quick", action="store_true",
                        help="small scale and short runs (a smoke test: the figures are not comparable with the "
                             "targets; compiled code is kept in .build/bench-quick)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), metavar="FILE.json",
                        help=f"where the JSON report goes (default {DEFAULT_OUT}; overwritten)")
    parser.add_argument("--runs", type=_runs, metavar="N",
                        help=f"runs of each path (default {FULL.runs}; --quick {QUICK.runs})")
    parser.add_argument("--build-root", metavar="DIR",
                        help="keep compiled code in DIR and reuse it (builds are then warm, not cold); default: a "
                             "fresh temporary folder, removed at the end (cold builds)")


def _build_cache(root: Path) -> str:
    fresh = not root.exists() or not any(root.iterdir())
    return f"cold (fresh folder {root})" if fresh else f"warm (compiled code reused from {root})"


def command(args: argparse.Namespace) -> int:
    """The ``bench`` command (registered in experiments.cli)."""
    settings = QUICK if args.quick else FULL
    if args.runs is not None:
        settings = replace(settings, runs=args.runs)
    out = check_output(Path(args.out), force=True)
    if out.suffix != ".json":
        raise UsageError(f"--out {out}: give a .json file name")

    def say(text: str) -> None:
        if not args.quiet:
            sys.stderr.write(text)
            sys.stderr.flush()

    scratch = Path(tempfile.mkdtemp(prefix="oih-bench-"))
    given = args.build_root or (str(QUICK_BUILD_ROOT) if args.quick else None)
    build_root = Path(given).resolve() if given else scratch / "build"
    if build_root.exists() and not build_root.is_dir():
        shutil.rmtree(scratch, ignore_errors=True)
        raise UsageError(f"--build-root {build_root}: exists and is not a directory")
    cache = _build_cache(build_root)
    say(f"bench: {'quick, ' if settings.quick else ''}{settings.runs} runs per path; builds {cache}\n")
    with interrupt_guard() as guard:
        try:
            machine = _machine()
            report = run_bench(settings, build_root, scratch, say=say)
        except (KeyboardInterrupt, Terminated) as exc:
            say("\n")
            signum = guard.signum or (exc.signum if isinstance(exc, Terminated) else signal.SIGINT)
            print(f"interrupted by {signal.Signals(signum).name}: no benchmark file written", file=sys.stderr)
            return 128 + signum
        except RunFailed:
            say("failed\n")
            raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    machine["load_average_1min_end"] = os.getloadavg()[0]
    from experiments.provenance import git_version, package_versions

    report = {**report, "machine": machine, "code": git_version(), "packages": package_versions(),
              "build_cache": cache, "command": ["python", "-m", "experiments", *args.argv]}
    write_report(out, report)
    if args.json:
        print(json.dumps(_finite(report), indent=1, allow_nan=False))
    elif not args.quiet:
        print(format_table(report))
    if not args.quiet:
        print(f"wrote {out}", file=sys.stderr)
    return 0
