"""A single dose of morphine against the acute RVM and tail-flick targets (shared/science/
targets.md: Fields 2004; Heinricher, Morgan & Fields 1992; Heinricher et al. 1994; Barbaro et al.
1986): morphine 2.5 mg/kg i.v., heat trials 20 min after the dose against a drug-free block.
"""

import pytest

from experiments.protocols import acute_opioid

from protocol_runs import readouts_by_condition

pytestmark = pytest.mark.slow(minutes=1.2)
KNOBS = dict({name: knob.default for name, knob in acute_opioid.KNOBS.items()},
             dose_mg_kg=2.5, test_min=20.0, n_trials=3, spontaneous_s=10.0)


@pytest.fixture(scope="module")
def morphine(build_root):
    return readouts_by_condition(acute_opioid, KNOBS, {"intact": {}}, scale=0.5, build_root=build_root)["intact"]


def test_morphine_silences_on_cells_and_releases_off_cells(morphine):
    """Morphine silences ON cells (ongoing rate below 10% of drug-free) and raises the ongoing
    rate of OFF cells (disinhibition: Heinricher et al. 1992; Fields 2004)."""
    assert morphine["rate_on_ratio_drug"] < 0.1
    assert morphine["rate_off_ratio_drug"] > 1.0


def test_morphine_leaves_neutral_cells_within_20_percent(morphine):
    """NEUTRAL cells do not respond to morphine (Barbaro et al. 1986): within 20% of drug-free."""
    assert abs(morphine["rate_neutral_ratio_drug"] - 1.0) < 0.2


def test_morphine_prolongs_the_heat_withdrawal_latency(morphine):
    """Systemic morphine prolongs the tail-flick latency (Heinricher et al. 1994): the mean
    latency of the drug block is more than 10% above the drug-free block (the model gives +20%
    at 2.5 mg/kg i.v., where rats often reach the cut-off: weak, issue 5 note)."""
    assert morphine["latency_ratio_drug"] > 1.1


def test_off_cells_fire_continuously_without_pausing_under_morphine(morphine):
    """Under an analgesic dose of morphine OFF cells fire continuously and do not pause at
    withdrawal (Fields et al. 1991; Heinricher et al. 1994): the lowest OFF rate in 1-s bins
    during the trials stays above half the ongoing rate."""
    assert morphine["off_min_rate_ratio_drug"] > 0.5
