"""Opioid-withdrawal LTP at C-fibre synapses on NK1R+ lamina I neurons.

Methods (Drdla et al. 2009 Science 325:207; Heinl et al. 2011 J Neurosci 31:16748). An i.v.
infusion of ``drug`` at ``rate_ug_kg_h`` for ``duration_min`` ends abruptly (``taper_min`` = 0)
or with a taper over ``taper_min`` that halves the rate in each of ``TAPER_STEPS`` equal steps.
The taper is exponential rather than linear because MOR occupancy saturates with concentration:
a linear taper keeps occupancy near its infusion value until the last minutes and then lets it
fall as steeply as a stop (measured: rebound 0.16 at the end of a 60-min linear taper against
< 0.1 for the halving taper; ``tests/circuits/test_adaptation.py``). The rat pharmacokinetics
give the effect-site concentration (``circuits.pharmacokinetics``). Every ``probe_every_min`` the fast layer is
probed with ``n_test`` C-fibre-strength test pulses at ``test_hz`` (the two-time-scale engine,
``experiments.two_time_scales``): the C-fibre-evoked response is the number of spikes per lamina I
NK1R+ cell 90-300 ms after each pulse, averaged over the pulses (the spiking counterpart of the
C-fibre-evoked field potential). Each probe samples the conditions of the interval that follows
it, and the potentiation it induces is extrapolated over that interval; between probes the slow
layer integrates desensitisation, the adenylyl-cyclase rebound and the decay and consolidation of
early potentiation. An NMDA channel blocker (``blocker``, ``blocker_mg_kg`` i.v. at
``blocker_min`` after the end of the infusion; negative = before it) tests whether the LTP needs
NMDA receptors during withdrawal (Drdla et al. 2009; Heinl et al. 2011). ``ltp_percent`` is the mean evoked response of the probes in the last hour
as a percentage of the pre-drug probe (100 = unchanged). Spikes are stored at their protocol time
(probe time plus time within the probe); the time between probes is not simulated.
"""

from __future__ import annotations

import numpy as np

from circuits import build_circuit
from circuits import pharmacokinetics as pk

from ..engine import FastLayer
from ..two_time_scales import CoupledRun
from . import c_fibre_probe as probe
from . import windup
from .base import Knob, Readout, RunContext, RunResult

NAME = "withdrawal_ltp"
SUMMARY = "opioid infusion then abrupt stop or taper: withdrawal LTP of C-fibre responses in lamina I"
KNOBS = {
    "drug": Knob("remifentanil", "choice", "opioid infused", choices=("remifentanil", "fentanyl", "morphine")),
    "rate_ug_kg_h": Knob(450.0, "ug/kg/h", "infusion rate (Drdla et al. 2009: remifentanil 450)", minimum=0.0,
                         maximum=1e5),
    "duration_min": Knob(60.0, "min", "infusion duration", minimum=1.0, maximum=1440.0),
    "taper_min": Knob(0.0, "min", "taper after the infusion, halving the rate in 6 steps (0 = abrupt stop)", minimum=0.0, maximum=1440.0),
    "follow_min": Knob(180.0, "min", "follow-up after the end of the input", minimum=10.0, maximum=2880.0),
    "blocker": Knob("none", "choice", "NMDA channel blocker given around the withdrawal",
                    choices=("none", "ketamine", "mk801", "memantine")),
    "blocker_mg_kg": Knob(0.3, "mg/kg", "blocker dose, i.v.", minimum=0.0, maximum=200.0),
    "blocker_min": Knob(-10.0, "min", "time of the blocker dose after the end of the infusion (negative: before)",
                        minimum=-1440.0, maximum=1440.0),
    "probe_every_min": Knob(10.0, "min", "interval between probes", minimum=1.0, maximum=120.0),
    **probe.KNOBS,
    "rvm_inactivated": Knob(False, "bool", "lidocaine in the RVM (Kaplan & Fields 1991)"),
    "dlf_lesion": Knob(False, "bool", "bilateral DLF lesion (Vanderah et al. 2001)"),
}
MIN = probe.MIN
#: steps of the taper; the rate halves at each
TAPER_STEPS = 6


def probe_times_s(knobs: dict) -> np.ndarray:
    """Probe times: pre-drug (0), then every ``probe_every_min`` to the end of the follow-up."""
    end = (knobs["duration_min"] + knobs["taper_min"] + knobs["follow_min"]) * MIN
    return np.arange(0.0, end + 1e-9, knobs["probe_every_min"] * MIN)


def regimen(knobs: dict) -> pk.Regimen:
    stop, step = knobs["duration_min"] * MIN, knobs["taper_min"] * MIN / TAPER_STEPS
    doses: pk.Regimen = [pk.Infusion(knobs["drug"], knobs["rate_ug_kg_h"], "ug/kg/h", start=0.0, stop=stop)]
    if step > 0:
        doses += [pk.Infusion(knobs["drug"], knobs["rate_ug_kg_h"] * 0.5 ** (k + 1), "ug/kg/h",
                              start=stop + k * step, stop=stop + (k + 1) * step) for k in range(TAPER_STEPS)]
    if knobs["blocker"] != "none" and knobs["blocker_mg_kg"] > 0:
        time_s = max(0.0, (knobs["duration_min"] + knobs["blocker_min"]) * MIN)
        doses.append(pk.Dose(knobs["blocker"], knobs["blocker_mg_kg"], "mg/kg", route="iv", time=time_s))
    return doses


def run(context: RunContext) -> RunResult:
    knobs, params = context.knobs, context.params
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed),
                      probe.duration_s(knobs), device=context.device, seed=context.seed,
                      build_root=context.build_root, dt_ms=context.dt_ms)
    try:
        sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
        coupled = CoupledRun(layer, params, regimen(knobs), species="rat",
                             blocker="ketamine" if knobs["blocker"] == "none" else knobs["blocker"])
        times = probe_times_s(knobs)
        interval = knobs["probe_every_min"] * MIN

        def run_args(modulation):
            args = layer.circuit.parameter_values(params, rvm_inactivated=knobs["rvm_inactivated"],
                                                  dlf_lesion=knobs["dlf_lesion"], modulation=modulation)
            args.update(windup.stimulator_args(probe.test_train(knobs)))
            return args

        records = []
        for k, t in enumerate(times):
            coupled.advance(t)
            records.append(coupled.probe(run_args, represents_s=interval))
            context.progress((k + 1) / len(times), f"probe {k + 1}/{len(times)} at {t / MIN:.0f} min")
    finally:
        layer.close()
    readouts = probe.ltp_readouts(records, sizes, knobs, baseline=0)
    readouts.update({
        "mor_activation": Readout(np.array([r.modulation.mor_spinal for r in records]), "1",
                                  "spinal MOR activation during each probe"),
        "rebound": Readout(np.array([r.modulation.rebound for r in records]), "1",
                           "withdrawal rebound signal during each probe"),
    })
    return RunResult(spikes=probe.protocol_time_spikes(records), population_sizes=sizes, readouts=readouts,
                     timeseries=probe.state_courses(records))
