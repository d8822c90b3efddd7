"""LTP of C-fibre-evoked responses of lamina I NK1R+ neurons: conditioning and opioid withdrawal.

Reads ``hfs_ltp`` and ``withdrawal_ltp`` result files. Panel a: the evoked response of each
probe (% of the last probe before conditioning) against the time from HFS, control and with
S(+)-ketamine 60 min before or 30 min after HFS (Benrath et al. 2005: before prevents LTP, after
leaves it in place); the grey band is the literature LTP, 149 +- 12% (Benrath et al.
2004) to 173 +- 15% (Benrath et al. 2005). Panel b: the same against the time from the end of a
60-min remifentanil infusion (450 ug/kg/h), abrupt stop and taper; the band is the withdrawal LTP
of 150-200% (Drdla et al. 2009 [T]). Dashed lines: the mean synaptic potentiation of the plastic
synapses (1 + potentiation, right-hand scale in the same %), the weight change behind the
spiking read-out.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..storage import RunRecord, read_run
from . import STYLE, TARGET_BAND, save

NAME = "ltp"
#: literature LTP ranges (% of baseline): HFS (Benrath et al. 2004, 2005), withdrawal (Drdla et al. 2009 [T])
HFS_LTP = (137.0, 188.0)
WITHDRAWAL_LTP = (150.0, 200.0)
COLOURS = ("k", "#2e86c1", "#d35400")


def _label(record: RunRecord) -> str:
    knobs = record.config.knobs
    if record.protocol == "hfs_ltp":
        if knobs["ketamine_mg_kg"] > 0:
            return f"S(+)-ketamine {knobs['ketamine_mg_kg']:g} mg/kg {knobs['ketamine_timing']}"
        return "HFS, control"
    return f"taper {knobs['taper_min']:g} min" if knobs["taper_min"] > 0 else "abrupt stop"


def _zero_min(record: RunRecord) -> float:
    """Protocol time (min) of the event the panel is aligned on: conditioning or end of the infusion."""
    knobs = record.config.knobs
    if record.protocol == "hfs_ltp":
        return float(knobs["conditioning_min"])
    return float(knobs["duration_min"])


def _panel(ax, records: list[RunRecord], band: tuple[float, float], band_label: str) -> None:
    ax.axhspan(*band, color=TARGET_BAND, lw=0, label=band_label)
    ax.axhline(100.0, color="0.5", lw=0.5, ls=":")
    ax.axvline(0.0, color="0.5", lw=0.5)
    for colour, record in zip(COLOURS, records):
        t = np.asarray(record.readouts["probe_times_min"], dtype=float) - _zero_min(record)
        ax.plot(t, np.asarray(record.readouts["evoked_percent"], dtype=float), "o-", color=colour, ms=2, lw=0.8,
                label=_label(record))
        ax.plot(t, 100.0 * (1.0 + np.asarray(record.readouts["potentiation_mean"], dtype=float)), "--",
                color=colour, lw=0.6)


def make(*paths_and_out_dir: Path | str) -> list[Path]:
    *paths, out_dir = paths_and_out_dir
    records = [read_run(path) for path in paths]
    hfs = [r for r in records if r.protocol == "hfs_ltp"]
    withdrawal = [r for r in records if r.protocol == "withdrawal_ltp"]
    if not hfs or not withdrawal:
        raise ValueError("the ltp figure needs hfs_ltp and withdrawal_ltp result files")
    hfs.sort(key=lambda r: (r.config.knobs["ketamine_mg_kg"], r.config.knobs["ketamine_timing"] == "after"))
    withdrawal.sort(key=lambda r: r.config.knobs["taper_min"])
    with plt.style.context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(6.9, 2.2), sharey=True, gridspec_kw={"wspace": 0.08})
        _panel(axes[0], hfs, HFS_LTP, "HFS LTP, literature")
        _panel(axes[1], withdrawal, WITHDRAWAL_LTP, "withdrawal LTP, literature")
        axes[0].set_title("a  conditioning (HFS at 0)", loc="left")
        axes[1].set_title("b  remifentanil withdrawal (infusion ends at 0)", loc="left")
        axes[0].set_xlabel("time from HFS (min)")
        axes[1].set_xlabel("time from end of infusion (min)")
        axes[0].set_ylabel("C-fibre response (% baseline)")
        axes[0].set_ylim(-5, 260)
        axes[0].legend(loc="upper left", fontsize=6, handlelength=1.2)
        axes[1].legend(loc="lower right", fontsize=6, handlelength=1.2)
        axes[0].text(0.98, 0.03, "dashed: synaptic weight", transform=axes[0].transAxes, ha="right", va="bottom",
                     fontsize=6, color="0.3")
    return save(fig, out_dir, NAME)
