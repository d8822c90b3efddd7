"""Graded mechanical forces: lamina I projection output and the withdrawal threshold.

Reads a ``mechanical`` result file. (a) Median lamina I NK1R+ rate during each 5 s force,
beside the fitness targets of Medlock et al. 2022 (0, 1.63, 5.46, 9.70 Hz at 10, 50, 100,
200 mN). (b) Peak WDR population rate (reflex kernel) against force, the reflex criterion of
the model's parameters and the withdrawal threshold where the two meet.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from brian2 import Hz

from ..storage import read_run
from . import STYLE, TARGET, save

NAME = "mechanical"
MODEL_COLOUR = "#8e44ad"
#: Medlock et al. 2022 (fitnessFunc.py): median projection-neuron rate (Hz) at force (mN)
MEDLOCK_2022 = {10.0: 0.0, 50.0: 1.63, 100.0: 5.46, 200.0: 9.70}


def make(path: Path | str, out_dir: Path | str) -> list[Path]:
    record = read_run(path)
    readouts = record.readouts
    forces = np.asarray(readouts["forces_mN"])
    order = np.argsort(forces)
    criterion = float(record.config.params()["withdrawal.rate_threshold"] / Hz)
    threshold = readouts["withdrawal_threshold_mN"]
    with plt.style.context(STYLE):
        fig, (projection, wdr) = plt.subplots(1, 2, figsize=(3.35, 1.9), gridspec_kw={"wspace": 0.55})
        projection.plot(forces[order], np.asarray(readouts["projection_rate_hz"])[order], "o-", color=MODEL_COLOUR,
                        ms=3, label="model")
        projection.plot(list(MEDLOCK_2022), list(MEDLOCK_2022.values()), **TARGET, label="Medlock et al. 2022")
        projection.set_xlabel("force (mN)")
        projection.set_ylabel("projection neuron rate (Hz)")
        projection.set_title("a  lamina I NK1R+ output", loc="left")
        projection.legend(loc="upper left")
        projection.set_xlim(0, forces.max() * 1.08)
        top = max(np.nanmax(readouts["projection_rate_hz"]), max(MEDLOCK_2022.values()))
        projection.set_ylim(0, 1.45 * top)  # room for the legend above the curves

        wdr.plot(forces[order], np.asarray(readouts["wdr_peak_rate_hz"])[order], "o-", color=MODEL_COLOUR, ms=3)
        wdr.axhline(criterion, color="k", lw=0.6, ls="--")
        wdr.text(forces.max() * 1.08, criterion, "reflex criterion", ha="right", va="bottom", fontsize=6)
        if np.isfinite(threshold):
            wdr.axvline(threshold, color=MODEL_COLOUR, lw=0.6, ls=":")
            wdr.set_title(f"b  withdrawal at {threshold:.0f} mN", loc="left")
        else:
            wdr.set_title("b  no withdrawal", loc="left")
        wdr.set_xlabel("force (mN)")
        wdr.set_ylabel("peak WDR rate (Hz)")
        wdr.set_xlim(0, forces.max() * 1.08)
        wdr.set_ylim(bottom=0)
    return save(fig, out_dir, NAME)
