"""Fentanyl-induced hyperalgesia with and without ketamine pretreatment.

Reads ``fentanyl_oih`` result files (typically 4 x 100 ug/kg without and with ketamine 10 mg/kg
s.c.). Panel a: nociceptive threshold of each test (% of the drug-free baseline) against time
after the first bolus; the grey band is the delayed hyperalgesia of Celerier et al. 2000 (nadir
20-35% below baseline, lasting days). Panel b: mean rates of RVM ON cells at the probes (no
stimulus). Panel c: the slow states that could carry the hyperalgesia in the model: RVM CCK drive
and the descending-dependent afferent gain (sustained exposure), and the NMDA-dependent
presynaptic potentiation of afferent release (high doses), which carries it after fentanyl.
With two or more fentanyl doses without ketamine among the files, panels d and e show the dose
dependence: the lowest threshold after the analgesia beside the 4 x 100 ug/kg hyperalgesia of
Celerier et al. 2000, and the loss of the later morphine effect beside Laulin et al. 2002.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..storage import RunRecord, read_run
from . import STYLE, TARGET_BAND, save

NAME = "fentanyl"
HOUR = 3600.0
#: delayed hyperalgesia after 4 x 100 ug/kg: % of baseline, from the end of the analgesia (5 h) to day 5
HYPERALGESIA = (65.0, 80.0, 5.0, 120.0)
#: loss of the effect of morphine 5 mg/kg after 4 x 20, 60 and 100 ug/kg fentanyl, % (Laulin et al. 2002)
MORPHINE_LOSS = {20.0: 15.8, 60.0: 46.6, 100.0: 85.1}


def label(record: RunRecord) -> str:
    """``4 x 100 ug/kg`` (``+ ketamine 10 mg/kg``)."""
    knobs = record.config.knobs
    text = f"{knobs['n_boluses']} x {knobs['fentanyl_ug_kg']:g} ug/kg"
    return text + (f" + ket. {knobs['ketamine_mg_kg']:g} mg/kg" if knobs["ketamine_mg_kg"] else "")


def make(*paths_and_out_dir: Path | str) -> list[Path]:
    *paths, out_dir = paths_and_out_dir
    records = [read_run(path) for path in paths]
    if not records or any(r.protocol != "fentanyl_oih" for r in records):
        raise ValueError("the fentanyl figure needs fentanyl_oih result files")
    colours = ["k", "#7d3c98", "#17a589", "#ca6f1e", "#2e86c1"]
    alone = sorted((r for r in records if not r.config.knobs["ketamine_mg_kg"]),
                   key=lambda r: r.config.knobs["fentanyl_ug_kg"])
    by_dose = len({r.config.knobs["fentanyl_ug_kg"] for r in alone}) >= 2
    with plt.style.context(STYLE):
        if by_dose:
            fig, axes = plt.subplots(2, 3, figsize=(6.9, 4.3), gridspec_kw={"wspace": 0.45, "hspace": 0.55})
            (a, b, c), (d, e, spare) = axes
            spare.axis("off")
        else:
            fig, (a, b, c) = plt.subplots(1, 3, figsize=(6.9, 2.1), gridspec_kw={"wspace": 0.45})
        low, high, start, stop = HYPERALGESIA
        a.fill_between([start, stop], low, high, color=TARGET_BAND, lw=0, label="OIH, Celerier et al. 2000")
        a.axhline(100.0, color="0.5", lw=0.5, ls=":")
        for record, colour in zip(records, colours):
            a.plot(record.readouts["test_hours"], record.readouts["threshold_percent"], "o-", color=colour,
                   ms=2.5, lw=0.8, label=label(record))
            ts = record.timeseries
            b.plot(np.asarray(ts["rate_on_cells"].times) / HOUR, ts["rate_on_cells"].values, color=colour, lw=0.8)
            c.plot(np.asarray(ts["state_cck_drive"].times) / HOUR, ts["state_cck_drive"].values, "-", color=colour,
                   lw=0.8)
            for state, style in (("state_afferent_gain", "--"), ("state_afferent_potentiation", ":")):
                c.plot(np.asarray(ts[state].times) / HOUR, ts[state].values, style, color=colour, lw=0.8)
        a.set_yscale("log")
        a.set_yticks([25, 50, 100, 200, 400], ["25", "50", "100", "200", "400"])
        a.yaxis.set_minor_formatter(plt.NullFormatter())
        a.set(xlabel="time after first bolus (h)", ylabel="threshold (% of baseline)")
        a.legend(loc="upper right", fontsize=4.5, frameon=False)
        b.set(xlabel="time after first bolus (h)", ylabel="ON-cell rate (Hz)")
        c.plot([], [], "-", color="0.4", lw=0.8, label="RVM CCK drive")
        c.plot([], [], "--", color="0.4", lw=0.8, label="afferent gain (descending)")
        c.plot([], [], ":", color="0.4", lw=0.8, label="afferent potentiation (NMDA)")
        c.set(xlabel="time after first bolus (h)", ylabel="fold of drug-free")
        c.legend(loc="upper right", fontsize=5)
        panels = [a, b, c]
        if by_dose:
            _dose_panels(d, e, alone)
            panels += [d, e]
        for axis, letter in zip(panels, "abcde"):
            axis.text(-0.3, 1.02, letter, transform=axis.transAxes, fontweight="bold")
        return save(fig, out_dir, NAME)


def _dose_panels(d, e, alone: list[RunRecord]) -> None:
    """Nadir and loss of the later morphine effect against the fentanyl dose (runs without ketamine)."""
    doses = [float(r.config.knobs["fentanyl_ug_kg"]) for r in alone]
    low, high, _, _ = HYPERALGESIA
    d.fill_between([90.0, 110.0], low, high, color=TARGET_BAND, lw=0, label="4 x 100, Celerier et al. 2000")
    d.axhline(100.0, color="0.5", lw=0.5, ls=":")
    d.plot(doses, [float(r.readouts["nadir_percent"]) for r in alone], "o-", color="k", ms=3, lw=0.8, label="model")
    d.set(xlabel="fentanyl per bolus (ug/kg)", ylabel="nadir (% of baseline)", ylim=(40, 120))
    d.legend(loc="lower left", fontsize=5, frameon=False)
    e.plot(list(MORPHINE_LOSS), list(MORPHINE_LOSS.values()), "s", color="0.6", ms=4, label="Laulin et al. 2002")
    tested = [r for r in alone if "morphine_effect_reduction_percent" in r.readouts]
    if tested:
        hours = tested[0].config.knobs["morphine_test_h"]
        e.plot([float(r.config.knobs["fentanyl_ug_kg"]) for r in tested],
               [float(r.readouts["morphine_effect_reduction_percent"]) for r in tested], "o-", color="k", ms=3,
               lw=0.8, label=f"model, morphine {hours:g} h after fentanyl")
    e.axhline(0.0, color="0.5", lw=0.5, ls=":")
    e.set(xlabel="fentanyl per bolus (ug/kg)", ylabel="morphine effect lost (%)")
    e.legend(loc="upper left", fontsize=5, frameon=False)
