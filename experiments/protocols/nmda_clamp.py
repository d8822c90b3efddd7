"""NMDA voltage clamp: the Mg2+ block and the trapping block by ketamine, MK-801 or memantine.

Methods. Cells with the model's NMDA channels (``circuits.neurons.NMDA_GATING``, with the
circuit's parameters) are clamped at each holding potential ``v_hold_mV``. Three experiments:

1. Mg2+ block (Jahr & Stevens 1990): one presynaptic spike; the peak NMDA conductance with
   ``mg_mM`` over the peak in Mg2+-free solution is the unblocked fraction B(V) (the current
   ratio, equal elsewhere, is undefined at the 0 mV reversal).
2. Concentration-response of the ``blocker`` (Kotermanski & Johnson 2009 recorded steady-state
   currents under continuous glutamate): agonist is applied as a steady open fraction
   (``agonist_open_fraction`` of the receptors) for ``equilibration_s``; the steady current with
   the blocker over the current without it, fitted by a Hill equation, gives the IC50 at every
   holding potential, with ``mg_mM`` and without Mg2+.
3. Use dependence and trapping (MacDonald et al. 1991; Orser et al. 1997): at ``v_trap_mV``
   without Mg2+, synaptic events at ``train_hz`` in ``trap_uM`` of the blocker; then the blocker
   is washed out and no agonist is given for ``pause_s``; then events resume without the blocker.
   Block builds over the first train, persists through the agonist-free pause (trapped) and is
   relieved only by channel opening in the last train.

The clamp has no network: it runs in Brian2's runtime mode (numpy) whatever the device.
"""

from __future__ import annotations

import numpy as np
from brian2 import (Network, NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, defaultclock,
                    mM, ms, mV, nS, pA, second)

from circuits import modulation, neurons
from .base import Knob, Readout, RunContext, RunResult

NAME = "nmda_clamp"
SUMMARY = "voltage clamp of the NMDA synapse: Mg2+ block and trapping blockers against voltage and concentration"
KNOBS = {
    "v_hold_mV": Knob([-100.0, -80.0, -70.0, -66.0, -60.0, -40.0, -20.0, 0.0, 20.0, 40.0],
                      "list", "holding potentials", minimum=-120.0, maximum=60.0, item_unit="mV"),
    "mg_mM": Knob(1.0, "mM", "extracellular Mg2+", minimum=0.0, maximum=20.0),
    "g_nmda_nS": Knob(1.0, "nS", "peak NMDA conductance of the test synapse", minimum=0.0),
    "blocker": Knob("ketamine", "choice", "NMDA channel blocker", choices=modulation.BLOCKERS),
    "ketamine_uM": Knob([0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0], "list",
                        "blocker concentrations of the concentration-response", minimum=0.0, item_unit="uM"),
    "agonist_open_fraction": Knob(0.5, "1", "open fraction of receptors under steady agonist", minimum=0.01, maximum=1.0),
    "equilibration_s": Knob(2.0, "s", "steady agonist and blocker before the current is read", minimum=0.1),
    "v_trap_mV": Knob(-66.0, "mV", "holding potential of the trapping experiment", minimum=-120.0, maximum=60.0),
    "trap_uM": Knob(1.0, "uM", "blocker concentration of the trapping experiment", minimum=0.0),
    "train_hz": Knob(2.0, "Hz", "synaptic events per second in the trapping experiment", minimum=0.05, maximum=50.0),
    "n_train": Knob(10, "count", "events in each train of the trapping experiment", minimum=1, maximum=500),
    "pause_s": Knob(10.0, "s", "agonist-free pause after washout of the blocker", minimum=0.0),
}

#: The circuit's NMDA channel with the clamp potential; Mg2+ and the blocker concentration, shared
#: by all cells of the circuit, are per cell here so one run covers every condition.
CLAMP_EQUATIONS = (neurons.NMDA_GATING.replace("mg : mmolar (shared)", "mg : mmolar")
                   .replace("blocker : mmolar (shared)", "blocker : mmolar") + "v : volt (constant)\n")
#: Time steps of the event trains and of peak currents; the steady-state step is chosen from the
#: fastest blocker rate (``steady_dt_ms``).
TRAIN_DT_MS, PEAK_DT_MS = 0.5, 0.05


def _clamped_cells(context: RunContext, v_mV: np.ndarray, mg_mM: float, blocker_uM=0.0) -> NeuronGroup:
    """Voltage-clamped cells with the circuit's NMDA channel values and the chosen blocker."""
    params = context.params
    sp = params.section("synapses")
    cells = NeuronGroup(len(v_mV), CLAMP_EQUATIONS, method="euler", name="clamped_cells")
    cells.v = np.asarray(v_mV) * mV
    cells.mg = mg_mM * mM
    for key in ("mg_K0", "mg_slope", "E_exc", "tau_nmda_rise", "tau_nmda_decay", "tau_nmda_ext_rise",
                "tau_nmda_ext_decay", "g_nmda_pool"):
        setattr(cells, key, sp[key])
    for key, value in modulation.blocker_values(params, context.knobs["blocker"], 0.0).items():
        setattr(cells, key, value)
    cells.blocker = np.broadcast_to(blocker_uM, len(v_mV)) * 1e-3 * mM
    cells.nmda_ext_norm = 1.0
    return cells


def _synapse(cells: NeuronGroup, times_ms, context: RunContext) -> tuple[SpikeGeneratorGroup, Synapses]:
    sp = context.params.section("synapses")
    release = SpikeGeneratorGroup(1, np.zeros(len(times_ms), dtype=int), np.asarray(times_ms) * ms,
                                  name="presynaptic_release")
    synapse = Synapses(release, cells, model="w : siemens (shared)\nnorm : 1 (shared)",
                       on_pre="x_nmda_post += w * norm", name="nmda_synapse")
    synapse.connect()
    synapse.w = context.knobs["g_nmda_nS"] * nS
    synapse.norm = neurons.dual_exponential_peak_factor(sp["tau_nmda_rise"], sp["tau_nmda_decay"])
    return release, synapse


def peak_currents(context: RunContext, mg_mM: float) -> tuple[np.ndarray, np.ndarray]:
    """Peak NMDA current (pA; positive depolarises, the Brian2 convention) and peak conductance
    after Mg2+ block (nS) at every holding potential."""
    v_hold = np.asarray(context.knobs["v_hold_mV"], dtype=float)
    defaultclock.dt = PEAK_DT_MS * ms
    cells = _clamped_cells(context, v_hold, mg_mM)
    release, synapse = _synapse(cells, [5.0], context)
    monitor = StateMonitor(cells, ("I_nmda", "g_nmda_open", "mg_block"), record=True, name="clamp_current")
    Network(cells, release, synapse, monitor).run(100 * ms, namespace={})
    currents = monitor.I_nmda / pA
    conductance = np.asarray(monitor.g_nmda_open / nS) * np.asarray(monitor.mg_block)
    return (currents[np.arange(len(v_hold)), np.argmax(np.abs(currents), axis=1)], conductance.max(axis=1))


def steady_currents(context: RunContext, mg_mM: float) -> np.ndarray:
    """Steady NMDA current (pA) under continuous agonist, [holding potential x concentration];
    column 0 is the blocker-free control."""
    v_hold = np.asarray(context.knobs["v_hold_mV"], dtype=float)
    conc = np.concatenate([[0.0], np.asarray(context.knobs["ketamine_uM"], dtype=float)])
    defaultclock.dt = steady_dt_ms(context, conc.max(), v_hold.min()) * ms
    v_grid, c_grid = np.meshgrid(v_hold, conc, indexing="ij")
    cells = _clamped_cells(context, v_grid.ravel(), mg_mM, c_grid.ravel())
    cells.g_nmda_tonic = context.knobs["agonist_open_fraction"] * context.params["synapses.g_nmda_pool"]
    Network(cells).run(context.knobs["equilibration_s"] * second, namespace={})
    return np.asarray(cells.I_nmda / pA).reshape(v_grid.shape)


def steady_dt_ms(context: RunContext, max_uM: float, min_v_mV: float) -> float:
    """A forward-Euler step of half the fastest blocking time constant (stable, and exact at the
    steady state that is read), between 0.05 and 5 ms."""
    section = f"nmda_blockers.{context.knobs['blocker']}"
    params = context.params
    kon = float(params[f"{section}.kon"] / (1 / (mM * second)))
    boost = np.exp(-(min_v_mV - float(params["nmda_blockers.v_ref"] / mV)) / float(params[f"{section}.v_efold"] / mV))
    rate = (kon * max_uM * 1e-3 * boost + float(params[f"{section}.koff"] * second)) * context.knobs["agonist_open_fraction"]
    return float(np.clip(500.0 / rate, 0.05, 5.0))


def trapping_train(context: RunContext) -> tuple[np.ndarray, np.ndarray]:
    """Peak current (pA) of each event of the two trains, and the blocked fraction of synaptic
    receptors (train 1 end, after the pause, train 2 end)."""
    knobs = context.knobs
    n, period_ms = int(knobs["n_train"]), 1000.0 / knobs["train_hz"]
    first = 10.0 + period_ms * np.arange(n)
    second_start = first[-1] + period_ms + knobs["pause_s"] * 1000.0
    times = np.concatenate([first, second_start + period_ms * np.arange(n)])
    defaultclock.dt = TRAIN_DT_MS * ms
    cells = _clamped_cells(context, np.array([knobs["v_trap_mV"]]), 0.0)
    release, synapse = _synapse(cells, times, context)
    monitor = StateMonitor(cells, ("I_nmda", "blocked_syn"), record=True, dt=1 * ms, name="clamp_current")
    net = Network(cells, release, synapse, monitor)
    cells.blocker = knobs["trap_uM"] * 1e-3 * mM
    net.run((first[-1] + period_ms) * ms, namespace={})
    blocked_end_train = float(cells.blocked_syn[0])
    cells.blocker = 0 * mM  # washout; no agonist during the pause
    net.run((second_start - first[-1] - period_ms) * ms, namespace={})
    blocked_after_pause = float(cells.blocked_syn[0])
    net.run((n * period_ms) * ms, namespace={})
    t = np.asarray(monitor.t / ms)
    current = np.asarray(monitor.I_nmda[0] / pA)
    peaks = np.array([np.max(np.abs(current[(t >= s) & (t < s + min(period_ms, 300.0))])) for s in times])
    return peaks, np.array([blocked_end_train, blocked_after_pause, float(cells.blocked_syn[0])])


def hill_ic50(conc_uM: np.ndarray, fraction: np.ndarray) -> float:
    """Concentration at which the remaining fraction crosses 0.5 (log-linear interpolation), NaN
    if it never does within the tested range."""
    below = np.nonzero(fraction <= 0.5)[0]
    if len(below) == 0 or below[0] == 0:
        return float("nan")
    k = below[0]
    x0, x1 = np.log(conc_uM[k - 1]), np.log(conc_uM[k])
    y0, y1 = fraction[k - 1], fraction[k]
    return float(np.exp(x0 + (0.5 - y0) * (x1 - x0) / (y1 - y0)))


def run(context: RunContext) -> RunResult:
    import brian2

    brian2.device.reinit()
    brian2.set_device("runtime")
    brian2.prefs.codegen.target = "numpy"  # a dozen cells: compiling would cost more than it saves
    knobs = context.knobs
    with_mg, g_with_mg = peak_currents(context, knobs["mg_mM"])
    without_mg, g_without_mg = peak_currents(context, 0.0)
    context.progress(0.1, "Mg2+ block done")
    fraction = g_with_mg / g_without_mg
    conc = np.asarray(knobs["ketamine_uM"], dtype=float)
    ic50 = {}
    currents = {}
    for label, mg in (("mg", knobs["mg_mM"]), ("mg_free", 0.0)):
        steady = steady_currents(context, mg)
        currents[label] = steady[:, 1:]
        remaining = np.divide(steady[:, 1:], steady[:, :1], out=np.full_like(steady[:, 1:], np.nan),
                              where=steady[:, :1] != 0)
        currents[f"{label}_remaining"] = remaining
        ic50[label] = np.array([hill_ic50(conc, row) for row in remaining])
        context.progress(0.4 if label == "mg" else 0.7, f"{knobs['blocker']} concentration-response ({label}) done")
    peaks, blocked = trapping_train(context)
    context.progress(1.0, "trapping experiment done")
    v_hold = np.asarray(knobs["v_hold_mV"], dtype=float)
    readouts = {
        "v_hold_mV": Readout(v_hold, "mV", "holding potentials"),
        "blocker_uM": Readout(conc, "uM", "blocker concentrations of the concentration-response"),
        "peak_current_mg_pA": Readout(with_mg, "pA", "peak synaptic NMDA current at each holding potential with Mg2+"),
        "peak_current_mg_free_pA": Readout(without_mg, "pA", "peak synaptic NMDA current without Mg2+"),
        "unblocked_fraction_mg": Readout(fraction, "1", "peak NMDA conductance with Mg2+ / without (Jahr & Stevens B(V); "
                                                       "defined at the reversal potential too)"),
        "nmda_current_pA": Readout(currents["mg"], "pA", "steady current with Mg2+ [holding potential x blocker concentration]"),
        "remaining_fraction_mg": Readout(currents["mg_remaining"], "1", "steady current with blocker / without, with Mg2+ [v x conc]"),
        "remaining_fraction_mg_free": Readout(currents["mg_free_remaining"], "1", "the same without Mg2+ [v x conc]"),
        "ic50_uM": Readout(ic50["mg"], "uM", "blocker IC50 with Mg2+ at each holding potential"),
        "ic50_mg_free_uM": Readout(ic50["mg_free"], "uM", "blocker IC50 without Mg2+ at each holding potential"),
        "train_peak_pA": Readout(peaks, "pA", "peak current of each synaptic event: train with blocker, pause, train after washout"),
        "blocked_fraction": Readout(blocked, "1", "blocked synaptic receptors at the end of train 1, after the pause, at the end of train 2"),
    }
    return RunResult(spikes={}, population_sizes={}, readouts=readouts)
