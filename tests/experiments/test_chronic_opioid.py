"""Seven days of continuous morphine through the two-time-scale engine (issue 4: a chronic run
with hourly slow-layer coupling on one compiled fast layer), against the adaptive-state, RVM and
hyperalgesia targets of shared/science/targets.md (Xie et al. 2005; Mao et al. 2002; Gardell et
al. 2002; Vanderah et al. 2001; Fields 2004).

The test runs an s.c. pump (morphine 100 mg/kg/day, MOR occupancy about 0.5 in the rat set) for
7 days with a fast-layer probe every hour, a daily threshold test (force steps of 1 s instead
of the protocol's 2 s, to keep the suite fast) and i.t. morphine dose-response curves of 5 doses
on day 0 and day 7, in network draw 1; the depth of the hyperalgesia, which the draws shift
differently at the same slow state, is tested on the mean of draws 1-5.
"""

import numpy as np
import pytest

from circuits import ParameterSet
from experiments.protocols import chronic_opioid, threshold_course
from experiments.protocols.base import RunContext
from protocol_runs import OTHER_DRAWS, readouts_by_condition

pytestmark = pytest.mark.slow(minutes=5)
SCALE = 0.5
KNOBS = dict({name: knob.default for name, knob in chronic_opioid.KNOBS.items()},
             stimulus_s=1.0, challenge_nmol=[3.0, 10.0, 30.0, 100.0, 1000.0])


@pytest.fixture(scope="module")
def chronic(build_root, monkeypatch_module):
    builds, runs = [], []

    class CountingLayer(threshold_course.FastLayer):
        def __init__(self, *args, **kwargs):
            builds.append(1)
            super().__init__(*args, **kwargs)

        def run(self, run_args=None):
            runs.append(1)
            return super().run(run_args)

    monkeypatch_module.setattr(threshold_course, "FastLayer", CountingLayer)
    context = RunContext(params=ParameterSet(), knobs=dict(KNOBS), seed=1, scale=SCALE, build_root=build_root)
    result = chronic_opioid.run(context)
    return result, len(builds), len(runs)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_seven_days_with_hourly_coupling_run_on_one_build(chronic):
    """The 7-day run couples the slow layer to the fast layer every hour (169 probes, day 0 to
    day 7), daily threshold tests (days 0 to 7: 8 ascending series of up to 6 forces) and two i.t.
    dose-response curves (5 doses, each an ascending series), all on one compiled network."""
    result, builds, runs = chronic
    probes = result.timeseries["nmda_activity"].times
    assert builds == 1
    assert len(probes) == 169 and probes[-1] == pytest.approx(7 * 86400.0)
    assert np.allclose(np.diff(probes), 3600.0)
    assert list(result.readouts["test_days"].value) == [float(d) for d in range(8)]
    tested = int(np.isfinite(result.readouts["wdr_peak_rate_hz"].value).sum())  # forces run in the daily tests
    assert 8 <= tested <= 8 * 6
    assert 2 * 5 <= runs - 169 - tested <= 2 * 5 * 6  # the dose-response curves


def test_rvm_cck_drive_rises_several_fold_and_transporters_fall(chronic):
    """Continuous morphine raises RVM CCK drive 4-6 fold by day 3 (Xie et al. 2005: ~5-fold) and
    lowers spinal transporter capacity by 30-50% by day 7 (Mao et al. 2002); NMDA activity stays
    drug-free (1) without a blocker, so nothing limits the NMDA-dependent adaptations."""
    ts = chronic[0].timeseries
    day = ts["state_cck_drive"].times / 86400.0
    assert 4.0 <= np.interp(3.0, day, ts["state_cck_drive"].values) <= 6.0
    assert 0.5 <= ts["state_transporter_capacity"].values[-1] <= 0.7
    assert np.all(ts["nmda_activity"].values == 1.0)


def test_on_cells_fall_silent_on_day_one_and_cck_drives_them_above_baseline_from_day_three(chronic):
    """Morphine first silences ON cells (< 10% of the drug-free rate through day 1) and releases
    OFF cells (above their drug-free rate); as RVM CCK rises, ON cells fire above their drug-free
    rate from day 3 to day 7 and OFF cells fall below theirs (CCK excites ON cells and opposes
    MOR: Heinricher et al. 2001; more ON cells under chronic morphine: Meng & Harasawa 2007; RVM
    CCK drives the hypersensitivity: Xie et al. 2005). NEUTRAL cells change by less than 20%
    throughout (Fields 2004)."""
    ts = chronic[0].timeseries
    day = ts["rate_on_cells"].times / 86400.0
    on, off, neutral = (ts[f"rate_{c}"].values for c in ("on_cells", "off_cells", "neutral_cells"))
    first, late = (day > 0) & (day <= 1.0), day >= 3.0
    assert np.all(on[first] < 0.1 * on[0]) and np.all(off[first] > off[0])
    assert np.all(on[late] > on[0]) and np.all(off[late] < off[0])
    assert np.all(np.abs(neutral[1:] / neutral[0] - 1.0) < 0.2)


@pytest.fixture(scope="module")
def thresholds_by_draw(chronic, build_root):
    """Daily thresholds (% of day 0) in network draws 1-5 [draw x day]. Draws 2-5 run without the
    i.t. dose-response and with a probe every 2 h, as in the scorecard: neither changes the
    thresholds of days 5-7 (2-h probes, draws 1-5: within 0.2 points of hourly ones)."""
    others = [readouts_by_condition(chronic_opioid, KNOBS, {"pump": {"challenge_nmol": [], "probe_every_h": 2.0}},
                                    scale=SCALE, build_root=build_root, seed=seed)["pump"]["threshold_percent"]
              for seed in OTHER_DRAWS]
    return np.array([chronic[0].readouts["threshold_percent"].value, *others])


def test_sustained_morphine_gives_hyperalgesia_30_to_40_percent_below_baseline_by_days_5_to_7(thresholds_by_draw):
    """While morphine continues, withdrawal thresholds fall below baseline by days 3-7
    (Vanderah et al. 2001; Xie et al. 2005) by 30-40% (von Frey -40 +- 9%, Anesthesiology
    2020;133:628): on each of days 5, 6 and 7 the mean of network draws 1-5 is 55-75% of the day-0
    threshold, and every draw is below 90%."""
    mean = thresholds_by_draw.mean(axis=0)
    assert np.all((mean[5:8] >= 55.0) & (mean[5:8] <= 75.0)), mean
    assert np.all(thresholds_by_draw[:, 5:8] < 90.0), thresholds_by_draw


def test_sustained_morphine_shifts_the_intrathecal_morphine_ed50_at_least_tenfold(chronic):
    """Apparent tolerance: after 7 days of morphine the i.t. morphine dose-response curve shifts
    right at least 10-fold (Dunbar & Yaksh 1996: 16 -> 496 nmol, 31-fold, with continuous
    spinal exposure; Vanderah et al. 2001), and the day-0 ED50 lies within 3-fold of 16 nmol."""
    readouts = chronic[0].readouts
    assert 16.0 / 3 <= readouts["ed50_nmol"].value[0] <= 16.0 * 3
    assert readouts["ed50_shift_fold"].value >= 10.0, readouts["ed50_nmol"].value


def test_afferent_release_rises_on_day_7_but_not_day_1(chronic):
    """The descending-dependent enhancement of primary-afferent release appears on day 7 but
    not day 1 of sustained morphine (Gardell et al. 2002): afferent gain below 1.05 through day 1
    and 1.4-2.0 on day 7."""
    ts = chronic[0].timeseries
    day, gain = ts["state_afferent_gain"].times / 86400.0, ts["state_afferent_gain"].values
    assert np.all(gain[day <= 1.0] < 1.05)
    assert 1.4 <= gain[-1] <= 2.0


def test_no_hyperalgesia_on_day_one(chronic):
    """Hyperalgesia is absent on day 1 of sustained morphine (Vanderah et al. 2001): the
    withdrawal threshold on day 1 is above the day-0 baseline (morphine analgesia)."""
    percent = chronic[0].readouts["threshold_percent"].value
    assert percent[0] == 100.0
    assert percent[1] > 110.0
