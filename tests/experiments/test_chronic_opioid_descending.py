"""Sustained-morphine hyperalgesia and the apparent tolerance need descending facilitation from
the RVM: RVM lidocaine or a bilateral DLF lesion abolishes both (Vanderah et al. 2001 J Neurosci 21:279; Gardell et al. 2002
J Neurosci 22:6747; shared/science/targets.md rows "Sustained morphine -> RVM-dependent pain" and
"Spinal dynorphin / CGRP").

Both conditions run the 7-day pump of ``test_chronic_opioid`` with a coupling probe every 4 h
(the adaptive states change over days) and threshold tests every 2 days with 1-s force steps; the
lidocaine run also takes the i.t. morphine dose-response curves on day 0 and day 7.
"""

import numpy as np
import pytest

from experiments.protocols import chronic_opioid

from protocol_runs import readouts_by_condition

pytestmark = pytest.mark.slow(minutes=1.5)
KNOBS = dict({name: knob.default for name, knob in chronic_opioid.KNOBS.items()},
             stimulus_s=1.0, probe_every_h=4.0, test_every_h=48.0, challenge_nmol=[3.0, 10.0, 30.0, 100.0, 1000.0])


@pytest.fixture(scope="module")
def lesioned(build_root):
    return readouts_by_condition(chronic_opioid, KNOBS, {"rvm_inactivated": {"rvm_inactivated": True},
                                                         "dlf_lesion": {"dlf_lesion": True, "challenge_nmol": []}},
                                 scale=0.5, build_root=build_root)


@pytest.mark.parametrize("condition", ["rvm_inactivated", "dlf_lesion"])
def test_rvm_inactivation_or_dlf_lesion_abolishes_sustained_morphine_hyperalgesia(lesioned, condition):
    """Without descending facilitation, thresholds stay above baseline through 7 days of
    morphine (no OIH): every test from day 3 on is above 100% of day 0, where the intact run falls
    to 55-75%."""
    readouts = lesioned[condition]
    late = readouts["threshold_percent"][readouts["test_days"] >= 3.0]
    assert len(late) >= 2 and np.all(late > 100.0), readouts["threshold_percent"]


def test_rvm_inactivation_abolishes_the_apparent_tolerance(lesioned):
    """With lidocaine in the RVM the i.t. morphine dose-response curve on day 7 stays within
    3-fold of day 0 (RVM lidocaine restores it: Vanderah et al. 2001), where the intact run
    shifts >= 10-fold."""
    assert lesioned["rvm_inactivated"]["ed50_shift_fold"] < 3.0, lesioned["rvm_inactivated"]["ed50_nmol"]
