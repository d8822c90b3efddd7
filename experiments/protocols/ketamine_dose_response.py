"""Ketamine dose-response of wind-up (fitted IC50) and of the prevention of fentanyl-induced
hyperalgesia (fitted ED50).

``measure`` = ``windup`` (Laurido et al. 2001 NeuroReport 12:1551: ketamine depresses C-reflex
wind-up dose-dependently; Guirimand et al. 2000 Anesth Analg 90:408: analgesic ketamine reduces
wind-up without changing the first response): the ``windup`` protocol (``n_stim`` C-strength
pulses at ``stim_hz``) is run once per unbound effect-site ketamine concentration of
``ketamine_uM``, all on one build (the concentration is a run-time variable). The wind-up of each
run is the growth of the WDR response above the first, ``R_last / R_first - 1``;
``windup_fraction`` is that growth relative to the drug-free run (the first concentration must be
0). A Hill curve ``1 / (1 + (c / IC50)^n)`` fitted to the fractions (least squares on the
concentrations above 0, scipy) gives ``ic50_uM`` and ``hill_n``; ``ceiling_fraction`` is the
fraction left at the highest concentration, in the anaesthetic range when it is 5-10 uM (Idvall
et al. 1979).

``measure`` = ``oih_prevention`` (Celerier et al. 2000 Anesthesiology 92:465: ketamine 10 mg/kg
s.c. before four fentanyl boluses prevents the delayed hyperalgesia): the ``fentanyl_oih``
protocol (without its morphine tests) is run once per s.c. ketamine dose of ``ketamine_mg_kg``,
given ``ketamine_before_min`` before the first fentanyl bolus (the first dose must be 0: fentanyl
alone), all on one build. The hyperalgesia left by a dose is the depth of its nadir below
baseline relative to fentanyl alone, ``(100 - nadir) / (100 - nadir_0)`` (0 when the nadir stays
at or above baseline); the same Hill fit against the dose gives ``ed50_mg_kg``, and
``ed50_uM`` is the unbound effect-site ketamine concentration at the first fentanyl bolus at
that dose (rat PK; ``ketamine_uM_at_fentanyl`` per dose), to compare with the analgesic
concentration range.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

from circuits import build_circuit
from circuits import pharmacokinetics as pk

from .. import analysis
from ..engine import FastLayer
from . import fentanyl_oih, threshold_course, windup
from .base import Knob, Readout, RunContext, RunResult, knobs_of

NAME = "ketamine_dose_response"
SUMMARY = "wind-up, or the prevention of fentanyl hyperalgesia, against ketamine: fitted IC50 / ED50 and Hill slope"
#: knobs of the fentanyl course the ``oih_prevention`` measure takes from ``fentanyl_oih``
_FENTANYL_KNOBS = ("fentanyl_ug_kg", "n_boluses", "bolus_every_min", "ketamine_before_min", "baseline_h",
                   "stimulus_s")


def _prevention_knob(name: str, **changes) -> Knob:
    """Knob ``name`` of ``fentanyl_oih`` for the ``oih_prevention`` measure (defaults of the
    scorecard's fentanyl runs where ``changes`` give them)."""
    knob = replace(fentanyl_oih.KNOBS[name], **changes)
    return replace(knob, doc=f"(oih_prevention) {knob.doc}")


KNOBS = {
    "measure": Knob("windup", "choice", "what the dose-response measures: wind-up against the unbound effect-site "
                    "concentration, or the prevention of fentanyl-induced hyperalgesia against the s.c. dose",
                    choices=("windup", "oih_prevention")),
    "ketamine_uM": Knob([0.0, 0.1, 0.3, 1.0, 3.0, 10.0], "list",
                        "(windup) unbound effect-site ketamine concentrations, the first 0 (drug-free reference): "
                        "analgesic 0.3-0.7 uM, anaesthetic 5-10 uM (targets section 6)", minimum=0.0, maximum=1000.0,
                        item_unit="uM"),
    **{name: replace(knob, doc=f"(windup) {knob.doc}") for name, knob in windup.KNOBS.items()
       if name in ("stim_hz", "n_stim", "strength")},
    **{name: windup.KNOBS[name] for name in ("rvm_inactivated", "dlf_lesion")},
    "ketamine_mg_kg": Knob([0.0, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0], "list",
                           "(oih_prevention) s.c. ketamine doses before the fentanyl, the first 0 (fentanyl alone; "
                           "Celerier et al. 2000 gave 10)", minimum=0.0, maximum=200.0, item_unit="mg/kg"),
    **{name: _prevention_knob(name) for name in _FENTANYL_KNOBS},
    "probe_every_h": _prevention_knob("probe_every_h", default=2.0),
    "forces_mN": _prevention_knob("forces_mN", default=[25.0, 50.0, 100.0, 200.0, 400.0, 800.0]),
    "test_h": _prevention_knob("test_h", default=[1.0, 6.0, 24.0, 48.0],
                               doc="times of the threshold tests after the first bolus"),
    "follow_days": _prevention_knob("follow_days", default=2.0, doc="follow-up after the first bolus (the last probe)"),
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
    if context.knobs["measure"] == "oih_prevention":
        return run_prevention(context)
    return run_windup(context)


def run_windup(context: RunContext) -> RunResult:
    """Wind-up at each concentration of ``ketamine_uM`` on one build."""
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


def run_prevention(context: RunContext) -> RunResult:
    """The fentanyl course at each s.c. ketamine dose of ``ketamine_mg_kg``, all on one build;
    spikes of each course stored one after another."""
    doses = np.asarray(context.knobs["ketamine_mg_kg"], dtype=float)
    if doses[0] != 0.0:
        raise ValueError("ketamine_mg_kg must start with 0 (fentanyl alone)")
    course_knobs = knobs_of(fentanyl_oih.KNOBS, context.knobs, morphine_mg_kg=0.0)
    span_ms = 1000.0 * (course_knobs["follow_days"] * fentanyl_oih.DAY
                        - fentanyl_oih.start_s(dict(course_knobs, ketamine_mg_kg=float(doses.max()))))
    per_dose, runs = [], []
    with threshold_course.course_layer(replace(context, knobs=course_knobs)) as layer:
        for k, dose in enumerate(doses):
            def progress(fraction: float, message: str, k=k, dose=dose) -> None:
                context.progress((k + fraction) / len(doses), f"{dose:g} mg/kg: {message}")
            result = fentanyl_oih.run(replace(context, knobs=dict(course_knobs, ketamine_mg_kg=float(dose)),
                                              progress=progress), layer=layer)
            per_dose.append(result.readouts)
            runs.append((k * span_ms, result.spikes))
    return RunResult(spikes=analysis.on_timeline(runs), population_sizes=result.population_sizes,
                     readouts=prevention_readouts(doses, per_dose, course_knobs))


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


def ketamine_at_first_bolus(dose_mg_kg: float, knobs: dict) -> float:
    """Unbound effect-site ketamine (uM, rat PK) at the first fentanyl bolus after ``dose_mg_kg``
    s.c. ``ketamine_before_min`` before it."""
    if dose_mg_kg <= 0:
        return 0.0
    dose = pk.Dose("ketamine", dose_mg_kg, "mg/kg", route="sc", time=-60.0 * knobs["ketamine_before_min"])
    return float(pk.simulate([dose], "rat", [0.0]).effect["ketamine"][0])


def prevention_readouts(doses: np.ndarray, per_dose: list[dict[str, Readout]], knobs: dict) -> dict[str, Readout]:
    """Thresholds and nadir per ketamine dose, the hyperalgesia left relative to fentanyl alone and
    the Hill fit of it against the dose."""
    nadir = np.array([float(r["nadir_percent"].value) for r in per_dose])
    depth = np.clip(100.0 - nadir, 0.0, None)
    left = depth / depth[0] if depth[0] > 0 else np.full_like(depth, np.nan)
    ed50, n = fit_hill(doses, left)
    conc = np.array([ketamine_at_first_bolus(d, knobs) for d in doses])
    ed50_uM = ketamine_at_first_bolus(ed50, knobs) if np.isfinite(ed50) else float("nan")
    return {
        "ketamine_mg_kg": Readout(doses, "mg/kg", "s.c. ketamine dose before the fentanyl"),
        "ketamine_uM_at_fentanyl": Readout(conc, "uM", "unbound effect-site ketamine at the first fentanyl bolus"),
        "test_hours": per_dose[0]["test_hours"],
        "threshold_percent": Readout(np.array([r["threshold_percent"].value for r in per_dose]), "%",
                                     "withdrawal threshold, % of the drug-free test [dose x test]"),
        "peak_percent": Readout(np.array([float(r["peak_percent"].value) for r in per_dose]), "%",
                                "highest threshold after the first bolus, per dose"),
        "nadir_percent": Readout(nadir, "%", "lowest threshold after the analgesia, per dose"),
        "hyperalgesia_fraction": Readout(left, "1", "depth of the nadir below baseline relative to fentanyl alone"),
        "ed50_mg_kg": Readout(ed50, "mg/kg", "ketamine dose that halves the delayed hyperalgesia (Hill fit)"),
        "hill_n": Readout(n, "1", "Hill coefficient of the fit"),
        "ed50_uM": Readout(ed50_uM, "uM", "unbound effect-site ketamine at the first fentanyl bolus at the ED50"),
        "ceiling_fraction": Readout(float(left[-1]), "1", "hyperalgesia left at the highest dose"),
    }
