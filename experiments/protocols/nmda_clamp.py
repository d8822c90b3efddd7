"""NMDA voltage clamp: the Mg2+ block of the model's NMDA channel against Jahr & Stevens 1990.

Methods. A population of cells, one per holding potential, is clamped at ``v_hold_mV``; each
receives the same presynaptic spike (the model's NMDA synapse, ``circuits.neurons.NMDA_GATING``
and ``MG_BLOCK``, with the circuit's synaptic parameters). The peak NMDA current is measured with
``mg_mM`` and again in Mg2+-free solution; their ratio is the unblocked fraction B(V).
The clamp has no network: it runs in Brian2's runtime mode whatever the device.
"""

from __future__ import annotations

import numpy as np
from brian2 import (Network, NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, mM, ms,
                    mV, nS, pA)

from circuits import neurons
from .base import Knob, Readout, RunContext, RunResult

NAME = "nmda_clamp"
SUMMARY = "voltage clamp of the NMDA synapse: Mg2+ block against holding potential"
KNOBS = {
    "v_hold_mV": Knob([-100.0, -80.0, -70.0, -60.0, -50.0, -40.0, -30.0, -20.0, -10.0, 20.0, 40.0],
                      "list", "holding potentials", minimum=-120.0, maximum=60.0, item_unit="mV"),
    "mg_mM": Knob(1.0, "mM", "extracellular Mg2+", minimum=0.0, maximum=20.0),
    "g_nmda_nS": Knob(1.0, "nS", "peak NMDA conductance of the test synapse", minimum=0.0),
}

CLAMP_EQUATIONS = neurons.NMDA_GATING + f"""
I_nmda = g_nmda * mg_block * (E_exc - v) : amp
mg_block = {neurons.MG_BLOCK} : 1
v : volt (constant)
"""


def peak_currents(context: RunContext, mg_mM: float) -> np.ndarray:
    """Peak NMDA current (pA; positive depolarises, the Brian2 convention) at every holding potential."""
    sp = context.params.section("synapses")
    v_hold = np.asarray(context.knobs["v_hold_mV"], dtype=float)
    cells = NeuronGroup(len(v_hold), CLAMP_EQUATIONS, method="exact", name="clamped_cells")
    cells.v = v_hold * mV
    cells.mg = mg_mM * mM
    for key in ("mg_K0", "mg_slope", "E_exc", "tau_nmda_rise", "tau_nmda_decay"):
        setattr(cells, key, sp[key])
    release = SpikeGeneratorGroup(1, [0], [5] * ms, name="presynaptic_release")
    synapse = Synapses(release, cells, model="w : siemens (shared)\nnorm : 1 (shared)",
                       on_pre="x_nmda_post += w * norm", name="nmda_synapse")
    synapse.connect()
    synapse.w = context.knobs["g_nmda_nS"] * nS
    synapse.norm = neurons.dual_exponential_peak_factor(sp["tau_nmda_rise"], sp["tau_nmda_decay"])
    monitor = StateMonitor(cells, "I_nmda", record=True, name="clamp_current")
    Network(cells, release, synapse, monitor).run(100 * ms, namespace={})
    currents = monitor.I_nmda / pA
    return currents[np.arange(len(v_hold)), np.argmax(np.abs(currents), axis=1)]


def run(context: RunContext) -> RunResult:
    import brian2

    brian2.device.reinit()
    brian2.set_device("runtime")
    brian2.prefs.codegen.target = "numpy"  # a dozen cells: compiling would cost more than it saves
    with_mg = peak_currents(context, context.knobs["mg_mM"])
    context.progress(0.5, "Mg2+ clamp done")
    without_mg = peak_currents(context, 0.0)
    context.progress(1.0, "Mg2+-free clamp done")
    fraction = np.divide(with_mg, without_mg, out=np.full_like(with_mg, np.nan), where=without_mg != 0)
    readouts = {
        "v_hold_mV": Readout(np.asarray(context.knobs["v_hold_mV"], dtype=float), "mV", "holding potentials"),
        "nmda_current_pA": Readout(with_mg, "pA", "peak NMDA current at each holding potential with Mg2+"),
        "nmda_current_mg_free_pA": Readout(without_mg, "pA", "peak NMDA current without Mg2+"),
        "unblocked_fraction_mg": Readout(fraction, "1", "peak current with Mg2+ / without (Jahr & Stevens B(V))"),
    }
    return RunResult(spikes={}, population_sizes={}, readouts=readouts)
