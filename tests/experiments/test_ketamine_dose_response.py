"""Ketamine dose-response of wind-up (issue 5): monotonic, with its fitted midpoint in the
analgesic concentration range and wind-up abolished in the anaesthetic range
(shared/science/targets.md, sections 2 and 6)."""

import numpy as np
import pytest

from experiments.protocols import ketamine_dose_response
from protocol_runs import readouts_by_condition

pytestmark = pytest.mark.slow
SCALE = 0.5
KNOBS = {name: knob.default for name, knob in ketamine_dose_response.KNOBS.items()}


@pytest.fixture(scope="module")
def curve(build_root):
    return readouts_by_condition(ketamine_dose_response, KNOBS, {"1hz": {}}, scale=SCALE, build_root=build_root)["1hz"]


def test_windup_falls_monotonically_with_ketamine(curve):
    """Ketamine depresses wind-up dose-dependently (Laurido et al. 2001): each concentration
    leaves no more wind-up than the one below it (within 0.05 of drug-free wind-up)."""
    assert np.all(np.diff(curve["windup_fraction"]) <= 0.05), curve["windup_fraction"]


def test_fitted_ic50_lies_in_the_analgesic_concentration_range(curve):
    """The concentration that halves wind-up lies where ketamine is analgesic: human analgesic
    plasma levels 0.29-0.67 uM (targets section 6), a Hill fit within the sampled range."""
    assert 0.29 <= curve["ic50_uM"] <= 0.67
    assert 0.5 <= curve["hill_n"] <= 2.0


def test_anaesthetic_concentrations_abolish_windup(curve):
    """At anaesthetic concentrations (5-10 uM; Idvall et al. 1979) wind-up is gone: at most 10% of
    the drug-free wind-up is left at 10 uM."""
    assert curve["ketamine_uM"][-1] == 10.0
    assert curve["ceiling_fraction"] <= 0.1
