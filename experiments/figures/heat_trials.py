"""Heat trials: RVM raster around one withdrawal and peri-withdrawal rates of ON, OFF, NEUTRAL.

Reads a ``heat_trials`` result file. The shaded band marks the 100-500 ms window in which ON
bursts and OFF pauses begin before withdrawal in the literature (Fields et al. 1983).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..storage import read_run  # noqa: E402
from . import STYLE  # noqa: E402

NAME = "heat_trials"
COLOURS = {"on_cells": "#c0392b", "off_cells": "#2471a3", "neutral_cells": "#7f8c8d"}


def make(path: Path | str, out_dir: Path | str) -> list[Path]:
    record = read_run(path)
    readouts = record.readouts
    knobs = record.config.knobs
    latencies = np.asarray(readouts["withdrawal_latency_s"])
    trial_ends = np.sort(record.spikes("heat_trials")[0]) / 1000.0
    starts = np.concatenate([[knobs["spontaneous_s"]], trial_ends])[: len(latencies)]
    withdrawal = float(starts[0] + knobs["t_before_s"] + latencies[0])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with plt.style.context(STYLE):
        fig, (raster, rates) = plt.subplots(2, 1, figsize=(3.35, 3.6), sharex=True,
                                            gridspec_kw={"height_ratios": [1.3, 1]})
        offset = 0
        for population, colour in COLOURS.items():
            times, ids = record.spikes(population)
            t = times / 1000.0 - withdrawal
            keep = (t > -3) & (t < 5)
            raster.scatter(t[keep], ids[keep].astype(float) + offset, s=0.6, color=colour, linewidths=0)
            n = record.populations[population]
            raster.text(5.1, offset + n / 2, population.split("_")[0].upper(), color=colour, va="center", fontsize=6)
            offset += n + 2
        raster.axvline(0, color="k", lw=0.6)
        raster.set_ylabel("RVM cell")
        raster.set_title(f"trial 1: withdrawal at {latencies[0]:.2f} s of heating")
        bins = np.arange(-3.0, 5.0, 0.05) + 0.025
        for key, population in (("peri_withdrawal_rate_on_hz", "on_cells"), ("peri_withdrawal_rate_off_hz", "off_cells")):
            if key in readouts:
                rates.plot(bins, readouts[key], color=COLOURS[population], label=population.split("_")[0].upper())
        rates.axvspan(-0.5, -0.1, color="0.85", lw=0, label="literature onset window")
        rates.axvline(0, color="k", lw=0.6)
        rates.set_xlabel("time from withdrawal (s)")
        rates.set_ylabel("rate (Hz)")
        rates.set_title(f"mean of {len(latencies)} trials; latency {np.mean(latencies):.2f} s", loc="left")
        rates.legend(loc="upper right")
        paths = [out_dir / f"{NAME}.pdf", out_dir / f"{NAME}.png"]
        for target in paths:
            fig.savefig(target)
        plt.close(fig)
    return paths
