"""What every protocol module provides, and what it returns.

A protocol module defines ``NAME``, ``SUMMARY`` (one line), ``KNOBS`` (a dict of :class:`Knob`)
and ``run(context) -> RunResult``. ``experiments.protocols`` collects them into ``PROTOCOLS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from circuits import ParameterSet


@dataclass(frozen=True)
class Knob:
    """One protocol setting: default, unit ("1" dimensionless, "count", "bool", "choice",
    "list" of numbers in ``unit`` given by ``item_unit``), bounds and a one-line description."""

    default: Any
    unit: str
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    item_unit: str | None = None
    #: a "list" knob that may be empty (an empty list turns its part of the protocol off)
    allow_empty: bool = False


@dataclass(frozen=True)
class Readout:
    """One result of a protocol: a number or a 1-d series, with its unit."""

    value: float | np.ndarray
    units: str
    doc: str = ""


@dataclass(frozen=True)
class TimeSeries:
    """A sampled time course (slow-layer state, population rate)."""

    times: np.ndarray
    values: np.ndarray
    units: str
    time_units: str = "s"
    doc: str = ""


@dataclass
class RunContext:
    """Everything a protocol needs to run: model parameters, its knobs, seed, scale, device."""

    params: ParameterSet
    knobs: dict[str, Any]
    seed: int = 1
    scale: float = 1.0
    device: str = "standalone"
    build_root: Path = Path(".build")
    #: progress(done_fraction, message) for long runs; the runner decides what to show
    progress: Callable[[float, str], None] = lambda fraction, message: None
    dt_ms: float = 0.1


@dataclass
class RunResult:
    """What a protocol returns; ``experiments.storage`` writes it as one HDF5 file."""

    spikes: dict[str, tuple[np.ndarray, np.ndarray]]
    population_sizes: dict[str, int]
    readouts: dict[str, Readout]
    timeseries: dict[str, TimeSeries] = field(default_factory=dict)


def knobs_of(spec: dict[str, Knob], knobs: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The knobs of another protocol (``spec``, its ``KNOBS``) for a protocol that runs it: its
    defaults, updated by the same-named ``knobs`` of the caller, then by ``changes``."""
    values = {name: knobs[name] if name in knobs else knob.default for name, knob in spec.items()}
    return dict(values, **changes)
