"""NMDA voltage clamp: the model's Mg2+ block against Jahr & Stevens 1990 and its trapping
open-channel blockers against Kotermanski & Johnson 2009, MacDonald et al. 1991 and Orser et al. 1997."""

import numpy as np
import pytest

from circuits import ParameterSet
from experiments.protocols import nmda_clamp
from experiments.protocols.base import RunContext

# Jahr & Stevens 1990, 1 mM Mg2+: unblocked fraction B(V) (targets section 5)
JAHR_STEVENS = {-70.0: 0.044, -60.0: 0.080, -40.0: 0.23, -20.0: 0.51, 0.0: 0.78}


def clamp_run(**knobs):
    settings = {name: knob.default for name, knob in nmda_clamp.KNOBS.items()}
    settings.update(knobs)
    return nmda_clamp.run(RunContext(params=ParameterSet(), knobs=settings)).readouts


@pytest.fixture(scope="module")
def clamp():
    return clamp_run(v_hold_mV=[-100.0, -70.0, -66.0, -60.0, -40.0, -20.0, 0.0, 20.0])


@pytest.fixture(scope="module")
def potency():
    """IC50 at -66 mV of each blocker, without and with 1 mM Mg2+."""
    out = {}
    for blocker, conc, equilibration_s in (("ketamine", [0.1, 0.3, 1.0, 3.0, 10.0, 30.0], 2.0),
                                           ("memantine", [0.1, 0.3, 1.0, 3.0, 10.0, 30.0], 2.0),
                                           ("mk801", [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1], 60.0)):
        readouts = clamp_run(blocker=blocker, v_hold_mV=[-66.0], ketamine_uM=conc, n_train=1, pause_s=0.0,
                             equilibration_s=equilibration_s)  # MK-801 equilibrates over tens of seconds
        out[blocker] = (readouts["ic50_mg_free_uM"].value[0], readouts["ic50_uM"].value[0])
    return out


def value_at(readouts, name, v_mV):
    return readouts[name].value[list(readouts["v_hold_mV"].value).index(v_mV)]


@pytest.mark.parametrize("v_mV,expected", JAHR_STEVENS.items())
def test_mg_block_matches_jahr_and_stevens_within_2_percent(clamp, v_mV, expected):
    """Peak NMDA current with 1 mM Mg2+ over Mg2+-free current is B(V) of Jahr & Stevens 1990 (+-2%)."""
    assert value_at(clamp, "unblocked_fraction_mg", v_mV) == pytest.approx(expected, rel=0.02, abs=0.002)


def test_mg_block_relieves_with_depolarisation(clamp):
    """Mg2+ block weakens monotonically as the cell depolarises."""
    assert np.all(np.diff(clamp["unblocked_fraction_mg"].value) > 0)


def test_mg_free_current_is_ohmic(clamp):
    """Without Mg2+ the NMDA current is linear in voltage with reversal at 0 mV."""
    v = clamp["v_hold_mV"].value
    current = clamp["peak_current_mg_free_pA"].value
    assert current[v == 0.0] == pytest.approx(0.0, abs=1e-9)
    slope = current[v != 0.0] / (0.0 - v[v != 0.0])
    assert np.allclose(slope, slope[0], rtol=1e-3)


def test_ketamine_ic50_without_mg_is_0_3_to_0_8_uM(clamp):
    """Ketamine IC50 at -66 mV in Mg2+-free solution: 0.3-0.8 uM (Kotermanski & Johnson 2009, GluN2A/2B)."""
    assert 0.3 <= value_at(clamp, "ic50_mg_free_uM", -66.0) <= 0.8


def test_ketamine_ic50_in_1_mM_mg_is_1_to_5_uM(clamp):
    """Physiological Mg2+ raises the ketamine IC50 at -66 mV to 1-5 uM (Kotermanski & Johnson 2009)."""
    assert 1.0 <= value_at(clamp, "ic50_uM", -66.0) <= 5.0


def test_ketamine_block_weakens_with_depolarisation(clamp):
    """The IC50 rises at least 3-fold from -100 to +20 mV, with and without Mg2+: a voltage-dependent
    pore block (MacDonald et al. 1991)."""
    for name in ("ic50_uM", "ic50_mg_free_uM"):
        ic50 = clamp[name].value[clamp["v_hold_mV"].value != 0.0]  # no current to block at reversal
        assert np.all(np.diff(ic50) > 0)
        assert value_at(clamp, name, 20.0) > 3 * value_at(clamp, name, -100.0)


def test_ketamine_block_builds_with_use(clamp):
    """In 1 uM ketamine without Mg2+ each synaptic event is smaller than the one before, and after
    ten events at 2 Hz the current is at least 20% below the first: block develops only while
    channels open (use dependence; MacDonald et al. 1991)."""
    peaks = clamp["train_peak_pA"].value
    first_train = peaks[: len(peaks) // 2]
    assert np.all(np.diff(first_train) < 0)
    assert first_train[-1] < 0.8 * first_train[0]


def test_ketamine_stays_trapped_without_channel_opening(clamp):
    """After washout, a 10-s pause without agonist leaves the block in place (trapping), and
    channel opening in the following train starts to relieve it (Orser et al. 1997)."""
    end_of_train, after_pause, end_of_second_train = clamp["blocked_fraction"].value
    assert end_of_train > 0.1
    assert after_pause == pytest.approx(end_of_train, rel=0.01)
    assert end_of_second_train < after_pause
    peaks = clamp["train_peak_pA"].value
    assert peaks[len(peaks) // 2] < 0.95 * peaks[0]  # first event after the pause is still blocked


def test_potency_order_mk801_ketamine_memantine(potency):
    """IC50 at -66 mV: MK-801 far below ketamine, ketamine and memantine within 3-fold of each other
    (Traynelis et al. 2010: MK-801 < ketamine ~ memantine), with and without Mg2+."""
    for k in (0, 1):
        assert potency["mk801"][k] < potency["ketamine"][k] / 30
        assert 1 / 3 <= potency["memantine"][k] / potency["ketamine"][k] <= 3
