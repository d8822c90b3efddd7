"""Ketamine dose-response of wind-up with its Hill fit.

Reads one ``ketamine_dose_response`` result file. Panel a: WDR response to each pulse of the
train at each ketamine concentration. Panel b: wind-up (R_last / R_first - 1) relative to
drug-free against the unbound effect-site concentration, with the fitted Hill curve; grey bands:
the human analgesic plasma range (0.29-0.67 uM) and the anaesthetic range (5-10 uM) of
targets section 6.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..protocols.ketamine_dose_response import hill
from ..storage import read_run
from . import STYLE, TARGET_BAND, save

NAME = "ketamine_dose_response"
#: (low, high, label) concentration ranges, uM
RANGES = ((0.29, 0.67, "analgesic"), (5.0, 10.0, "anaesthetic"))


def make(path: Path | str, out_dir: Path | str) -> list[Path]:
    record = read_run(path)
    if record.protocol != "ketamine_dose_response":
        raise ValueError("the ketamine_dose_response figure needs a ketamine_dose_response result file")
    r = record.readouts
    conc, fraction, counts = (np.asarray(r[k], dtype=float) for k in ("ketamine_uM", "windup_fraction", "windup_counts"))
    ic50, n = float(r["ic50_uM"]), float(r["hill_n"])
    with plt.style.context(STYLE):
        fig, (a, b) = plt.subplots(1, 2, figsize=(4.6, 2.0), gridspec_kw={"wspace": 0.45})
        colours = plt.cm.viridis(np.linspace(0.0, 0.9, len(conc)))
        for c, row, colour in zip(conc, counts, colours):
            a.plot(np.arange(1, len(row) + 1), row, "o-", ms=2, lw=0.8, color=colour, label=f"{c:g} uM")
        a.set(xlabel="pulse", ylabel="spikes per WDR cell")
        a.legend(fontsize=4.5, frameon=False, loc="upper left")
        shown = conc > 0
        x_min = conc[shown].min() / 3 if shown.any() else 0.01
        x_max = max(conc.max() * 3, 20.0)
        for low, high, text in RANGES:
            b.axvspan(low, high, color=TARGET_BAND, lw=0)
            b.text(np.sqrt(low * high), 1.12, text, ha="center", fontsize=5)
        b.plot(conc[shown], fraction[shown], "o", color="k", ms=3, label="model")
        if np.isfinite(ic50):
            grid = np.geomspace(x_min, x_max, 200)
            b.plot(grid, hill(grid, ic50, n), "-", color="k", lw=0.8, label=f"Hill fit: IC50 {ic50:.2g} uM, n {n:.2g}")
        b.axhline(1.0, color="0.5", lw=0.5, ls=":")
        b.set_xscale("log")
        b.set(xlim=(x_min, x_max), ylim=(-0.05, 1.25), xlabel="ketamine, unbound (uM)", ylabel="wind-up (of drug-free)")
        b.legend(fontsize=4.5, frameon=False, loc="lower left")
        for axis, letter in zip((a, b), "ab"):
            axis.text(-0.3, 1.02, letter, transform=axis.transAxes, fontweight="bold")
        return save(fig, out_dir, NAME)
