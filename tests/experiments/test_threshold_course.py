"""Threshold tests of the courses as ascending series (``experiments.protocols.threshold_course``):
the series stops at the first force that reaches the reflex criterion, as an ascending von Frey
or paw-pressure series stops at the first withdrawal, and gives the threshold that the whole
series would give."""

import numpy as np
import pytest

from circuits import ParameterSet
from experiments.protocols.threshold_course import ascending_series, thresholds_of

PARAMS = ParameterSet()
SIZES = {"wdr": 10}
KNOBS = {"forces_mN": [800.0, 100.0, 400.0, 200.0], "stimulus_s": 1.0}  # unsorted on purpose


def wdr_firing(hz_per_mN: float):
    """A stand-in run: every WDR cell fires regularly at ``hz_per_mN`` x force during the 1-s force."""
    def run(force_mN: float) -> dict:
        rate = hz_per_mN * force_mN
        times = np.arange(0.0, 1000.0, 1000.0 / rate) if rate > 0 else np.zeros(0)
        return {"wdr": (np.tile(times, SIZES["wdr"]), np.repeat(np.arange(SIZES["wdr"]), len(times)).astype(np.uint64))}
    return run


def test_series_stops_at_the_first_force_that_reaches_the_criterion_and_keeps_the_threshold():
    """At 0.1 Hz per mN the 35 Hz criterion falls between 200 and 400 mN: the series runs 100, 200
    and 400 mN and stops; its threshold equals that of all four forces, and the force it did not
    run reads NaN."""
    forces_run = []
    run = wdr_firing(0.1)

    def counted(force_mN):
        forces_run.append(force_mN)
        return run(force_mN)

    series = ascending_series(counted, SIZES, KNOBS, PARAMS)
    assert forces_run == [100.0, 200.0, 400.0]
    peaks, (threshold,) = thresholds_of([series], SIZES, KNOBS, PARAMS)
    _, (full,) = thresholds_of([[run(f) for f in (100.0, 200.0, 400.0, 800.0)]], SIZES, KNOBS, PARAMS)
    assert 200.0 < threshold < 400.0
    assert threshold == pytest.approx(full, rel=1e-12)
    assert np.isnan(peaks[0, 3]) and np.all(np.isfinite(peaks[0, :3]))


def test_a_series_that_never_reaches_the_criterion_runs_every_force_and_reads_the_cut_off():
    """Analgesia beyond the largest force: every force is run and the threshold is the cut-off."""
    series = ascending_series(wdr_firing(0.01), SIZES, KNOBS, PARAMS)
    assert len(series) == 4
    _, (threshold,) = thresholds_of([series], SIZES, KNOBS, PARAMS)
    assert threshold == 800.0
