"""Figures, one module per figure, drawn from result files alone (never from a simulation).

:data:`FIGURES` maps a figure name to the result files it draws from; each :class:`Result` names
its file (under the results folder) and the ``python -m experiments`` command that makes it,
plus a quick small-scale variant for tests. ``python -m experiments figures``
(:mod:`experiments.figures.pipeline`) draws every figure whose inputs exist and, with
``--run-missing``, first makes the inputs that are missing or outdated.

The module ``experiments.figures.<name>`` of a figure has ``make(*input_paths, out_dir)``: it
reads its inputs, draws in the shared style :data:`STYLE` (one journal column is 85 mm) and
writes ``<name>.pdf`` and ``<name>.png`` with :func:`save`, returning their paths. Literature
targets are drawn beside the model in one style: :data:`TARGET` markers for points, grey
(:data:`TARGET_BAND`) bands for ranges.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..storage import temporary_path  # noqa: E402

STYLE = Path(__file__).with_name("style.mplstyle")
#: literature target points: open black squares (model values are filled and coloured)
TARGET = {"marker": "s", "markerfacecolor": "none", "markeredgecolor": "k", "linestyle": "none",
          "markersize": 4, "markeredgewidth": 0.8}
#: colour of literature target ranges (bands and bars)
TARGET_BAND = "0.85"
#: PDF metadata without a creation date, so an unchanged figure gives an identical file
_METADATA = {"pdf": {"CreationDate": None}, "png": {}}


@dataclass(frozen=True)
class Result:
    """A result file a figure draws from and the ``python -m experiments`` arguments (without
    ``--out``) that make it: ``command`` for the figures, ``quick`` at small scale for tests."""

    file: str
    command: tuple[str, ...]
    quick: tuple[str, ...]

    def arguments(self, quick: bool = False) -> tuple[str, ...]:
        return self.quick if quick else self.command


#: the Mg2+-block run: every 5 mV from -100 to +40 mV except 0 mV, the NMDA reversal potential
#: (where the current ratio is 0/0); the blocker experiments of nmda_clamp, which this figure does
#: not show and which take minutes, are cut to their minimum
_MG_BLOCK_RUN = ("run", "nmda_clamp",
                 "--set", "v_hold_mV=[" + ", ".join(str(v) for v in range(-100, 45, 5) if v != 0) + "]",
                 "--set", "ketamine_uM=[1]", "--set", "equilibration_s=1", "--set", "n_train=1", "--set", "pause_s=0")

CIRCUIT = Result("circuit.json", ("circuit", "--scale", "1"), ("circuit", "--scale", "0.1"))
HEAT_TRIALS = Result("heat_trials.h5", ("run", "heat_trials", "--scale", "0.5"),
                     ("run", "heat_trials", "--scale", "0.1", "--set", "n_trials=3", "--set", "spontaneous_s=10"))
MECHANICAL = Result("mechanical.h5", ("run", "mechanical", "--scale", "0.5"),
                    ("run", "mechanical", "--scale", "0.1"))
MG_BLOCK = Result("nmda_clamp_mg.h5", _MG_BLOCK_RUN, _MG_BLOCK_RUN)

#: figure name (its module and output file names) -> the result files it draws from, in the
#: order ``make`` takes them
FIGURES: dict[str, tuple[Result, ...]] = {
    "circuit": (CIRCUIT,),
    "heat_trials": (HEAT_TRIALS,),
    "mechanical": (MECHANICAL,),
    "mg_block": (MG_BLOCK,),
}


def figure_module(name: str) -> ModuleType:
    """The module that draws figure ``name``."""
    return import_module(f"{__name__}.{name}")


def save(fig: plt.Figure, out_dir: Path | str, name: str) -> list[Path]:
    """Write ``fig`` as ``<out_dir>/<name>.pdf`` and ``.png`` and close it; return the paths.

    Each file is written under a temporary name and renamed when complete, so a crash never
    leaves a partial figure under the final name."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    try:
        with plt.style.context(STYLE):
            for fmt in ("pdf", "png"):
                target = out_dir / f"{name}.{fmt}"
                tmp = temporary_path(target)
                try:
                    fig.savefig(tmp, format=fmt, metadata=_METADATA[fmt])
                    os.replace(tmp, target)
                except BaseException:
                    with contextlib.suppress(OSError):
                        tmp.unlink()
                    raise
                paths.append(target)
    finally:
        plt.close(fig)
    return paths
