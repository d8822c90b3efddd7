"""Graded mechanical forces: lamina I projection output and the withdrawal threshold.

Methods. Each force of ``forces_mN`` is held for ``stimulus_s`` (5 s, as in Medlock et al. 2022)
and followed by ``rest_s`` without force. Afferents fire at the Medlock et al. 2022 rates scaled
by force / 400 mN. The projection output is the median over lamina I NK1R+ cells of their rate
during the stimulus (the fitness measure of Medlock et al. 2022). The withdrawal threshold is the
force at which the peak WDR population rate, estimated with the reflex kernel, reaches the
reflex criterion (log-linear interpolation between tested forces), the model's von Frey
threshold.
"""

from __future__ import annotations

import numpy as np

from circuits import build_circuit

from .. import analysis
from ..engine import FastLayer
from .base import Knob, Readout, RunContext, RunResult

NAME = "mechanical"
SUMMARY = "graded forces: lamina I projection rate against force (Medlock 2022) and withdrawal threshold"
KNOBS = {
    "forces_mN": Knob([10.0, 50.0, 100.0, 200.0], "list", "forces applied in turn", minimum=0.0,
                      maximum=2000.0, item_unit="mN"),
    "stimulus_s": Knob(5.0, "s", "duration of each force", minimum=0.5),
    "rest_s": Knob(5.0, "s", "rest after each force", minimum=0.5),
    "rvm_inactivated": Knob(False, "bool", "lidocaine in the RVM (Kaplan & Fields 1991)"),
    "dlf_lesion": Knob(False, "bool", "bilateral DLF lesion (Vanderah et al. 2001)"),
}


def force_schedule(knobs: dict) -> tuple[np.ndarray, float]:
    """Forces per step of the TimedArray: each force then zero, in steps of the shorter duration."""
    step = min(knobs["stimulus_s"], knobs["rest_s"])
    on, off = int(round(knobs["stimulus_s"] / step)), int(round(knobs["rest_s"] / step))
    steps = np.concatenate([[force] * on + [0.0] * off for force in knobs["forces_mN"]])
    return steps, step


def run(context: RunContext) -> RunResult:
    knobs, params = context.knobs, context.params
    schedule = force_schedule(knobs)
    duration = len(knobs["forces_mN"]) * (knobs["stimulus_s"] + knobs["rest_s"])
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed, force_schedule=schedule),
                      duration, device=context.device, seed=context.seed, build_root=context.build_root,
                      dt_ms=context.dt_ms)
    try:
        context.progress(0.2, "network built; simulating")
        spikes = layer.run(layer.circuit.parameter_values(
            params, rvm_inactivated=knobs["rvm_inactivated"], dlf_lesion=knobs["dlf_lesion"]))
        context.progress(1.0, "simulated")
        sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
    finally:
        layer.close()
    readouts = mechanical_readouts(spikes, sizes, knobs, tau_reflex_s=float(params["withdrawal.tau_reflex"]),
                                   reflex_hz=float(params["withdrawal.rate_threshold"]))
    return RunResult(spikes=spikes, population_sizes=sizes, readouts=readouts)


def mechanical_readouts(spikes: dict, sizes: dict, knobs: dict, *, tau_reflex_s: float,
                        reflex_hz: float) -> dict[str, Readout]:
    forces = np.asarray(knobs["forces_mN"], dtype=float)
    period = knobs["stimulus_s"] + knobs["rest_s"]
    projection, peak_wdr, afferent = [], [], {}
    for k in range(len(forces)):
        t0, t1 = k * period, k * period + knobs["stimulus_s"]
        projection.append(float(np.median(analysis.cell_rates(spikes["lamina1_nk1r"], sizes["lamina1_nk1r"], t0, t1))))
        peak_wdr.append(analysis.peak_kernel_rate(spikes["wdr"], sizes["wdr"], t0, t1, tau_reflex_s))
        for fibre in ("c_peptidergic", "adelta", "abeta"):
            afferent.setdefault(fibre, []).append(
                float(analysis.cell_rates(spikes[fibre], sizes[fibre], t0, t1).mean()))
    readouts = {
        "forces_mN": Readout(forces, "mN", "applied forces"),
        "projection_rate_hz": Readout(np.array(projection), "Hz", "median lamina I NK1R+ rate during each force"),
        "wdr_peak_rate_hz": Readout(np.array(peak_wdr), "Hz", "peak WDR population rate (reflex kernel) during each force"),
        "withdrawal_threshold_mN": Readout(threshold_crossing(forces, np.array(peak_wdr), reflex_hz), "mN",
                                           "force at which the WDR output reaches the reflex criterion"),
    }
    for fibre, rates in afferent.items():
        readouts[f"afferent_rate_{fibre}_hz"] = Readout(np.array(rates), "Hz", f"mean {fibre} rate during each force")
    return readouts


def threshold_crossing(forces: np.ndarray, response: np.ndarray, criterion: float) -> float:
    """Force where ``response`` first reaches ``criterion`` (log-linear interpolation; NaN if never)."""
    order = np.argsort(forces)
    forces, response = forces[order], response[order]
    above = np.flatnonzero(response >= criterion)
    if not above.size:
        return float("nan")
    k = above[0]
    if k == 0:
        return float(forces[0])
    f0, f1, r0, r1 = forces[k - 1], forces[k], response[k - 1], response[k]
    fraction = (criterion - r0) / (r1 - r0)
    return float(np.exp(np.log(max(f0, 1e-6)) + fraction * (np.log(f1) - np.log(max(f0, 1e-6)))))
