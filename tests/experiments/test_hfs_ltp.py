"""LTP of C-fibre responses in lamina I by conditioning stimulation, against Benrath et al. 2004
and 2005 (shared/science/targets.md, section 3): HFS potentiates C-fibre-evoked responses to
~150%; S(+)-ketamine 5 mg/kg given before HFS prevents LTP and given after it leaves LTP in
place; a brief high-dose remifentanil infusion erases it (Drdla-Schutting et al. 2012); 2 Hz
conditioning potentiates spino-PAG but not spino-parabrachial neurons (Ikeda et al. 2006).

The conditions share one build slot. Probes are 5 test pulses at 0.5 Hz every 20 min, one
hour before and one hour after conditioning.
"""

import numpy as np
import pytest

from experiments.protocols import hfs_ltp
from protocol_runs import readouts_by_condition

pytestmark = pytest.mark.slow(minutes=5)
SCALE = 0.5
KNOBS = dict({name: knob.default for name, knob in hfs_ltp.KNOBS.items()}, follow_min=60.0, probe_every_min=20.0)
#: Ketamine before HFS is compared with the same ketamine schedule without conditioning (sham,
#: strength 0): ketamine depresses the lamina I test response while it is on board, so the last
#: probe before HFS is not a drug-free baseline.
CONDITIONS = {"control": {}, "ketamine after": {"ketamine_mg_kg": 5.0, "ketamine_timing": "after"},
              "ketamine before": {"ketamine_mg_kg": 5.0, "ketamine_timing": "before"},
              "ketamine before, sham": {"ketamine_mg_kg": 5.0, "ketamine_timing": "before", "conditioning_strength": 0.0},
              "2 Hz": {"pattern": "2hz"}}


@pytest.fixture(scope="module")
def hfs_runs(build_root):
    return readouts_by_condition(hfs_ltp, KNOBS, CONDITIONS, scale=SCALE, build_root=build_root)


def test_hfs_potentiates_c_fibre_responses_to_about_150_percent(hfs_runs):
    """HFS: C-fibre-evoked responses 149 +- 12% (Benrath et al. 2004) to 173 +- 15% (Benrath
    et al. 2005) of control for >= 1 h: the model's last hour lies within 125-200%."""
    assert 125.0 <= hfs_runs["control"]["ltp_percent"] <= 200.0


def test_test_pulses_alone_do_not_potentiate(hfs_runs):
    """Baseline probes (before conditioning) stay within 15% of each other and leave the plastic
    synapses unpotentiated."""
    run = hfs_runs["control"]
    before = run["probe_times_min"] < KNOBS["conditioning_min"]
    baseline = run["evoked_response"][before]
    assert before.sum() >= 3
    assert np.ptp(baseline) <= 0.15 * baseline.mean()
    assert np.all(run["potentiation_mean"][before] < 0.01)


def test_ketamine_after_hfs_leaves_ltp_in_place(hfs_runs):
    """Given 30 min after HFS, ketamine does not reverse LTP (Benrath et al. 2005): the
    potentiation of the C-fibre synapses at the last probe is within 10% of control, and the
    evoked response there (0.4 uM ketamine on board) is still above 115% of baseline. The probe
    just after the bolus (~19 uM, an anaesthetic level) is depressed by the open-channel block
    itself, so the last-hour mean is not the read-out here."""
    control, ketamine = hfs_runs["control"], hfs_runs["ketamine after"]
    assert ketamine["potentiation_mean"][-1] == pytest.approx(control["potentiation_mean"][-1], rel=0.10)
    assert ketamine["evoked_percent"][-1] > 115.0


def test_ketamine_before_hfs_prevents_ltp(hfs_runs):
    """S(+)-ketamine 5 mg/kg i.v. 1 h before HFS prevents LTP (Benrath et al. 2005). At HFS the
    0.28 uM unbound ketamine blocks only ~10% of the synaptic NMDA current, but its
    membrane-accessible site shuts most of the extrasynaptic receptors that glutamate spillover
    recruits during 100 Hz trains, so lamina I Ca2+ stays below the potentiation threshold: the
    potentiation after HFS is under a tenth of the drug-free one, and the last-hour response is
    within 15% of the same ketamine schedule without conditioning."""
    control, before, sham = (hfs_runs[name] for name in ("control", "ketamine before", "ketamine before, sham"))
    assert control["potentiation_mean"][-1] > 0.2
    assert before["potentiation_mean"][-1] < 0.1 * control["potentiation_mean"][-1]
    assert before["ltp_percent"] <= 1.15 * sham["ltp_percent"]


def test_2hz_conditioning_potentiates_spino_pag_neurons(hfs_runs):
    """Conditioning at 2 Hz for 2 min (C-fibre strength) induces LTP in all lamina I neurons
    projecting to the PAG (Ikeda et al. 2006 Science 312:1659; Sandkuehler 2007 Mol Pain 3:9,
    Fig. 1): their C-fibre synapses keep over a fifth of the largest potentiation at the last
    probe, an hour later, and their evoked responses of the last hour exceed 115% of baseline."""
    run = hfs_runs["2 Hz"]
    assert run["potentiation_mean_spino_pag"][-1] > 0.2
    assert run["ltp_percent_spino_pag"] > 115.0


def test_2hz_conditioning_does_not_potentiate_nk1r_neurons(hfs_runs):
    """Low-frequency conditioning is never effective in spino-parabrachial (NK1R+) lamina I
    neurons (Sandkuehler 2007 Mol Pain 3:9, Fig. 1: 0 of 7): their C-fibre synapses gain less
    than 0.05 of baseline efficacy at 2 Hz, while HFS potentiates them (> 0.2)."""
    assert hfs_runs["2 Hz"]["conditioning_potentiation"] < 0.05
    assert hfs_runs["control"]["conditioning_potentiation"] > 0.2


@pytest.mark.xfail(strict=True, reason="known miss: 100 Hz trains drive spino-PAG cells to fire throughout, so "
                   "their T-type Ca2+ entry, limited by inactivation, still holds Ca2+ above the potentiation "
                   "threshold for seconds; the slow induction rate then potentiates them about as much as 2 Hz "
                   "(experiments/fits/spino_pag_ltp.toml)")
def test_hfs_is_ineffective_in_spino_pag_neurons(hfs_runs):
    """Conditioning HFS, which potentiates every spino-parabrachial neuron, is ineffective in
    spino-PAG neurons (Sandkuehler 2007 Mol Pain 3:9, Fig. 1, after Ikeda et al. 2006): their
    potentiation at the last probe is under 0.05."""
    assert hfs_runs["control"]["potentiation_mean_spino_pag"][-1] < 0.05


#: Depotentiation runs: remifentanil i.v. for 60 min from 30 min after HFS, probes to 150 min after.
DEPOTENTIATION_KNOBS = dict(KNOBS, follow_min=150.0, remifentanil_start_min=30.0, remifentanil_min=60.0)
#: 450 ug/kg/h is the withdrawal-LTP dose (Drdla et al. 2009; spinal MOR occupancy 0.88 in the
#: model's rat PK); the depotentiating dose is "several-fold" higher (Drdla-Schutting et al. 2012,
#: exact rate [T]): 4x, occupancy 0.97.
DEPOTENTIATION = {"no drug": {}, "withdrawal dose": {"remifentanil_ug_kg_h": 450.0}, "high dose": {"remifentanil_ug_kg_h": 1800.0}}


@pytest.fixture(scope="module")
def depotentiation_runs(build_root):
    return readouts_by_condition(hfs_ltp, DEPOTENTIATION_KNOBS, DEPOTENTIATION, scale=SCALE, build_root=build_root)


def _at_infusion_end(runs, condition):
    """Potentiation of the plastic synapses before the first probe after the infusion, in
    ``condition`` and without drug (early potentiation decays meanwhile either way)."""
    return runs[condition]["potentiation_after_remifentanil"], runs["no drug"]["potentiation_after_remifentanil"]


def test_brief_high_dose_remifentanil_erases_established_ltp(depotentiation_runs):
    """Drdla-Schutting et al. 2012 (Science 335:235): a brief (1 h) high-dose remifentanil
    infusion reverses established LTP at C-fibre synapses: at the end of 1 h at 1800 ug/kg/h less
    than half of the HFS potentiation that the drug-free run keeps is left."""
    treated, control = _at_infusion_end(depotentiation_runs, "high dose")
    assert control > 0.5
    assert treated < 0.5 * control


def test_withdrawal_ltp_dose_does_not_erase_ltp(depotentiation_runs):
    """Continuous low-dose opioid depresses C-fibre transmission only reversibly (Drdla-Schutting
    et al. 2012): after 1 h at the withdrawal-LTP dose (450 ug/kg/h) the potentiation is within
    10% of the drug-free run's, while the evoked responses during the infusion are depressed
    below baseline."""
    treated, control = _at_infusion_end(depotentiation_runs, "withdrawal dose")
    assert treated == pytest.approx(control, rel=0.10)
    run = depotentiation_runs["withdrawal dose"]
    start, stop = hfs_ltp.remifentanil_window_min(DEPOTENTIATION_KNOBS)
    during = (run["probe_times_min"] > start) & (run["probe_times_min"] < stop)
    assert during.sum() >= 2
    assert np.all(run["evoked_percent"][during] < 100.0)


def test_erasure_of_the_potentiation_outlasts_the_high_dose(depotentiation_runs):
    """Drdla-Schutting et al. 2012: the reversal of LTP persists after the high-dose infusion ends
    (it was not tapered). The high dose desensitises MOR while it acts, so the cyclase
    superactivation stays small and its abrupt end releases no withdrawal rebound that would
    re-induce LTP: at the last probe (1.5 h after the infusion) the potentiation is still below
    half of the drug-free run's and no larger than at the end of the infusion (+0.05)."""
    high, control = depotentiation_runs["high dose"], depotentiation_runs["no drug"]
    assert high["potentiation_mean"][-1] < 0.5 * control["potentiation_mean"][-1]
    assert high["potentiation_mean"][-1] <= high["potentiation_after_remifentanil"] + 0.05


@pytest.mark.xfail(strict=True, reason="known miss: the high dose also drives the NMDA-dependent presynaptic "
                   "potentiation of C-fibre release (adaptation.afferent_potentiation, fitted to the delayed "
                   "hyperalgesia after fentanyl: Celerier et al. 2000), which raises the evoked responses after it "
                   "(about 5-fold at scale 0.5) although the synaptic potentiation stays erased")
def test_erasure_lasts_after_the_high_dose_ends(depotentiation_runs):
    """Drdla-Schutting et al. 2012: the LTP stays reversed after the high-dose infusion: the
    evoked responses of the last hour are within 115% of baseline."""
    assert depotentiation_runs["high dose"]["ltp_percent"] < 115.0
