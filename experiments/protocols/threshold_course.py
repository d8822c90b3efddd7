"""Withdrawal-threshold courses over hours to days on one build: the machinery that
``chronic_opioid`` and ``fentanyl_oih`` share.

The two-time-scale engine (``experiments.two_time_scales``) couples the slow layer (drug
kinetics, MOR desensitisation, RVM CCK drive, transporter capacity, afferent gain, potentiation)
to one standalone build of the fast layer, a run of ``stimulus_s`` with one step of mechanical
force:

- at each probe time the fast layer runs without force in the current drug and slow state; the
  NMDA activity and the descending ON-cell output it measures drive the slow layer until the next
  probe, and the mean rates of RVM ON, OFF and NEUTRAL cells are recorded;
- at each test time the withdrawal threshold is tested with an ascending series: the run is
  repeated with the forces of ``forces_mN`` from the smallest up (the force of a run is a run-time
  variable of the build, ``force_gain``) until the peak WDR population rate reaches the reflex
  criterion, and the threshold is the force at which it does, as in ``mechanical`` (von Frey
  thresholds, Vanderah et al. 2001); the series stops there, as an ascending von Frey or
  paw-pressure test stops at the first withdrawal, and a test in which no force reaches the
  criterion gets the largest force, the cut-off;
- a test may carry drug challenges (an i.t. or s.c. dose that acts in that test only): the
  threshold test is repeated under each.

Spikes of the threshold tests (not of the challenges) are stored at their protocol time; the time
between runs is not simulated.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from circuits import build_circuit
from circuits import pharmacokinetics as pk

from .. import analysis
from ..engine import FastLayer
from ..two_time_scales import CoupledRun, ProbeRecord
from . import c_fibre_probe
from .base import Knob, Readout, RunContext, TimeSeries
from .mechanical import threshold_crossing

#: knobs of every threshold course
KNOBS = {
    "probe_every_h": Knob(1.0, "h", "interval of the fast-layer probes that couple NMDA activity to the slow layer",
                          minimum=0.25, maximum=24.0),
    "forces_mN": Knob([10.0, 25.0, 50.0, 100.0, 200.0, 400.0], "list", "forces of each threshold test",
                      minimum=0.0, maximum=2000.0, item_unit="mN"),
    "stimulus_s": Knob(2.0, "s", "duration of each run: one force step, or ongoing activity", minimum=0.5, maximum=10.0),
    "rvm_inactivated": Knob(False, "bool", "lidocaine in the RVM (Kaplan & Fields 1991)"),
    "dlf_lesion": Knob(False, "bool", "bilateral DLF lesion (Vanderah et al. 2001)"),
}
#: force of the build's force step; each run scales it by ``force_gain`` = force / this
REFERENCE_FORCE_MN = 100.0
RVM_CLASSES = ("on_cells", "off_cells", "neutral_cells")
HOUR, DAY = pk.HOUR, pk.DAY


@dataclass
class Course:
    """What a threshold course returns: probe records, the runs of each test (one per force),
    the runs of each challenge of a test, and the population sizes of the build."""

    probes: list[ProbeRecord]
    tests: list[tuple[float, list[dict]]]
    challenges: list[tuple[float, list[list[dict]]]]
    sizes: dict[str, int]


@contextmanager
def course_layer(context: RunContext) -> Iterator[FastLayer]:
    """The build of a threshold course: the fast layer with one force step of ``stimulus_s``
    (closed on leaving the block). Courses that share it pass it to :func:`run_course`."""
    params, stimulus_s = context.params, context.knobs["stimulus_s"]
    force_step = (np.array([REFERENCE_FORCE_MN]), stimulus_s)
    layer = FastLayer(lambda: build_circuit(params, scale=context.scale, seed=context.seed, force_schedule=force_step),
                      stimulus_s, device=context.device, seed=context.seed, build_root=context.build_root,
                      dt_ms=context.dt_ms)
    try:
        yield layer
    finally:
        layer.close()


def run_course(context: RunContext, doses: pk.Regimen, probe_times: np.ndarray, test_times: np.ndarray, *,
               challenges: Callable[[float], list[pk.Regimen]] = lambda t: [], blocker: str = "ketamine",
               start_s: float = 0.0, layer: FastLayer | None = None) -> Course:
    """Run the probes and threshold tests of a regimen on one build, in time order (a probe and a
    test at the same time: the probe first). Besides ``probe_times``, a probe runs when each dose
    of the regimen is given (bolus time or infusion start, up to the last probe), so that the NMDA
    activity the slow layer holds until the next probe is measured with the drugs just given: a
    blocker given with an opioid acts in a window of about an hour. ``challenges(t)`` gives the
    extra regimens of the test at ``t`` (each acts in its own repeat of the test only). ``layer``:
    a :func:`course_layer` of the same knobs to run on (default: a build of its own)."""
    if layer is None:
        with course_layer(context) as own:
            return run_course(context, doses, probe_times, test_times, challenges=challenges, blocker=blocker,
                              start_s=start_s, layer=own)
    knobs, params = context.knobs, context.params
    sizes = {p: layer.circuit.size(p) for p in layer.circuit.populations}
    coupled = CoupledRun(layer, params, doses, species="rat", blocker=blocker, start_s=start_s)

    def with_force(force_mN):
        return lambda modulation: force_run_args(layer.circuit, params, knobs, force_mN, modulation)

    def series(extra: pk.Regimen = ()) -> list[dict]:
        """A threshold test now, with the ``extra`` doses of a challenge."""
        return ascending_series(lambda f: coupled.run_only(with_force(f), extra=extra), sizes, knobs, params)

    given = np.array([d.time if isinstance(d, pk.Dose) else d.start for d in doses], dtype=float)
    probe_at = np.union1d(probe_times, given[(given >= start_s) & (given <= np.max(probe_times))])
    events = sorted([(float(t), 0) for t in probe_at] + [(float(t), 1) for t in test_times])
    # each probe stands for the conditions until the next one (the last: one regular interval)
    represents = dict(zip(probe_at, np.append(np.diff(probe_at), knobs["probe_every_h"] * HOUR)))
    course = Course([], [], [], sizes)
    for k, (t, kind) in enumerate(events):
        coupled.advance(t)
        if kind == 0:
            course.probes.append(coupled.probe(with_force(0.0), represents_s=represents[t]))
        else:
            course.tests.append((t, series()))
            extra = challenges(t)
            if extra:
                course.challenges.append((t, [series(regimen) for regimen in extra]))
        context.progress((k + 1) / len(events), f"day {t / DAY:.2f}: {'probe' if kind == 0 else 'threshold test'}")
    return course


def ascending_series(run: Callable[[float], dict], sizes: dict, knobs: dict, params, *, start_s: float = 0.0
                     ) -> list[dict]:
    """Spikes of the runs ``run(force)`` of one threshold test, the forces of ``forces_mN`` in
    ascending order up to the first whose peak WDR rate (force on from ``start_s``) reaches the
    reflex criterion (all of them when none does). Forces above that one cannot change the
    threshold (:func:`thresholds_of` takes the first crossing), so they are not run."""
    reflex_hz = float(params["withdrawal.rate_threshold"])
    series = []
    for force in np.sort(np.asarray(knobs["forces_mN"], dtype=float)):
        series.append(run(float(force)))
        if wdr_peak(series[-1], sizes, knobs, params, start_s) >= reflex_hz:
            break
    return series


def wdr_peak(spikes: dict, sizes: dict, knobs: dict, params, start_s: float = 0.0) -> float:
    """Peak WDR population rate (reflex kernel) of a run whose force is on for ``stimulus_s`` from ``start_s``."""
    return analysis.peak_kernel_rate(spikes["wdr"], sizes["wdr"], start_s, start_s + knobs["stimulus_s"],
                                     float(params["withdrawal.tau_reflex"]))


def force_run_args(circuit, params, knobs: dict, force_mN: float, modulation) -> dict:
    """Run arguments of one threshold-test run of a build made with a force step of
    :data:`REFERENCE_FORCE_MN`: ``force_mN`` in the drug and slow state ``modulation``, with the
    ``rvm_inactivated`` and ``dlf_lesion`` knobs."""
    args = circuit.parameter_values(params, rvm_inactivated=knobs["rvm_inactivated"], dlf_lesion=knobs["dlf_lesion"],
                                    modulation=modulation)
    args[("afferents", "force_gain")] = force_mN / REFERENCE_FORCE_MN
    return args


def thresholds_of(tests: list, sizes: dict, knobs: dict, params, *, start_s: float = 0.0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(peak WDR population rates per test and force, threshold of each test) of threshold tests,
    each a list of runs of the forces of ``forces_mN`` in ascending order (an
    :func:`ascending_series`: forces it did not run get NaN) whose force is on for ``stimulus_s``
    from ``start_s``. A test in which no force reaches the criterion gets the largest force, the
    cut-off of a von Frey series."""
    forces = np.sort(np.asarray(knobs["forces_mN"], dtype=float))
    peaks = np.full((len(tests), len(forces)), np.nan)
    for k, runs in enumerate(tests):
        peaks[k, :len(runs)] = [wdr_peak(spikes, sizes, knobs, params, start_s) for spikes in runs]
    reflex_hz = float(params["withdrawal.rate_threshold"])
    thresholds = np.array([threshold_crossing(forces, peak, reflex_hz) for peak in peaks])
    return peaks, np.nan_to_num(thresholds, nan=float(forces.max()))


def course_readouts(course: Course, knobs: dict, params, *, time_unit: str = "day"
                    ) -> tuple[dict[str, Readout], dict[str, TimeSeries]]:
    """Thresholds of the tests (``threshold_percent``: % of the first test) and the courses of
    the probes: RVM rates, MOR activation, NMDA activity and the slow states."""
    duration, forces = knobs["stimulus_s"], np.sort(np.asarray(knobs["forces_mN"], dtype=float))
    peaks, thresholds = thresholds_of([runs for _, runs in course.tests], course.sizes, knobs, params)
    scale = DAY if time_unit == "day" else HOUR
    when = np.array([t for t, _ in course.tests]) / scale
    percent = 100.0 * thresholds / thresholds[0]
    readouts = {
        f"test_{time_unit}s": Readout(when, time_unit, "time of each threshold test"),
        "forces_mN": Readout(forces, "mN", "forces of each test, ascending"),
        "wdr_peak_rate_hz": Readout(peaks, "Hz", "peak WDR population rate (reflex kernel) per test and force "
                                    "(NaN: above the threshold, not run)"),
        "withdrawal_threshold_mN": Readout(thresholds, "mN", "force at which the WDR output reaches the reflex criterion "
                                           "(the largest force when none does)"),
        "threshold_percent": Readout(percent, "%", "withdrawal threshold as a percentage of the first (drug-free) test"),
        "final_threshold_percent": Readout(float(percent[-1]), "%", "threshold of the last test, % of the first"),
    }
    probes = course.probes
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
        rates = [float(analysis.cell_rates(r.spikes[population], course.sizes[population], 0.0, duration).mean())
                 for r in probes]
        timeseries[f"rate_{population}"] = TimeSeries(times, np.array(rates), "Hz",
                                                      doc=f"mean rate of {population.replace('_', ' ')} at each probe (no stimulus)")
    timeseries.update(c_fibre_probe.state_courses(probes))
    return readouts, timeseries


def tested_spikes(course: Course, knobs: dict) -> dict:
    """Spikes of the threshold tests at protocol time (test time plus force index x duration, ms)."""
    step_ms = 1000.0 * knobs["stimulus_s"]
    return analysis.on_timeline([(1000.0 * t + k * step_ms, spikes) for t, runs in course.tests
                                 for k, spikes in enumerate(runs)])
