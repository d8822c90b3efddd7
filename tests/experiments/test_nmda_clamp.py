"""NMDA voltage clamp: the model's Mg2+ block against Jahr & Stevens 1990."""

import numpy as np
import pytest

from circuits import ParameterSet
from experiments.protocols import nmda_clamp
from experiments.protocols.base import RunContext

# Jahr & Stevens 1990, 1 mM Mg2+: unblocked fraction B(V) (targets section 5)
JAHR_STEVENS = {-70.0: 0.044, -60.0: 0.080, -40.0: 0.23, -20.0: 0.51}


@pytest.fixture(scope="module")
def clamp():
    knobs = {name: knob.default for name, knob in nmda_clamp.KNOBS.items()}
    knobs["v_hold_mV"] = [-100.0, -70.0, -60.0, -40.0, -20.0, 20.0]
    return nmda_clamp.run(RunContext(params=ParameterSet(), knobs=knobs)).readouts


@pytest.mark.parametrize("v_mV,expected", JAHR_STEVENS.items())
def test_mg_block_matches_jahr_and_stevens_within_2_percent(clamp, v_mV, expected):
    """Peak NMDA current with 1 mM Mg2+ over Mg2+-free current is B(V) of Jahr & Stevens 1990 (+-2%)."""
    v = list(clamp["v_hold_mV"].value)
    fraction = clamp["unblocked_fraction_mg"].value[v.index(v_mV)]
    assert fraction == pytest.approx(expected, rel=0.02, abs=0.002)


def test_block_relieves_with_depolarisation(clamp):
    """Mg2+ block weakens monotonically as the cell depolarises."""
    assert np.all(np.diff(clamp["unblocked_fraction_mg"].value) > 0)


def test_mg_free_current_is_ohmic(clamp):
    """Without Mg2+ the NMDA current is linear in voltage with reversal at 0 mV."""
    v = clamp["v_hold_mV"].value
    current = clamp["nmda_current_mg_free_pA"].value
    slope = current / (0.0 - v)
    assert np.allclose(slope, slope[0], rtol=1e-3)
