"""Ketamine dose-response of wind-up, with a fitted IC50.

Methods (Laurido et al. 2001 NeuroReport 12:1551: ketamine depresses C-reflex wind-up dose-
dependently; Guirimand et al. 2000 Anesth Analg 90:408: analgesic ketamine reduces wind-up without
changing the first response): the ``windup`` protocol (``n_stim`` C-strength pulses at
``stim_hz``) is run once per unbound effect-site ketamine concentration of ``ketamine_uM``, all on
one build (the concentration is a run-time variable). The wind-up of each run is the growth of
the WDR response above the first, ``R_last / R_first - 1``; ``windup_fraction`` is that growth
relative to the drug-free run (the first concentration must be 0). A Hill curve
``1 / (1 + (c / IC50)^n)`` fitted to the fractions (least squares on the concentrations above 0,
scipy) gives ``ic50_uM`` and ``hill_n``; ``ceiling_fraction`` is the fraction left at the highest
concentration, in the anaesthetic range when it is 5-10 uM (Idvall et al. 1979).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

from circuits import build_circuit

from .. import analysis
from ..engine import FastLayer
from . import windup
from .base import Knob, Readout, RunContext, RunResult

NAME = "ketamine_dose_response"
SUMMARY = "wind-up against the ketamine concentration, with a fitted IC50 and Hill slope"
KNOBS = {
    "ketamine_uM": Knob([0.0, 0.1, 0.3, 1.0, 3.0, 10.0], "list",
                        "unbound effect-site ketamine concentrations, the first 0 (drug-free reference): analgesic "
                        "0.3-0.7 uM, anaesthetic 5-10 uM (targets section 6)", minimum=0.0, maximum=1000.0,
                        item_unit="uM"),
    **{name: knob for name, knob in windup.KNOBS.items() if name != "ketamine_uM"},
}


def hill(c: np.ndarray, ic50: float, n: float) -> np.ndarray:
    """Fraction of wind-up left at concentration ``c``."""
    return 1.0 / (1.0 + (np.asarray(c, dtype=float) / ic50) ** n)


def fit_hill(conc: np.ndarray, fraction: np.ndarray) -> tuple[float, float]:
    """(IC50, Hill coefficient) fitted to the fractions at the concentrations above 0 (NaN, NaN
    when fewer than two such points, or when the fit fails)."""
    use = (np.asarray(conc) > 0) & np.isfinite(fraction)
    if use.sum() < 2:
        return float("nan"), float("nan")
    c, f = np.asarray(conc, dtype=float)[use], np.asarray(fraction, dtype=float)[use]
    start = float(np.exp(np.mean(np.log(c))))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OptimizeWarning)  # no covariance from two points: the fit is exact
            (ic50, n), _ = curve_fit(lambda x, a, b: hill(x, np.exp(a), b), c, f, p0=(np.log(start), 1.0),
                                     bounds=([np.log(c.min()) - 5, 0.2], [np.log(c.max()) + 5, 5.0]))
    except RuntimeError:
        return float("nan"), float("nan")
    return float(np.exp(ic50)), float(n)


def run(context: RunContext) -> RunResult:
    knobs, params = context.knobs, context.params
    conc = np.asarray(knobs["ketamine_uM"], dtype=float)
    if conc[0] != 0.0:
        raise ValueError("ketamine_uM must start with 0 (the drug-free reference)")
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed),
                      windup.duration_s(knobs), device=context.device, seed=context.seed,
                      build_root=context.build_root, dt_ms=context.dt_ms)
    per_run, runs = [], []
    try:
        sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
        for k, c in enumerate(conc):
            run_knobs = dict(knobs, ketamine_uM=float(c))
            spikes = layer.run(windup.windup_run_args(layer, run_knobs, params))
            per_run.append(windup.windup_readouts(spikes, sizes, run_knobs))
            runs.append((1000.0 * k * windup.duration_s(knobs), spikes))  # stored one after another
            context.progress((k + 1) / len(conc), f"{c:g} uM simulated")
    finally:
        layer.close()
    return RunResult(spikes=analysis.on_timeline(runs), population_sizes=sizes,
                     readouts=dose_response_readouts(conc, per_run))


def dose_response_readouts(conc: np.ndarray, per_run: list[dict[str, Readout]]) -> dict[str, Readout]:
    """Wind-up per concentration, relative to drug-free, and the Hill fit."""
    ratio = np.array([float(r["windup_ratio"].value) for r in per_run])
    growth = ratio - 1.0
    fraction = growth / growth[0] if growth[0] > 0 else np.full_like(growth, np.nan)
    ic50, n = fit_hill(conc, fraction)
    first = np.array([float(r["first_c_response"].value) for r in per_run])
    return {
        "ketamine_uM": Readout(conc, "uM", "unbound effect-site ketamine concentration of each run"),
        "windup_counts": Readout(np.array([r["windup_counts"].value for r in per_run]), "1",
                                 "spikes per WDR cell after each pulse [concentration x pulse]"),
        "windup_ratio": Readout(ratio, "1", "response to the last pulse / to the first, per concentration"),
        "windup_fraction": Readout(fraction, "1", "wind-up (ratio - 1) relative to the drug-free run"),
        "first_c_response": Readout(first, "1", "spikes per WDR cell 90-300 ms after the first pulse, per concentration"),
        "ic50_uM": Readout(ic50, "uM", "concentration that halves wind-up (Hill fit)"),
        "hill_n": Readout(n, "1", "Hill coefficient of the fit"),
        "ceiling_fraction": Readout(float(fraction[-1]), "1", "wind-up left at the highest concentration"),
    }
