"""Compile once, run many: one built network shape re-run with new variable values.

:class:`FastLayer` builds a :class:`circuits.Circuit` on the chosen Brian2 device and runs it
for a fixed duration as often as asked, each time with new values of Brian2 variables
(``run_args``). In ``standalone`` mode (C++ standalone) the network is generated and compiled
once and each run is ``device.run(run_args=...)``; in ``runtime`` mode (Cython, or numpy where
compiling would cost more than it saves) the network is restored to its initial state, the
random generator re-seeded and the values assigned before each run. Both give the same
statistics (tests/experiments/test_engine.py).

Build folders are slots ``<build_root>/<name>-<k>``, named by default after the network shape
(``circuit-scale<scale>``: every protocol builds the same circuit, so a heat-trial build serves a
wind-up run at the same scale). A layer takes the first slot that no live
process holds (an exclusive ``flock`` on ``<slot>.lock``, released at :meth:`FastLayer.close` or
when the process dies), so parallel processes never share a folder, and the slot is kept for the
next layer. Brian2 rewrites only the generated files whose text changed, so building the same
network shape again in a kept slot recompiles nothing (about a second instead of a minute), and
a new duration or shape recompiles only what changed. The Cython cache lives under
``<build_root>/cython``.

A cold build compiles about 50 small files that all parse the same headers, and one large file
of array bookkeeping (``objects.cpp``, run once per simulation). ``make`` reads
:data:`BUILD_MAKEFILE` beside Brian2's makefile: the shared headers are precompiled once
(:data:`SHARED_HEADERS`; GCC and Clang both read ``shared_headers.h.gch``, and GCC parses the
text instead where the precompiled header does not fit its flags), and ``objects.cpp`` and
``main.cpp`` compile unoptimised, in parallel with the header. The simulation code keeps
Brian2's optimisation flags; a cold build at scale 1 on two cores takes 6-8 s instead of
16-18 s (``make bench``).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
from pathlib import Path
from typing import Callable

import brian2
import numpy as np
from brian2 import defaultclock, ms, second
from brian2.utils.logger import catch_logs

from circuits import Circuit

brian2.BrianLogger.suppress_name("resolution_conflict", "brian2.codegen.generators.base")

#: (group or pathway name, variable name) -> value(s)
RunArgs = dict[tuple[str, str], object]

#: The headers every generated file of Brian2's C++ standalone device includes.
SHARED_HEADERS = """#include "objects.h"
#include "synapses_classes.h"
#include "brianlib/common_math.h"
#include "brianlib/stdint_compat.h"
#include "brianlib/spikequeue.h"
#include <chrono>
#include <climits>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iostream>
"""
#: Rules that ``make`` reads after Brian2's makefile (its variables OBJS, OPTIMISATIONS, CXXFLAGS):
#: precompile :data:`SHARED_HEADERS` with the flags of the simulation code and include it
#: everywhere; compile the run-once files without optimisation and without the header.
BUILD_MAKEFILE = """# written by experiments.engine (see its docstring)
RUN_ONCE = objects.o main.o
PRECOMPILED = -include shared_headers.h
CXXFLAGS += $(PRECOMPILED)
$(RUN_ONCE): PRECOMPILED =
$(RUN_ONCE): OPTIMISATIONS += -O0
shared_headers.h.gch: shared_headers.h makefile objects.h synapses_classes.h network.h $(wildcard brianlib/*.h)
	$(CXX) -x c++-header -Wno-write-strings $(OPTIMISATIONS) -I. shared_headers.h -o $@
$(filter-out $(RUN_ONCE),$(OBJS)): shared_headers.h.gch
"""
BUILD_FILES = {"shared_headers.h": SHARED_HEADERS, "build.mk": BUILD_MAKEFILE}


class FastLayer:
    """A built fast layer of fixed shape and duration, re-runnable with new values.

    ``profile`` (standalone only) times every code object of each run
    (``circuit.network.profiling_info``; the timing calls change the generated code, so give
    a profiled layer its own ``name``)."""

    def __init__(self, build: Callable[[], Circuit], duration_s: float, *, device: str = "standalone",
                 seed: int = 1, build_root: Path | str = ".build", name: str | None = None,
                 dt_ms: float = 0.1, runtime_target: str = "cython", profile: bool = False):
        if device not in ("standalone", "runtime"):
            raise ValueError(f"unknown device {device!r} (runtime or standalone)")
        self.device = device
        self.duration = duration_s * second
        self.seed = seed
        build_root = Path(build_root).resolve()
        self._lock = None
        self.directory = None
        try:
            _select_device(device, build_root, runtime_target)
            defaultclock.dt = dt_ms * ms
            brian2.seed(seed)
            np.random.seed(seed)
            # Brian2 numbers a new object's name (``neurons_stateupdater_codeobject_1``) while an
            # earlier network's objects are still alive, which would change every generated file
            # and defeat the kept build slot (a full 40 s compile instead of 3 s): ``close``
            # releases a layer's objects, and unreferenced ones are collected here (objects of
            # circuits that never ran make Brian2 warn as they go; those warnings say nothing
            # about this run).
            with catch_logs():
                gc.collect()
            self.circuit = build()
            if device == "standalone":
                self.directory, self._lock = claim_build_slot(build_root, name or shape_name(self.circuit))
                write_build_files(self.directory)
                self.circuit.network.run(self.duration, namespace={}, profile=profile)
                brian2.device.build(directory=str(self.directory), compile=True, run=False)
            else:
                self.circuit.network.store("initial")
        except BaseException:
            self.close()
            raise
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
            with _environment_kept():
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

    def read(self, owner: str, variable: str) -> np.ndarray:
        """Values of a variable of a network object at the end of the last run (unitless array)."""
        return np.asarray(self._variable((owner, variable))[:], dtype=float)

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
        """Release the device (so another FastLayer can be built in this process) and the build
        slot (so the next layer of this name reuses its compiled code)."""
        brian2.device.reinit()
        brian2.set_device("runtime")
        if getattr(self, "circuit", None) is not None:
            self.circuit.release()
        if self._lock is not None:
            os.close(self._lock)  # releases the flock
            self._lock = None


@contextlib.contextmanager
def _environment_kept():
    """Undo the environment variables Brian2 sets for the standalone binary (``LD_BIND_NOW=1``):
    left in ``os.environ`` they reach every later child process, and a daemon that dlopens
    plugins with unresolved symbols (slurmd loading select/cons_tres) then fails to start."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for key in set(os.environ) - set(saved):
            del os.environ[key]
        os.environ.update(saved)


def claim_build_slot(build_root: Path, name: str) -> tuple[Path, int]:
    """The first folder ``<build_root>/<name>-<k>`` no live process holds, and the descriptor of
    its held lock file (close it to release the slot)."""
    build_root.mkdir(parents=True, exist_ok=True)
    for k in range(10_000):
        fd = os.open(build_root / f"{name}-{k}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return build_root / f"{name}-{k}", fd
    raise RuntimeError(f"no free build slot under {build_root}")


def write_build_files(directory: Path) -> None:
    """Write :data:`BUILD_FILES` into a build folder, leaving unchanged files untouched (a newer
    file would make ``make`` recompile what depends on it)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in BUILD_FILES.items():
        path = directory / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def shape_name(circuit: Circuit) -> str:
    """The build-slot name of a circuit's shape: its scale sets every group size in the code."""
    return scale_slot_name(circuit.scale)


def scale_slot_name(scale: float) -> str:
    """The build-slot name of the circuit at ``scale`` (see :func:`shape_name`)."""
    return f"circuit-scale{scale:g}"


def _select_device(device: str, build_root: Path, runtime_target: str) -> None:
    brian2.prefs.codegen.runtime.cython.cache_dir = str(build_root / "cython")
    brian2.device.reinit()
    if device == "standalone":
        brian2.set_device("cpp_standalone", directory=None, build_on_run=False)
        brian2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2", "-f", "makefile", "-f", "build.mk"]
    else:
        brian2.set_device("runtime")
        brian2.prefs.codegen.target = runtime_target
