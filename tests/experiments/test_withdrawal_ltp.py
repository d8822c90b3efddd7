"""Opioid-withdrawal LTP against Drdla et al. 2009 and Heinl et al. 2011 (shared/science/
targets.md, section 3): a 60-min remifentanil infusion (450 ug/kg/h i.v., rat) ended abruptly
potentiates C-fibre responses of lamina I NK1R+ neurons for hours; a taper prevents it, and so
does an NMDA channel blocker given before the withdrawal.

One standalone build serves every run (the two-time-scale engine re-runs it for every probe).
"""

import numpy as np
import pytest

from experiments.protocols import withdrawal_ltp
from protocol_runs import readouts_by_condition

pytestmark = pytest.mark.slow(minutes=2.5)
SCALE = 0.5
KNOBS = dict({name: knob.default for name, knob in withdrawal_ltp.KNOBS.items()}, probe_every_min=15.0)
RUNS = {
    "abrupt": dict(follow_min=180.0),
    "taper": dict(taper_min=60.0, follow_min=120.0),
    "mk801": dict(blocker="mk801", blocker_mg_kg=0.3, blocker_min=-10.0, follow_min=120.0),
}


@pytest.fixture(scope="module")
def withdrawal_runs(build_root):
    return readouts_by_condition(withdrawal_ltp, KNOBS, RUNS, scale=SCALE, build_root=build_root)


def test_abrupt_withdrawal_potentiates_c_fibre_responses_150_to_200_percent_for_3_hours(withdrawal_runs):
    """Abrupt end of remifentanil: C-fibre-evoked responses 150-200% of pre-drug (Drdla et al.
    2009 [T] magnitude) in the third hour after withdrawal (Heinl et al. 2011: enhanced >= 3 h),
    and the plastic synapses hold at least 50% potentiation at the end."""
    run = withdrawal_runs["abrupt"]
    assert 150.0 <= run["ltp_percent"] <= 200.0
    assert run["potentiation_mean"][-1] >= 0.5


def test_a_taper_prevents_withdrawal_ltp(withdrawal_runs):
    """A 60-min taper of the same infusion (rate halved every 10 min) leaves the synapses
    unpotentiated and the responses of the last hour within 15% of pre-drug (Drdla et al. 2009:
    tapered withdrawal prevents LTP)."""
    run = withdrawal_runs["taper"]
    assert np.max(run["potentiation_mean"]) < 0.05
    assert run["ltp_percent"] == pytest.approx(100.0, abs=15.0)


def test_nmda_block_during_withdrawal_prevents_ltp(withdrawal_runs):
    """MK-801 (0.3 mg/kg i.v. 10 min before the stop) prevents withdrawal LTP: it needs spinal NMDA
    receptors (Drdla et al. 2009; Heinl et al. 2011). The synapses stay unpotentiated and the
    responses stay at or below pre-drug (the blocker itself depresses the NMDA part)."""
    run = withdrawal_runs["mk801"]
    assert np.max(run["potentiation_mean"]) < 0.05
    assert run["ltp_percent"] <= 115.0


def test_responses_are_depressed_during_the_infusion(withdrawal_runs):
    """During the infusion C-fibre responses are depressed (presynaptic MOR action; Heinl et al.
    2011): the probes during the infusion average below 70% of pre-drug, and the withdrawal
    rebound is zero while the opioid is on."""
    run = withdrawal_runs["abrupt"]
    during = (run["probe_times_min"] > 0) & (run["probe_times_min"] < 60.0)
    assert np.mean(run["evoked_percent"][during]) < 70.0
    assert np.all(run["rebound"][during] == 0.0)
