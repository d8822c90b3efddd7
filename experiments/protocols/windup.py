"""Wind-up of WDR neurons to repeated C-fibre-strength electrical stimulation.

Methods (Mendell 1966; Dickenson & Sullivan 1987; Aguiar et al. 2010). ``n_stim`` pulses at
``stim_hz``, of ``strength`` times the A-beta threshold (30: three times the C-fibre threshold,
which recruits every fibre of every class), are delivered to the afferents; each fibre fires once after its class's conduction
latency. The response of lamina V WDR neurons to each pulse is counted in the C-fibre and
post-discharge windows, 90-800 ms after the pulse (Dickenson-lab conventions, targets section 2),
and averaged over WDR cells: ``windup_counts``. The wind-up ratio is the response to the last
pulse over the response to the first. ``first_c_response`` counts the C-fibre window alone
(90-300 ms) after the first pulse: the input response that NMDA block leaves nearly unchanged
(Dickenson & Sullivan 1987). Ketamine (``ketamine_uM``, unbound effect-site
concentration) has been present long enough to equilibrate with the cells at rest
(``circuits.modulation.blocked_at_rest``); block then develops further with use during the train.
"""

from __future__ import annotations

import numpy as np
from brian2 import second

from circuits import Modulation, ParameterSet, build_circuit

from ..engine import FastLayer
from .base import Knob, Readout, RunContext, RunResult

NAME = "windup"
SUMMARY = "wind-up of WDR neurons to C-fibre-strength stimulus trains, with ketamine"
KNOBS = {
    "stim_hz": Knob(1.0, "Hz", "stimulation frequency", minimum=0.1, maximum=10.0),
    "n_stim": Knob(16, "count", "number of pulses", minimum=2, maximum=100),
    "strength": Knob(30.0, "1", "pulse strength in multiples of the A-beta threshold", minimum=0.0),
    "ketamine_uM": Knob(0.0, "uM", "unbound ketamine at the effect site", minimum=0.0, maximum=1000.0),
    "rvm_inactivated": Knob(False, "bool", "lidocaine in the RVM (Kaplan & Fields 1991)"),
    "dlf_lesion": Knob(False, "bool", "bilateral DLF lesion (Vanderah et al. 2001)"),
}
#: Response windows after each pulse: C-fibre response and post-discharge (targets section 2).
WINDOW_S = (0.09, 0.8)
C_WINDOW_S = (0.09, 0.3)
#: Ongoing activity before the first pulse.
LEAD_S = 2.0


def duration_s(knobs: dict) -> float:
    return LEAD_S + knobs["n_stim"] / knobs["stim_hz"] + 1.0


def pulse_times(knobs: dict) -> np.ndarray:
    return LEAD_S + np.arange(knobs["n_stim"]) / knobs["stim_hz"]


def stimulator_args(knobs: dict) -> dict:
    """Run-time settings of the electrical stimulator for the train of ``knobs``."""
    return {
        ("stimulator", "t_next"): LEAD_S * second,
        ("stimulator", "n_left"): float(knobs["n_stim"]),
        ("stimulator", "period"): 1.0 / knobs["stim_hz"] * second,
        ("stimulator", "strength"): knobs["strength"],
    }


def windup_run_args(layer: FastLayer, knobs: dict, params=None) -> dict:
    args = layer.circuit.parameter_values(
        params, rvm_inactivated=knobs["rvm_inactivated"], dlf_lesion=knobs["dlf_lesion"],
        modulation=Modulation(blocker="ketamine", blocker_uM=knobs["ketamine_uM"]))
    args.update(stimulator_args(knobs))
    return args


def control_and_ketamine(knobs: dict, ketamine_uM: float, *, scale: float, seed: int, build_root,
                         frequencies_hz=(0.5, 1.0), candidates: tuple[ParameterSet | None, ...] = (None,)
                         ) -> list[dict[tuple[float, float], dict]]:
    """Readout values at each frequency without and with ``ketamine_uM``, per candidate parameter
    set (None: the source): ``{(hz, ketamine_uM): readouts}``. One layer per train length; the
    next reuses the build slot (main loop only), and candidates and ketamine are run arguments."""
    params = ParameterSet()
    results = [{} for _ in candidates]
    for hz in frequencies_hz:
        layer = FastLayer(lambda: build_circuit(params, scale=scale, seed=seed),
                          duration_s(dict(knobs, stim_hz=hz)), seed=seed, build_root=build_root)
        try:
            sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
            for result, candidate in zip(results, candidates):
                for ketamine in (0.0, ketamine_uM):
                    run_knobs = dict(knobs, stim_hz=hz, ketamine_uM=ketamine)
                    spikes = layer.run(windup_run_args(layer, run_knobs, candidate))
                    result[hz, ketamine] = {name: r.value for name, r in
                                            windup_readouts(spikes, sizes, run_knobs).items()}
        finally:
            layer.close()
    return results


def run(context: RunContext) -> RunResult:
    knobs, params = context.knobs, context.params
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed),
                      duration_s(knobs), device=context.device, seed=context.seed,
                      build_root=context.build_root, dt_ms=context.dt_ms)
    try:
        context.progress(0.3, "network built; simulating")
        spikes = layer.run(windup_run_args(layer, knobs, params))
        context.progress(1.0, "simulated")
        sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
    finally:
        layer.close()
    return RunResult(spikes=spikes, population_sizes=sizes, readouts=windup_readouts(spikes, sizes, knobs))


def windup_readouts(spikes: dict, sizes: dict, knobs: dict) -> dict[str, Readout]:
    """Spikes per WDR cell in the response window of each pulse, and the wind-up ratio."""
    times_s = spikes["wdr"][0] / 1000.0

    def per_cell(window, t):
        return np.count_nonzero((times_s >= t + window[0]) & (times_s < t + window[1])) / sizes["wdr"]

    counts = np.array([per_cell(WINDOW_S, t) for t in pulse_times(knobs)])
    ratio = counts[-1] / counts[0] if counts[0] > 0 else float("nan")
    return {
        "windup_counts": Readout(counts, "1", "spikes per WDR cell 90-800 ms after each pulse (C response and post-discharge)"),
        "windup_ratio": Readout(float(ratio), "1", "response to the last pulse / response to the first"),
        "first_c_response": Readout(per_cell(C_WINDOW_S, pulse_times(knobs)[0]), "1",
                                    "spikes per WDR cell 90-300 ms after the first pulse (C-fibre input response)"),
    }
