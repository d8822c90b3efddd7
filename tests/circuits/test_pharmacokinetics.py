"""Pharmacokinetics and mu-opioid receptor occupancy (circuits/pharmacokinetics.py).

Targets are from ``shared/science/targets.md`` section 6 (and 15 of the ranked list) unless a
test names another source. Tests marked "calibration check" verify that a parameter fitted to a
datum still reproduces it (they catch drift when other parameters change); the others compare
the model with data it was not fitted to, or check the mathematics.
"""

import copy
import math
import re

import numpy as np
import pytest

from circuits.parameters import Param, ParameterSet, iter_params, parse_unit
from circuits.pharmacokinetics import (
    DAY,
    DRUGS,
    HOUR,
    MIN,
    MOR_LIGANDS,
    PK_PARAMETERS,
    SPECIES,
    Dose,
    Infusion,
    Pellet,
    Pump,
    mor_occupancy,
    resolve,
    simulate,
    steady_state_concentration,
    terminal_half_life,
)

LN2 = math.log(2.0)


def _slope_half_life(t_s, c, t0_h, t1_h):
    """Half-life (h) from the log-linear slope of ``c`` between t0 and t1 hours."""
    mask = (t_s >= t0_h * HOUR) & (t_s <= t1_h * HOUR)
    slope = np.polyfit(t_s[mask] / HOUR, np.log(c[mask]), 1)[0]
    return -LN2 / slope


def _time_to_fraction(t_s, c, t_stop_s, fraction):
    """Minutes after ``t_stop_s`` until ``c`` first falls below ``fraction`` of its value there."""
    i0 = np.searchsorted(t_s, t_stop_s)
    below = np.nonzero(c[i0:] < fraction * c[i0])[0]
    return (t_s[i0 + below[0]] - t_s[i0]) / MIN


# --------------------------------------------------------------------------------------------
# The parameter tree.
# --------------------------------------------------------------------------------------------

SOURCE_FORM = re.compile(r"^(\[T\]|\[D\] derived: |fitted: )|\b(1[89]\d\d|20\d\d)\b|product information")


def test_tree_layout_units_and_sources():
    """Every leaf is drug -> species -> name -> Param; its unit is accepted by
    ``circuits.parameters.parse_unit``; its value is finite; its source is a citation
    (author/journal with a year, or a drug's product information), "[T]", "[D] derived: ..." or
    "fitted: ..."."""
    assert set(PK_PARAMETERS) == set(DRUGS)
    for drug, by_species in PK_PARAMETERS.items():
        assert set(by_species) <= set(SPECIES), drug
        for species, leaves in by_species.items():
            for name, p in leaves.items():
                assert isinstance(p, Param), (drug, species, name)
                parse_unit(p.unit)
                assert math.isfinite(float(p.value)), (drug, species, name)
                assert SOURCE_FORM.search(p.source), (drug, species, name, p.source)
                assert p.doc
    paths = [path for path, _ in iter_params(PK_PARAMETERS)]
    assert len(paths) == len(set(paths)) > 100


def test_every_drug_has_a_rat_set_and_all_but_mk801_a_human_set():
    """Rat sets for all seven drugs; human sets for all but MK-801 (never used clinically, no
    human data)."""
    for drug in DRUGS:
        resolve(drug, "rat")
        if drug != "mk801":
            resolve(drug, "human")
    with pytest.raises(KeyError):
        resolve("mk801", "human")


def test_molecular_weights_match_targets():
    """targets section 6: ketamine 237.7, morphine 285.3, fentanyl 336.5 g/mol (1 uM ketamine
    = 238 ng/mL), within 0.1%."""
    for drug, mw in (("ketamine", 237.7), ("morphine", 285.3), ("fentanyl", 336.5)):
        for species in SPECIES:
            assert resolve(drug, species)["molecular_weight"] == pytest.approx(mw, rel=1e-3)


def test_parameter_set_overrides_reach_the_simulation():
    """The tree works as DEFAULTS["pharmacokinetics"] of a ParameterSet: doubling the human
    ketamine clearance halves the steady state (Css = rate/CL), within 1%."""
    import brian2

    ps = ParameterSet(tree={"pharmacokinetics": copy.deepcopy(PK_PARAMETERS)})
    base = steady_state_concentration("ketamine", "human", 0.25, "mg/kg/h", params=ps)
    cl = ps.param("pharmacokinetics.ketamine.human.cl")
    ps.set("pharmacokinetics.ketamine.human.cl", 2 * cl.value * parse_unit(cl.unit))
    t = np.array([72 * HOUR])
    res = simulate([Infusion("ketamine", 0.25, "mg/kg/h", 0, 80 * HOUR)], "human", t, params=ps)
    assert res.plasma["ketamine"][0] == pytest.approx(base / 2, rel=0.01)
    assert isinstance(parse_unit(cl.unit), brian2.Quantity)


# --------------------------------------------------------------------------------------------
# Targets.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate, target_uM", [(0.1, 0.37), (0.15, 0.56), (0.25, 0.93), (0.5, 1.86)])
def test_ketamine_human_steady_state(rate, target_uM):
    """Ketamine infusions of 0.1-0.5 mg/kg/h reach Css 0.37-1.86 uM (targets sections 6 and 15,
    [D] Css = rate/CL with CL 79 L/h/70 kg, Kamp et al. 2020 Anesthesiology 133:1192); within
    25% after 48 h, and the helper agrees with the simulation within 1%."""
    t = np.array([48 * HOUR])
    res = simulate([Infusion("ketamine", rate, "mg/kg/h", 0, 48 * HOUR)], "human", t)
    css = res.plasma["ketamine"][0]
    assert css == pytest.approx(target_uM, rel=0.25)
    assert css == pytest.approx(steady_state_concentration("ketamine", "human", rate, "mg/kg/h"), rel=0.01)


def test_ketamine_human_anaesthetic_and_icu_infusions():
    """Independent checks of the human clearance: 41 ug/kg/min gives Css 9.3 +- 0.8 uM (Idvall
    et al. 1979 Br J Anaesth 51:1167); 1.1-1.3 mg/kg/h for 3 days gives 1.2 +- 0.3 ug/mL
    (targets section 6, ICU analgosedation study). Each within 25%."""
    t = np.array([24 * HOUR, 72 * HOUR])
    res = simulate([Infusion("ketamine", 41, "ug/kg/min", 0, 72 * HOUR)], "human", t)
    assert res.plasma["ketamine"][0] == pytest.approx(9.3, rel=0.25)
    res = simulate([Infusion("ketamine", 1.2, "mg/kg/h", 0, 72 * HOUR)], "human", t)
    ug_per_ml = res.plasma["ketamine"][1] * 237.73 / 1000
    assert ug_per_ml == pytest.approx(1.2, rel=0.25)


def test_remifentanil_rat_falls_below_ten_percent_within_ten_minutes():
    """Remifentanil is the clean abrupt-withdrawal drug: after a 60-min infusion (Drdla et al.
    2009 rat protocol, 450 ug/kg/h) plasma falls below 10% of its end-of-infusion value within
    about 10 min (targets section 6 [T]; context-sensitive half-time 3-4 min regardless of
    duration, Kapila et al. 1995). Rat set = Minto 1997 scaled allometrically. Pass: <= 10 min,
    and the half-time is under 4 min."""
    t = np.arange(0, 120 * MIN, 5.0)
    res = simulate([Infusion("remifentanil", 450, "ug/kg/h", 0, 60 * MIN)], "rat", t)
    c = res.plasma["remifentanil"]
    assert _time_to_fraction(t, c, 60 * MIN, 0.1) <= 10.0
    assert _time_to_fraction(t, c, 60 * MIN, 0.5) < 4.0


def test_remifentanil_human_context_sensitive_half_time():
    """Human (Minto et al. 1997): the time for a 50% fall of the effect-site concentration after
    an infusion is 3.65 min (Westmoreland et al. 1993 Anesthesiology 79:893) and does not grow
    with infusion duration (Kapila et al. 1995: ~3-4 min [T]). Pass: within 25% of 3.65 min after
    60 min and after 3 h, and the plasma half-time under 4 min."""
    for duration in (60 * MIN, 180 * MIN):
        t = np.arange(0, duration + 60 * MIN, 5.0)
        res = simulate([Infusion("remifentanil", 0.25, "ug/kg/min", 0, duration)], "human", t)
        assert _time_to_fraction(t, res.effect["remifentanil"], duration, 0.5) == pytest.approx(3.65, rel=0.25)
        assert _time_to_fraction(t, res.plasma["remifentanil"], duration, 0.5) < 4.0


@pytest.mark.xfail(strict=True, reason="Minto 1997 predicts ~17 min to 10% after a 60-min infusion (80% at ~10 min); "
                                       "the targets' '<10% within ~10 min' [T] holds for the rat set only")
def test_remifentanil_human_falls_below_ten_percent_within_ten_minutes():
    """targets section 6 [T]: <10% within ~10 min of stopping; tested on the human (Minto 1997)
    set with 25% tolerance (<= 12.5 min). Known to fail: kept to document the disagreement."""
    t = np.arange(0, 120 * MIN, 5.0)
    res = simulate([Infusion("remifentanil", 0.25, "ug/kg/min", 0, 60 * MIN)], "human", t)
    assert _time_to_fraction(t, res.plasma["remifentanil"], 60 * MIN, 0.1) <= 12.5


def test_fentanyl_rat_terminal_half_life():
    """Rat fentanyl i.v. 10 ug/kg: k_e 0.279 /h, t1/2 ~2.5 h (J Pharm Health Care Sci 2024,
    Table 3; targets section 6). Log-linear slope 8-24 h within 25%."""
    t = np.arange(0, 24 * HOUR + 1, 10 * MIN)
    res = simulate([Dose("fentanyl", 10, "ug/kg", "iv", 0)], "rat", t)
    assert _slope_half_life(t, res.plasma["fentanyl"], 8, 24) == pytest.approx(2.5, rel=0.25)


def test_morphine_rat_terminal_half_life_and_nanomolar_tail():
    """Rat morphine s.c.: terminal t1/2 5 h and free morphine persists at nM for >= 24 h after
    one analgesic dose (J Pharmacol Exp Ther 1979;208:228; targets section 6). 5 mg/kg s.c.:
    slope 12-36 h within 25% of 5 h; plasma at 24 h between 1 and 100 nM."""
    t = np.arange(0, 36 * HOUR + 1, 10 * MIN)
    res = simulate([Dose("morphine", 5, "mg/kg", "sc", 0)], "rat", t)
    c = res.plasma["morphine"]
    assert _slope_half_life(t, c, 12, 36) == pytest.approx(5.0, rel=0.25)
    c24_nM = c[np.searchsorted(t, 24 * HOUR)] * 1e3
    assert 1.0 <= c24_nM <= 100.0


@pytest.mark.parametrize("drug, t_half_h, source", [
    ("ketamine", 1.0, "rat elimination t1/2 ~1 h [T], targets section 6"),
    ("naloxone", 40 / 60, "serum t1/2 40 min, Berkowitz et al. 1975 J Pharmacol Exp Ther 195:499"),
    ("mk801", 1.65, "t1/2 1.65 h after 3 mg/kg i.p., Eur J Pharmacol 1992;216:1"),
])
def test_other_rat_half_lives(drug, t_half_h, source):
    """Terminal half-lives of the rat sets match the cited values within 25% (slope of the i.v.
    bolus curve from 4 to 8 half-lives, and the eigenvalue helper)."""
    t = np.arange(0, 10 * t_half_h * HOUR, 30.0)
    res = simulate([Dose(drug, 1, "mg/kg", "iv", 0)], "rat", t)
    assert _slope_half_life(t, res.plasma[drug], 4 * t_half_h, 8 * t_half_h) == pytest.approx(t_half_h, rel=0.25), source
    assert terminal_half_life(drug, "rat") == pytest.approx(t_half_h, rel=0.25), source


def test_morphine_rat_brain_peak_after_iv():
    """Rat morphine i.v.: maximal brain levels 15-20 min after injection (Dahlström & Paalzow
    1975 J Pharmacokinet Biopharm 3:293). Effect-site peak within 25% of that window (11-25 min);
    tests ke0 = 0.1/min [T]."""
    t = np.arange(0, 90 * MIN, 10.0)
    res = simulate([Dose("morphine", 5, "mg/kg", "iv", 0)], "rat", t)
    t_peak_min = t[np.argmax(res.effect["morphine"])] / MIN
    assert 0.75 * 15 <= t_peak_min <= 1.25 * 20


def test_ketamine_rat_brain_peak_and_ratio():
    """Calibration check (ke0 fitted): peak brain ketamine within 1 min of i.v. dosing and total
    brain:plasma 6.5 at equilibrium (Cohen et al. 1973 Anesthesiology, rat). Ratio during a 6-h
    infusion within 2%."""
    t = np.arange(0, 5 * MIN, 1.0)
    res = simulate([Dose("ketamine", 10, "mg/kg", "iv", 0)], "rat", t)
    assert t[np.argmax(res.effect["ketamine"])] < 60.0
    t = np.array([6 * HOUR])
    res = simulate([Infusion("ketamine", 5, "mg/kg/h", 0, 7 * HOUR)], "rat", t)
    assert res.brain_total["ketamine"][0] / res.plasma["ketamine"][0] == pytest.approx(6.5, rel=0.02)


def test_ketamine_rat_repeated_doses_keep_plasma_above_100_ng_ml():
    """7.5 mg/kg i.m. every 90 min keeps rat plasma ketamine > 100 ng/mL (Drug Test Anal
    2019;11:68; s.c., i.m. and infusion give similar exposure). s.c. here, 4 doses: plasma above
    100 ng/mL from 10 min after the first dose to the fourth dose."""
    t = np.arange(10 * MIN, 4.5 * HOUR, 60.0)
    reg = [Dose("ketamine", 7.5, "mg/kg", "sc", i * 90 * MIN) for i in range(4)]
    res = simulate(reg, "rat", t)
    assert np.all(res.plasma["ketamine"] * 237.73 > 100.0)


def test_morphine_human_iv_concentration_at_5_min():
    """Human morphine 10 mg/70 kg i.v.: Cmax 283 +- 74 nM at the first sample (0.08 h)
    (Stuart-Harris et al. 2000 Br J Clin Pharmacol 49:207, Table 1). The Sarton 2000 model at
    5 min within 25%."""
    res = simulate([Dose("morphine", 10 / 70, "mg/kg", "iv", 0)], "human", np.array([5 * MIN]))
    assert res.plasma["morphine"][0] * 1e3 == pytest.approx(283, rel=0.25)


def test_naloxone_human_half_life():
    """Naloxone plasma half-life ~1-1.5 h in adults (naloxone product information); the Dowling
    et al. 2008 three-compartment set's terminal half-life lies in that range."""
    assert 1.0 <= terminal_half_life("naloxone", "human") <= 1.5


def test_mk801_rat_cmax_after_ip():
    """Calibration check (volume fitted): 3 mg/kg i.p. gives a peak plasma MK-801 of 44 ng/mL
    (Eur J Pharmacol 1992;216:1), within 2%."""
    t = np.arange(0, 4 * HOUR, 30.0)
    res = simulate([Dose("mk801", 3, "mg/kg", "ip", 0)], "rat", t)
    assert res.plasma["mk801"].max() * 221.30 == pytest.approx(44.0, rel=0.02)


# --------------------------------------------------------------------------------------------
# Mathematics of the solver.
# --------------------------------------------------------------------------------------------

CASES = [(d, s) for d in DRUGS for s in SPECIES if not (d == "mk801" and s == "human")]


@pytest.mark.parametrize("drug, species", CASES)
def test_mass_balance_iv_bolus(drug, species):
    """For an i.v. bolus, AUC(0-inf) x CL = dose (linear pharmacokinetics), within 2%. AUC by
    the trapezoid rule on a fine grid plus the terminal tail C_last / lambda_z."""
    p = resolve(drug, species)
    t_half = terminal_half_life(drug, species)
    t = np.unique(np.concatenate([np.linspace(0, 10 * MIN, 3001), np.linspace(10 * MIN, 12 * t_half * HOUR, 20001)]))
    res = simulate([Dose(drug, 1, "mg/kg", "iv", 0)], species, t)
    c = res.plasma[drug]
    auc_uM_h = np.trapezoid(c, t / HOUR) + c[-1] * t_half / LN2
    dose_umol_kg = 1000.0 / p["molecular_weight"]
    assert auc_uM_h * p["cl"] == pytest.approx(dose_umol_kg, rel=0.02)


def test_superposition_and_time_invariance():
    """Linear kinetics: two half doses at the same time equal one dose; a regimen shifted by T
    gives the same curve shifted by T; order of the time grid does not matter (exact solver)."""
    t = np.arange(0, 12 * HOUR, 5 * MIN)
    one = simulate([Dose("morphine", 5, "mg/kg", "sc", 0)], "rat", t).plasma["morphine"]
    two = simulate([Dose("morphine", 2.5, "mg/kg", "sc", 0), Dose("morphine", 2.5, "mg/kg", "sc", 0)], "rat", t).plasma["morphine"]
    np.testing.assert_allclose(two, one, rtol=1e-9)
    shifted = simulate([Dose("morphine", 5, "mg/kg", "sc", 2 * HOUR)], "rat", t + 2 * HOUR).plasma["morphine"]
    np.testing.assert_allclose(shifted, one, rtol=1e-6, atol=1e-12)
    rev = simulate([Dose("morphine", 5, "mg/kg", "sc", 0)], "rat", t[::-1]).plasma["morphine"]
    np.testing.assert_allclose(rev[::-1], one, rtol=1e-9)


def test_exact_solution_matches_numerical_integration():
    """The matrix-exponential solution agrees with scipy's solve_ivp (LSODA, tight tolerances) for
    an infusion with a linear taper, within 0.1% of the peak."""
    from scipy.integrate import solve_ivp

    from circuits.pharmacokinetics import _C1, _system_matrix

    p = resolve("fentanyl", "rat")
    A = _system_matrix(p)
    rate = 10.0 / p["molecular_weight"]  # 10 ug/kg/h in umol/kg/h
    inf = Infusion("fentanyl", 10, "ug/kg/h", 0, 2 * HOUR, taper=HOUR)

    def rhs(th, x):
        u = np.zeros(len(x))
        u[_C1] = rate * inf.rate_at(th * HOUR)[0] / 10.0
        return A @ x + u

    th = np.linspace(0, 6, 361)
    sol = solve_ivp(rhs, (0, 6), np.zeros(A.shape[0]), t_eval=th, method="LSODA", rtol=1e-10, atol=1e-14, max_step=0.01)
    ref = sol.y[_C1] / p["v1"]
    got = simulate([inf], "rat", th * HOUR).plasma["fentanyl"]
    np.testing.assert_allclose(got, ref, atol=1e-3 * ref.max())


def test_steady_state_helper_for_sc_pump():
    """A 7-day s.c. pump (osmotic minipump) reaches F x rate / CL; a pellet releasing 3 days'
    worth of the same rate gives the same plateau. Within 1% (morphine, rat)."""
    t = np.array([2.5 * DAY])
    pump = simulate([Pump("morphine", 10, "mg/kg/day", 0, 7 * DAY)], "rat", t).plasma["morphine"][0]
    pellet = simulate([Pellet("morphine", 30, "mg/kg", 0, 3 * DAY)], "rat", t).plasma["morphine"][0]
    css = steady_state_concentration("morphine", "rat", 10, "mg/kg/day", route="sc")
    assert pump == pytest.approx(css, rel=0.01)
    assert pellet == pytest.approx(css, rel=0.01)


def test_taper_lowers_the_peak_rate_of_decline():
    """Tapering (Drdla et al. 2009: withdrawal LTP is prevented by tapering) lowers the peak rate
    at which the effect-site concentration falls. Remifentanil 450 ug/kg/h, rat: abrupt stop at
    60 min versus the same total dose with a 30-min linear taper (full rate to 45 min). With
    quasi-steady-state tracking the tapered decline is about Css/30 min, the abrupt one about
    Css x ln2/t1/2 (t1/2 ~1 min): ratio ~0.05. Pass: ratio < 0.1."""
    t = np.arange(0, 150 * MIN, 2.0)
    abrupt = simulate([Infusion("remifentanil", 450, "ug/kg/h", 0, 60 * MIN)], "rat", t).effect["remifentanil"]
    taper = simulate([Infusion("remifentanil", 450, "ug/kg/h", 0, 45 * MIN, taper=30 * MIN)], "rat", t).effect["remifentanil"]
    assert np.trapezoid(taper, t) == pytest.approx(np.trapezoid(abrupt, t), rel=0.01)
    peak_fall = lambda c: -np.min(np.diff(c) / np.diff(t))  # noqa: E731
    assert peak_fall(taper) < 0.1 * peak_fall(abrupt)


def test_input_validation():
    """Unknown routes, routes a drug has no parameters for, and unknown units are errors."""
    with pytest.raises(ValueError):
        Dose("morphine", 1, "mg/kg", "im")
    with pytest.raises(ValueError):
        simulate([Dose("remifentanil", 1, "ug/kg", "sc")], "rat", [0, 60])
    with pytest.raises(ValueError):
        simulate([Dose("morphine", 1, "mg", "iv")], "rat", [0, 60])
    with pytest.raises(ValueError):
        simulate([Dose("morphine", 1, "mg/kg", "iv")], "mouse", [0, 60])
    with pytest.raises(KeyError):
        simulate([Dose("mk801", 0.1, "mg/kg", "iv")], "human", [0, 60])


def test_intrathecal_route():
    """Calibration check (v_it fitted): the i.t. morphine ED50 of 16 nmol (Dunbar & Yaksh 1996
    Anesthesiology 84:1177; 0.3 kg rat [T]) gives half-maximal receptor occupancy at the spinal
    site, within 2%; drug leaving the spinal compartment appears in plasma."""
    t = np.arange(0, 4 * HOUR, 60.0)
    res = simulate([Dose("morphine", 16e-3 / 0.3, "umol/kg", "it", 0)], "rat", t)
    occ, _ = mor_occupancy(res.effect)
    assert occ["morphine"].max() == pytest.approx(0.5, rel=0.02)
    assert res.plasma["morphine"].max() > 0


# --------------------------------------------------------------------------------------------
# Mu-opioid receptor.
# --------------------------------------------------------------------------------------------


def _ec50(conc, act):
    half = act.max() / 2
    return float(np.exp(np.interp(half, act, np.log(conc))))


def test_naloxone_shifts_morphine_curve_right_schild():
    """Competitive antagonism (Gaddum/Schild; naloxone K_B ~2 nM, Kosterlitz & Watt 1968 Br J
    Pharmacol 33:266): naloxone at B shifts the morphine activation curve right by the dose
    ratio 1 + B/K_B without lowering its maximum; Schild slope 1. Dose ratios within 2%, slope
    within 0.05, maxima within 1%."""
    kb = resolve("naloxone", "rat")["mor_kd"]
    conc = np.geomspace(1e-5, 1e3, 4001)
    _, act0 = mor_occupancy({"morphine": conc})
    ec0 = _ec50(conc, act0)
    log_b, log_dr1 = [], []
    for b_over_kb in (1.0, 3.0, 10.0, 30.0):
        _, act = mor_occupancy({"morphine": conc, "naloxone": b_over_kb * kb})
        dr = _ec50(conc, act) / ec0
        assert dr == pytest.approx(1 + b_over_kb, rel=0.02)
        assert act.max() == pytest.approx(act0.max(), rel=0.01)
        log_b.append(math.log10(b_over_kb * kb))
        log_dr1.append(math.log10(dr - 1))
    assert np.polyfit(log_b, log_dr1, 1)[0] == pytest.approx(1.0, abs=0.05)


def test_activation_efficacy_and_desensitisation():
    """Activation = (1 - desensitisation) x sum(efficacy x occupancy): saturating morphine gives
    its efficacy (0.7 [T]), fentanyl 1, naloxone 0; 40% desensitisation scales it by 0.6; drugs
    without MOR affinity (ketamine) are ignored. Exact to 1e-6."""
    occ, act = mor_occupancy({"morphine": 1e4, "ketamine": 5.0})
    assert set(occ) == {"morphine"}
    assert float(act) == pytest.approx(resolve("morphine", "rat")["mor_efficacy"], rel=1e-4)
    _, act = mor_occupancy({"fentanyl": 1e4}, desensitisation=0.4)
    assert float(act) == pytest.approx(0.6, rel=1e-4)
    _, act = mor_occupancy({"naloxone": 1e4})
    assert float(act) == 0.0
    occ, act = mor_occupancy({"morphine": np.array([0.0, 0.22]), "fentanyl": np.array([0.0, 1.37e-3])})
    assert occ["morphine"][1] + occ["fentanyl"][1] == pytest.approx(2 / 3, rel=1e-6)
    assert act[0] == 0.0


def test_potency_loss_shifts_agonist_curves_in_parallel():
    """Acute tolerance as a loss of potency (Vinik & Kissin 1998: a parallel rightward shift of the
    EC50): a potency loss of 0.8 moves the fentanyl concentration that gives half activation
    5-fold to the right, leaves the maximal activation of a saturating concentration within 0.1%,
    and leaves naloxone's Schild dose ratio against morphine (1 + [B]/K_B) unchanged within 1e-6."""
    kd = resolve("fentanyl", "rat")["mor_kd"]
    _, half = mor_occupancy({"fentanyl": 5.0 * kd}, potency_loss=0.8)
    assert float(half) == pytest.approx(0.5, rel=1e-9)
    _, top = mor_occupancy({"fentanyl": 1e4 * kd}, potency_loss=0.8)
    assert float(top) == pytest.approx(1.0, rel=1e-3)
    kb, km = resolve("naloxone", "rat")["mor_kd"], resolve("morphine", "rat")["mor_kd"]
    _, alone = mor_occupancy({"morphine": km}, potency_loss=0.8)
    _, shifted = mor_occupancy({"morphine": 3.0 * km, "naloxone": 2.0 * kb}, potency_loss=0.8)
    assert float(shifted) == pytest.approx(float(alone), rel=1e-6)


@pytest.mark.parametrize("drug, dose, unit", [("morphine", 2.5, "mg/kg"), ("fentanyl", 10, "ug/kg")])
def test_rat_ed50_gives_half_occupancy(drug, dose, unit):
    """Calibration check (mor_kd fitted): the rat s.c. ED50 ([T]: morphine 2.5 mg/kg, fentanyl
    10 ug/kg) gives half-maximal occupancy at the effect-site peak, within 2%."""
    t = np.arange(0, 4 * HOUR, 30.0)
    res = simulate([Dose(drug, dose, unit, "sc", 0)], "rat", t)
    occ, _ = mor_occupancy(res.effect)
    assert occ[drug].max() == pytest.approx(0.5, rel=0.02)


def test_naloxone_precipitates_a_fall_in_activation():
    """Naloxone given during morphine exposure (precipitated withdrawal, Bederson et al. 1990)
    removes most of the receptor activation within 15 min: 1 mg/kg s.c. naloxone 2 h after 10 mg/kg
    s.c. morphine lowers activation by more than half; it recovers as naloxone (t1/2 40 min)
    clears before morphine (t1/2 5 h)."""
    t = np.arange(0, 8 * HOUR, 60.0)
    reg = [Dose("morphine", 10, "mg/kg", "sc", 0), Dose("naloxone", 1, "mg/kg", "sc", 2 * HOUR)]
    res = simulate(reg, "rat", t)
    _, act = mor_occupancy(res.effect)
    i = lambda h: int(round(h * 60))  # noqa: E731
    assert act[i(2.25)] < 0.5 * act[i(2.0)]
    assert act[i(6.0)] > act[i(2.25)]
    assert set(MOR_LIGANDS) >= set(res.effect)
