"""Fentanyl-induced hyperalgesia with and without ketamine pretreatment.

Reads ``fentanyl_oih`` result files (typically 4 x 100 ug/kg without and with ketamine 10 mg/kg
s.c.). Panel a: nociceptive threshold of each test (% of the drug-free baseline) against time
after the first bolus; the grey band is the delayed hyperalgesia of Celerier et al. 2000 (nadir
20-35% below baseline, lasting days). Panel b: mean rates of RVM ON cells at the probes (no
stimulus). Panel c: the slow states that could carry the hyperalgesia in the model: RVM CCK drive
and the descending-dependent afferent gain (sustained exposure), and the NMDA-dependent
presynaptic potentiation of afferent release (high doses), which carries it after fentanyl.
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
    colours = ["k", "#7d3c98", "#17a589", "#ca6f1e"]
    with plt.style.context(STYLE):
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
        c.legend(loc="lower right", fontsize=5)
        for axis, letter in zip((a, b, c), "abc"):
            axis.text(-0.3, 1.02, letter, transform=axis.transAxes, fontweight="bold")
        return save(fig, out_dir, NAME)
