"""Heat trials: radiant-heat ramps to withdrawal, with RVM ON, OFF and NEUTRAL recordings.

Methods. After ``spontaneous_s`` of ongoing activity (ON/OFF cycling; Heinricher et al. 1989)
the lamp heats the skin in ``n_trials`` trials (tail flick; cut-off 10 s). Withdrawal is the
reflex read-out of lamina V WDR output and ends each ramp. Around each withdrawal the RVM cells
are classified as in Fields et al. 1983 and Leung & Mason 1998: an ON burst is a rise to at
least twice the pre-ramp rate and 5 Hz above it in [-1, +1] s around withdrawal; an OFF pause
is a fall below half the pre-ramp rate in [-0.5, +0.5] s. Onset leads are measured per trial
on the class population rate in 50 ms bins (``analysis.response_onset_lead``: ON beyond 4 s.d.
of the pre-ramp fluctuations, OFF below half the pre-ramp rate) and reported as medians.
"""

from __future__ import annotations

import numpy as np
from brian2 import second

from circuits import ParameterSet, build_circuit

from .. import analysis
from ..engine import FastLayer
from .base import Knob, Readout, RunContext, RunResult

NAME = "heat_trials"
SUMMARY = "radiant-heat ramps to withdrawal; ON burst / OFF pause around the reflex, spontaneous ON/OFF cycling"
KNOBS = {
    "n_trials": Knob(20, "count", "number of heat trials", minimum=1, maximum=200),
    "spontaneous_s": Knob(60.0, "s", "ongoing activity recorded before the first trial", minimum=0.0),
    "t_before_s": Knob(3.0, "s", "pre-ramp baseline of each trial", minimum=1.0),
    "t_after_s": Knob(6.0, "s", "recording after the end of each ramp", minimum=1.0),
    "rvm_inactivated": Knob(False, "bool", "lidocaine in the RVM (Kaplan & Fields 1991)"),
    "dlf_lesion": Knob(False, "bool", "bilateral DLF lesion (Vanderah et al. 2001)"),
}
PERI_BIN_S = 0.05
#: Simulated ramp time per trial in screening runs (tests, calibration) instead of the 10 s
#: cut-off. Each ramp ends at withdrawal and the next trial follows, so the run holds every
#: trial whenever the mean latency is within this budget: 4 s, the top of the tail-flick target
#: (2.5-4 s), which spares 120 s of simulated time per 20-trial run. A run whose mean latency
#: exceeds it ends early, and the tests that count the trials fail, as the latency test would.
SCREENING_RAMP_S = 4.0
#: The lidocaine run's budget relative to the intact one: its mean may lie 10% above (Kaplan &
#: Fields 1991: lidocaine leaves baseline latency unchanged; the test's tolerance).
LIDOCAINE_BUDGET_FACTOR = 1.1
#: The lidocaine run of a screening comparison, read on latency alone: no ongoing period, 10
#: trials, and 6 s between the end of one ramp and the next (t_after + t_before; the skin cools
#: with tau_cool = 1 s, so it is back within 0.3% of baseline).
LIDOCAINE_SCREEN = {"spontaneous_s": 0.0, "n_trials": 10, "t_after_s": 3.0}


def duration_s(knobs: dict, cutoff_s: float) -> float:
    """Simulated time: the spontaneous period plus every trial at its longest."""
    return knobs["spontaneous_s"] + knobs["n_trials"] * (knobs["t_before_s"] + cutoff_s + knobs["t_after_s"])


def run(context: RunContext) -> RunResult:
    knobs, params = context.knobs, context.params
    cutoff = float(params["heat.cutoff"])
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed),
                      duration_s(knobs, cutoff), device=context.device, seed=context.seed,
                      build_root=context.build_root, dt_ms=context.dt_ms)
    try:
        context.progress(0.2, "network built; simulating")
        spikes = layer.run(heat_trial_run_args(layer, knobs))
        context.progress(1.0, "simulated")
        sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
    finally:
        layer.close()
    readouts = heat_trial_readouts(spikes, sizes, knobs, cutoff)
    return RunResult(spikes=spikes, population_sizes=sizes, readouts=readouts)


def intact_and_lidocaine(knobs: dict, latency_budget_s: float, *, scale: float, seed: int, build_root,
                         candidates: tuple[ParameterSet | None, ...] = (None,)) -> list[dict[bool, dict]]:
    """Readout values of an intact run and of a run with lidocaine in the RVM, per candidate
    parameter set (None: the source), at ``latency_budget_s`` of ramp per trial.

    The comparison of Kaplan & Fields 1991 reads lidocaine on latency alone, so its run is
    ``LIDOCAINE_SCREEN``; the shorter duration reuses the intact run's build slot (main loop only)."""
    params = ParameterSet()
    cutoff = float(params["heat.cutoff"])
    results = [{} for _ in candidates]
    for inactivated, changes, budget in ((False, {}, latency_budget_s),
                                         (True, LIDOCAINE_SCREEN, latency_budget_s * LIDOCAINE_BUDGET_FACTOR)):
        run_knobs = dict(knobs, rvm_inactivated=inactivated, **changes)
        layer = FastLayer(lambda: build_circuit(params, scale=scale, seed=seed),
                          duration_s(run_knobs, budget), seed=seed, build_root=build_root)
        try:
            sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
            for result, candidate in zip(results, candidates):
                spikes = layer.run(heat_trial_run_args(layer, run_knobs, candidate))
                result[inactivated] = {name: r.value for name, r in
                                       heat_trial_readouts(spikes, sizes, run_knobs, cutoff).items()}
        finally:
            layer.close()
    return results


def heat_trial_run_args(layer: FastLayer, knobs: dict, params=None, modulation=None) -> dict:
    """Model parameters, switches, drug state (``modulation``), lamp settings and the delay of the
    first trial for one run."""
    args = layer.circuit.parameter_values(params, rvm_inactivated=knobs["rvm_inactivated"],
                                          dlf_lesion=knobs["dlf_lesion"], modulation=modulation)
    args.update({
        ("heat", "trials_on"): 1.0,
        ("heat", "t_before"): knobs["t_before_s"] * second,
        ("heat", "t_after"): knobs["t_after_s"] * second,
        ("heat", "timer"): -knobs["spontaneous_s"] * second,
    })
    return args


def heat_trial_readouts(spikes: dict, sizes: dict, knobs: dict, cutoff_s: float) -> dict[str, Readout]:
    """Withdrawal latencies, RVM responses around withdrawal and spontaneous cycling."""
    trials = analysis.heat_trials(spikes["heat_trials"][0], spikes["withdrawal"][0],
                                  start_s=knobs["spontaneous_s"], t_before_s=knobs["t_before_s"],
                                  cutoff_s=cutoff_s, n_trials=knobs["n_trials"])
    readouts = {
        "withdrawal_latency_s": Readout(np.array([t.latency_s for t in trials]), "s",
                                        "latency from ramp onset to withdrawal (cut-off when none)"),
    }
    withdrawn = [t for t in trials if t.withdrawal_s is not None]
    peri_times = np.arange(-3.0, 5.0, PERI_BIN_S) + PERI_BIN_S / 2
    per_class = {}
    for cls in ("on_cells", "off_cells", "neutral_cells"):
        n = sizes[cls]
        base_rates, resp_rates, pause_rates, peri, base_series = [], [], [], [], []
        for t in withdrawn:
            base_series.append(analysis.population_rate(spikes[cls], n, t.onset_s - knobs["t_before_s"],
                                                        t.onset_s, PERI_BIN_S))
            base_rates.append(analysis.cell_rates(spikes[cls], n, t.onset_s - knobs["t_before_s"], t.onset_s))
            resp_rates.append(analysis.cell_rates(spikes[cls], n, t.withdrawal_s - 1.0, t.withdrawal_s + 1.0))
            pause_rates.append(analysis.cell_rates(spikes[cls], n, t.withdrawal_s - 0.5, t.withdrawal_s + 0.5))
            peri.append(analysis.population_rate(spikes[cls], n, t.withdrawal_s - 3.0,
                                                 t.withdrawal_s + 5.0, PERI_BIN_S))
        per_class[cls] = (np.array(base_rates), np.array(resp_rates), np.array(pause_rates), np.array(peri),
                          np.array(base_series))
        rate = np.mean([b.mean() for b in base_rates]) if withdrawn else float("nan")
        readouts[f"rate_{cls.split('_')[0]}_hz"] = Readout(float(rate), "Hz", "mean pre-ramp rate of the class")

    if withdrawn:
        on_base, on_resp, _, on_peri, on_series = per_class["on_cells"]
        off_base, _, off_pause, off_peri, off_series = per_class["off_cells"]
        neu_base, neu_resp, _, _, _ = per_class["neutral_cells"]
        burst = (on_resp >= 2 * on_base) & (on_resp >= on_base + 5.0)
        pause = (off_base > 0) & (off_pause < 0.5 * off_base)
        leads_on, leads_off = [], []
        for k in range(len(withdrawn)):
            leads_on.append(analysis.response_onset_lead(on_peri[k], peri_times, on_series[k], increase=True))
            leads_off.append(analysis.response_onset_lead(off_peri[k], peri_times, off_series[k], increase=False))
        on_mean, off_mean = on_peri.mean(axis=0), off_peri.mean(axis=0)
        after = peri_times > 0
        on_elevated = on_mean[after] > on_base.mean() + 5.0
        off_paused = off_mean[after] < 0.5 * off_base.mean()
        readouts.update({
            "p_on_burst": Readout(float(burst.mean()), "1", "fraction of ON cell-trials with a burst at withdrawal"),
            "p_off_pause": Readout(float(pause[off_base > 0].mean()) if (off_base > 0).any() else float("nan"), "1",
                                   "fraction of active OFF cell-trials with a pause at withdrawal"),
            "on_burst_lead_ms": Readout(1000 * _median_or_nan(leads_on), "ms",
                                        "median lead of the ON burst onset before withdrawal"),
            "off_pause_lead_ms": Readout(1000 * _median_or_nan(leads_off), "ms",
                                         "median lead of the OFF pause onset before withdrawal"),
            "neutral_change": Readout(float(abs(neu_resp.mean() / max(neu_base.mean(), 1e-9) - 1)), "1",
                                      "relative change of NEUTRAL rate in [-1, +1] s around withdrawal"),
            "on_response_duration_s": Readout(float(_first_false(on_elevated) * PERI_BIN_S), "s",
                                              "time after withdrawal until the mean ON rate is back within 5 Hz of baseline"),
            "off_pause_duration_s": Readout(float(_first_false(off_paused) * PERI_BIN_S), "s",
                                            "time after withdrawal until the mean OFF rate recovers half its baseline"),
            "peri_withdrawal_rate_on_hz": Readout(on_mean, "Hz", "mean ON rate, 50 ms bins from -3 s to +5 s"),
            "peri_withdrawal_rate_off_hz": Readout(off_mean, "Hz", "mean OFF rate, 50 ms bins"),
        })

    if knobs["spontaneous_s"] >= 10:
        t1, width = knobs["spontaneous_s"], 1.0
        on = analysis.population_rate(spikes["on_cells"], sizes["on_cells"], 0.0, t1, width)
        off = analysis.population_rate(spikes["off_cells"], sizes["off_cells"], 0.0, t1, width)
        neutral = analysis.population_rate(spikes["neutral_cells"], sizes["neutral_cells"], 0.0, t1, width)
        readouts.update({
            "spontaneous_on_off_correlation": Readout(analysis.correlation(on, off), "1", "ON vs OFF rate, 1 s bins"),
            "spontaneous_on_on_correlation": Readout(
                analysis.mean_pairwise_correlation(spikes["on_cells"], sizes["on_cells"], 0.0, t1, width), "1",
                "mean pairwise correlation of ON cells, 1 s bins"),
            "spontaneous_off_off_correlation": Readout(
                analysis.mean_pairwise_correlation(spikes["off_cells"], sizes["off_cells"], 0.0, t1, width), "1",
                "mean pairwise correlation of OFF cells, 1 s bins"),
            "spontaneous_neutral_cv": Readout(float(neutral.std() / max(neutral.mean(), 1e-9)), "1",
                                              "coefficient of variation of the NEUTRAL rate, 1 s bins"),
            "spontaneous_lamina1_hz": Readout(float(analysis.cell_rates(spikes["lamina1_nk1r"], sizes["lamina1_nk1r"], 0.0, t1).mean()),
                                              "Hz", "ongoing rate of lamina I projection neurons before the first trial"),
        })
    return readouts


def _median_or_nan(values: list[float]) -> float:
    """Median of the defined values; NaN when there is none (silent cells: lidocaine, lesions)."""
    values = np.asarray(values, dtype=float)
    return float(np.median(values[np.isfinite(values)])) if np.isfinite(values).any() else float("nan")


def _first_false(mask: np.ndarray) -> int:
    off = np.flatnonzero(~mask)
    return int(off[0]) if off.size else len(mask)
