"""The slow layer of adaptive states (circuits.adaptation): each test states the biology it checks.

Occupancy here is the efficacy-weighted MOR agonist occupancy that the coupling code passes
(``mor_occupancy(conc, desensitisation=0)[1]``); with the rat PK of this model, morphine pellets
and pumps give 0.3-0.5 and analgesic fentanyl or remifentanil infusions 0.7-0.95.
"""


import numpy as np
import pytest
from brian2 import second
from scipy.integrate import solve_ivp

from circuits.adaptation import (
    ADAPTATION_PARAMETERS,
    SlowDrive,
    SlowState,
    advance,
    descending_drive,
    initial_state,
    rebound,
    trajectory,
)
from circuits.parameters import DEFAULTS, ParameterSet, iter_params

MIN, HOUR, DAY = 60.0, 3600.0, 86400.0


def _daily(state, days, drive, start_day=0, params=None):
    """Advance ``state`` by whole days from ``start_day`` under a constant ``drive``."""
    for d in range(start_day, start_day + days):
        state = advance(state, d * DAY, (d + 1) * DAY, drive, params)
    return state


def _potentiated(n=4, early=0.6):
    """A state with early potentiation ``early`` just induced at every plastic synapse."""
    state = initial_state(n)
    state.early = np.full(n, early)
    return state


# --------------------------------------------------------------------------------------------
# Parameters.
# --------------------------------------------------------------------------------------------


def test_parameters_are_in_the_single_parameter_tree():
    """Every adaptation parameter is reachable as ``adaptation.<...>`` with a unit and source."""
    paths = [p for p, _ in iter_params(DEFAULTS) if p.startswith("adaptation.")]
    assert len(paths) == len(list(iter_params(ADAPTATION_PARAMETERS))) >= 16
    ps = ParameterSet()
    assert float(ps["adaptation.cck.tau_recovery"] / second) == pytest.approx(3 * DAY)
    assert float(ps["adaptation.ac_superactivation.tau"] / second) == pytest.approx(15 * MIN)


# --------------------------------------------------------------------------------------------
# Chronic exposure: CCK, transporters, desensitisation.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("occupancy", [0.5, 0.8])
def test_continuous_morphine_raises_rvm_cck_about_fivefold_by_day_3(occupancy):
    """Continuous morphine raises basal RVM CCK ~5-fold, with hypersensitivity within 3 days
    (Xie et al. 2005 J Neurosci 25:409): 4-6 fold by day 3 at occupancy 0.5-0.8, and it keeps
    rising from day 1 to day 3."""
    drive = SlowDrive(occupancy_spinal=occupancy)
    day1 = _daily(initial_state(0), 1, drive)
    day3 = _daily(day1, 2, drive, start_day=1)
    assert 4.0 <= day3.cck_drive <= 6.0
    assert day1.cck_drive < day3.cck_drive - 0.5


def test_cck_drive_returns_towards_baseline_over_days_after_stopping():
    """After 7 days of morphine, CCK drive stays high the day after stopping (no instant reset)
    and is back within 50% of baseline a week later (tolerance and OIH resolve within about a
    week: Dunbar & Yaksh 1996; Celerier et al. 2000)."""
    on = _daily(initial_state(0), 7, SlowDrive(0.8))
    day8 = _daily(on, 1, SlowDrive(0.0), start_day=7)
    day14 = _daily(day8, 6, SlowDrive(0.0), start_day=8)
    assert day8.cck_drive > 0.7 * on.cck_drive
    assert 1.0 < day14.cck_drive < 1.5


def test_rvm_cck_follows_rvm_occupancy_and_the_transporters_spinal_occupancy():
    """CCK is an RVM adaptation and transporter loss a spinal one: opioid confined to the RVM
    raises CCK without spinal transporter loss, and vice versa."""
    rvm_only = _daily(initial_state(0), 3, SlowDrive(occupancy_spinal=0.0, occupancy_rvm=0.8))
    spinal_only = _daily(initial_state(0), 3, SlowDrive(occupancy_spinal=0.8, occupancy_rvm=0.0))
    assert rvm_only.cck_drive > 4.0 and rvm_only.transporter_capacity == pytest.approx(1.0)
    assert spinal_only.cck_drive == pytest.approx(1.0) and spinal_only.transporter_capacity < 0.7


def _rat_occupancy(regimen, t):
    from circuits.pharmacokinetics import mor_occupancy, simulate

    return mor_occupancy(simulate(regimen, "rat", t).effect)[1]


def _fentanyl(ug_kg):
    from circuits.pharmacokinetics import Dose

    return [Dose("fentanyl", ug_kg, "ug/kg", route="sc", time=k * 15 * MIN) for k in range(4)]


def test_cck_and_transporter_changes_need_exposure_sustained_over_a_day():
    """RVM CCK rises and spinal transporters fall with sustained exposure (Xie et al. 2005; Mao et
    al. 2002: continuous morphine) but one day of fentanyl, whose delayed hyperalgesia ketamine
    before it prevents (Celerier et al. 2000), leaves both within 5% and 2% of drug-free: four
    100 ug/kg boluses keep the expression signals under their threshold, and a 100 mg/kg/day
    morphine pump raises the CCK drive above 3.5-fold and removes > 15% of the transporters by
    day 3."""
    from circuits.pharmacokinetics import Pump

    t = np.arange(0.0, 3 * DAY + 1, 300.0)
    fentanyl = advance(initial_state(0), 0.0, 3 * DAY, SlowDrive(_rat_occupancy(_fentanyl(100.0), t), times_s=t))
    pump = advance(initial_state(0), 0.0, 3 * DAY,
                   SlowDrive(_rat_occupancy([Pump("morphine", 100.0, "mg/kg/day")], t), times_s=t))
    assert fentanyl.cck_drive < 1.05 and fentanyl.transporter_capacity > 0.98
    assert pump.cck_drive > 3.5 and pump.transporter_capacity < 0.85


def test_afferent_potentiation_needs_a_high_occupancy_and_nmda_activity():
    """The presynaptic NMDA potentiation is set off by a high opioid dose (Celerier et al. 2000:
    dose-dependent; Zhou et al. 2010): four fentanyl boluses of 100 ug/kg raise afferent release by
    15-35% within 2 h and more than those of 60 ug/kg, 20 ug/kg raise it by < 2%; a week of the
    morphine pump (occupancy ~0.5) and the 60-min remifentanil infusion of the withdrawal-LTP
    protocol (450 ug/kg/h, occupancy 0.88) leave it unchanged; NMDA activity 0.5 at the fentanyl
    peak (ketamine 10 mg/kg s.c. before it) prevents it."""
    from circuits.pharmacokinetics import Infusion, Pump

    t = np.arange(0.0, 2 * HOUR + 1, 60.0)
    gain = {dose: advance(initial_state(0), 0.0, 2 * HOUR, SlowDrive(_rat_occupancy(_fentanyl(dose), t), times_s=t))
            .afferent_potentiation for dose in (20.0, 60.0, 100.0)}
    assert 1.15 <= gain[100.0] <= 1.35
    assert gain[100.0] > gain[60.0] + 0.05
    assert gain[20.0] < 1.02
    ketamine = advance(initial_state(0), 0.0, 2 * HOUR,
                       SlowDrive(_rat_occupancy(_fentanyl(100.0), t), nmda_activity=0.5, times_s=t))
    assert ketamine.afferent_potentiation == pytest.approx(1.0, abs=1e-12)
    week = np.arange(0.0, 7 * DAY + 1, 600.0)
    for regimen, times in (([Pump("morphine", 100.0, "mg/kg/day")], week),
                           ([Infusion("remifentanil", 450.0, "ug/kg/h", 0.0, HOUR)], t)):
        after = advance(initial_state(0), 0.0, times[-1], SlowDrive(_rat_occupancy(regimen, times), times_s=times))
        assert after.afferent_potentiation == pytest.approx(1.0, abs=1e-12)


def test_afferent_potentiation_falls_with_the_nmda_block_to_none_below_the_nmda_threshold():
    """Ca2+ entry through presynaptic NMDA receptors must pass a threshold for the potentiation
    (Zhou, Chen & Pan 2010; Shouval, Bear & Cooper 2002): after 4 x 100 ug/kg fentanyl the
    potentiation falls monotonically as the NMDA activity falls from drug-free (1) to its
    threshold, is still more than a fifth of drug-free with 5% of the receptors blocked (small-dose
    ketamine attenuates, it does not abolish), and is nil at and below the threshold."""
    t = np.arange(0.0, 2 * HOUR + 1, 60.0)
    occ = _rat_occupancy(_fentanyl(100.0), t)
    theta = float(ADAPTATION_PARAMETERS["afferent_potentiation"]["nmda_threshold"].quantity)
    activities = [1.0, 0.97, 0.95, 0.92, theta, theta - 0.05]
    rise = [advance(initial_state(0), 0.0, 2 * HOUR, SlowDrive(occ, nmda_activity=n, times_s=t))
            .afferent_potentiation - 1.0 for n in activities]
    assert rise[0] > 0.1
    assert all(a > b for a, b in zip(rise[:4], rise[1:4]))
    assert rise[2] > 0.2 * rise[0]
    assert rise[4] == pytest.approx(0.0, abs=1e-12) and rise[5] == pytest.approx(0.0, abs=1e-12)


def test_acute_desensitisation_needs_a_high_efficacy_nmda_gated_activation():
    """Acute tolerance (Celerier et al. 2000; Laulin et al. 2002; Vinik & Kissin 1998: 4-fold
    within hours): four fentanyl boluses of 100 ug/kg take more than 70% of the agonist potency
    (a rightward shift of over 3-fold) by 4 h, 4 x 20 ug/kg less than half of that; a week of the morphine pump (morphine's MOR
    activation stays below its efficacy, 0.7) leaves none; NMDA activity 0.5 (ketamine 10 mg/kg
    before the fentanyl) prevents it; and it recovers (below half its 4-h value by day 2)."""
    from circuits.pharmacokinetics import Pump

    t = np.arange(0.0, 2 * DAY + 1, 300.0)
    acute = {dose: advance(initial_state(0), 0.0, 4 * HOUR, SlowDrive(_rat_occupancy(_fentanyl(dose), t), times_s=t))
             .acute_desensitisation for dose in (20.0, 100.0)}
    assert acute[100.0] > 0.7
    assert acute[20.0] < acute[100.0] / 2.0
    occ = _rat_occupancy(_fentanyl(100.0), t)
    blocked = advance(initial_state(0), 0.0, 4 * HOUR, SlowDrive(occ, nmda_activity=0.5, times_s=t))
    assert blocked.acute_desensitisation == pytest.approx(0.0, abs=1e-12)
    day2 = advance(initial_state(0), 0.0, 2 * DAY, SlowDrive(occ, times_s=t))
    assert day2.acute_desensitisation < 0.5 * acute[100.0]
    week = np.arange(0.0, 7 * DAY + 1, 600.0)
    pump = advance(initial_state(0), 0.0, week[-1],
                   SlowDrive(_rat_occupancy([Pump("morphine", 100.0, "mg/kg/day")], week), times_s=week))
    assert pump.acute_desensitisation == pytest.approx(0.0, abs=1e-12)


def test_afferent_potentiation_outlasts_the_opioid_by_days():
    """Fentanyl-induced hyperalgesia lasts up to 5 days (Celerier et al. 2000): after 4 x 100
    ug/kg the potentiation keeps more than half its 2-h value on day 2 and is below a third of it
    on day 5; NMDA block after the fentanyl does not speed its decay (prevention, not reversal)."""
    t = np.arange(0.0, 5 * DAY + 1, 300.0)
    occ = _rat_occupancy(_fentanyl(100.0), t)
    peak = advance(initial_state(0), 0.0, 2 * HOUR, SlowDrive(occ, times_s=t))
    day2 = advance(peak, 2 * HOUR, 2 * DAY, SlowDrive(occ, times_s=t))
    blocked = advance(peak, 2 * HOUR, 2 * DAY, SlowDrive(occ, nmda_activity=0.0, times_s=t))
    day5 = advance(day2, 2 * DAY, 5 * DAY, SlowDrive(occ, times_s=t))
    rise = peak.afferent_potentiation - 1.0
    assert day2.afferent_potentiation - 1.0 > 0.5 * rise
    assert day5.afferent_potentiation - 1.0 < rise / 3.0
    assert blocked.afferent_potentiation >= day2.afferent_potentiation - 1e-9


@pytest.mark.parametrize("occupancy", [0.5, 0.8])
def test_transporter_capacity_falls_30_to_50_percent_by_day_5_to_8(occupancy):
    """Chronic morphine down-regulates spinal EAAC1/GLAST by about 30-50% by day 5-8 (Mao et al.
    2002 J Neurosci 22:8312 [T] for the %); the loss is monotonic during exposure."""
    drive = SlowDrive(occupancy)
    day1 = _daily(initial_state(0), 1, drive)
    day5 = _daily(day1, 4, drive, start_day=1)
    day8 = _daily(day5, 3, drive, start_day=5)
    for state in (day5, day8):
        assert 0.5 <= state.transporter_capacity <= 0.7
    assert day1.transporter_capacity > day5.transporter_capacity >= day8.transporter_capacity


def test_desensitisation_is_modest_and_recovers_within_a_week():
    """True tolerance is modest: most of the rightward shift is apparent, from descending
    facilitation (Vanderah et al. 2001), so D stays within 0.1-0.3 after 7 days at occupancy
    0.5-0.8; tolerant and control groups are equal 1 week after stopping (Dunbar & Yaksh 1996):
    D < 0.03 a week after the opioid stops."""
    for occupancy in (0.5, 0.8):
        on = _daily(initial_state(0), 7, SlowDrive(occupancy))
        assert 0.1 <= on.desensitisation <= 0.3
        off = _daily(on, 7, SlowDrive(0.0), start_day=7)
        assert off.desensitisation < 0.03


def test_adaptation_grows_with_occupancy():
    """The adaptive states are graded by the opioid exposure (Mao 2002: dose-dependent)."""
    low, high = (_daily(initial_state(0), 5, SlowDrive(o)) for o in (0.3, 0.8))
    assert low.cck_drive < high.cck_drive
    assert low.transporter_capacity > high.transporter_capacity
    assert low.desensitisation < high.desensitisation


# --------------------------------------------------------------------------------------------
# NMDA: prevention but no reversal.
# --------------------------------------------------------------------------------------------


def test_nmda_block_during_exposure_prevents_the_adaptations():
    """NMDA block given with the opioid prevents tolerance and its adaptations (Trujillo & Akil
    1991; Dunbar & Yaksh 1996: MK-801 co-infusion prevents the 31-fold ED50 shift): with
    nmda_activity 0 for 7 days at occupancy 0.8 there is no CCK rise, no transporter loss and no
    desensitisation; half NMDA activity gives intermediate values."""
    blocked = _daily(initial_state(0), 7, SlowDrive(0.8, nmda_activity=0.0))
    assert blocked.cck_drive == pytest.approx(1.0, abs=1e-12)
    assert blocked.transporter_capacity == pytest.approx(1.0, abs=1e-12)
    assert blocked.desensitisation == pytest.approx(0.0, abs=1e-12)
    half = _daily(initial_state(0), 7, SlowDrive(0.8, nmda_activity=0.5))
    full = _daily(initial_state(0), 7, SlowDrive(0.8, nmda_activity=1.0))
    assert 1.0 < half.cck_drive < full.cck_drive
    assert 1.0 > half.transporter_capacity > full.transporter_capacity
    assert 0.0 < half.desensitisation < full.desensitisation


def test_nmda_block_after_the_opioid_does_not_speed_recovery():
    """NMDA block given after the adaptations are established does not reverse them (Dunbar &
    Yaksh 1996: groups equal only 1 week after stopping; Benrath 2005: prevention, not
    reversal): block from day 7 to day 10 after stopping leaves the recovery unchanged."""
    established = _daily(initial_state(0), 7, SlowDrive(0.8))
    free = _daily(established, 3, SlowDrive(0.0, nmda_activity=1.0), start_day=7)
    blocked = _daily(established, 3, SlowDrive(0.0, nmda_activity=0.0), start_day=7)
    for name in ("desensitisation", "cck_drive", "transporter_capacity"):
        assert getattr(blocked, name) == pytest.approx(getattr(free, name), rel=1e-12)
    assert blocked.cck_drive > 1.5  # still adapted: the block did not reset anything


def test_acute_nmda_block_during_the_opioid_does_not_restore_sensitivity():
    """Acute MK-801 did not restore morphine sensitivity in tolerant rats (Dunbar & Yaksh 1996):
    two hours of NMDA block on day 7 of continuous exposure change the states by < 5%."""
    established = _daily(initial_state(0), 7, SlowDrive(0.8))
    after = advance(established, 7 * DAY, 7 * DAY + 2 * HOUR, SlowDrive(0.8, nmda_activity=0.0))
    assert after.desensitisation == pytest.approx(established.desensitisation, rel=0.05)
    assert after.cck_drive - 1.0 == pytest.approx(established.cck_drive - 1.0, rel=0.05)
    assert 1.0 - after.transporter_capacity == pytest.approx(1.0 - established.transporter_capacity, rel=0.05)


# --------------------------------------------------------------------------------------------
# Withdrawal rebound (AC superactivation).
# --------------------------------------------------------------------------------------------


def _remifentanil_like(t, stop_s, taper_s=0.0, occupancy=0.88, half_time_s=3 * MIN):
    """Occupancy of a 60-min remifentanil infusion (0.88, the 450 ug/kg/h withdrawal-LTP dose
    with this model's PK) that stops abruptly (effect-site half-time ~3 min [T]) or falls
    linearly to zero over ``taper_s``."""
    if taper_s > 0:
        return np.clip(occupancy * (1.0 - (t - stop_s) / taper_s), 0.0, occupancy) * (t >= 0)
    return np.where(t < stop_s, occupancy, occupancy * 0.5 ** ((t - stop_s) / half_time_s))


def _rebound_course(occ, t, params=None):
    states = trajectory(initial_state(0), t, SlowDrive(occ, times_s=t), params)
    return np.array([rebound(s, o, params) for s, o in zip(states, occ)])


def test_abrupt_withdrawal_gives_a_rebound_and_a_taper_does_not():
    """Abrupt withdrawal from a 60-min MOR agonist infusion induces withdrawal LTP; tapered
    withdrawal prevents it (Drdla et al. 2009 Science 325:207). Abrupt stop: rebound > 0.2 at
    its peak and > 0.1 for at least 10 min; taper over 60 min: rebound < 0.05 throughout."""
    t = np.arange(0.0, 4 * HOUR + 1, 30.0)
    abrupt = _rebound_course(_remifentanil_like(t, HOUR), t)
    taper = _rebound_course(_remifentanil_like(t, HOUR, taper_s=HOUR), t)
    assert abrupt.max() > 0.2
    assert np.sum(abrupt > 0.1) * 30.0 >= 10 * MIN
    assert np.all(abrupt[t < HOUR] == 0.0)  # no withdrawal signal while the opioid is on
    assert taper.max() < 0.05
    assert abrupt[-1] == 0.0  # the signal is transient (tens of minutes), not lasting


def test_rebound_with_the_pharmacokinetics_of_remifentanil():
    """The same with the rat PK of this model: remifentanil 450 ug/kg/h i.v. for 60 min (Heinl et
    al. 2011 withdrawal-LTP protocol) stopped abruptly gives a rebound > 0.15 for >= 10 min;
    a taper halving the rate every 10 min over 60 min keeps it below 0.1."""
    from circuits.pharmacokinetics import Infusion

    t = np.arange(0.0, 4 * HOUR + 1, 30.0)
    infusion = Infusion("remifentanil", 450.0, "ug/kg/h", 0.0, HOUR)
    steps = [Infusion("remifentanil", 450.0 * 0.5 ** (k + 1), "ug/kg/h", HOUR + 600 * k, HOUR + 600 * (k + 1)) for k in range(6)]
    abrupt = _rebound_course(_rat_occupancy([infusion], t), t)
    taper = _rebound_course(_rat_occupancy([infusion, *steps], t), t)
    assert np.sum(abrupt > 0.15) * 30.0 >= 10 * MIN
    assert taper.max() < 0.1


def test_rvm_rebound_follows_naloxone_after_morphine_at_the_rvm_only():
    """Acute dependence within 15 min of i.v. morphine (Kim, Fields & Barbaro 1990): naloxone
    1 mg/kg i.v. 15 min after morphine 2 mg/kg i.v. gives an RVM rebound above 0.1 two minutes
    later, graded from zero (no threshold); drug confined to the spinal cord (intrathecal) gives
    none in the RVM."""
    from circuits.pharmacokinetics import Dose

    t = np.arange(0.0, 20 * MIN + 1, 10.0)
    occ = _rat_occupancy([Dose("morphine", 2.0, "mg/kg", route="iv", time=0.0),
                          Dose("naloxone", 1.0, "mg/kg", route="iv", time=15 * MIN)], t)
    after = advance(initial_state(0), 0.0, 17 * MIN, SlowDrive(occ, times_s=t))
    u = float(np.interp(17 * MIN, t, occ))
    assert rebound(after, u, site="rvm") > 0.1
    assert rebound(after, u) < rebound(after, u, site="rvm")  # the spinal signal keeps its threshold
    spinal_only = advance(initial_state(0), 0.0, 17 * MIN, SlowDrive(occ, occupancy_rvm=0.0, times_s=t))
    assert rebound(spinal_only, 0.0, site="rvm") == 0.0
    with pytest.raises(ValueError, match="site"):
        rebound(after, u, site="cortex")


def test_rebound_needs_a_preceding_exposure_and_tracks_a_fall_of_occupancy():
    """No opioid, no superactivation: the rebound of a naive state is 0; after 60 min at 0.8
    superactivation has caught up with occupancy (tau tens of minutes) and naloxone, which drops
    agonist occupancy to 0, releases a rebound of about A - threshold."""
    assert rebound(initial_state(0), 0.0) == 0.0
    exposed = advance(initial_state(0), 0.0, HOUR, SlowDrive(0.8))
    assert 0.75 < exposed.ac_superactivation <= 0.8
    assert rebound(exposed, 0.8) == 0.0
    assert rebound(exposed, 0.0) == pytest.approx(exposed.ac_superactivation - 0.2, abs=1e-12)


# --------------------------------------------------------------------------------------------
# Potentiation: early, consolidated, depotentiation.
# --------------------------------------------------------------------------------------------


def test_early_ltp_decays_within_3_hours_without_consolidation():
    """Early-phase LTP is protein-synthesis independent and lasts <= 3 h (Sandkuehler 2007 Mol
    Pain 3:9): with consolidation blocked (consolidation_rate 0, e.g. a protein synthesis
    inhibitor) early potentiation falls below 1/e within 3 h and nothing is consolidated."""
    ps = ParameterSet({"adaptation.potentiation.consolidation_rate": 0.0 / second})
    start = _potentiated(early=0.6)
    after = advance(start, 0.0, 3 * HOUR, SlowDrive(0.0), ps)
    assert np.all(after.early < 0.6 / np.e)
    assert np.all(after.consolidated == 0.0)


def test_consolidated_ltp_outlasts_3_hours_and_decays_over_days():
    """Late-phase LTP lasts > 3 h (Sandkuehler 2007) and withdrawal LTP stays potentiated for
    >= 3 h (Drdla et al. 2009; Heinl et al. 2011): 3 h after induction the total potentiation
    keeps >= 65% of its induced value, mostly consolidated. Fentanyl hyperalgesia lasts up to
    5 days (Celerier et al. 2000): > 50% remains after 1 day, < 20% after 5 days."""
    start = _potentiated(early=0.6)
    h3 = advance(start, 0.0, 3 * HOUR, SlowDrive(0.0))
    assert np.all(h3.potentiation >= 0.65 * 0.6)
    assert np.all(h3.consolidated > 0.5 * 0.6)
    assert np.all(h3.early < 0.05 * 0.6)
    d1 = advance(start, 0.0, DAY, SlowDrive(0.0))
    d5 = advance(d1, DAY, 5 * DAY, SlowDrive(0.0))
    assert np.all(d1.potentiation > 0.5 * 0.6)
    assert np.all(d5.potentiation < 0.2 * 0.6)


def test_nmda_block_after_induction_leaves_ltp_in_place():
    """Ketamine given after HFS has no effect on LTP maintenance (Benrath et al. 2005):
    consolidation does not depend on NMDA activity."""
    start = _potentiated(early=0.6)
    free = advance(start, 0.0, 6 * HOUR, SlowDrive(0.0, nmda_activity=1.0))
    blocked = advance(start, 0.0, 6 * HOUR, SlowDrive(0.0, nmda_activity=0.0))
    np.testing.assert_allclose(blocked.early, free.early, rtol=1e-12)
    np.testing.assert_allclose(blocked.consolidated, free.consolidated, rtol=1e-12)


def test_brief_high_opioid_erases_established_potentiation():
    """A brief (1 h) high-dose remifentanil infusion reverses established LTP (Drdla-Schutting
    et al. 2012 Science 335:235): 1 h at occupancy 0.96 (above the depotentiation threshold)
    removes > 50% of a day-old potentiation. Continuous low-dose opioid depresses transmission
    only reversibly: 1 h at 0.85 or a day at 0.5 removes < 5% more than no drug."""
    established = advance(_potentiated(early=0.6), 0.0, DAY, SlowDrive(0.0))
    t0 = DAY
    high = advance(established, t0, t0 + HOUR, SlowDrive(0.96))
    moderate = advance(established, t0, t0 + HOUR, SlowDrive(0.85))
    control = advance(established, t0, t0 + HOUR, SlowDrive(0.0))
    assert np.all(high.potentiation < 0.5 * established.potentiation)
    assert np.all(moderate.potentiation > 0.95 * control.potentiation)
    low_day = advance(established, t0, t0 + DAY, SlowDrive(0.5))
    control_day = advance(established, t0, t0 + DAY, SlowDrive(0.0))
    np.testing.assert_allclose(low_day.potentiation, control_day.potentiation, rtol=1e-12)


def test_the_erasure_outlasts_the_high_dose():
    """The reversal of LTP persists after a brief high dose ends (Drdla-Schutting et al. 2012), so
    potentiation induced just after it (by the withdrawal rebound of its abrupt end) is erased
    too: potentiation of 0.9 added 15 min after 1 h at occupancy 0.97 keeps less than a third of
    what it keeps without the prior dose 1.5 h later; after 1 h at 0.85 (below the threshold) the
    two are the same."""
    kept = {}
    for occupancy in (0.97, 0.85, 0.0):
        dosed = advance(initial_state(1), 0.0, HOUR, SlowDrive(occupancy))
        after = advance(dosed, HOUR, HOUR + 15 * MIN, SlowDrive(0.0))
        after.early = after.early + 0.9
        kept[occupancy] = advance(after, HOUR + 15 * MIN, 2.75 * HOUR, SlowDrive(0.0)).potentiation[0]
    assert kept[0.97] < kept[0.0] / 3.0
    assert kept[0.85] == pytest.approx(kept[0.0], rel=1e-12)


def test_each_plastic_synapse_keeps_its_own_potentiation():
    """Potentiation is per synapse: the arrays keep their shape, each synapse evolves from its own
    value (a synapse with twice the potentiation keeps twice), and the input is not modified."""
    start = initial_state(3)
    start.early = np.array([0.0, 0.2, 0.4])
    start.consolidated = np.array([0.1, 0.0, 0.2])
    kept = (start.early.copy(), start.consolidated.copy())
    after = advance(start, 0.0, 5 * HOUR, SlowDrive(0.3))
    assert after.early.shape == after.consolidated.shape == (3,)
    np.testing.assert_allclose(after.potentiation[2], 2 * after.potentiation[1] + 2 * after.potentiation[0], rtol=1e-12)
    np.testing.assert_array_equal(start.early, kept[0])
    np.testing.assert_array_equal(start.consolidated, kept[1])


# --------------------------------------------------------------------------------------------
# Numerics and API.
# --------------------------------------------------------------------------------------------


def _pk_like_week(dt=600.0):
    """A week of daily opioid boluses (occupancy rising within 30 min, decaying with a 4-h
    half-time) sampled every ``dt`` seconds, with half occupancy in the RVM."""
    t = np.arange(0.0, 7 * DAY + 1, dt)
    occ = np.zeros_like(t)
    for d in range(7):
        s = t - d * DAY
        occ += np.where(s >= 0, 0.95 * (1 - np.exp(-np.maximum(s, 0) / (10 * MIN))) * 0.5 ** (np.maximum(s, 0) / (4 * HOUR)), 0.0)
    return t, np.clip(occ, 0.0, 1.0)


def _state_vector(s: SlowState) -> np.ndarray:
    return np.array([s.desensitisation, s.cck_drive, s.transporter_capacity, s.ac_superactivation,
                     s.afferent_potentiation, *s.early, *s.consolidated])


def test_hourly_steps_equal_one_seven_day_step():
    """Numerical consistency: 168 hourly calls give the same state as one 7-day call within 1%,
    for a constant drive and for a PK-like time course on a 10-min grid."""
    start = _potentiated(n=2, early=0.5)
    t, occ = _pk_like_week()
    for drive in (SlowDrive(0.8), SlowDrive(occ, 0.5 * occ, 0.7, times_s=t)):
        one = advance(start, 0.0, 7 * DAY, drive)
        hourly = start
        for h in range(168):
            hourly = advance(hourly, h * HOUR, (h + 1) * HOUR, drive)
        np.testing.assert_allclose(_state_vector(hourly), _state_vector(one), rtol=0.01, atol=1e-9)


def test_agrees_with_a_generic_ode_solver():
    """The exact propagators agree within 1% with scipy's solve_ivp on the equations of the
    module docstring, for a varying drive that crosses the depotentiation threshold, the
    expression threshold and the occupancy threshold of the afferent potentiation."""
    p = {
        k: float(np.asarray(v.quantity)) for k, v in iter_params(ADAPTATION_PARAMETERS)
    }
    t_grid = np.linspace(0.0, 2 * DAY, 2 * 24 * 6 + 1)
    occ_grid = 0.5 + 0.48 * np.sin(2 * np.pi * t_grid / (7 * HOUR))
    nmda = 0.95  # above the NMDA threshold of the afferent potentiation, below drug-free; n u crosses theta_Da

    def rhs(t, y):
        u = np.interp(t, t_grid, occ_grid)
        D, c, L, A, e, q, E, H, Es, z = y
        c_max = p["cck.max_fold"] - 1
        theta_E, theta_H = p["expression.threshold"], p["afferent_potentiation.occupancy_threshold"]
        theta_n = p["afferent_potentiation.nmda_threshold"]
        h = max(0.0, u - theta_H) / (1 - theta_H) * max(0.0, nmda - theta_n) / (1 - theta_n)
        u_dep = p["potentiation.depotentiation_threshold"]
        r = p["potentiation.depotentiation_rate"] * z
        k = p["potentiation.consolidation_rate"]
        return [
            nmda * u * (p["desensitisation.max"] - D) / p["desensitisation.tau_onset"] - D / p["desensitisation.tau_recovery"],
            max(0.0, E - theta_E) / (1 - theta_E) * (c_max - c) / p["cck.tau_onset"] - c / p["cck.tau_recovery"],
            max(0.0, Es - theta_E) / (1 - theta_E) * (p["transporter.max_loss"] - L) / p["transporter.tau_onset"]
            - L / p["transporter.tau_recovery"],
            (u - A) / p["ac_superactivation.tau"],
            -e / p["potentiation.tau_early"] - k * e - r * e,
            k * e - q / p["potentiation.tau_consolidated"] - r * q,
            (nmda * u - E) / p["expression.tau"],
            h * (p["afferent_potentiation.max_gain"] - 1 - H) / p["afferent_potentiation.tau_onset"]
            - H / p["afferent_potentiation.tau_recovery"],
            (nmda * u - Es) / p["expression.tau"],
            (max(0.0, u - u_dep) / (1 - u_dep) - z) / p["potentiation.depotentiation_tau"],
        ]

    ref = solve_ivp(rhs, (0.0, t_grid[-1]), [0, 0, 0, 0, 0.6, 0.1, 0, 0, 0, 0], method="LSODA", rtol=1e-9, atol=1e-12,
                    max_step=120.0, t_eval=[t_grid[-1]]).y[[0, 1, 2, 3, 4, 5, 7, 9], -1]
    start = initial_state(1)
    start.early, start.consolidated = np.array([0.6]), np.array([0.1])
    got = advance(start, 0.0, t_grid[-1], SlowDrive(occ_grid, nmda_activity=nmda, times_s=t_grid))
    mine = [got.desensitisation, got.cck_drive - 1, 1 - got.transporter_capacity, got.ac_superactivation,
            got.early[0], got.consolidated[0], got.afferent_potentiation - 1, got.depotentiation]
    np.testing.assert_allclose(mine, ref, rtol=0.01, atol=1e-6)


def test_callable_drive_matches_the_same_time_course_as_an_array():
    """An occupancy given as a callable t -> occupancy gives the state of the same time course
    given as an array on a fine grid (within 1%)."""
    fn = lambda t: 0.6 + 0.3 * np.sin(t / (3 * HOUR))  # noqa: E731
    t = np.arange(0.0, DAY + 1, 60.0)
    start = _potentiated(n=1, early=0.3)
    a = advance(start, 0.0, DAY, SlowDrive(fn))
    b = advance(start, 0.0, DAY, SlowDrive(fn(t), times_s=t))
    np.testing.assert_allclose(_state_vector(a), _state_vector(b), rtol=0.01)


def test_parameter_overrides_change_the_result():
    """Values are read from the ParameterSet given (``--set adaptation.cck.max_fold=3``)."""
    ps = ParameterSet({"adaptation.cck.max_fold": 3.0})
    state = _daily(initial_state(0), 7, SlowDrive(0.8), params=ps)
    assert 2.0 < state.cck_drive < 3.0


@pytest.mark.parametrize("t1,drive,message", [
    (-1.0, SlowDrive(0.5), "t0_s <= t1_s"),
    (HOUR, SlowDrive(1.2), "0..1"),
    (HOUR, SlowDrive(0.5, nmda_activity=-0.1), "nmda_activity"),
    (HOUR, SlowDrive(np.array([0.1, 0.2])), "times_s"),
])
def test_bad_input_is_rejected(t1, drive, message):
    """Time running backwards, occupancies outside 0..1, negative NMDA activity and arrays
    without a time grid raise a ValueError naming the problem."""
    with pytest.raises(ValueError, match=message):
        advance(initial_state(0), 0.0, t1, drive)


def test_zero_length_interval_and_initial_state():
    """The drug-free state: D 0, CCK 1, transporters 1, no superactivation, no potentiation;
    advancing by zero time returns an equal copy."""
    s = initial_state(5)
    assert (s.desensitisation, s.cck_drive, s.transporter_capacity, s.ac_superactivation) == (0.0, 1.0, 1.0, 0.0)
    assert s.early.shape == (5,) and not s.potentiation.any()
    same = advance(s, 10.0, 10.0, SlowDrive(0.9))
    assert same.scalars() == s.scalars() and same.early is not s.early
    with pytest.raises(ValueError):
        initial_state(-1)


# --------------------------------------------------------------------------------------------
# Descending facilitation: the afferent gain.
# --------------------------------------------------------------------------------------------


def test_afferent_gain_needs_descending_drive():
    """The enhancement of primary-afferent release under sustained morphine depends on the
    descending pathway (Gardell et al. 2002: absent in DLF-lesioned rats): with no descending
    drive it stays at 1 after 7 days at occupancy 0.8; with full drive it is above 1.5 on day 7
    and below its largest value."""
    lesioned = _daily(initial_state(0), 7, SlowDrive(0.8, descending_drive=0.0))
    intact = _daily(initial_state(0), 7, SlowDrive(0.8, descending_drive=1.0))
    assert lesioned.afferent_gain == pytest.approx(1.0, abs=1e-12)
    assert 1.5 < intact.afferent_gain < float(ADAPTATION_PARAMETERS["afferent_facilitation"]["max_gain"].value)


def test_afferent_gain_recovers_over_days():
    """Hyperalgesia resolves within about a week after the opioid stops (Celerier et al. 2000):
    without drive the gain falls more than half-way back to 1 within 4 days."""
    raised = _daily(initial_state(0), 7, SlowDrive(0.8, descending_drive=1.0))
    later = _daily(raised, 4, SlowDrive(0.0), start_day=7)
    assert later.afferent_gain - 1.0 < 0.5 * (raised.afferent_gain - 1.0)


def test_descending_drive_is_the_on_cell_excess_over_the_reference_rate():
    """Drug-free ON activity (below ``on_rate_reference``, 10 Hz) gives no drive; twice the
    reference gives 1; a negative rate is rejected."""
    assert descending_drive(6.8) == 0.0
    assert descending_drive(20.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="ON-cell rate"):
        descending_drive(-1.0)
