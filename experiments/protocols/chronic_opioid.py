"""Chronic opioid exposure over days: withdrawal thresholds, RVM activity and the adaptive states.

Methods (Vanderah et al. 2000 J Neurosci 20:7074 and 2001 J Neurosci 21:279; Xie et al. 2005 J
Neurosci 25:409; Mao et al. 2002 J Neurosci 22:8312). ``drug`` is given for ``days`` by
``delivery``: an s.c. osmotic ``pump`` or an intrathecal infusion (``intrathecal``) at
``rate_mg_kg_day``, an s.c. ``pellet`` releasing ``pellet_mg_kg`` at a constant rate over the
exposure, or s.c. ``boluses`` of ``bolus_mg_kg`` every ``bolus_every_h``. An NMDA channel
blocker (``blocker``) can run alongside by s.c. pump at ``blocker_mg_kg_day`` from
``blocker_start_day`` to the end of the exposure: from day 0 it is given with the opioid, later it
is given once the adaptations are established (Dunbar & Yaksh 1996; Benrath et al. 2005).

The two-time-scale engine (``experiments.two_time_scales``) couples the slow layer (drug
kinetics, MOR desensitisation, RVM CCK drive, transporter capacity, potentiation) to one
standalone build of the fast layer, a run of ``stimulus_s`` with one step of mechanical force:

- every ``probe_every_h`` the fast layer runs without force in the current drug and slow state;
  the NMDA activity it measures drives the NMDA-dependent adaptations until the next probe, and
  the mean rates of RVM ON, OFF and NEUTRAL cells are recorded;
- every ``test_every_h`` (from day 0, before the drug) the withdrawal threshold is tested: the
  run is repeated once per force of ``forces_mN`` (the force of a run is a run-time variable of
  the build, ``force_gain``) and the threshold is the force at which the peak WDR population rate
  reaches the reflex criterion, as in ``mechanical`` (von Frey thresholds, Vanderah et al. 2001).

``threshold_percent`` is each test's threshold as a percentage of the day-0 test.

Tolerance is measured as in Dunbar & Yaksh 1996 and Vanderah et al. 2001: at the day-0 test and
at the end of the exposure (with the drug still on board) an intrathecal morphine dose-response
curve is taken, one threshold test ``challenge_min`` after each dose of ``challenge_nmol`` (the
dose acts in that test only). The effect of a dose is its maximum possible effect,
``%MPE = 100 (T_dose - T_pre) / (T_cutoff - T_pre)`` with ``T_pre`` the threshold without the dose
and ``T_cutoff`` the largest force (a threshold beyond it counts as the cut-off, as in every test); ED50 is the dose
at which %MPE crosses 50% (log-linear interpolation; infinite when no dose reaches it) and
``ed50_shift_fold`` the end ED50 over the day-0 ED50.

Spikes of the threshold tests (not of the dose-response tests) are stored at their protocol time;
the time between runs is not simulated.
"""

from __future__ import annotations

import numpy as np

from circuits import build_circuit
from circuits import pharmacokinetics as pk

from .. import analysis
from ..engine import FastLayer
from ..two_time_scales import CoupledRun
from . import c_fibre_probe
from .base import Knob, Readout, RunContext, RunResult, TimeSeries
from .mechanical import threshold_crossing

NAME = "chronic_opioid"
SUMMARY = "days of opioid (pump, pellet, boluses, intrathecal): withdrawal thresholds, RVM rates, adaptive states"
KNOBS = {
    "drug": Knob("morphine", "choice", "opioid given", choices=("morphine", "fentanyl", "remifentanil")),
    "delivery": Knob("pump", "choice", "s.c. osmotic pump, s.c. pellet, repeated s.c. boluses, or intrathecal infusion",
                     choices=("pump", "pellet", "boluses", "intrathecal")),
    "days": Knob(7.0, "day", "duration of the exposure", minimum=0.25, maximum=60.0),
    "follow_days": Knob(0.0, "day", "follow-up after the exposure ends", minimum=0.0, maximum=60.0),
    "rate_mg_kg_day": Knob(100.0, "mg/kg/day", "pump or intrathecal rate (s.c. 100 mg/kg/day morphine holds MOR "
                           "occupancy at 0.5 in the rat set, the low end of the range the slow layer is fitted over; "
                           "circuits/adaptation.py)", minimum=0.0, maximum=1000.0),
    "pellet_mg_kg": Knob(250.0, "mg/kg", "pellet content per body weight, released evenly over `days` "
                         "(75 mg base in a 0.3 kg rat)", minimum=0.0, maximum=5000.0),
    "bolus_mg_kg": Knob(10.0, "mg/kg", "dose of each s.c. bolus", minimum=0.0, maximum=1000.0),
    "bolus_every_h": Knob(12.0, "h", "interval between boluses", minimum=1.0, maximum=168.0),
    "blocker": Knob("none", "choice", "NMDA channel blocker by s.c. pump alongside the opioid",
                    choices=("none", "ketamine", "mk801", "memantine")),
    "blocker_mg_kg_day": Knob(0.0, "mg/kg/day", "blocker pump rate", minimum=0.0, maximum=2000.0),
    "blocker_start_day": Knob(0.0, "day", "start of the blocker (0: with the opioid)", minimum=0.0, maximum=60.0),
    "probe_every_h": Knob(1.0, "h", "interval of the fast-layer probes that couple NMDA activity to the slow layer",
                          minimum=0.25, maximum=24.0),
    "test_every_h": Knob(24.0, "h", "interval of the withdrawal-threshold tests", minimum=1.0, maximum=168.0),
    "forces_mN": Knob([10.0, 25.0, 50.0, 100.0, 200.0, 400.0], "list", "forces of each threshold test",
                      minimum=0.0, maximum=2000.0, item_unit="mN"),
    "challenge_nmol": Knob([1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0], "list",
                           "i.t. morphine doses of the dose-response tests on day 0 and at the end of the exposure "
                           "(nmol per 0.3 kg rat, as Dunbar & Yaksh 1996; empty: no dose-response tests)",
                           minimum=0.0, maximum=1e5, item_unit="nmol", allow_empty=True),
    "challenge_min": Knob(30.0, "min", "time from each i.t. dose to its threshold test", minimum=1.0, maximum=240.0),
    "stimulus_s": Knob(2.0, "s", "duration of each run: one force step, or ongoing activity", minimum=0.5, maximum=10.0),
    "rvm_inactivated": Knob(False, "bool", "lidocaine in the RVM (Kaplan & Fields 1991)"),
    "dlf_lesion": Knob(False, "bool", "bilateral DLF lesion (Vanderah et al. 2001)"),
}
HOUR, DAY = pk.HOUR, pk.DAY
#: body weight that turns the i.t. doses (nmol per rat) into the PK's nmol/kg (Dunbar & Yaksh 1996 [T])
RAT_KG = 0.3
#: force of the build's force step; each run scales it by ``force_gain`` = force / this
REFERENCE_FORCE_MN = 100.0
RVM_CLASSES = ("on_cells", "off_cells", "neutral_cells")


def regimen(knobs: dict) -> pk.Regimen:
    """The opioid (and blocker) schedule of the knobs."""
    drug, end = knobs["drug"], knobs["days"] * DAY
    delivery = knobs["delivery"]
    if delivery == "pump":
        doses: pk.Regimen = [pk.Pump(drug, knobs["rate_mg_kg_day"], "mg/kg/day", stop=end)]
    elif delivery == "intrathecal":
        doses = [pk.Pump(drug, knobs["rate_mg_kg_day"], "mg/kg/day", stop=end, route="it")]
    elif delivery == "pellet":
        doses = [pk.Pellet(drug, knobs["pellet_mg_kg"], "mg/kg", duration=end)]
    else:
        every = knobs["bolus_every_h"] * HOUR
        doses = [pk.Dose(drug, knobs["bolus_mg_kg"], "mg/kg", route="sc", time=t) for t in np.arange(0.0, end, every)]
    start = knobs["blocker_start_day"] * DAY
    if knobs["blocker"] != "none" and knobs["blocker_mg_kg_day"] > 0 and start < end:
        doses.append(pk.Pump(knobs["blocker"], knobs["blocker_mg_kg_day"], "mg/kg/day", start=start, stop=end))
    return doses


def schedule(knobs: dict) -> tuple[np.ndarray, np.ndarray]:
    """Times (s) of the coupling probes and of the threshold tests (every ``test_every_h`` and at
    the dose-response times, :func:`challenge_times`)."""
    end = (knobs["days"] + knobs["follow_days"]) * DAY
    probes = np.arange(0.0, end + 1e-6, knobs["probe_every_h"] * HOUR)
    tests = np.union1d(np.arange(0.0, end + 1e-6, knobs["test_every_h"] * HOUR), challenge_times(knobs))
    return probes, tests


def challenge_times(knobs: dict) -> np.ndarray:
    """Times (s) of the dose-response tests: day 0 and the end of the exposure."""
    return np.array([0.0, knobs["days"] * DAY]) if knobs["challenge_nmol"] else np.zeros(0)


def challenge_dose(nmol: float, test_s: float, knobs: dict) -> pk.Dose:
    """The i.t. morphine dose of a dose-response test at ``test_s``."""
    return pk.Dose("morphine", nmol / RAT_KG, "nmol/kg", route="it", time=test_s - 60.0 * knobs["challenge_min"])


def run(context: RunContext) -> RunResult:
    knobs, params = context.knobs, context.params
    if knobs["blocker"] != "none" and knobs["blocker_mg_kg_day"] > 0 and knobs["blocker_start_day"] >= knobs["days"]:
        raise ValueError("blocker_start_day must fall within the exposure (before `days`)")
    force_step = (np.array([REFERENCE_FORCE_MN]), knobs["stimulus_s"])
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed, force_schedule=force_step),
                      knobs["stimulus_s"], device=context.device, seed=context.seed, build_root=context.build_root,
                      dt_ms=context.dt_ms)
    blocker = "ketamine" if knobs["blocker"] == "none" else knobs["blocker"]
    try:
        sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
        coupled = CoupledRun(layer, params, regimen(knobs), species="rat", blocker=blocker)
        probe_times, test_times = schedule(knobs)

        def with_force(force_mN):
            def run_args(modulation):
                args = layer.circuit.parameter_values(params, rvm_inactivated=knobs["rvm_inactivated"],
                                                      dlf_lesion=knobs["dlf_lesion"], modulation=modulation)
                args[("afferents", "force_gain")] = force_mN / REFERENCE_FORCE_MN
                return args
            return run_args

        events = sorted([(t, 0) for t in probe_times] + [(t, 1) for t in test_times])
        probes, tests, curves = [], [], []
        for k, (t, kind) in enumerate(events):
            coupled.advance(t)
            if kind == 0:
                probes.append(coupled.probe(with_force(0.0), represents_s=knobs["probe_every_h"] * HOUR))
            else:
                tests.append((t, [coupled.run_only(with_force(f)) for f in knobs["forces_mN"]]))
                if np.any(np.isclose(t, challenge_times(knobs))):
                    curves.append([[coupled.run_only(with_force(f), extra=[challenge_dose(n, t, knobs)])
                                    for f in knobs["forces_mN"]] for n in knobs["challenge_nmol"]])
            context.progress((k + 1) / len(events), f"day {t / DAY:.2f}: {'probe' if kind == 0 else 'threshold test'}")
    finally:
        layer.close()
    readouts, timeseries = chronic_readouts(probes, tests, sizes, knobs,
                                            tau_reflex_s=float(params["withdrawal.tau_reflex"]),
                                            reflex_hz=float(params["withdrawal.rate_threshold"]))
    if curves:
        readouts.update(tolerance_readouts(curves, readouts, sizes, knobs,
                                           tau_reflex_s=float(params["withdrawal.tau_reflex"]),
                                           reflex_hz=float(params["withdrawal.rate_threshold"])))
    timeseries.update(c_fibre_probe.state_courses(probes))
    spikes = _test_spikes(tests, knobs)
    return RunResult(spikes=spikes, population_sizes=sizes, readouts=readouts, timeseries=timeseries)


def test_thresholds(tests: list, sizes: dict, knobs: dict, *, tau_reflex_s: float,
                    reflex_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """(peak WDR population rates per test and force, threshold of each test) of threshold tests,
    each a list of the runs of ``forces_mN``. A test in which no force reaches the criterion gets
    the largest force, the cut-off of a von Frey series."""
    duration = knobs["stimulus_s"]
    forces = np.asarray(knobs["forces_mN"], dtype=float)
    peaks = np.array([[analysis.peak_kernel_rate(spikes["wdr"], sizes["wdr"], 0.0, duration, tau_reflex_s)
                       for spikes in runs] for runs in tests])
    thresholds = np.array([threshold_crossing(forces, peak, reflex_hz) for peak in peaks])
    return peaks, np.nan_to_num(thresholds, nan=float(forces.max()))


def chronic_readouts(probes: list, tests: list, sizes: dict, knobs: dict, *, tau_reflex_s: float,
                     reflex_hz: float) -> tuple[dict[str, Readout], dict[str, TimeSeries]]:
    """Thresholds of the tests and the courses of the coupling probes (records of ``CoupledRun``)."""
    duration, forces = knobs["stimulus_s"], np.asarray(knobs["forces_mN"], dtype=float)
    peaks, thresholds = test_thresholds([runs for _, runs in tests], sizes, knobs, tau_reflex_s=tau_reflex_s,
                                        reflex_hz=reflex_hz)
    days = np.array([t for t, _ in tests]) / DAY
    percent = 100.0 * thresholds / thresholds[0]
    readouts = {
        "test_days": Readout(days, "day", "time of each threshold test"),
        "forces_mN": Readout(forces, "mN", "forces of each test"),
        "wdr_peak_rate_hz": Readout(peaks, "Hz", "peak WDR population rate (reflex kernel) per test and force"),
        "withdrawal_threshold_mN": Readout(thresholds, "mN", "force at which the WDR output reaches the reflex criterion "
                                           "(the largest force when none does)"),
        "threshold_percent": Readout(percent, "%", "withdrawal threshold as a percentage of the day-0 test"),
        "final_threshold_percent": Readout(float(percent[-1]), "%", "threshold of the last test, % of day 0"),
    }
    times = np.array([r.time_s for r in probes])
    timeseries = {
        "nmda_activity": TimeSeries(times, np.array([r.nmda_activity for r in probes]), "1",
                                    doc="unblocked fraction of synaptic NMDA receptors in the dorsal horn at each probe"),
        "mor_spinal": TimeSeries(times, np.array([r.modulation.mor_spinal for r in probes]), "1",
                                 doc="spinal MOR activation at each probe"),
        "mor_rvm": TimeSeries(times, np.array([r.modulation.mor_rvm for r in probes]), "1",
                              doc="RVM MOR activation at each probe"),
    }
    for population in RVM_CLASSES:
        rates = [float(analysis.cell_rates(r.spikes[population], sizes[population], 0.0, duration).mean())
                 for r in probes]
        timeseries[f"rate_{population}"] = TimeSeries(times, np.array(rates), "Hz",
                                                      doc=f"mean rate of {population.replace('_', ' ')} at each probe (no stimulus)")
    return readouts, timeseries


def tolerance_readouts(curves: list, readouts: dict, sizes: dict, knobs: dict, *, tau_reflex_s: float,
                       reflex_hz: float) -> dict[str, Readout]:
    """%MPE, ED50 and ED50 shift of the two dose-response curves (day 0, end of exposure)."""
    doses = np.asarray(knobs["challenge_nmol"], dtype=float)
    cutoff = float(np.max(knobs["forces_mN"]))
    days = readouts["test_days"].value
    pre = readouts["withdrawal_threshold_mN"].value[[np.argmin(np.abs(days)), np.argmin(np.abs(days - knobs["days"]))]]
    mpe, ed50 = [], []
    for before, curve in zip(pre, curves):
        _, thresholds = test_thresholds(curve, sizes, knobs, tau_reflex_s=tau_reflex_s, reflex_hz=reflex_hz)
        effect = 100.0 * (thresholds - before) / (cutoff - before)
        mpe.append(np.clip(effect, 0.0, 100.0))
        ed50.append(np.nan_to_num(threshold_crossing(doses, mpe[-1], 50.0), nan=np.inf))  # same log-linear rule
    shift = ed50[1] / ed50[0] if np.isfinite(ed50[0]) and ed50[0] > 0 else np.nan
    return {
        "challenge_nmol": Readout(doses, "nmol", "i.t. morphine doses of the dose-response tests"),
        "challenge_mpe_percent": Readout(np.array(mpe), "%", "maximum possible effect of each dose, day 0 and end of exposure"),
        "ed50_nmol": Readout(np.array(ed50), "nmol", "i.t. morphine ED50 on day 0 and at the end of the exposure (inf: not reached)"),
        "ed50_shift_fold": Readout(float(shift), "1", "end ED50 over day-0 ED50 (inf: no dose reached 50% MPE at the end)"),
    }


def _test_spikes(tests: list, knobs: dict) -> dict:
    """Spikes of the threshold tests at protocol time (test time plus force index x duration, ms)."""
    step_ms = 1000.0 * knobs["stimulus_s"]
    out: dict = {}
    for t, runs in tests:
        for k, spikes in enumerate(runs):
            for population, (times, ids) in spikes.items():
                out.setdefault(population, ([], []))
                out[population][0].append(times + 1000.0 * t + k * step_ms)
                out[population][1].append(ids)
    return {p: (np.concatenate(ts), np.concatenate(ids)) for p, (ts, ids) in out.items()}
