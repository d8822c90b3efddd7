"""LTP of C-fibre responses in lamina I by conditioning stimulation, with ketamine before or after.

Methods (Liu & Sandkuehler 1997; Benrath et al. 2004 Anesthesiology 100:1545; Benrath et al.
2005; Ikeda et al. 2006 Science 312:1659). C-fibre-evoked responses of lamina I NK1R+ neurons
are probed every ``probe_every_min`` (``c_fibre_probe``). At ``conditioning_min`` the afferents
are conditioned at C-fibre strength (``conditioning_strength``): ``hfs``, 4 trains of 100 pulses at 100 Hz, or ``2hz``, 2 Hz
for 2 min. Conditioning is simulated in runs of the probe's length, one train per run (trains
therefore repeat at the probe duration, 13 s at the default probe, instead of every 10 s; lamina I
Ca2+ falls back within a second, so trains do not interact either way), and the potentiation
of the plastic C-fibre input carries from run to run (``experiments.two_time_scales``). S(+)-ketamine
``ketamine_mg_kg`` is given i.v. 60 min before conditioning or 30 min after it
(``ketamine_timing``), with the rat pharmacokinetics and racemic ketamine's channel rates
(S(+)-ketamine is 1.6-2x as potent at the NMDA receptor: Ebert et al. 1997 Eur J Pharmacol
333:99; not yet modelled). A brief high-dose remifentanil infusion (``remifentanil_ug_kg_h`` i.v.
for ``remifentanil_min`` from ``remifentanil_start_min`` after conditioning) tests the erasure
of established LTP (depotentiation: Drdla-Schutting, Benrath, Wunderbaldinger & Sandkuehler 2012
Science 335:235; ``adaptation.potentiation.depotentiation_*``). ``ltp_percent`` is the mean evoked
response of the probes in the last hour as a percentage of the last probe before conditioning.
Spikes are stored at their protocol time; the time between runs is not simulated.
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

NAME = "hfs_ltp"
SUMMARY = "conditioning (100 Hz or 2 Hz) of C fibres: LTP of lamina I responses, ketamine before or after"
KNOBS = {
    "pattern": Knob("hfs", "choice", "conditioning: 4 x 1 s at 100 Hz, or 2 Hz for 2 min", choices=("hfs", "2hz")),
    "conditioning_min": Knob(60.0, "min", "time of conditioning after the first probe", minimum=15.0, maximum=600.0),
    "follow_min": Knob(180.0, "min", "follow-up after conditioning", minimum=30.0, maximum=1440.0),
    "conditioning_strength": Knob(30.0, "1", "conditioning pulse strength, multiples of the A-beta threshold "
                                  "(30: every C fibre)", minimum=0.0),
    "probe_every_min": Knob(15.0, "min", "interval between probes", minimum=1.0, maximum=120.0),
    "ketamine_mg_kg": Knob(0.0, "mg/kg", "S(+)-ketamine i.v. (Benrath et al. 2005: 5 mg/kg)", minimum=0.0, maximum=200.0),
    "ketamine_timing": Knob("before", "choice", "ketamine 60 min before or 30 min after conditioning",
                            choices=("before", "after")),
    "remifentanil_ug_kg_h": Knob(0.0, "ug/kg/h", "remifentanil i.v. infusion after conditioning (0: none; "
                                 "Drdla-Schutting et al. 2012: a brief high dose erases LTP)", minimum=0.0, maximum=1e5),
    "remifentanil_start_min": Knob(60.0, "min", "start of the remifentanil infusion after conditioning",
                                   minimum=0.0, maximum=1440.0),
    "remifentanil_min": Knob(60.0, "min", "duration of the remifentanil infusion", minimum=1.0, maximum=1440.0),
    **probe.KNOBS,
    "rvm_inactivated": Knob(False, "bool", "lidocaine in the RVM (Kaplan & Fields 1991)"),
    "dlf_lesion": Knob(False, "bool", "bilateral DLF lesion (Vanderah et al. 2001)"),
}
MIN = probe.MIN
#: conditioning patterns: (pulse frequency Hz, pulses in all, pulses per train)
PATTERNS = {"hfs": (100.0, 400, 100), "2hz": (2.0, 240, None)}
KETAMINE_OFFSET_MIN = {"before": -60.0, "after": 30.0}


def remifentanil_window_min(knobs: dict) -> tuple[float, float]:
    """Start and end (min) of the remifentanil infusion window, whether or not it is given."""
    start = knobs["conditioning_min"] + knobs["remifentanil_start_min"]
    return start, start + knobs["remifentanil_min"]


def regimen(knobs: dict) -> pk.Regimen:
    doses: pk.Regimen = []
    if knobs["ketamine_mg_kg"] > 0:
        time_s = (knobs["conditioning_min"] + KETAMINE_OFFSET_MIN[knobs["ketamine_timing"]]) * MIN
        doses.append(pk.Dose("ketamine", knobs["ketamine_mg_kg"], "mg/kg", route="iv", time=max(0.0, time_s)))
    if knobs["remifentanil_ug_kg_h"] > 0:
        start, stop = remifentanil_window_min(knobs)
        doses.append(pk.Infusion("remifentanil", knobs["remifentanil_ug_kg_h"], "ug/kg/h", start=start * MIN,
                                 stop=stop * MIN))
    return doses


def conditioning_runs(knobs: dict, run_s: float) -> list[dict]:
    """The conditioning cut into stimulator settings of one run each (after the 2 s lead)."""
    hz, total, per_train = PATTERNS[knobs["pattern"]]
    per_run = per_train or int((run_s - windup.LEAD_S - 1.0) * hz)
    runs, left = [], total
    while left > 0:
        n = min(per_run, left)
        runs.append({"stim_hz": hz, "n_stim": n, "strength": knobs["conditioning_strength"]})
        left -= n
    return runs


def run(context: RunContext) -> RunResult:
    knobs, params = context.knobs, context.params
    run_s = probe.duration_s(knobs)
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed), run_s,
                      device=context.device, seed=context.seed, build_root=context.build_root,
                      dt_ms=context.dt_ms)
    try:
        sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
        coupled = CoupledRun(layer, params, regimen(knobs), species="rat")
        interval = knobs["probe_every_min"] * MIN
        t_cond = knobs["conditioning_min"] * MIN
        before = np.arange(0.0, t_cond - 1e-9, interval)
        trains = conditioning_runs(knobs, run_s)
        after = t_cond + len(trains) * run_s + np.arange(0.0, knobs["follow_min"] * MIN + 1e-9, interval)
        total = len(before) + len(trains) + len(after)

        def args_for(train):
            def run_args(modulation):
                args = layer.circuit.parameter_values(params, rvm_inactivated=knobs["rvm_inactivated"],
                                                      dlf_lesion=knobs["dlf_lesion"], modulation=modulation)
                args.update(windup.stimulator_args(train))
                return args
            return run_args

        test = args_for(probe.test_train(knobs))
        probes, conditioning = [], []
        for t in before:
            coupled.advance(t)
            probes.append(coupled.probe(test, represents_s=interval))
            context.progress(len(probes) / total, f"baseline probe at {t / MIN:.0f} min")
        for k, train in enumerate(trains):
            coupled.advance(t_cond + k * run_s)
            conditioning.append(coupled.probe(args_for(train)))
            context.progress((len(probes) + k + 1) / total, f"conditioning run {k + 1}/{len(trains)}")
        n_baseline = len(probes)
        for t in after:
            coupled.advance(t)
            probes.append(coupled.probe(test, represents_s=interval))
            context.progress((len(probes) + len(trains)) / total, f"probe at {t / MIN:.0f} min")
    finally:
        layer.close()
    readouts = probe.ltp_readouts(probes, sizes, knobs, baseline=n_baseline - 1)
    readouts["ketamine_uM"] = Readout(np.array([r.modulation.blocker_uM for r in probes]), "uM",
                                      "unbound ketamine at the effect site during each probe")
    readouts["conditioning_potentiation"] = Readout(
        float(np.mean(conditioning[-1].early_after[coupled.plastic_classes["lamina1_nk1r"]])), "1",
        "mean early potentiation of the plastic C-fibre input of NK1R+ cells after the last conditioning run")
    after_window = readouts["probe_times_min"].value >= remifentanil_window_min(knobs)[1]
    readouts["potentiation_after_remifentanil"] = Readout(
        float(readouts["potentiation_mean"].value[after_window][0]) if after_window.any() else float("nan"), "1",
        "mean potentiation of the plastic C-fibre input before the first probe after the remifentanil window "
        "(with or without the infusion)")
    records = sorted(probes + conditioning, key=lambda r: r.time_s)
    return RunResult(spikes=probe.protocol_time_spikes(records), population_sizes=sizes, readouts=readouts,
                     timeseries=probe.state_courses(records))

