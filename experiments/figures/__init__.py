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


def _ketamine_clamp_runs(trap_uM: float, quick: bool) -> tuple[str, ...]:
    """An ``nmda_clamp`` run of ketamine at -66 mV. Ketamine in the trapping train at ``trap_uM``
    (0: the control train); the control's concentration-response, which the figure does not
    read, is cut to its minimum. Quick: fewer concentrations, shorter equilibration and trains."""
    run = ["run", "nmda_clamp", "--set", "v_hold_mV=[-66]", "--set", f"trap_uM={trap_uM:g}"]
    if trap_uM == 0:
        run += ["--set", "ketamine_uM=[1]", "--set", "equilibration_s=0.1"]
    elif quick:
        run += ["--set", "ketamine_uM=[0.1, 0.3, 1, 3, 10, 30]", "--set", "equilibration_s=0.5"]
    else:
        run += ["--set", "ketamine_uM=[0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 30, 50, 100]"]
    if quick:
        run += ["--set", "n_train=3", "--set", "pause_s=1", "--set", "train_hz=4"]
    return tuple(run)


def _windup_run(hz: float, ketamine_uM: float, quick: bool) -> tuple[str, ...]:
    """A ``windup`` run at ``hz`` with ``ketamine_uM``: 16 stimuli at scale 0.5, or quick 4 at 0.1."""
    size = ("--scale", "0.1", "--set", "n_stim=4") if quick else ("--scale", "0.5")
    return ("run", "windup", *size, "--set", f"stim_hz={hz:g}", "--set", f"ketamine_uM={ketamine_uM:g}")


KETAMINE_CLAMP = Result("nmda_clamp_ketamine.h5", _ketamine_clamp_runs(1.0, False), _ketamine_clamp_runs(1.0, True))
KETAMINE_CLAMP_CONTROL = Result("nmda_clamp_ketamine_control.h5", _ketamine_clamp_runs(0.0, False),
                                _ketamine_clamp_runs(0.0, True))
#: wind-up at 1 and 0.5 Hz, each without and with 0.5 uM ketamine (control, ketamine pairs)
WINDUP = tuple(Result(f"windup_{hz:g}hz{'_ketamine' if ketamine_uM else ''}.h5", _windup_run(hz, ketamine_uM, False),
                      _windup_run(hz, ketamine_uM, True))
               for hz in (1.0, 0.5) for ketamine_uM in (0.0, 0.5))

def _run(protocol: str, scale: float, *sets: str) -> tuple[str, ...]:
    """``run PROTOCOL --scale SCALE --set ...`` for each of ``sets``."""
    return ("run", protocol, "--scale", f"{scale:g}", *(arg for item in sets for arg in ("--set", item)))


_HFS_QUICK = ("conditioning_min=15", "follow_min=30", "probe_every_min=15")
_WITHDRAWAL_QUICK = ("duration_min=20", "follow_min=20", "probe_every_min=10")
_CHRONIC_QUICK = ("days=1", "probe_every_h=6", "test_every_h=12", "challenge_nmol=[10, 1000]")
#: LTP: HFS without and with S(+)-ketamine before and after it; remifentanil withdrawal, abrupt and tapered
LTP = (
    Result("hfs_ltp.h5", _run("hfs_ltp", 0.5), _run("hfs_ltp", 0.1, *_HFS_QUICK)),
    *(Result(f"hfs_ltp_ketamine_{timing}.h5", _run("hfs_ltp", 0.5, "ketamine_mg_kg=5", f"ketamine_timing={timing}"),
             _run("hfs_ltp", 0.1, *_HFS_QUICK, "ketamine_mg_kg=5", f"ketamine_timing={timing}"))
      for timing in ("before", "after")),
    Result("withdrawal_ltp.h5", _run("withdrawal_ltp", 0.5), _run("withdrawal_ltp", 0.1, *_WITHDRAWAL_QUICK)),
    Result("withdrawal_ltp_taper.h5", _run("withdrawal_ltp", 0.5, "taper_min=60"),
           _run("withdrawal_ltp", 0.1, *_WITHDRAWAL_QUICK, "taper_min=20")),
)
#: seven days of morphine by s.c. pump, RVM intact and inactivated
CHRONIC = (
    Result("chronic_opioid.h5", _run("chronic_opioid", 0.5), _run("chronic_opioid", 0.1, *_CHRONIC_QUICK)),
    Result("chronic_opioid_rvm_inactivated.h5", _run("chronic_opioid", 0.5, "rvm_inactivated=true"),
           _run("chronic_opioid", 0.1, *_CHRONIC_QUICK, "rvm_inactivated=true")),
)

_FENTANYL_QUICK = ("follow_days=1", "probe_every_h=4", "test_h=[1, 6, 24]", "morphine_mg_kg=0")
#: fentanyl 4 x 100 ug/kg s.c. without and with ketamine 10 mg/kg s.c. before it, and 4 x 20 and 60
FENTANYL = (
    Result("fentanyl_oih.h5", _run("fentanyl_oih", 0.5), _run("fentanyl_oih", 0.1, *_FENTANYL_QUICK)),
    Result("fentanyl_oih_ketamine.h5", _run("fentanyl_oih", 0.5, "ketamine_mg_kg=10"),
           _run("fentanyl_oih", 0.1, *_FENTANYL_QUICK, "ketamine_mg_kg=10")),
    *(Result(f"fentanyl_oih_{dose}.h5", _run("fentanyl_oih", 0.5, f"fentanyl_ug_kg={dose}"),
             _run("fentanyl_oih", 0.1, *_FENTANYL_QUICK, f"fentanyl_ug_kg={dose}")) for dose in (20, 60)),
)

KETAMINE_DOSE_RESPONSE = Result("ketamine_dose_response.h5", _run("ketamine_dose_response", 0.5),
                                _run("ketamine_dose_response", 0.1, "n_stim=4", "ketamine_uM=[0, 0.3, 3]"))
#: ketamine s.c. before 4 x 100 ug/kg fentanyl at 0-30 mg/kg: prevention of the delayed hyperalgesia
KETAMINE_PREVENTION = Result("ketamine_dose_response_oih.h5",
                             _run("ketamine_dose_response", 0.5, "measure=oih_prevention"),
                             _run("ketamine_dose_response", 0.1, "measure=oih_prevention", "ketamine_mg_kg=[0, 1, 10]",
                                  *_FENTANYL_QUICK[:3]))

#: acute morphine (2 mg/kg i.v.) and naloxone-precipitated withdrawal: heat-trial blocks on one build
WITHDRAWAL = Result("withdrawal.h5", _run("withdrawal", 0.5), _run("withdrawal", 0.1, "n_trials=3", "spontaneous_s=10"))

#: figure name (its module and output file names) -> the result files it draws from, in the
#: order ``make`` takes them
FIGURES: dict[str, tuple[Result, ...]] = {
    "circuit": (CIRCUIT,),
    "heat_trials": (HEAT_TRIALS,),
    "mechanical": (MECHANICAL,),
    "mg_block": (MG_BLOCK,),
    "ketamine_block": (KETAMINE_CLAMP, KETAMINE_CLAMP_CONTROL),
    "windup": WINDUP,
    "ketamine_dose_response": (KETAMINE_DOSE_RESPONSE,),
    "ketamine_prevention": (KETAMINE_PREVENTION,),
    "ltp": LTP,
    "acute_opioid": (WITHDRAWAL,),
    "chronic": CHRONIC,
    "fentanyl": FENTANYL,
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
