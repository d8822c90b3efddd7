"""Mg2+ block of the NMDA synapse against holding potential, beside Jahr & Stevens 1990.

Reads an ``nmda_clamp`` result file. (a) Peak NMDA current against holding potential with
Mg2+ and without (inward current drawn negative, the electrophysiologists' convention).
(b) Unblocked fraction B(V) = peak current with Mg2+ / without, beside the values of Jahr &
Stevens 1990 at 1 mM Mg2+ (0.044, 0.080, 0.23, 0.51, 0.78 at -70, -60, -40, -20, 0 mV).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..storage import read_run
from . import STYLE, TARGET, save

NAME = "mg_block"
MODEL_COLOUR = "#16a085"
#: Jahr & Stevens 1990 J Neurosci 10:3178, 1 mM Mg2+: unblocked fraction at holding potential (mV)
JAHR_STEVENS_1990 = {-70.0: 0.044, -60.0: 0.080, -40.0: 0.23, -20.0: 0.51, 0.0: 0.78}


def make(path: Path | str, out_dir: Path | str) -> list[Path]:
    record = read_run(path)
    readouts = record.readouts
    v = np.asarray(readouts["v_hold_mV"])
    order = np.argsort(v)
    v = v[order]
    mg_mM = record.config.knobs["mg_mM"]
    with plt.style.context(STYLE):
        fig, (iv, block) = plt.subplots(1, 2, figsize=(3.35, 1.9), gridspec_kw={"wspace": 0.55})
        # the protocol reports depolarising current as positive (Brian2); clamp papers draw it inward, negative
        iv.plot(v, -np.asarray(readouts["peak_current_mg_free_pA"])[order], color="0.5", label="0 Mg$^{2+}$")
        iv.plot(v, -np.asarray(readouts["peak_current_mg_pA"])[order], color=MODEL_COLOUR, label=f"{mg_mM:g} mM Mg$^{{2+}}$")
        iv.axhline(0, color="k", lw=0.4)
        iv.set_xlabel("holding potential (mV)")
        iv.set_ylabel("peak NMDA current (pA)")
        iv.set_title("a  current", loc="left")
        iv.legend(loc="lower right")

        block.plot(v, np.asarray(readouts["unblocked_fraction_mg"])[order], "o-", color=MODEL_COLOUR, ms=2,
                   label="model")
        block.plot(list(JAHR_STEVENS_1990), list(JAHR_STEVENS_1990.values()), **TARGET,
                   label="Jahr & Stevens 1990")
        block.set_xlabel("holding potential (mV)")
        block.set_ylabel("unblocked fraction B(V)")
        block.set_title(f"b  Mg$^{{2+}}$ block, {mg_mM:g} mM", loc="left")
        block.set_ylim(0, 1.05)
        block.legend(loc="upper left")
    return save(fig, out_dir, NAME)
