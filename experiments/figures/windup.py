"""Wind-up of WDR neurons to C-fibre-strength stimulus trains, without and with ketamine.

Reads ``windup`` result files, one run each: one panel per stimulation frequency (fastest first),
with the response to each stimulus (spikes per WDR cell, 90-800 ms after it: C-fibre response and
post-discharge) against the stimulus number, without ketamine and with each ketamine
concentration run at that frequency. The grey bar at the last stimulus is the literature wind-up,
R16/R1 = 2-5 times the drug-free response to the first stimulus (Dickenson & Sullivan 1987;
Herrero et al. 2000); each line's R_last/R1 is written in its colour. Ketamine at analgesic
concentrations (0.5 uM) should cut wind-up while sparing the first response (Dickenson &
Sullivan 1987; Guirimand et al. 2000).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..storage import RunRecord, read_run
from . import STYLE, TARGET_BAND, save

NAME = "windup"
#: literature wind-up ratio R16/R1 (Dickenson & Sullivan 1987; Herrero et al. 2000)
WINDUP_RATIO = (2.0, 5.0)
CONTROL_COLOUR = "k"
KETAMINE_COLOURS = ("#d35400", "#2471a3", "#16a085")


def _by_frequency(records: list[RunRecord]) -> dict[float, list[RunRecord]]:
    """Runs grouped by stimulation frequency (fastest first), each group by ketamine concentration;
    every group needs its drug-free run, and all runs of a group the same train."""
    groups: dict[float, list[RunRecord]] = {}
    for record in records:
        groups.setdefault(float(record.config.knobs["stim_hz"]), []).append(record)
    for hz, group in groups.items():
        group.sort(key=lambda r: r.config.knobs["ketamine_uM"])
        if group[0].config.knobs["ketamine_uM"] != 0:
            raise ValueError(f"no ketamine-free run at {hz:g} Hz among {', '.join(str(r.path) for r in group)}")
        if len({r.config.knobs["n_stim"] for r in group}) > 1:
            raise ValueError(f"the runs at {hz:g} Hz differ in the number of stimuli")
    return dict(sorted(groups.items(), reverse=True))


def make(*paths_and_out_dir: Path | str) -> list[Path]:
    *paths, out_dir = paths_and_out_dir
    if not paths:
        raise ValueError("no windup result files given")
    groups = _by_frequency([read_run(path) for path in paths])
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(1, len(groups), figsize=(3.35, 2.0), sharey=True, squeeze=False,
                                 gridspec_kw={"wspace": 0.12})
        top = 0.0
        for ax, (letter, (hz, group)) in zip(axes[0], zip("abcd", groups.items())):
            n = int(group[0].config.knobs["n_stim"])
            stimulus = np.arange(1, n + 1)
            first = float(np.asarray(group[0].readouts["windup_counts"])[0])
            ax.bar(n, (WINDUP_RATIO[1] - WINDUP_RATIO[0]) * first, bottom=WINDUP_RATIO[0] * first, width=0.9,
                   color=TARGET_BAND, lw=0, label=f"R16/R1 {WINDUP_RATIO[0]:g}-{WINDUP_RATIO[1]:g}, literature")
            for k, record in enumerate(group):
                ketamine = record.config.knobs["ketamine_uM"]
                counts = np.asarray(record.readouts["windup_counts"], dtype=float)
                colour = KETAMINE_COLOURS[(k - 1) % len(KETAMINE_COLOURS)] if ketamine else CONTROL_COLOUR
                ax.plot(stimulus, counts, "o-", color=colour, ms=2, lw=0.8,
                        label=f"{ketamine:g} µM ketamine" if ketamine else "control")
                ax.text(0.04, 0.97 - 0.09 * k, f"R{n}/R1 {float(record.readouts['windup_ratio']):.1f}", color=colour,
                        transform=ax.transAxes, ha="left", va="top", fontsize=6)
                top = max(top, np.nanmax(counts))
            top = max(top, WINDUP_RATIO[1] * first)
            ax.set_xlim(0.3, n + 0.7)
            ax.set_xticks(sorted({1, *range(4, n + 1, 4)}))
            ax.set_xlabel("stimulus number")
            ax.set_title(f"{letter}  {hz:g} Hz", loc="left")
        axes[0, 0].set_ylim(0, 1.35 * top)  # room for the ratios above the curves
        axes[0, 0].set_ylabel("spikes per WDR cell")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.93), ncols=len(labels),
                   handlelength=1.2, columnspacing=1.0)
    return save(fig, out_dir, NAME)
