"""Fentanyl-induced hyperalgesia after four s.c. boluses, with or without ketamine pretreatment.

Methods (Celerier et al. 2000 Anesthesiology 92:465; Laulin et al. 2002 Anesth Analg 94:1263):
``n_boluses`` s.c. fentanyl boluses of ``fentanyl_ug_kg`` every ``bolus_every_min`` (protocol
time 0 is the first bolus); ketamine ``ketamine_mg_kg`` s.c. ``ketamine_before_min`` before the
first bolus (0: none). The nociceptive threshold is tested drug-free at ``-baseline_h`` and then
at each time of ``test_h`` over ``follow_days`` (``threshold_course``: the mechanical withdrawal
threshold of the model stands for the paw-pressure vocalisation threshold of the papers), with a
fast-layer probe every ``probe_every_h`` coupling the NMDA activity and the descending ON-cell
output to the slow layer.

The later morphine effect of Laulin et al. 2002 is tested with ``morphine_mg_kg`` s.c. given
``morphine_test_min`` before a threshold test, drug-free at baseline and at ``morphine_test_h``
(0 mg/kg: no morphine tests); the dose acts in that test only. Its effect is the threshold it
gives above the drug-free baseline threshold, and ``morphine_effect_reduction_percent`` the loss
of that effect after fentanyl relative to the drug-free test.

Read-outs: ``threshold_percent`` per test (% of baseline), the early analgesia (``peak_percent``,
``analgesia_h``: the last test of the first run of tests above ``ANALGESIA_PERCENT``), the delayed
hyperalgesia (``nadir_percent`` and ``nadir_h``, the lowest threshold after the analgesia; and
``recovery_h``, the first later test back within ``RECOVERED_PERCENT`` of baseline).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from circuits import pharmacokinetics as pk

from ..engine import FastLayer
from . import threshold_course
from .base import Knob, Readout, RunContext, RunResult
from .threshold_course import DAY, HOUR

NAME = "fentanyl_oih"
SUMMARY = "four s.c. fentanyl boluses, optional ketamine before: early analgesia, delayed hyperalgesia over days"
KNOBS = {
    "fentanyl_ug_kg": Knob(100.0, "ug/kg", "dose of each fentanyl bolus (Celerier et al. 2000: 20, 60 or 100)",
                           minimum=0.0, maximum=1000.0),
    "n_boluses": Knob(4, "count", "number of fentanyl boluses", minimum=1, maximum=20),
    "bolus_every_min": Knob(15.0, "min", "interval between boluses", minimum=1.0, maximum=240.0),
    "ketamine_mg_kg": Knob(0.0, "mg/kg", "s.c. ketamine before the first bolus (Celerier et al. 2000: 10; 0: none)",
                           minimum=0.0, maximum=200.0),
    "ketamine_before_min": Knob(30.0, "min", "time from ketamine to the first fentanyl bolus [T]",
                                minimum=0.0, maximum=240.0),
    "baseline_h": Knob(1.0, "h", "time of the drug-free threshold test before the first bolus (and before ketamine)",
                       minimum=0.25, maximum=24.0),
    "test_h": Knob([0.25, 0.5, 0.75, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 24.0, 48.0, 72.0, 96.0, 120.0, 168.0], "list",
                   "times of the threshold tests after the first bolus (every 15 min in the bolus hour: the acute "
                   "tolerance sets in during the boluses, so the peak of the analgesia falls within it)",
                   minimum=0.0, maximum=24.0 * 60, item_unit="h"),
    "follow_days": Knob(7.0, "day", "follow-up after the first bolus (the last probe)", minimum=0.1, maximum=60.0),
    "morphine_mg_kg": Knob(5.0, "mg/kg", "s.c. morphine of the morphine tests (Laulin et al. 2002; 0: none)",
                           minimum=0.0, maximum=100.0),
    "morphine_test_h": Knob(4.0, "h", "time after the first bolus of the morphine test after fentanyl "
                            "(Laulin et al. 2002: when the fentanyl effects have ended [T])", minimum=0.0, maximum=24.0 * 60),
    "morphine_test_min": Knob(30.0, "min", "time from the morphine dose to its threshold test (rat brain peak "
                              "15-20 min, targets section 6)", minimum=1.0, maximum=240.0),
    **threshold_course.KNOBS,
    "forces_mN": replace(threshold_course.KNOBS["forces_mN"],
                         default=[10.0, 25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1200.0, 1600.0, 2000.0],
                         doc="forces of each threshold test, an ascending series (up to 2000 mN so that the peak "
                             "analgesia of the bolus hour is measured below the cut-off: 7-16 times the baseline "
                             "threshold at scale 0.5, experiments/fits/fentanyl_acute_tolerance.toml)"),
    "stimulus_s": replace(threshold_course.KNOBS["stimulus_s"], default=1.0,
                          doc="duration of each run: one force step, or ongoing activity (1 s: the setting the "
                              "afferent potentiation was fitted at, experiments/fits/fentanyl_oih.toml; at 2-s steps "
                              "the 4 x 100 ug/kg nadir is 87% of baseline instead of 69%)"),
}
#: a test above this % of baseline counts as analgesia
ANALGESIA_PERCENT = 110.0
#: a test within this % of baseline counts as recovered
RECOVERED_PERCENT = 90.0


def regimen(knobs: dict) -> pk.Regimen:
    """The fentanyl boluses and the ketamine pretreatment of the knobs."""
    every = knobs["bolus_every_min"] * 60.0
    doses: pk.Regimen = [pk.Dose("fentanyl", knobs["fentanyl_ug_kg"], "ug/kg", route="sc", time=k * every)
                         for k in range(int(knobs["n_boluses"])) if knobs["fentanyl_ug_kg"] > 0]
    if knobs["ketamine_mg_kg"] > 0:
        doses.append(pk.Dose("ketamine", knobs["ketamine_mg_kg"], "mg/kg", route="sc",
                             time=-60.0 * knobs["ketamine_before_min"]))
    return doses


def start_s(knobs: dict) -> float:
    """Protocol time (s) of the drug-free baseline test, the start of the course."""
    return -HOUR * max(knobs["baseline_h"], knobs["ketamine_before_min"] / 60.0 + knobs["morphine_test_min"] / 60.0)


def schedule(knobs: dict) -> tuple[np.ndarray, np.ndarray]:
    """Times (s) of the regular probes and of the threshold tests (baseline first);
    ``threshold_course.run_course`` adds a probe at each dose."""
    end = knobs["follow_days"] * DAY
    start = start_s(knobs)
    probes = np.arange(start, end + 1e-6, knobs["probe_every_h"] * HOUR)
    tests = np.asarray(knobs["test_h"], dtype=float) * HOUR
    if knobs["morphine_mg_kg"] > 0:
        tests = np.union1d(tests, [knobs["morphine_test_h"] * HOUR])
    return probes, np.concatenate([[start], np.unique(tests[tests <= end])])


def run(context: RunContext, layer: FastLayer | None = None) -> RunResult:
    """The course of the knobs, on ``layer`` (a ``threshold_course.course_layer`` of the same knobs)
    when given, else on a build of its own."""
    knobs, params = context.knobs, context.params
    if knobs["morphine_mg_kg"] > 0 and knobs["morphine_test_h"] > knobs["follow_days"] * 24.0:
        raise ValueError("morphine_test_h must fall within follow_days")
    probes, tests = schedule(knobs)
    morphine_at = [tests[0], knobs["morphine_test_h"] * HOUR] if knobs["morphine_mg_kg"] > 0 else []

    def challenges(t: float) -> list[pk.Regimen]:
        if not np.any(np.isclose(t, morphine_at)):
            return []
        return [[pk.Dose("morphine", knobs["morphine_mg_kg"], "mg/kg", route="sc",
                         time=t - 60.0 * knobs["morphine_test_min"])]]

    course = threshold_course.run_course(context, regimen(knobs), probes, tests, challenges=challenges,
                                         blocker="ketamine", start_s=start_s(knobs), layer=layer)
    readouts, timeseries = threshold_course.course_readouts(course, knobs, params, time_unit="hour")
    readouts.update(phase_readouts(readouts["test_hours"].value, readouts["threshold_percent"].value))
    if course.challenges:
        _, with_morphine = threshold_course.thresholds_of([runs[0] for _, runs in course.challenges], course.sizes,
                                                          knobs, params)
        readouts.update(morphine_readouts(with_morphine, float(readouts["withdrawal_threshold_mN"].value[0])))
    return RunResult(spikes=threshold_course.tested_spikes(course, knobs), population_sizes=course.sizes,
                     readouts=readouts, timeseries=timeseries)


def phase_readouts(hours: np.ndarray, percent: np.ndarray) -> dict[str, Readout]:
    """Early analgesia and delayed hyperalgesia of a threshold course (first entry: baseline)."""
    after = hours > 0
    h, p = hours[after], percent[after]
    above = p > ANALGESIA_PERCENT
    n_analgesic = int(np.argmin(above)) if not above.all() else len(p)
    analgesia_h = float(h[n_analgesic - 1]) if n_analgesic else 0.0
    late_h, late_p = h[n_analgesic:], p[n_analgesic:]
    if len(late_p):
        k = int(np.argmin(late_p))
        nadir, nadir_h = float(late_p[k]), float(late_h[k])
        back = np.flatnonzero((late_h > nadir_h) & (late_p >= RECOVERED_PERCENT))
        recovery_h = float(late_h[back[0]]) if len(back) and nadir < RECOVERED_PERCENT else np.nan
    else:
        nadir = nadir_h = recovery_h = np.nan
    return {
        "peak_percent": Readout(float(p.max()) if len(p) else np.nan, "%", "highest threshold after the first bolus, % of baseline"),
        "analgesia_h": Readout(analgesia_h, "h", f"last test of the first run of tests above {ANALGESIA_PERCENT:g}% of baseline"),
        "nadir_percent": Readout(nadir, "%", "lowest threshold after the analgesia, % of baseline"),
        "nadir_h": Readout(nadir_h, "h", "time of the lowest threshold after the analgesia"),
        "recovery_h": Readout(recovery_h, "h", f"first test after the nadir back to {RECOVERED_PERCENT:g}% of baseline "
                              "(NaN: no hyperalgesia, or not recovered by the last test)"),
    }


def morphine_readouts(with_morphine: np.ndarray, baseline_mN: float) -> dict[str, Readout]:
    """Effect of the morphine test drug-free and after fentanyl (thresholds of the two tests)."""
    effect = np.asarray(with_morphine, dtype=float) - baseline_mN
    reduction = 100.0 * (1.0 - effect[1] / effect[0]) if effect[0] > 0 else np.nan
    return {
        "morphine_threshold_mN": Readout(np.asarray(with_morphine, dtype=float), "mN",
                                         "threshold with the morphine test drug-free and after fentanyl"),
        "morphine_effect_mN": Readout(effect, "mN", "morphine-test threshold above the drug-free baseline threshold"),
        "morphine_effect_reduction_percent": Readout(float(reduction), "%", "loss of the morphine effect after fentanyl, "
                                                     "% of the drug-free effect (Laulin et al. 2002)"),
    }
