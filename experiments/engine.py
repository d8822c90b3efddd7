"""Compile once, run many: one built network shape re-run with new variable values.

:class:`FastLayer` builds a :class:`circuits.Circuit` on the chosen Brian2 device and runs it
for a fixed duration as often as asked, each time with new values of Brian2 variables
(``run_args``). In ``standalone`` mode (C++ standalone) the network is generated and compiled
once and each run is ``device.run(run_args=...)``; in ``runtime`` mode (Cython, or numpy where
compiling would cost more than it saves) the network is restored to its initial state, the
random generator re-seeded and the values assigned before each run. Both give the same
statistics (tests/experiments/test_engine.py).

Build folders live under ``<build_root>/<name>-<pid>`` so parallel processes never share one;
the Cython cache lives under ``<build_root>/cython``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import brian2
import numpy as np
from brian2 import defaultclock, ms, second

from circuits import Circuit

brian2.BrianLogger.suppress_name("resolution_conflict", "brian2.codegen.generators.base")

#: (group or pathway name, variable name) -> value(s)
RunArgs = dict[tuple[str, str], object]


class FastLayer:
    """A built fast layer of fixed shape and duration, re-runnable with new values."""

    def __init__(self, build: Callable[[], Circuit], duration_s: float, *, device: str = "standalone",
                 seed: int = 1, build_root: Path | str = ".build", name: str = "circuit",
                 dt_ms: float = 0.1, runtime_target: str = "cython"):
        if device not in ("standalone", "runtime"):
            raise ValueError(f"unknown device {device!r} (runtime or standalone)")
        self.device = device
        self.duration = duration_s * second
        self.seed = seed
        build_root = Path(build_root).resolve()
        self.directory = build_root / f"{name}-{os.getpid()}"
        _select_device(device, self.directory, build_root, runtime_target)
        defaultclock.dt = dt_ms * ms
        brian2.seed(seed)
        np.random.seed(seed)
        self.circuit = build()
        if device == "standalone":
            self.circuit.network.run(self.duration, namespace={})
            brian2.device.build(directory=str(self.directory), compile=True, run=False)
        else:
            self.circuit.network.store("initial")
        self.runs = 0

    def _variable(self, key: tuple[str, str]):
        owner, variable = key
        objects = {obj.name: obj for obj in self.circuit.network.objects}
        if owner not in objects:
            raise KeyError(f"no network object named {owner!r}")
        return getattr(objects[owner], variable)

    def run(self, run_args: RunArgs | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Run once from the initial state; return spikes per population (ms, node ids)."""
        run_args = run_args or {}
        if self.device == "standalone":
            args = {self._variable(key): value for key, value in run_args.items()}
            brian2.device.run(directory=str(self.directory), run_args=args, with_output=False)
        else:
            if self.runs:
                self.circuit.network.restore("initial")
            brian2.seed(self.seed)  # restore() does not rewind the random number generator
            for key, value in run_args.items():
                self._variable(key)[:] = value
            self.circuit.network.run(self.duration, namespace={})
        self.runs += 1
        return self.spikes()

    def spikes(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Spike times (ms, float64) and node ids (uint64) of every population of the last run."""
        out = {}
        for population, (group, start, stop) in self.circuit.populations.items():
            monitor = self.circuit.monitors[group]
            times = np.asarray(monitor.t / ms, dtype=np.float64)
            ids = np.asarray(monitor.i[:], dtype=np.int64)
            keep = (ids >= start) & (ids < stop)
            out[population] = (times[keep], (ids[keep] - start).astype(np.uint64))
        return out

    def close(self) -> None:
        """Release the device so another FastLayer can be built in this process."""
        if self.device == "standalone":
            shutil.rmtree(self.directory, ignore_errors=True)
        brian2.device.reinit()
        brian2.set_device("runtime")


def _select_device(device: str, directory: Path, build_root: Path, runtime_target: str) -> None:
    brian2.prefs.codegen.runtime.cython.cache_dir = str(build_root / "cython")
    brian2.device.reinit()
    if device == "standalone":
        brian2.set_device("cpp_standalone", directory=str(directory), build_on_run=False)
        brian2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
    else:
        brian2.set_device("runtime")
        brian2.prefs.codegen.target = runtime_target
