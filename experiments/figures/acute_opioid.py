"""RVM cells and heat withdrawal under acute morphine and after naloxone.

Reads one ``withdrawal`` (or ``acute_opioid`` with naloxone) result file: heat-trial blocks
drug-free, on morphine and after naloxone. Panel a: ongoing rates of RVM ON, OFF and NEUTRAL
cells in each block. Panel b: the rates on morphine and after naloxone relative to drug-free,
with the literature targets as grey bands (morphine: ON cells silenced, NEUTRAL within 20%,
Fields 2004 and Heinricher et al. 1994; naloxone: ON cells above baseline, OFF cells near zero,
Bederson et al. 1990). Panel c: heat withdrawal latency relative to drug-free, with the targets
(morphine prolongs it; naloxone-precipitated withdrawal shortens it below baseline, Kaplan &
Fields 1991) and the fraction of trials in which OFF cells pause (they should not on morphine).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..storage import read_run
from . import STYLE, TARGET_BAND, save

NAME = "acute_opioid"
CLASSES = (("on", "ON", "#c0392b"), ("off", "OFF", "#2471a3"), ("neutral", "NEUTRAL", "0.45"))
BLOCKS = (("baseline", "drug-free"), ("drug", "morphine"), ("naloxone", "naloxone"))
#: target bands of the ratio to drug-free: (block, class or "latency") -> (low, high)
RATIO_TARGETS = {("drug", "on"): (0.0, 0.1), ("drug", "neutral"): (0.8, 1.2), ("naloxone", "on"): (1.2, 3.0),
                 ("naloxone", "off"): (0.0, 0.2)}
LATENCY_TARGETS = {"drug": (1.1, 2.0), "naloxone": (0.5, 0.9)}


def make(path: Path | str, out_dir: Path | str) -> list[Path]:
    record = read_run(path)
    if record.protocol not in ("withdrawal", "acute_opioid"):
        raise ValueError("the acute_opioid figure needs a withdrawal or acute_opioid result file")
    r = record.readouts
    blocks = [(key, text) for key, text in BLOCKS if f"latency_s_{key}" in r]
    width = 0.8 / len(CLASSES)
    with plt.style.context(STYLE):
        fig, (a, b, c) = plt.subplots(1, 3, figsize=(6.9, 2.0), gridspec_kw={"wspace": 0.5})
        x = np.arange(len(blocks))
        for k, (cls, text, colour) in enumerate(CLASSES):
            a.bar(x + (k - 1) * width, [float(r[f"rate_{cls}_hz_{key}"]) for key, _ in blocks], width, color=colour,
                  label=text)
        a.set_xticks(x, [text for _, text in blocks])
        top = max(float(r[f"rate_{cls}_hz_{key}"]) for cls, _, _ in CLASSES for key, _ in blocks)
        a.set(ylabel="ongoing rate (Hz)", ylim=(0, 1.3 * top))
        a.legend(fontsize=5, frameon=False, ncol=3, loc="upper center", handlelength=1.0, columnspacing=0.8)
        changed = [(key, text) for key, text in blocks if key != "baseline"]
        x = np.arange(len(changed))
        for k, (cls, text, colour) in enumerate(CLASSES):
            for j, (key, _) in enumerate(changed):
                position = j + (k - 1) * width
                if (key, cls) in RATIO_TARGETS:
                    low, high = RATIO_TARGETS[key, cls]
                    b.fill_between([position - width / 2, position + width / 2], low, high, color=TARGET_BAND, lw=0)
                b.bar(position, float(r[f"rate_{cls}_ratio_{key}"]), width * 0.6, color=colour)
        b.axhline(1.0, color="0.5", lw=0.5, ls=":")
        b.set_xticks(x, [text for _, text in changed])
        ratios = [float(r[f"rate_{cls}_ratio_{key}"]) for cls, _, _ in CLASSES for key, _ in changed]
        b.set(ylabel="rate / drug-free", ylim=(0, max(2.5, 1.15 * np.nanmax(ratios))))
        for j, (key, _) in enumerate(changed):
            low, high = LATENCY_TARGETS[key]
            c.fill_between([j - 0.3, j + 0.3], low, high, color=TARGET_BAND, lw=0)
            ratio = float(r[f"latency_ratio_{key}"])
            c.bar(j, ratio, 0.35, color="k")
            c.text(j, ratio + 0.04, f"OFF pauses: {100 * float(r[f'p_off_pause_{key}']):.0f}%", ha="center", fontsize=5)
        c.axhline(1.0, color="0.5", lw=0.5, ls=":")
        c.set_xticks(x, [text for _, text in changed])
        c.set(ylabel="withdrawal latency / drug-free", ylim=(0, 2.0))
        for axis, letter in zip((a, b, c), "abc"):
            axis.text(-0.3, 1.02, letter, transform=axis.transAxes, fontweight="bold")
        return save(fig, out_dir, NAME)
