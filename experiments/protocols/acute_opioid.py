"""A single opioid dose, optionally followed by naloxone: heat withdrawal latency and the RVM ON,
OFF and NEUTRAL cells before and after.

Methods (Fields, Vanegas & Heinricher 1991 Annu Rev Neurosci; Heinricher, Morgan & Fields 1992
Neuroscience 48:533; Barbaro et al. 1986 Brain Res 366:203; Fields 2004 Nat Rev Neurosci 5:565).
A block of ``n_trials`` heat trials (``heat_trials``: ``spontaneous_s`` of ongoing activity, then
radiant heat ramps to withdrawal or the cut-off) is run drug-free, ``drug`` at ``dose_mg_kg`` is
given by ``route``, and the same block is run again ``test_min`` after the dose, in the drug
concentration the rat PK gives then (``circuits.pharmacokinetics`` through the two-time-scale
engine, ``experiments.two_time_scales``, whose slow layer carries the adaptations of the hours
in between). With ``naloxone_mg_kg`` > 0, naloxone is given by the same route ``naloxone_after_min``
after the opioid and a third block runs ``naloxone_test_min`` later: naloxone-precipitated
withdrawal after acute dependence (Kim, Fields & Barbaro 1990 Brain Res 516:37: within 15 min of
i.v. morphine) (Bederson, Fields & Barbaro 1990 Somatosens Mot Res 7:185; Kaplan & Fields 1991
J Neurosci 11:1433). All blocks run on one build.

Each block is followed by a mechanical (paw withdrawal) threshold test in the same drug and
slow state: one run per force of ``forces_mN``, each ``spontaneous_s`` of ongoing activity (so
the ongoing RVM activity of the state is in place) and then ``stimulus_s`` of the force; the
threshold is the force at which the peak WDR population rate reaches the reflex criterion, as in
``mechanical`` and ``threshold_course`` (Bederson, Fields & Barbaro 1990: tail-flick latency
and paw withdrawal threshold both fall below baseline in precipitated withdrawal).

Read-outs per block (``_baseline``, ``_drug``, ``_naloxone``): mean withdrawal latency (the
cut-off when no withdrawal), the mechanical withdrawal threshold, mean ongoing rates of ON, OFF
and NEUTRAL cells, the fraction of active OFF cell-trials that pause at withdrawal and the
lowest OFF rate during the trials; and each later block's ratio to the baseline. Spikes are
stored at protocol time: each block from its start, its force runs after it, one after the other.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable

import numpy as np

from circuits import build_circuit
from circuits import pharmacokinetics as pk

from .. import analysis
from ..engine import FastLayer
from ..two_time_scales import CoupledRun
from . import heat_trials, threshold_course
from .base import Knob, Readout, RunContext, RunResult

NAME = "acute_opioid"
SUMMARY = "one opioid dose: heat withdrawal latency and ON/OFF/NEUTRAL cells before and after"
KNOBS = {
    "drug": Knob("morphine", "choice", "opioid given", choices=("morphine", "fentanyl", "remifentanil")),
    "dose_mg_kg": Knob(2.0, "mg/kg", "dose (morphine 1.25-2.5 mg/kg i.v. silences ON cells: Heinricher et al. 1994; "
                       "Barbaro et al. 1986)", minimum=0.0, maximum=100.0),
    "route": Knob("iv", "choice", "route of the dose", choices=("iv", "sc", "ip")),
    "test_min": Knob(15.0, "min", "time from the opioid to its heat-trial block", minimum=0.5, maximum=600.0),
    "naloxone_mg_kg": Knob(0.0, "mg/kg", "naloxone after the opioid, by the opioid's route (0: none)", minimum=0.0,
                           maximum=100.0),
    "naloxone_after_min": Knob(180.0, "min", "time from the opioid to naloxone", minimum=1.0, maximum=10000.0),
    "naloxone_test_min": Knob(15.0, "min", "time from naloxone to its heat-trial block", minimum=0.5, maximum=600.0),
    "n_trials": Knob(10, "count", "heat trials per block", minimum=1, maximum=200),
    "spontaneous_s": Knob(20.0, "s", "ongoing activity recorded before the first trial of each block",
                          minimum=1.0, maximum=600.0),
    **{name: heat_trials.KNOBS[name] for name in ("t_before_s", "t_after_s", "rvm_inactivated", "dlf_lesion")},
    **{name: threshold_course.KNOBS[name] for name in ("forces_mN", "stimulus_s")},
}
MIN = 60.0
#: the dose is given this long after the baseline block starts, so the block is drug-free (s)
DOSE_AT_S = 1.0

CLASSES = ("on_cells", "off_cells", "neutral_cells")


def run(context: RunContext) -> RunResult:
    knobs, params = context.knobs, context.params
    cutoff = float(params["heat.cutoff"])
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed),
                      heat_trials.duration_s(knobs, cutoff), device=context.device, seed=context.seed,
                      build_root=context.build_root, dt_ms=context.dt_ms)
    blocks = block_times(knobs)
    try:
        sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
        coupled = CoupledRun(layer, params, regimen(knobs), species="rat")

        def run_args(modulation):
            return heat_trials.heat_trial_run_args(layer, knobs, modulation=modulation)

        records = []
        for k, (block, t) in enumerate(blocks.items()):
            coupled.advance(t)
            modulation = coupled.modulation()
            records.append(SimpleNamespace(time_s=t, spikes=coupled.run_only(run_args), modulation=modulation))
            context.progress((k + 1) / (2 * len(blocks)), f"{block} block simulated")
    finally:
        layer.close()
    force_tests = mechanical_tests(context, [r.modulation for r in records], sizes,
                                   lambda k: context.progress((len(blocks) + k + 1) / (2 * len(blocks)),
                                                              f"{list(blocks)[k]} threshold test simulated"))
    peaks, thresholds = threshold_course.thresholds_of(force_tests, sizes, knobs, params,
                                                       start_s=warm_up_s(knobs))
    readouts = {"forces_mN": Readout(np.sort(np.asarray(knobs["forces_mN"], dtype=float)), "mN",
                                     "forces of each threshold test, ascending")}
    for block, record, peak, threshold in zip(blocks, records, peaks, thresholds):
        readouts.update(block_readouts(record.spikes, sizes, knobs, cutoff, suffix=f"_{block}"))
        readouts[f"wdr_peak_rate_hz_{block}"] = Readout(peak, "Hz", "peak WDR population rate (reflex kernel) per "
                                                        "force (NaN: above the threshold, not run)")
        readouts[f"withdrawal_threshold_mN_{block}"] = Readout(
            float(threshold), "mN", "mechanical withdrawal threshold: force at which the WDR output reaches the reflex "
                                    "criterion (the largest force when none does)")
        readouts[f"mor_activation_{block}"] = Readout(record.modulation.mor_rvm, "1", "RVM MOR activation in the block")
        readouts[f"cck_drive_{block}"] = Readout(record.modulation.cck_drive, "1", "RVM CCK drive in the block")
        readouts[f"rebound_rvm_{block}"] = Readout(record.modulation.rebound_rvm, "1",
                                                   "withdrawal rebound of MOR signalling in the RVM in the block")
    for block in list(blocks)[1:]:
        readouts.update(block_effects(readouts, block))
    heat_s, force_s = heat_trials.duration_s(knobs, cutoff), warm_up_s(knobs) + knobs["stimulus_s"]
    timeline = [(1000.0 * r.time_s, r.spikes) for r in records]
    timeline += [(1000.0 * (r.time_s + heat_s + k * force_s), spikes)
                 for r, runs in zip(records, force_tests) for k, spikes in enumerate(runs)]
    return RunResult(spikes=analysis.on_timeline(timeline), population_sizes=sizes, readouts=readouts)


def warm_up_s(knobs: dict) -> float:
    """Ongoing activity before the force of each threshold-test run: ``spontaneous_s`` in whole
    steps of ``stimulus_s`` (the step of the force TimedArray, :func:`warm_up_steps`)."""
    return warm_up_steps(knobs) * knobs["stimulus_s"]


def warm_up_steps(knobs: dict) -> int:
    """Force-free steps of ``stimulus_s`` before the force of each threshold-test run."""
    return max(1, int(round(knobs["spontaneous_s"] / knobs["stimulus_s"])))


def mechanical_tests(context: RunContext, modulations: list, sizes: dict, done: Callable[[int], None]
                     ) -> list[list[dict]]:
    """Spikes of the threshold test of each block (an ascending series of forces,
    ``threshold_course.ascending_series``) on one build whose force step follows
    :func:`warm_up_s` of ongoing activity."""
    knobs, params = context.knobs, context.params
    schedule = (np.array([0.0] * warm_up_steps(knobs) + [threshold_course.REFERENCE_FORCE_MN]), knobs["stimulus_s"])
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed, force_schedule=schedule),
                      warm_up_s(knobs) + knobs["stimulus_s"], device=context.device, seed=context.seed,
                      build_root=context.build_root, dt_ms=context.dt_ms)
    tests = []
    try:
        for k, modulation in enumerate(modulations):
            tests.append(threshold_course.ascending_series(
                lambda force, m=modulation: layer.run(threshold_course.force_run_args(layer.circuit, params, knobs,
                                                                                      force, m)),
                sizes, knobs, params, start_s=warm_up_s(knobs)))
            done(k)
    finally:
        layer.close()
    return tests


def block_readouts(spikes: dict, sizes: dict, knobs: dict, cutoff_s: float, *, suffix: str) -> dict[str, Readout]:
    """Latency, ongoing ON/OFF/NEUTRAL rates and OFF pauses of one heat-trial block."""
    trials = heat_trials.heat_trial_readouts(spikes, sizes, knobs, cutoff_s)
    out = {f"latency_s{suffix}": Readout(float(np.mean(trials["withdrawal_latency_s"].value)), "s",
                                         "mean heat withdrawal latency (cut-off when none)")}
    ongoing = knobs["spontaneous_s"]
    for cls in CLASSES:
        rate = analysis.cell_rates(spikes[cls], sizes[cls], 0.0, ongoing).mean()
        out[f"rate_{cls.split('_')[0]}_hz{suffix}"] = Readout(float(rate), "Hz",
                                                                f"mean ongoing rate of {cls.replace('_', ' ')}")
    pause = trials["p_off_pause"].value if "p_off_pause" in trials else float("nan")
    out[f"p_off_pause{suffix}"] = Readout(float(pause), "1",
                                          "fraction of active OFF cell-trials pausing at withdrawal (NaN: no withdrawal)")
    end = heat_trials.duration_s(knobs, cutoff_s)
    binned = analysis.population_rate(spikes["off_cells"], sizes["off_cells"], ongoing, end, 1.0)
    mean_off = out[f"rate_off_hz{suffix}"].value
    out[f"off_min_rate_ratio{suffix}"] = Readout(float(binned.min() / mean_off) if mean_off > 0 else float("nan"), "1",
                                                 "lowest OFF population rate in 1-s bins during the trials over the "
                                                 "ongoing rate (near 0: OFF cells pause)")
    return out


def regimen(knobs: dict) -> pk.Regimen:
    """The opioid dose and, optionally, naloxone."""
    doses: pk.Regimen = [pk.Dose(knobs["drug"], knobs["dose_mg_kg"], "mg/kg", route=knobs["route"], time=DOSE_AT_S)]
    if knobs["naloxone_mg_kg"] > 0:
        doses.append(pk.Dose("naloxone", knobs["naloxone_mg_kg"], "mg/kg", route=knobs["route"],
                             time=DOSE_AT_S + knobs["naloxone_after_min"] * MIN))
    return doses


def block_times(knobs: dict) -> dict[str, float]:
    """Start (s) of each heat-trial block: drug-free, ``test_min`` after the opioid and
    ``naloxone_test_min`` after naloxone."""
    if knobs["naloxone_mg_kg"] > 0 and knobs["naloxone_after_min"] <= knobs["test_min"]:
        raise ValueError("naloxone_after_min must be later than test_min (the drug block comes first)")
    times = {"baseline": 0.0, "drug": DOSE_AT_S + knobs["test_min"] * MIN}
    if knobs["naloxone_mg_kg"] > 0:
        times["naloxone"] = DOSE_AT_S + (knobs["naloxone_after_min"] + knobs["naloxone_test_min"]) * MIN
    return times


def block_effects(readouts: dict[str, Readout], block: str) -> dict[str, Readout]:
    """``block`` over the baseline block: latency and the ongoing rate of each RVM class."""
    def ratio(name: str) -> float:
        before = readouts[f"{name}_baseline"].value
        return float(readouts[f"{name}_{block}"].value / before) if before > 0 else float("nan")
    out = {f"latency_ratio_{block}": Readout(ratio("latency_s"), "1", f"withdrawal latency, {block} over baseline"),
           f"threshold_ratio_{block}": Readout(ratio("withdrawal_threshold_mN"), "1",
                                               f"mechanical withdrawal threshold, {block} over baseline")}
    for cls in ("on", "off", "neutral"):
        out[f"rate_{cls}_ratio_{block}"] = Readout(ratio(f"rate_{cls}_hz"), "1",
                                                   f"ongoing {cls.upper()}-cell rate, {block} over baseline")
    return out
