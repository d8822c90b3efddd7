"""Seven days of continuous morphine through the two-time-scale engine (issue 4: a chronic run
with hourly slow-layer coupling on one compiled fast layer), against the adaptive-state and
acute RVM targets of shared/science/targets.md (Xie et al. 2005; Mao et al. 2002; Fields 2004).

The test runs an s.c. pump (morphine 100 mg/kg/day, MOR occupancy about 0.5 in the rat set) for
7 days with a fast-layer probe every hour and a daily threshold test (force steps of 1 s instead
of the protocol's 2 s, to keep the suite fast).
"""

import numpy as np
import pytest

from circuits import ParameterSet
from experiments.protocols import chronic_opioid
from experiments.protocols.base import RunContext

pytestmark = pytest.mark.slow
SCALE = 0.5
KNOBS = dict({name: knob.default for name, knob in chronic_opioid.KNOBS.items()},
             stimulus_s=1.0, forces_mN=[25.0, 50.0, 100.0, 200.0, 400.0, 800.0])


@pytest.fixture(scope="module")
def chronic(build_root, monkeypatch_module):
    builds, runs = [], []

    class CountingLayer(chronic_opioid.FastLayer):
        def __init__(self, *args, **kwargs):
            builds.append(1)
            super().__init__(*args, **kwargs)

        def run(self, run_args=None):
            runs.append(1)
            return super().run(run_args)

    monkeypatch_module.setattr(chronic_opioid, "FastLayer", CountingLayer)
    context = RunContext(params=ParameterSet(), knobs=dict(KNOBS), seed=1, scale=SCALE, build_root=build_root)
    result = chronic_opioid.run(context)
    return result, len(builds), len(runs)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_seven_days_with_hourly_coupling_run_on_one_build(chronic):
    """The 7-day run couples the slow layer to the fast layer every hour (169 probes, day 0 to
    day 7) and threshold tests every 2 days (days 0, 2, 4, 6: 4 x 5 forces), all on one
    compiled network."""
    result, builds, runs = chronic
    probes = result.timeseries["nmda_activity"].times
    assert builds == 1
    assert len(probes) == 169 and probes[-1] == pytest.approx(7 * 86400.0)
    assert np.allclose(np.diff(probes), 3600.0)
    assert list(result.readouts["test_days"].value) == [float(d) for d in range(8)]
    assert runs == 169 + 8 * 6


def test_rvm_cck_drive_rises_several_fold_and_transporters_fall(chronic):
    """Continuous morphine raises RVM CCK drive 4-6 fold by day 3 (Xie et al. 2005: ~5-fold) and
    lowers spinal transporter capacity by 30-50% by day 7 (Mao et al. 2002); NMDA activity stays
    drug-free (1) without a blocker, so nothing limits the NMDA-dependent adaptations."""
    ts = chronic[0].timeseries
    day = ts["state_cck_drive"].times / 86400.0
    assert 4.0 <= np.interp(3.0, day, ts["state_cck_drive"].values) <= 6.0
    assert 0.5 <= ts["state_transporter_capacity"].values[-1] <= 0.7
    assert np.all(ts["nmda_activity"].values == 1.0)


def test_morphine_silences_on_cells_releases_off_cells_and_spares_neutral_cells(chronic):
    """In the presence of morphine ON cells fall silent (< 10% of the drug-free rate), OFF cells
    fire above their drug-free rate and NEUTRAL cells change by less than 20% (Fields 2004;
    Heinricher et al. 1994), from the first day to the last."""
    ts = chronic[0].timeseries
    on, off, neutral = (ts[f"rate_{c}"].values for c in ("on_cells", "off_cells", "neutral_cells"))
    assert np.all(on[1:] < 0.1 * on[0])
    assert np.all(off[1:] > off[0])
    assert np.all(np.abs(neutral[1:] / neutral[0] - 1.0) < 0.2)


def test_no_hyperalgesia_on_day_one(chronic):
    """Hyperalgesia is absent on day 1 of sustained morphine (Vanderah et al. 2001): the
    withdrawal threshold on day 1 is above the day-0 baseline (morphine analgesia)."""
    percent = chronic[0].readouts["threshold_percent"].value
    assert percent[0] == 100.0
    assert percent[1] > 110.0
