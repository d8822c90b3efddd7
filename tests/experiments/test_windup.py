"""Wind-up of WDR neurons against Dickenson & Sullivan 1987, Herrero et al. 2000 and Guirimand et
al. 2000 (shared/science/targets.md, section 2): 16 C-fibre-strength stimuli at 0.5 and 1 Hz,
with and without ketamine at an analgesic effect-site concentration (0.5 uM unbound).

One build slot serves the four runs (ketamine is a run argument; each frequency has its duration).
"""

import pytest

from experiments.protocols import windup

pytestmark = pytest.mark.slow(minutes=0.5)
SCALE = 0.5
KETAMINE_UM = 0.5  # analgesic plasma 0.3-0.7 uM (targets section 6)


@pytest.fixture(scope="module")
def windup_runs(build_root):
    knobs = {name: knob.default for name, knob in windup.KNOBS.items()}
    (runs,) = windup.control_and_ketamine(knobs, KETAMINE_UM, scale=SCALE, seed=1, build_root=build_root)
    return runs


@pytest.mark.parametrize("hz", [0.5, 1.0])
def test_sixteen_c_strength_stimuli_wind_up_two_to_five_fold(windup_runs, hz):
    """The response to the 16th stimulus is 2-5 times the response to the first (R16/R1)."""
    assert 2.0 <= windup_runs[hz, 0.0]["windup_ratio"] <= 5.0


@pytest.mark.parametrize("hz", [0.5, 1.0])
def test_analgesic_ketamine_halves_windup(windup_runs, hz):
    """Ketamine at 0.5 uM cuts wind-up (R16/R1 - 1, the growth above the first response) by at
    least half (Guirimand et al. 2000; Dickenson & Sullivan 1987 with AP5)."""
    control = windup_runs[hz, 0.0]["windup_ratio"] - 1.0
    ketamine = windup_runs[hz, KETAMINE_UM]["windup_ratio"] - 1.0
    assert ketamine <= 0.5 * control


@pytest.mark.parametrize("hz", [0.5, 1.0])
def test_ketamine_spares_the_first_c_fibre_response(windup_runs, hz):
    """The C-fibre input response to the first stimulus changes by less than 20% with ketamine
    (Dickenson & Sullivan 1987: NMDA block leaves the input response nearly unchanged)."""
    control = windup_runs[hz, 0.0]["first_c_response"]
    assert control > 0.5
    assert windup_runs[hz, KETAMINE_UM]["first_c_response"] == pytest.approx(control, rel=0.2)


def test_windup_is_faster_at_1_hz_than_at_0_5_hz(windup_runs):
    """Wind-up depends on stimulus frequency: larger at 1 Hz than at 0.5 Hz (Mendell 1966)."""
    assert windup_runs[1.0, 0.0]["windup_ratio"] > windup_runs[0.5, 0.0]["windup_ratio"]
