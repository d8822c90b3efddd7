"""Seven days of continuous morphine: withdrawal thresholds, RVM activity and the adaptive states.

Reads ``chronic_opioid`` result files (RVM intact, and optionally ``rvm_inactivated``). Panel a:
withdrawal threshold of each daily test (% of day 0); the grey band is the hyperalgesia Vanderah
et al. 2001 found by days 3-7 of sustained morphine (30-40% below baseline). Panel b: mean rates
of RVM ON and OFF cells at the hourly probes (no stimulus). Panel c: the slow states: RVM CCK
drive (fold; Xie et al. 2005: ~5-fold by day 3), spinal transporter capacity (Mao et al. 2002:
30-50% lower by day 5-8), MOR desensitisation and the descending-dependent afferent gain
(Gardell et al. 2002), with the literature values as open squares. Panel d: i.t. morphine
dose-response (% maximum possible effect) on day 0 and at the end of the exposure, with the
ED50s of Dunbar & Yaksh 1996 (16 nmol naive, 496 nmol after 7 days) as open squares.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..storage import RunRecord, read_run
from . import STYLE, TARGET, TARGET_BAND, save

NAME = "chronic"
DAY = 86400.0
#: sustained-morphine hyperalgesia, % of baseline threshold, days 3-7 (Vanderah et al. 2001)
HYPERALGESIA = (60.0, 70.0, 3.0, 7.0)
#: literature points: CCK fold on day 3 (Xie et al. 2005), transporter capacity on day 7 (Mao et al. 2002)
CCK_TARGET = (3.0, 5.0)
TRANSPORTER_TARGET = (7.0, 0.6)
#: i.t. morphine ED50 (nmol), naive and after a 7-day i.t. infusion (Dunbar & Yaksh 1996)
ED50_TARGETS = (16.0, 496.0)
LINES = {False: "-", True: ":"}


def _label(record: RunRecord) -> str:
    return "RVM inactivated" if record.config.knobs["rvm_inactivated"] else "RVM intact"


def make(*paths_and_out_dir: Path | str) -> list[Path]:
    *paths, out_dir = paths_and_out_dir
    records = sorted((read_run(path) for path in paths), key=lambda r: bool(r.config.knobs["rvm_inactivated"]))
    if not records or any(r.protocol != "chronic_opioid" for r in records):
        raise ValueError("the chronic figure needs chronic_opioid result files")
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(1, 4, figsize=(6.9, 2.7), gridspec_kw={"wspace": 0.55})
        a, b, c, d = axes
        low, high, start, stop = HYPERALGESIA
        a.fill_between([start, stop], low, high, color=TARGET_BAND, lw=0, label="OIH, literature")
        a.axhline(100.0, color="0.5", lw=0.5, ls=":")
        for record in records:
            style = LINES[bool(record.config.knobs["rvm_inactivated"])]
            a.plot(record.readouts["test_days"], record.readouts["threshold_percent"], "o" + style, color="k", ms=2.5,
                   lw=0.8, label=_label(record))
            ts = record.timeseries
            for population, colour in (("on_cells", "#c0392b"), ("off_cells", "#2471a3")):
                series = ts[f"rate_{population}"]
                b.plot(np.asarray(series.times) / DAY, series.values, style, color=colour, lw=0.8,
                       label=f"{population.split('_')[0].upper()}, {_label(record)}")
        intact = records[0].timeseries
        for name, colour, label in (("state_cck_drive", "#8e44ad", "CCK drive (fold)"),
                                    ("state_transporter_capacity", "#16a085", "transporters"),
                                    ("state_desensitisation", "0.4", "MOR desensitisation"),
                                    ("state_afferent_gain", "#d35400", "afferent gain")):
            series = intact[name]
            c.plot(np.asarray(series.times) / DAY, series.values, color=colour, lw=0.9, label=label)
        c.plot(*CCK_TARGET, **TARGET, label="literature")
        c.plot(*TRANSPORTER_TARGET, **TARGET)
        for record in records:
            if "challenge_mpe_percent" not in record.readouts:
                continue
            style = LINES[bool(record.config.knobs["rvm_inactivated"])]
            doses = record.readouts["challenge_nmol"]
            for curve, colour, when in zip(record.readouts["challenge_mpe_percent"], ("k", "#d35400"),
                                           ("day 0", f"day {record.config.knobs['days']:g}")):
                d.plot(doses, curve, "o" + style, color=colour, ms=2.5, lw=0.8, label=f"{when}, {_label(record)}")
        d.plot(ED50_TARGETS, (50.0, 50.0), **TARGET, label="ED50, literature")
        d.set_xscale("log")
        a.set_ylabel("threshold (% day 0)")
        b.set_ylabel("rate (Hz)")
        c.set_ylabel("state")
        d.set_ylabel("i.t. morphine (% MPE)")
        for ax, letter, title in zip(axes, "abcd", ("thresholds", "RVM cells", "slow states", "tolerance")):
            ax.set_xlabel("i.t. dose (nmol)" if ax is d else "day")
            ax.set_title(f"{letter}  {title}", loc="left")
            ax.legend(fontsize=5, handlelength=1.2, loc="upper center", bbox_to_anchor=(0.5, -0.24), frameon=False)
        a.set_ylim(0, max(120.0, 1.1 * max(np.nanmax(r.readouts["threshold_percent"]) for r in records)))
    return save(fig, out_dir, NAME)
