"""Ketamine dose-response of the prevention of fentanyl-induced hyperalgesia, with its Hill fit.

Reads one ``ketamine_dose_response`` result file of ``measure=oih_prevention``. Panel a:
withdrawal threshold (% of baseline) against time after the first of four fentanyl boluses, one
line per s.c. ketamine dose given before them. Panel b: the hyperalgesia left (depth of the nadir
relative to fentanyl alone) against the ketamine dose, with the fitted Hill curve; the top axis
gives the unbound effect-site ketamine at the first bolus (the rat PK is linear in the dose).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..protocols.ketamine_dose_response import hill
from ..storage import read_run
from . import STYLE, save

NAME = "ketamine_prevention"


def make(path: Path | str, out_dir: Path | str) -> list[Path]:
    record = read_run(path)
    r = record.readouts
    if record.protocol != "ketamine_dose_response" or "ed50_mg_kg" not in r:
        raise ValueError("the ketamine_prevention figure needs a ketamine_dose_response result file of "
                         "measure=oih_prevention")
    doses, left, conc = (np.asarray(r[k], dtype=float) for k in ("ketamine_mg_kg", "hyperalgesia_fraction",
                                                                 "ketamine_uM_at_fentanyl"))
    hours, percent = np.asarray(r["test_hours"], dtype=float), np.asarray(r["threshold_percent"], dtype=float)
    ed50, n = float(r["ed50_mg_kg"]), float(r["hill_n"])
    with plt.style.context(STYLE):
        fig, (a, b) = plt.subplots(1, 2, figsize=(4.6, 2.0), gridspec_kw={"wspace": 0.45})
        colours = plt.cm.viridis(np.linspace(0.0, 0.9, len(doses)))
        for dose, row, colour in zip(doses, percent, colours):
            a.plot(hours, row, "o-", ms=2, lw=0.8, color=colour, label=f"{dose:g} mg/kg")
        a.axhline(100.0, color="0.5", lw=0.5, ls=":")
        a.set(xlabel="time after the first bolus (h)", ylabel="threshold (% of baseline)")
        a.legend(fontsize=4.5, frameon=False, loc="upper right")
        given = doses > 0
        x_min, x_max = doses[given].min() / 2, doses.max() * 2
        b.plot(doses[given], left[given], "o", color="k", ms=3, label="model")
        if np.isfinite(ed50):
            grid = np.geomspace(x_min, x_max, 200)
            b.plot(grid, hill(grid, ed50, n), "-", color="k", lw=0.8, label=f"Hill fit: ED50 {ed50:.2g} mg/kg, n {n:.2g}")
        b.set_xscale("log")
        b.set(xlim=(x_min, x_max), ylim=(-0.05, 1.15), xlabel="ketamine s.c. (mg/kg)",
              ylabel="hyperalgesia left (of fentanyl alone)")
        per_mg = float(np.median(conc[given] / doses[given]))
        top = b.secondary_xaxis("top", functions=(lambda d: d * per_mg, lambda c: c / per_mg))
        top.set_xlabel("unbound ketamine at the first bolus (uM)", fontsize=5)
        top.tick_params(labelsize=5)
        b.legend(fontsize=4.5, frameon=False, loc="upper right")
        for axis, letter in zip((a, b), "ab"):
            axis.text(-0.38, 1.02, letter, transform=axis.transAxes, fontweight="bold")
        return save(fig, out_dir, NAME)
