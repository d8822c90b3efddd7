"""Ketamine block of the NMDA channel: potency with and without Mg2+, use dependence and trapping.

Reads two ``nmda_clamp`` result files: a ketamine run (concentration-response at -66 mV and a
trapping train in ketamine) and a control run whose train is given without ketamine (same train
settings). (a) Steady NMDA current with ketamine over the current without it, against the
ketamine concentration at -66 mV, without Mg2+ and with 1 mM Mg2+; the grey bars at half block
are the literature IC50 ranges, 0.3-0.8 uM without Mg2+ and 1-5 uM in 1 mM Mg2+ (Kotermanski &
Johnson 2009, recombinant receptors at -66 mV; Orser et al. 1997). (b) Peak current of each
synaptic event over the control's, in a train with ketamine, then after washout and an
agonist-free pause, in a train without ketamine: block builds with use, is kept while the
channels stay shut (trapped) and is relieved only by opening (MacDonald et al. 1991; Orser et
al. 1997).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
import numpy as np

from ..storage import RunRecord, read_run
from . import STYLE, TARGET_BAND, save

NAME = "ketamine_block"
V_HOLD_MV = -66.0
#: condition -> (remaining-fraction read-out, IC50 read-out, literature IC50 range (uM), colour)
CONDITIONS = {
    "mg_free": ("remaining_fraction_mg_free", "ic50_mg_free_uM", (0.3, 0.8), "#d35400"),
    "mg": ("remaining_fraction_mg", "ic50_uM", (1.0, 5.0), "#2471a3"),
}
#: knobs of the trapping train that the ketamine run and its control must share
TRAIN_KNOBS = ("v_trap_mV", "train_hz", "n_train", "pause_s", "g_nmda_nS", "blocker")
BAND_HALF_HEIGHT = 0.05


def _check_pair(record: RunRecord, control: RunRecord) -> None:
    knobs, control_knobs = record.config.knobs, control.config.knobs
    differ = [k for k in TRAIN_KNOBS if knobs[k] != control_knobs[k]]
    if differ:
        raise ValueError(f"{control.path}: its train differs from {record.path}'s in {', '.join(differ)}")
    if control_knobs["trap_uM"] != 0 or knobs["trap_uM"] <= 0:
        raise ValueError(f"expected a train with the blocker ({record.path}, trap_uM {knobs['trap_uM']}) "
                         f"and one without ({control.path}, trap_uM {control_knobs['trap_uM']})")


def make(path: Path | str, control_path: Path | str, out_dir: Path | str) -> list[Path]:
    record, control = read_run(path), read_run(control_path)
    _check_pair(record, control)
    readouts, knobs = record.readouts, record.config.knobs
    v = np.asarray(readouts["v_hold_mV"], dtype=float)
    if V_HOLD_MV not in v:
        raise ValueError(f"{path}: no concentration-response at {V_HOLD_MV:g} mV (holding potentials {v.tolist()})")
    row = int(np.nonzero(v == V_HOLD_MV)[0][0])
    conc = np.asarray(readouts["blocker_uM"], dtype=float)
    blocker, mg_mM = knobs["blocker"], knobs["mg_mM"]
    with plt.style.context(STYLE):
        fig, (dose, train) = plt.subplots(1, 2, figsize=(3.35, 2.0),
                                          gridspec_kw={"wspace": 0.4, "width_ratios": (1.3, 1)})

        for key, (fraction_key, ic50_key, (low, high), colour) in CONDITIONS.items():
            label = "0 Mg$^{2+}$" if key == "mg_free" else f"{mg_mM:g} mM Mg$^{{2+}}$"
            dose.fill_between([low, high], 0.5 - BAND_HALF_HEIGHT, 0.5 + BAND_HALF_HEIGHT, color=TARGET_BAND, lw=0)
            fraction = np.asarray(readouts[fraction_key], dtype=float)[row]
            ic50 = float(np.asarray(readouts[ic50_key], dtype=float)[row])
            dose.plot(conc, fraction, "o-", color=colour, ms=2,
                      label=f"{label}, IC50 {ic50:.2g} µM" if np.isfinite(ic50) else f"{label}, IC50 n/a")
        dose.fill_between([], [], color=TARGET_BAND, lw=0, label="IC50, literature")
        dose.set_xscale("log")
        dose.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        dose.set_xlim(conc.min() / 1.5, conc.max() * 1.5)
        dose.set_ylim(0, 1.4)  # room for the legend above the curves
        dose.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        dose.set_xlabel(f"{blocker} (µM)")
        dose.set_ylabel("steady NMDA current / control")
        dose.set_title(f"a  potency at {V_HOLD_MV:g} mV", loc="left")
        dose.legend(loc="upper right", handlelength=1.2, borderaxespad=0.1, labelspacing=0.3)

        n = int(knobs["n_train"])
        ratio = (np.asarray(readouts["train_peak_pA"], dtype=float)
                 / np.asarray(control.readouts["train_peak_pA"], dtype=float))
        gap = max(2.0, n / 4)  # the pause, drawn as a gap of this many events
        x = np.concatenate([np.arange(1, n + 1), n + gap + np.arange(1, n + 1)])
        train.axvspan(n + 0.5, n + gap + 0.5, color="0.93", lw=0)
        train.text(n + gap / 2 + 0.5, 1.04, f"{knobs['pause_s']:g} s\nwashout", ha="center", va="bottom", fontsize=5.5)
        train.plot(x[:n], ratio[:n], "o-", color=CONDITIONS["mg_free"][3], ms=2.5,
                   label=f"{knobs['trap_uM']:g} µM {blocker}")
        train.plot(x[n:], ratio[n:], "o-", color="0.35", ms=2.5, label="after washout")
        train.axhline(1.0, color="k", lw=0.4, ls=":")
        train.set_ylim(0, 1.4)
        train.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        train.set_xlim(0.3, x[-1] + 0.7)
        ticks = [1, n] if n > 1 else [1]
        train.set_xticks([*ticks, *(n + gap + np.array(ticks))], [*map(str, ticks), *map(str, ticks)])
        train.set_xlabel(f"event ({knobs['train_hz']:g} Hz, 0 Mg$^{{2+}}$)")
        train.set_ylabel("peak current / control")
        train.set_title("b  trapping block", loc="left")
        train.legend(loc="lower left", handlelength=1.2, borderaxespad=0.1, labelspacing=0.3)
    return save(fig, out_dir, NAME)
