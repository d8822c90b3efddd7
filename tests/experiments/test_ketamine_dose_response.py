"""Ketamine dose-response (issue 5) of wind-up and of the prevention of fentanyl-induced
hyperalgesia: monotonic, with the fitted midpoint in the analgesic concentration range and the
effect complete in the anaesthetic range (shared/science/targets.md, sections 2, 6 and 7)."""

import numpy as np
import pytest

from circuits import ParameterSet
from experiments.protocols import ketamine_dose_response
from experiments.protocols.base import Readout, RunContext
from protocol_runs import readouts_by_condition

pytestmark = pytest.mark.slow(minutes=3.5)
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


@pytest.fixture(scope="module")
def prevention(build_root):
    return readouts_by_condition(ketamine_dose_response, KNOBS, {"oih": {"measure": "oih_prevention"}}, scale=SCALE,
                                 build_root=build_root)["oih"]


def test_ketamine_prevents_fentanyl_hyperalgesia_dose_dependently(prevention):
    """Ketamine s.c. 30 min before 4 x 100 ug/kg fentanyl prevents the delayed hyperalgesia
    (Celerier et al. 2000) dose-dependently: the hyperalgesia left never rises by more than 0.05
    from one dose to the next, and the lowest dose given (0.25 mg/kg) leaves most of it (> 0.6)."""
    left = prevention["hyperalgesia_fraction"]
    assert np.all(np.diff(left) <= 0.05), left
    assert left[1] > 0.6


def test_prevention_ed50_lies_below_the_fully_preventive_dose(prevention):
    """The Hill fit halves the hyperalgesia below 10 mg/kg, the dose that prevents it (Celerier et
    al. 2000), with a slope of 0.5-5."""
    assert 0.0 < prevention["ed50_mg_kg"] < 10.0
    assert 0.5 <= prevention["hill_n"] <= 5.0


def test_anaesthetic_ketamine_leaves_no_hyperalgesia(prevention):
    """30 mg/kg s.c. (6.8 uM unbound at the first bolus, the anaesthetic range 5-10 uM of Idvall et
    al. 1979) leaves at most 10% of the hyperalgesia."""
    assert 5.0 <= prevention["ketamine_uM_at_fentanyl"][-1] <= 10.0
    assert prevention["ceiling_fraction"] <= 0.1


def test_prevention_ed50_lies_in_the_analgesic_concentration_range(prevention):
    """At the ED50 dose the unbound effect-site ketamine at the first fentanyl bolus lies in the
    human analgesic range, 0.29-0.67 uM (targets section 6)."""
    assert 0.29 <= prevention["ed50_uM"] <= 0.67


def test_prevention_needs_fentanyl_alone_as_its_first_dose():
    """The hyperalgesia left is relative to fentanyl alone, so a list of doses that does not start
    at 0 mg/kg is refused with a one-line error before anything is built."""
    knobs = dict(KNOBS, measure="oih_prevention", ketamine_mg_kg=[1.0, 10.0])
    with pytest.raises(ValueError, match="must start with 0"):
        ketamine_dose_response.run(RunContext(params=ParameterSet(), knobs=knobs))


def test_prevention_readouts_count_a_nadir_at_or_above_baseline_as_fully_prevented():
    """The hyperalgesia left is the nadir depth over that of fentanyl alone (40 points here), a
    nadir at or above baseline leaves none, and the Hill fit of an exact Hill curve (ED50 2 mg/kg,
    n 2; at 30 mg/kg, 0.4% left, the nadir set above baseline) returns it within 1%."""
    doses = np.array([0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 30.0])
    left = ketamine_dose_response.hill(doses, 2.0, 2.0)
    nadirs = 100.0 - 40.0 * left
    nadirs[-1] = 103.0  # above baseline: none left
    per_dose = [{"nadir_percent": Readout(n, "%"), "peak_percent": Readout(150.0, "%"),
                 "test_hours": Readout(np.array([-1.0, 24.0]), "h"),
                 "threshold_percent": Readout(np.array([100.0, n]), "%")} for n in nadirs]
    out = ketamine_dose_response.prevention_readouts(doses, per_dose, {"ketamine_before_min": 30.0})
    assert out["hyperalgesia_fraction"].value[-1] == 0.0
    np.testing.assert_allclose(out["hyperalgesia_fraction"].value[:-1], left[:-1], rtol=1e-9)
    assert abs(out["ed50_mg_kg"].value / 2.0 - 1.0) < 0.01
    assert out["ed50_uM"].value > 0.0
