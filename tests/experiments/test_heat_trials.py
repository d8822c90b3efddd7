"""Heat trials against the RVM and tail-flick targets (shared/science/targets.md, section 1).

One build slot serves both runs: intact, and with lidocaine in the RVM (a run argument).
"""

import numpy as np
import pytest

from experiments.protocols import heat_trials

pytestmark = pytest.mark.slow(minutes=1.5)
SCALE = 0.5


@pytest.fixture(scope="module")
def heat_runs(build_root):
    knobs = {name: knob.default for name, knob in heat_trials.KNOBS.items()}  # 20 trials, 60 s ongoing
    (runs,) = heat_trials.intact_and_lidocaine(knobs, heat_trials.SCREENING_RAMP_S, scale=SCALE, seed=1, build_root=build_root)
    return runs


def test_baseline_withdrawal_latency_is_that_of_a_tail_flick(heat_runs):
    """Radiant-heat tail flick: latency 2.5-4 s with a 10 s cut-off; every trial withdraws."""
    latency = heat_runs[False]["withdrawal_latency_s"]
    assert len(latency) == 20
    assert np.all(latency < 10.0)
    assert 2.5 <= latency.mean() <= 4.0


def test_off_cells_pause_in_90_to_100_percent_of_trials(heat_runs):
    """OFF cells pause at withdrawal in 97% of heat trials (Leung & Mason 1998): 0.9-1.0."""
    assert 0.9 <= heat_runs[False]["p_off_pause"] <= 1.0


def test_on_burst_and_off_pause_begin_100_to_500_ms_before_withdrawal(heat_runs):
    """ON bursts and OFF pauses start just before the reflex (Fields et al. 1983): lead 100-500 ms."""
    assert 100.0 <= heat_runs[False]["on_burst_lead_ms"] <= 500.0
    assert 100.0 <= heat_runs[False]["off_pause_lead_ms"] <= 500.0


def test_neutral_cells_change_less_than_20_percent(heat_runs):
    """NEUTRAL cells do not change at the reflex (Fields et al. 1983; Barbaro et al. 1986)."""
    assert heat_runs[False]["neutral_change"] < 0.2


def test_rvm_responses_outlast_withdrawal_by_seconds(heat_runs):
    """Heat-evoked ON/OFF changes outlast the motor response (Leung & Mason 1998): >= 1 s."""
    assert heat_runs[False]["on_response_duration_s"] >= 1.0
    assert heat_runs[False]["off_pause_duration_s"] >= 1.0


def test_spontaneous_on_and_off_cells_alternate(heat_runs):
    """ON and OFF cells cycle in anti-phase, each class in phase (Heinricher et al. 1989), over 60 s."""
    r = heat_runs[False]
    assert r["spontaneous_on_off_correlation"] < 0
    assert r["spontaneous_on_on_correlation"] > 0
    assert r["spontaneous_off_off_correlation"] > 0
    assert r["spontaneous_neutral_cv"] < 0.2


def test_lamina1_projection_neurons_are_nearly_silent_at_rest(heat_runs):
    """Drug-free lamina I projection neurons fire < 1 Hz spontaneously (Craig et al. 2001)."""
    assert heat_runs[False]["spontaneous_lamina1_hz"] < 1.0


def test_rvm_inactivation_leaves_baseline_latency_within_10_percent(heat_runs):
    """Lidocaine in the RVM does not change baseline thresholds (Kaplan & Fields 1991; Vanderah 2001):
    the mean of 10 lidocaine trials within 10% of the 20 intact ones; every lidocaine trial withdraws."""
    intact = heat_runs[False]["withdrawal_latency_s"].mean()
    inactivated = heat_runs[True]["withdrawal_latency_s"]
    assert len(inactivated) == heat_trials.LIDOCAINE_SCREEN["n_trials"] and np.all(inactivated < 10.0)
    assert inactivated.mean() == pytest.approx(intact, rel=0.10)


def test_on_cells_burst_in_80_to_95_percent_of_trials(heat_runs):
    """ON cells are excited in 86% of heat trials (Leung & Mason 1998): 0.80-0.95."""
    assert 0.80 <= heat_runs[False]["p_on_burst"] <= 0.95
