"""Naloxone-precipitated withdrawal after acute morphine dependence against Kaplan & Fields 1991
(J Neurosci 11:1433) and Bederson, Fields & Barbaro 1990 (shared/science/targets.md): morphine
2 mg/kg i.v., naloxone 1 mg/kg i.v. 15 min later, heat trials and a paw withdrawal (mechanical)
threshold test 10 min after the morphine and 2 min after naloxone, with the RVM intact and with
lidocaine in the RVM. Spontaneous withdrawal after a 3-day morphine pellet against the flinch-jump
study of targets section 7 (Psychopharmacology, doi 10.1007/BF00429309), followed 2 days with
1-s force steps (the build of the chronic and fentanyl tests).
"""

import numpy as np
import pytest

from circuits import ParameterSet
from experiments.protocols import withdrawal
from experiments.protocols.base import Readout, RunContext

from protocol_runs import readouts_by_condition

pytestmark = pytest.mark.slow(minutes=3.5)
KNOBS = dict({name: knob.default for name, knob in withdrawal.KNOBS.items()}, n_trials=3, spontaneous_s=10.0)
SPONTANEOUS = dict(kind="spontaneous", follow_days=2.0, stimulus_s=1.0, forces_mN=[25.0, 50.0, 100.0, 200.0, 400.0, 800.0])


@pytest.fixture(scope="module")
def runs(build_root):
    return readouts_by_condition(withdrawal, KNOBS, {"intact": {}, "lidocaine": {"rvm_inactivated": True}},
                                 scale=0.5, build_root=build_root)


def test_lidocaine_in_the_rvm_leaves_the_baseline_latency_unchanged(runs):
    """RVM lidocaine does not change the drug-free tail-flick latency (Kaplan & Fields 1991):
    within 10% of the intact baseline."""
    ratio = runs["lidocaine"]["latency_s_baseline"] / runs["intact"]["latency_s_baseline"]
    assert abs(ratio - 1.0) < 0.1


def test_lidocaine_in_the_rvm_leaves_the_baseline_paw_threshold_unchanged(runs):
    """RVM lidocaine does not change the drug-free withdrawal threshold (Kaplan & Fields 1991;
    Vanderah et al. 2001): within 10% of the intact baseline."""
    ratio = runs["lidocaine"]["withdrawal_threshold_mN_baseline"] / runs["intact"]["withdrawal_threshold_mN_baseline"]
    assert abs(ratio - 1.0) < 0.1


def test_morphine_raises_the_paw_withdrawal_threshold(runs):
    """Morphine 2 mg/kg i.v. is analgesic on the mechanical test as on the heat test (Bederson et
    al. 1990): threshold at least 1.5 times baseline 10 min after the dose."""
    assert runs["intact"]["threshold_ratio_drug"] > 1.5


def test_naloxone_raises_on_cells_above_baseline(runs):
    """In precipitated withdrawal ON cells fire above their pre-morphine rate (Bederson et al.
    1990): ON ratio > 1.2."""
    assert runs["intact"]["rate_on_ratio_naloxone"] > 1.2


def test_naloxone_silences_off_cells(runs):
    """In precipitated withdrawal OFF cells fall near silence (Bederson et al. 1990): OFF ratio < 0.2."""
    assert runs["intact"]["rate_off_ratio_naloxone"] < 0.2


def test_naloxone_precipitated_hyperalgesia_depends_on_the_rvm(runs):
    """Naloxone shortens the tail-flick latency below baseline (hyperalgesia; Kaplan & Fields
    1991: by ~20%), and lidocaine in the RVM abolishes that: latency ratio < 0.9 intact and
    > 0.95 with lidocaine."""
    assert runs["intact"]["latency_ratio_naloxone"] < 0.9
    assert runs["lidocaine"]["latency_ratio_naloxone"] > 0.95


def test_naloxone_precipitated_mechanical_hyperalgesia_depends_on_the_rvm(runs):
    """Naloxone lowers the paw withdrawal threshold below baseline (Bederson et al. 1990), and
    lidocaine in the RVM abolishes that (Kaplan & Fields 1991): ratio < 0.9 intact and > 0.95 with
    lidocaine."""
    assert runs["intact"]["threshold_ratio_naloxone"] < 0.9
    assert runs["lidocaine"]["threshold_ratio_naloxone"] > 0.95


@pytest.fixture(scope="module")
def pellet(build_root):
    return readouts_by_condition(withdrawal, KNOBS, {"pellet": SPONTANEOUS}, scale=0.5, build_root=build_root)["pellet"]


def test_spontaneous_withdrawal_hyperalgesia_peaks_12_to_36_h_after_pellet_removal(pellet):
    """After a morphine pellet is removed, the threshold falls below baseline and is lowest 12-36 h
    later (flinch-jump thresholds; targets section 7): still analgesic (> 100%) at removal, lowest
    threshold after it < 90% of the day-0 test, reached 12-36 h after removal."""
    hours = 24.0 * pellet["test_days"]
    assert pellet["threshold_percent"][hours == pellet["end_h"]][0] > 100.0
    assert pellet["withdrawal_nadir_percent"] < 90.0
    assert 12.0 <= pellet["withdrawal_nadir_h"] <= 36.0


def test_spontaneous_withdrawal_needs_a_drug_free_phase():
    """Spontaneous withdrawal is read after the exposure, so follow_days 0 is refused with a one-line error."""
    with pytest.raises(ValueError, match="follow_days > 0"):
        withdrawal.run(RunContext(params=ParameterSet(), knobs=dict(KNOBS, **dict(SPONTANEOUS, follow_days=0.0))))


def test_withdrawal_phase_reads_the_lowest_threshold_after_the_end_only():
    """The withdrawal nadir is the lowest threshold after the end of the exposure, timed from the
    end: a lower threshold before the end (OIH on the drug) does not count."""
    readouts = {"test_days": Readout(np.array([0.0, 1.0, 2.0, 3.0, 3.5, 4.0]), "day"),
                "threshold_percent": Readout(np.array([100.0, 50.0, 180.0, 150.0, 60.0, 70.0]), "%")}
    phase = withdrawal.withdrawal_phase(readouts, end=72.0)
    assert phase["withdrawal_nadir_percent"].value == 60.0
    assert phase["withdrawal_nadir_h"].value == 12.0
