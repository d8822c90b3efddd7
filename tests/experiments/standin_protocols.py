"""Stand-in protocols for the tests of the command line, config and storage.

They return synthetic results without building a Brian2 network, and have knobs of every
kind. The tests register them on ``experiments.protocols.PROTOCOLS`` (fixture ``standins`` in
``tests/conftest.py``); a child process finds them through the test hook
``OIH_TEST_PROTOCOLS=standin_protocols`` (with this directory on ``PYTHONPATH``).

``OIH_STANDIN_STARTED=<path>``: ``standin_sleep`` creates this file once it is running, so a
test knows when to signal the child.
"""

from __future__ import annotations

import os
import signal
import time
from types import SimpleNamespace

import numpy as np
from brian2 import ms

from experiments.protocols.base import Knob, Readout, RunContext, RunResult, TimeSeries

#: knobs of every kind the config layer checks
KNOBS = {
    "n_trials": Knob(3, "count", "number of trials", minimum=1, maximum=50),
    "ketamine_uM": Knob(0.0, "uM", "ketamine concentration", minimum=0.0),
    "p_release": Knob(0.5, "1", "release probability", minimum=0.0, maximum=1.0),
    "drug": Knob("morphine", "choice", "opioid", choices=("morphine", "fentanyl", "remifentanil")),
    "pattern": Knob("hfs", "choice", "conditioning pattern", choices=("hfs", "2hz")),
    "rvm_inactivated": Knob(False, "bool", "lidocaine in the RVM"),
    "v_hold_mV": Knob((-80.0, -40.0, 0.0), "list", "holding potentials", minimum=-120.0, maximum=60.0,
                      item_unit="mV"),
    "stim_hz": Knob(1.0, "Hz", "stimulus frequency", minimum=0.0),
    "duration_s": Knob(0.5, "s", "simulated time", minimum=0.0, maximum=100.0),
}


def _population(rng: np.random.Generator, n: int, count: int, duration_ms: float):
    times = rng.uniform(0.0, duration_ms, size=count)  # deliberately unsorted
    ids = rng.integers(0, n, size=count).astype(np.int64)
    return times, ids


def run_standin(context: RunContext) -> RunResult:
    """Deterministic in the seed; echoes knobs and model parameters in its read-outs."""
    rng = np.random.default_rng(context.seed)
    knobs, params = context.knobs, context.params
    duration_ms = max(float(knobs["duration_s"]) * 1000.0, 1.0)
    n_on = max(1, int(round(params["rvm.on_cells.n"] * context.scale)))
    n_wdr = max(1, int(round(params["dorsal_horn.wdr.n"] * context.scale)))
    context.progress(0.0, "start")
    spikes = {
        "on_cells": _population(rng, n_on, 40 * n_on // 10 + 7, duration_ms),
        "wdr": _population(rng, n_wdr, 3 * n_wdr, duration_ms),
        "big": _population(rng, 500, 5000, duration_ms),
        # "silent" has a size but no entry: no spikes at all
    }
    context.progress(0.5, "half way")
    n_trials = int(knobs["n_trials"])
    latencies = rng.uniform(2.0, 6.0, size=n_trials)
    latencies[0] = np.nan  # no withdrawal before the cut-off
    v_hold = np.asarray(knobs["v_hold_mV"], dtype=float)
    readouts = {
        "rate_on_hz": Readout(float(len(spikes["on_cells"][0]) / n_on / (duration_ms / 1000.0)), "Hz", "ON rate"),
        "withdrawal_latency_s": Readout(latencies, "s", "latency per trial"),
        "nmda_current_pA": Readout(np.outer(v_hold, [1.0, 0.5]), "pA", "current [v x conc]"),
        "n_withdrawals": Readout(np.int64(n_trials - 1), "1", "trials with a withdrawal"),
        "ketamine_echo_uM": Readout(float(knobs["ketamine_uM"]), "uM", "the knob as received"),
        "tau_ampa_ms": Readout(float(params["synapses.tau_ampa"] / ms), "ms", "the parameter as received"),
        "dt_echo_ms": Readout(float(context.dt_ms), "ms", "the time step as received"),
    }
    times = np.linspace(0.0, 60.0, 121)
    timeseries = {
        "plasma_uM": TimeSeries(times, np.exp(-times / 20.0), "uM", "min", "plasma concentration"),
        "states": TimeSeries(times, np.stack([times, 2 * times], axis=1), "1", "min", "two adaptive states"),
        "rate_wdr_hz": TimeSeries(np.arange(2001) * 1e-3, rng.poisson(5.0, 2001).astype(float), "Hz", "s",
                                  "a long series (compressed)"),
    }
    context.progress(1.0, "done")
    sizes = {"on_cells": n_on, "wdr": n_wdr, "big": 500, "silent": 10}
    return RunResult(spikes=spikes, population_sizes=sizes, readouts=readouts, timeseries=timeseries)


def run_sleep(context: RunContext) -> RunResult:
    """Sleeps ``sleep_s`` seconds in small steps (reporting progress): a long run to interrupt."""
    marker = os.environ.get("OIH_STANDIN_STARTED")
    if marker:
        with open(marker, "w") as handle:
            handle.write(str(os.getpid()))
    total = float(context.knobs["sleep_s"])
    start = time.monotonic()
    while (elapsed := time.monotonic() - start) < total:
        context.progress(elapsed / total, f"t={elapsed:.1f} s of {total:.1f} s")
        time.sleep(0.02)
    return RunResult(spikes={"cells": (np.array([1.0]), np.array([0]))}, population_sizes={"cells": 1},
                     readouts={"slept_s": Readout(total, "s")})


def run_fail(context: RunContext) -> RunResult:
    """Fails half way through, as a protocol with a bug would."""
    context.progress(0.5, "about to fail")
    raise RuntimeError("synthetic failure inside the protocol")


def run_signal(context: RunContext) -> RunResult:
    """Sends itself the signal named by the ``signal`` knob, then waits to be interrupted."""
    os.kill(os.getpid(), getattr(signal, context.knobs["signal"]))
    for _ in range(500):
        time.sleep(0.01)
    raise AssertionError("the signal did not interrupt the run")


def run_bad_result(context: RunContext) -> RunResult:
    """Returns a result whose last read-out cannot be stored: writing fails half way."""
    return RunResult(spikes={"cells": (np.array([1.0, 2.0]), np.array([0, 1]))}, population_sizes={"cells": 2},
                     readouts={"fine": Readout(1.0, "1"), "broken": Readout(np.array(["a", "b"]), "1")})


def _protocol(name: str, summary: str, knobs: dict, run) -> SimpleNamespace:
    return SimpleNamespace(NAME=name, SUMMARY=summary, KNOBS=knobs, run=run, __name__=f"standin.{name}")


PROTOCOLS = {
    "standin": _protocol("standin", "synthetic spikes and read-outs, knobs of every kind", KNOBS, run_standin),
    "standin_sleep": _protocol("standin_sleep", "sleeps (a long run to interrupt)",
                               {"sleep_s": Knob(30.0, "s", "how long to sleep", minimum=0.0)}, run_sleep),
    "standin_fail": _protocol("standin_fail", "raises half way", {}, run_fail),
    "standin_signal": _protocol("standin_signal", "signals itself",
                                {"signal": Knob("SIGTERM", "choice", "signal", choices=("SIGINT", "SIGTERM"))},
                                run_signal),
    "standin_bad_result": _protocol("standin_bad_result", "returns an unstorable read-out", {}, run_bad_result),
}
