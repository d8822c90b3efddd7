"""Chronic opioid exposure over days: withdrawal thresholds, RVM activity and the adaptive states.

Methods (Vanderah et al. 2000 J Neurosci 20:7074 and 2001 J Neurosci 21:279; Xie et al. 2005 J
Neurosci 25:409; Mao et al. 2002 J Neurosci 22:8312). ``drug`` is given for ``days`` by
``delivery``: an s.c. osmotic ``pump`` or an intrathecal infusion (``intrathecal``) at
``rate_mg_kg_day``, an s.c. ``pellet`` releasing ``pellet_mg_kg`` at a constant rate over the
exposure, or s.c. ``boluses`` of ``bolus_mg_kg`` every ``bolus_every_h``. An NMDA channel
blocker (``blocker``) can run alongside by s.c. pump at ``blocker_mg_kg_day`` from
``blocker_start_day`` to the end of the exposure: from day 0 it is given with the opioid, later it
is given once the adaptations are established (Dunbar & Yaksh 1996; Benrath et al. 2005).

Every ``probe_every_h`` the fast layer runs without force to couple the NMDA activity and the
descending ON-cell output to the slow layer; every ``test_every_h`` (from day 0, before the drug)
the withdrawal threshold is tested (``threshold_course``: the von Frey thresholds of Vanderah et
al. 2001).

``threshold_percent`` is each test's threshold as a percentage of the day-0 test.

Tolerance is measured as in Dunbar & Yaksh 1996 and Vanderah et al. 2001: at the day-0 test and
at the end of the exposure (with the drug still on board) an intrathecal morphine dose-response
curve is taken, one threshold test ``challenge_min`` after each dose of ``challenge_nmol`` (the
dose acts in that test only). The effect of a dose is its maximum possible effect,
``%MPE = 100 (T_dose - T_pre) / (T_cutoff - T_pre)`` with ``T_pre`` the threshold without the dose
and ``T_cutoff`` the largest force (a threshold beyond it counts as the cut-off, as in every test); ED50 is the dose
at which %MPE crosses 50% (log-linear interpolation; infinite when no dose reaches it) and
``ed50_shift_fold`` the end ED50 over the day-0 ED50.
"""

from __future__ import annotations

import numpy as np

from circuits import pharmacokinetics as pk

from . import threshold_course
from .base import Knob, Readout, RunContext, RunResult
from .mechanical import threshold_crossing
from .threshold_course import DAY, HOUR

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
    "test_every_h": Knob(24.0, "h", "interval of the withdrawal-threshold tests", minimum=1.0, maximum=168.0),
    "challenge_nmol": Knob([1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0], "list",
                           "i.t. morphine doses of the dose-response tests on day 0 and at the end of the exposure "
                           "(nmol per 0.3 kg rat, as Dunbar & Yaksh 1996; empty: no dose-response tests)",
                           minimum=0.0, maximum=1e5, item_unit="nmol", allow_empty=True),
    "challenge_min": Knob(30.0, "min", "time from each i.t. dose to its threshold test", minimum=1.0, maximum=240.0),
    **threshold_course.KNOBS,
}
#: body weight that turns the i.t. doses (nmol per rat) into the PK's nmol/kg (Dunbar & Yaksh 1996 [T])
RAT_KG = 0.3


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

    def challenges(t: float) -> list[pk.Regimen]:
        if not np.any(np.isclose(t, challenge_times(knobs))):
            return []
        return [[challenge_dose(n, t, knobs)] for n in knobs["challenge_nmol"]]

    course = threshold_course.run_course(context, regimen(knobs), *schedule(knobs), challenges=challenges,
                                         blocker="ketamine" if knobs["blocker"] == "none" else knobs["blocker"])
    readouts, timeseries = threshold_course.course_readouts(course, knobs, params)
    if course.challenges:
        readouts.update(tolerance_readouts([curve for _, curve in course.challenges], readouts, course.sizes, knobs,
                                           params))
    return RunResult(spikes=threshold_course.tested_spikes(course, knobs), population_sizes=course.sizes,
                     readouts=readouts, timeseries=timeseries)


def tolerance_readouts(curves: list, readouts: dict, sizes: dict, knobs: dict, params) -> dict[str, Readout]:
    """%MPE, ED50 and ED50 shift of the two dose-response curves (day 0, end of exposure)."""
    doses = np.asarray(knobs["challenge_nmol"], dtype=float)
    cutoff = float(np.max(knobs["forces_mN"]))
    days = readouts["test_days"].value
    pre = readouts["withdrawal_threshold_mN"].value[[np.argmin(np.abs(days)), np.argmin(np.abs(days - knobs["days"]))]]
    mpe, ed50 = [], []
    for before, curve in zip(pre, curves):
        _, thresholds = threshold_course.thresholds_of(curve, sizes, knobs, params)
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
