"""Heat trials: RVM ON, OFF and NEUTRAL cells around withdrawal, beside the literature.

Reads a ``heat_trials`` result file. (a) Raster of the RVM around the first withdrawal.
(b) Peri-withdrawal population rates, mean over trials; the grey band is the 100-500 ms before
withdrawal in which ON bursts and OFF pauses begin (Fields et al. 1983). (c) Fraction of
cell-trials with an ON burst and an OFF pause (Leung & Mason 1998: 86% and 97%; targets
0.8-0.9 and 0.95-1) and (d) the onset leads of both (Fields et al. 1983: 100-500 ms), model
beside the literature range.

ON and OFF rates are the protocol's read-outs; the protocol stores none for NEUTRAL cells, so
their rate is computed here from the stored spikes with the same definition
(:func:`experiments.analysis.population_rate` in 50 ms bins, -3 s to +5 s, mean over trials).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import analysis
from ..protocols.heat_trials import PERI_BIN_S
from ..storage import RunRecord, read_run
from . import STYLE, TARGET_BAND, save

NAME = "heat_trials"
CLASSES = {"on_cells": ("ON", "#c0392b"), "off_cells": ("OFF", "#2471a3"), "neutral_cells": ("NEUTRAL", "#7f8c8d")}
PERI_S = (-3.0, 5.0)
#: literature ranges: (read-out, class, low, high)
PROBABILITY_TARGETS = (("p_on_burst", "on_cells", 0.8, 0.9), ("p_off_pause", "off_cells", 0.95, 1.0))
LEAD_TARGETS = (("on_burst_lead_ms", "on_cells", 100.0, 500.0), ("off_pause_lead_ms", "off_cells", 100.0, 500.0))


def withdrawal_times(record: RunRecord) -> list[float]:
    """Withdrawal time (s) of every trial that withdrew before the cut-off."""
    knobs = record.config.knobs
    trials = analysis.heat_trials(record.spikes("heat_trials")[0], record.spikes("withdrawal")[0],
                                  start_s=knobs["spontaneous_s"], t_before_s=knobs["t_before_s"],
                                  cutoff_s=float(record.config.params()["heat.cutoff"]), n_trials=knobs["n_trials"])
    return [t.withdrawal_s for t in trials if t.withdrawal_s is not None]


def peri_withdrawal_rate(record: RunRecord, population: str, withdrawals: list[float]) -> np.ndarray:
    """Mean population rate (Hz) in 50 ms bins from -3 s to +5 s around the withdrawals: the
    protocol's read-out where it stores one (ON, OFF), else computed from the spikes alike."""
    key = f"peri_withdrawal_rate_{population.split('_')[0]}_hz"
    if key in record.readouts:
        return np.asarray(record.readouts[key])
    spikes, n = record.spikes(population), record.populations[population]
    return np.mean([analysis.population_rate(spikes, n, w + PERI_S[0], w + PERI_S[1], PERI_BIN_S)
                    for w in withdrawals], axis=0)


def _model_beside_range(ax: plt.Axes, record: RunRecord, targets: tuple) -> None:
    """One column per target: the literature range as a grey bar, the model as a dot."""
    for x, (key, population, low, high) in enumerate(targets):
        colour = CLASSES[population][1]
        ax.bar(x, high - low, bottom=low, width=0.5, color=TARGET_BAND, lw=0)
        value = record.readouts.get(key, np.nan)
        ax.plot(x, value, "o", color=colour, ms=4)
        if not np.isfinite(value):
            ax.text(x, low, "n/a", ha="center", va="top", fontsize=6)
    ax.set_xticks(range(len(targets)), [CLASSES[p][0] for _, p, _, _ in targets])
    ax.set_xlim(-0.6, len(targets) - 0.4)


def make(path: Path | str, out_dir: Path | str) -> list[Path]:
    record = read_run(path)
    withdrawals = withdrawal_times(record)
    if not withdrawals:
        raise ValueError(f"{path}: no trial withdrew before the cut-off; nothing to align on")
    latencies = np.asarray(record.readouts["withdrawal_latency_s"])
    with plt.style.context(STYLE):
        fig = plt.figure(figsize=(3.35, 5.0))
        grid = fig.add_gridspec(3, 2, height_ratios=[1.25, 1, 0.8], hspace=0.62, wspace=0.55)
        raster = fig.add_subplot(grid[0, :])
        rates = fig.add_subplot(grid[1, :], sharex=raster)
        probability, lead = fig.add_subplot(grid[2, 0]), fig.add_subplot(grid[2, 1])

        offset, ticks = 0, []
        for population, (label, colour) in CLASSES.items():
            times, ids = record.spikes(population)
            t = times / 1000.0 - withdrawals[0]
            keep = (t > PERI_S[0]) & (t < PERI_S[1])
            n = record.populations[population]
            raster.scatter(t[keep], ids[keep].astype(float) + offset, s=0.6, color=colour, linewidths=0)
            ticks.append((offset + (n - 1) / 2, label, colour))
            offset += n + max(1, n // 10)
        raster.set_yticks([y for y, _, _ in ticks], [label for _, label, _ in ticks])
        for tick, (_, _, colour) in zip(raster.get_yticklabels(), ticks):
            tick.set_color(colour)
        raster.set_ylim(-1, offset)
        raster.axvline(0, color="k", lw=0.6)
        raster.set_title(f"a  RVM cells around the first withdrawal ({latencies[0]:.2f} s of heating)", loc="left")
        raster.tick_params(labelbottom=False)

        rates.axvspan(-0.5, -0.1, color=TARGET_BAND, lw=0, label="onset, literature")
        bins = np.arange(PERI_S[0], PERI_S[1], PERI_BIN_S) + PERI_BIN_S / 2
        for population, (label, colour) in CLASSES.items():
            rates.plot(bins, peri_withdrawal_rate(record, population, withdrawals), color=colour, label=label, lw=0.8)
        rates.axvline(0, color="k", lw=0.6)
        rates.set_xlim(*PERI_S)
        rates.set_xlabel("time from withdrawal (s)")
        rates.set_ylabel("rate (Hz)")
        rates.set_title(f"b  mean of {len(withdrawals)} trials (latency {np.mean(latencies):.2f} s)", loc="left")
        rates.legend(loc="upper right", ncols=2, handlelength=1.2, columnspacing=0.8)

        _model_beside_range(probability, record, PROBABILITY_TARGETS)
        probability.set_ylim(0, 1.05)
        probability.set_ylabel("fraction of cell-trials")
        probability.set_title("c  burst / pause", loc="left")
        _model_beside_range(lead, record, LEAD_TARGETS)
        lead.set_ylim(0, max(600.0, np.nanmax([record.readouts.get(k, 0.0) for k, *_ in LEAD_TARGETS]) * 1.1))
        lead.set_ylabel("ms before withdrawal")
        lead.set_title("d  onset lead", loc="left")
        fig.text(0.5, 0.005, "grey: literature (Leung & Mason 1998; Fields et al. 1983); dots: model",
                 ha="center", va="bottom", fontsize=6)
    return save(fig, out_dir, NAME)
