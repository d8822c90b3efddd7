"""Opioid withdrawal, naloxone-precipitated or spontaneous: withdrawal thresholds and the RVM
ON, OFF and NEUTRAL cells.

``kind`` = ``precipitated`` (default): the ``acute_opioid`` protocol with naloxone (its
read-outs and knobs; only the defaults differ), after Kaplan & Fields 1991 J Neurosci 11:1433
(experiment 2): morphine 2 mg/kg i.v., heat trials 10 min later, naloxone 1 mg/kg i.v. 15 min
after the morphine (Kim, Fields & Barbaro 1990 Brain Res 516:37: acute dependence within 15 min)
and heat trials 2 min after naloxone. Naloxone shortens the withdrawal latency below baseline,
and lidocaine in the RVM abolishes that hyperalgesia (Kaplan & Fields 1991); ON cells are more
active and OFF cells silent in withdrawal (Bederson, Fields & Barbaro 1990 Somatosens Mot Res
7:185). Set ``rvm_inactivated`` to repeat it with lidocaine in the RVM.

``kind`` = ``spontaneous``: the ``chronic_opioid`` protocol without its dose-response tests:
``drug`` for ``days`` by an s.c. ``pellet`` of ``pellet_mg_kg`` (removed at the end) or by s.c.
``boluses`` of ``bolus_mg_kg`` every ``bolus_every_h``, then ``follow_days`` drug-free, with the
withdrawal threshold tested every ``test_every_h`` (flinch-jump thresholds after pellet removal
or the last of repeated doses: maximal hyperalgesia 12-36 h after pellet removal, 48-60 h after
the last s.c. dose; Psychopharmacology, doi 10.1007/BF00429309, targets section 7). Read-outs:
those of ``chronic_opioid`` and the withdrawal phase: ``end_h`` (pellet removal, or the last
bolus), ``withdrawal_nadir_percent`` (the lowest threshold after it, % of the day-0 test) and
``withdrawal_nadir_h`` (its time after the end).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import acute_opioid, chronic_opioid
from .base import Knob, Readout, RunContext, RunResult, knobs_of

NAME = "withdrawal"
SUMMARY = "withdrawal, naloxone-precipitated after acute morphine or spontaneous after days: thresholds and RVM cells"
#: knobs of the spontaneous kind taken from ``chronic_opioid`` (the rest are shared with ``acute_opioid``)
_CHRONIC_KNOBS = ("days", "pellet_mg_kg", "bolus_mg_kg", "bolus_every_h", "test_every_h", "probe_every_h")
KNOBS = {
    "kind": Knob("precipitated", "choice", "naloxone-precipitated withdrawal after acute morphine, or spontaneous "
                 "withdrawal at the end of days of exposure", choices=("precipitated", "spontaneous")),
    **acute_opioid.KNOBS,
    "dose_mg_kg": replace(acute_opioid.KNOBS["dose_mg_kg"], default=2.0,
                          doc="(precipitated) morphine dose that makes the rat acutely dependent (Kaplan & Fields "
                              "1991: 2 mg/kg i.v.)"),
    "test_min": replace(acute_opioid.KNOBS["test_min"], default=10.0,
                        doc=f"(precipitated) {acute_opioid.KNOBS['test_min'].doc}"),
    "naloxone_mg_kg": replace(acute_opioid.KNOBS["naloxone_mg_kg"], default=1.0,
                              doc="(precipitated) naloxone after the opioid, by the opioid's route (Kaplan & Fields "
                                  "1991: 1 mg/kg i.v.)"),
    "naloxone_after_min": replace(acute_opioid.KNOBS["naloxone_after_min"], default=15.0,
                                  doc="(precipitated) time from the opioid to naloxone (Kim, Fields & Barbaro 1990: "
                                      "15 min)"),
    "naloxone_test_min": replace(acute_opioid.KNOBS["naloxone_test_min"], default=2.0,
                                 doc="(precipitated) time from naloxone to its heat-trial block (i.v. naloxone acts "
                                     "within a minute [T])"),
    "delivery": Knob("pellet", "choice", "(spontaneous) s.c. pellet removed at the end, or repeated s.c. boluses",
                     choices=("pellet", "boluses")),
    **{name: replace(chronic_opioid.KNOBS[name], doc=f"(spontaneous) {chronic_opioid.KNOBS[name].doc}")
       for name in _CHRONIC_KNOBS},
    "follow_days": replace(chronic_opioid.KNOBS["follow_days"], default=4.0,
                           doc="(spontaneous) drug-free follow-up after the exposure ends"),
}
KNOBS["days"] = replace(KNOBS["days"], default=3.0, doc="(spontaneous) duration of the exposure (a 75-mg pellet is "
                        "typically left 3 days [T])")
KNOBS["test_every_h"] = replace(KNOBS["test_every_h"], default=6.0)
KNOBS["probe_every_h"] = replace(KNOBS["probe_every_h"], default=2.0)
for _name in ("route", "n_trials", "spontaneous_s", "t_before_s", "t_after_s"):
    KNOBS[_name] = replace(KNOBS[_name], doc=f"(precipitated) {KNOBS[_name].doc}")


def run(context: RunContext) -> RunResult:
    if context.knobs["kind"] == "spontaneous":
        return run_spontaneous(context)
    return acute_opioid.run(context)


def run_spontaneous(context: RunContext) -> RunResult:
    """``chronic_opioid`` by pellet or boluses with a drug-free follow-up, and the withdrawal phase."""
    knobs = context.knobs
    if knobs["follow_days"] <= 0:
        raise ValueError("spontaneous withdrawal needs follow_days > 0 (the drug-free phase)")
    result = chronic_opioid.run(replace(context, knobs=knobs_of(chronic_opioid.KNOBS, knobs, challenge_nmol=[])))
    result.readouts.update(withdrawal_phase(result.readouts, end_h(knobs)))
    return result


def end_h(knobs: dict) -> float:
    """Hours from the start of the exposure to its end: pellet removal, or the last bolus."""
    if knobs["delivery"] == "pellet":
        return 24.0 * knobs["days"]
    return float(np.arange(0.0, 24.0 * knobs["days"], knobs["bolus_every_h"])[-1])


def withdrawal_phase(readouts: dict[str, Readout], end: float) -> dict[str, Readout]:
    """Lowest threshold after the end of the exposure and its time after the end."""
    hours = 24.0 * np.asarray(readouts["test_days"].value, dtype=float)
    percent = np.asarray(readouts["threshold_percent"].value, dtype=float)
    after = hours > end
    k = int(np.argmin(percent[after]))
    return {
        "end_h": Readout(end, "h", "end of the exposure (pellet removal, or the last bolus) from its start"),
        "withdrawal_nadir_percent": Readout(float(percent[after][k]), "%",
                                            "lowest threshold after the end of the exposure, % of the day-0 test"),
        "withdrawal_nadir_h": Readout(float(hours[after][k] - end), "h", "time of that lowest threshold after the end"),
    }
