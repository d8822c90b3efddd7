"""Pharmacokinetics of the project's drugs and their action at the mu-opioid receptor.

This is part of the slow layer of the design (``shared/design.md`` section 1): dosing
schedules in, plasma and effect-site concentrations out, on any time grid, for rats and
humans. Pure numpy/scipy; no Brian2 network and no file I/O.

Model
-----
Every drug follows a linear mammillary model (1, 2 or 3 compartments, amounts per kg body
weight) with first-order absorption depots for the extravascular routes and an effect site:

* ``central`` (volume ``v1``) exchanges with ``periph2`` (``v2``, ``q2``) and ``periph3``
  (``v3``, ``q3``) and is cleared by ``cl``;
* ``sc``, ``ip`` and ``po`` doses enter a depot with bioavailability ``f_<route>`` and leave
  it into the central compartment with rate constant ``ka_<route>``;
* ``it`` (intrathecal) doses enter a spinal compartment of effective volume ``v_it`` that
  drains into the central compartment with rate constant ``k_it``;
* the effect site (brain and spinal cord, unbound drug) follows
  ``dCe/dt = ke0 * (kp_uu * fu * Cp - Ce)``, where ``fu`` is the unbound fraction in plasma
  and ``kp_uu`` the unbound brain:plasma ratio at equilibrium. The spinal i.t. concentration is
  added to ``Ce`` (superposition), so :attr:`PKResult.effect` is the concentration at the
  receptors whatever the route.

The ODEs are linear with piecewise-linear inputs (infusions with optional linear tapers), so
they are integrated exactly: between two schedule events the state is propagated with the
matrix exponential of an augmented system that carries the input rate and its slope; boluses
are jumps of the state. Amounts are in umol/kg, volumes in L/kg, time internally in hours, and
every returned concentration in uM (umol/L).

Doses are amounts of the free base: convert salts (morphine sulfate, fentanyl citrate,
ketamine HCl, MK-801 maleate) before building a :class:`Dose`.

Receptor action
---------------
:func:`mor_occupancy` gives competitive (Gaddum) occupancy of the mu-opioid receptor by the
agonists and naloxone and an activation ``sum(efficacy * occupancy) * (1 - desensitisation)``.
``mor_kd`` is a functional (in vivo) dissociation constant at the effect site, unbound, not a
membrane-binding Ki: with this simple occupancy-times-efficacy transduction, receptor reserve is
folded into it. It is set per species from that species' own anchor: in the rat, the s.c.
ED50 of morphine and fentanyl gives half-maximal occupancy at the effect-site peak; in humans,
clinical EC50s (remifentanil, Glass et al. 1999) and potency ratios. The two sets therefore
differ (rat assays need higher brain concentrations than human clinical end points).

Units of the parameter tree
---------------------------
``circuits.parameters.parse_unit`` knows no "min", "h", "L" or "kg", so the tree writes them as
Brian2 expressions: ``liter/kilogram`` (L/kg), ``liter/kilogram/(3600*second)`` (L/kg/h),
``1/(3600*second)`` (1/h), ``1/(60*second)`` (1/min), ``gram/mol``, ``nM``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence, Union

import numpy as np
from scipy.linalg import expm

from circuits.parameters import Param, parse_unit

__all__ = [
    "PK_PARAMETERS",
    "DRUGS",
    "SPECIES",
    "ROUTES",
    "MOR_LIGANDS",
    "MIN",
    "HOUR",
    "DAY",
    "Dose",
    "Infusion",
    "Pump",
    "Pellet",
    "Regimen",
    "PKResult",
    "simulate",
    "mor_occupancy",
    "steady_state_concentration",
    "resolve",
    "terminal_half_life",
]

#: Seconds in a minute, an hour and a day (schedule times are in seconds).
MIN = 60.0
HOUR = 3600.0
DAY = 86400.0

# Unit strings of the parameter tree (all accepted by circuits.parameters.parse_unit).
U_VOL = "liter/kilogram"
U_CL = "liter/kilogram/(3600*second)"  # L/kg/h
U_PER_H = "1/(3600*second)"  # 1/h
U_PER_MIN = "1/(60*second)"  # 1/min
U_MW = "gram/mol"
U_KD = "nM"
U_1 = "1"

# Internal units: hours, L/kg, umol/kg, uM.
_INTERNAL = {
    "v": "liter/kilogram",
    "cl": "liter/kilogram/(3600*second)",
    "rate": "1/(3600*second)",
    "mw": "gram/mol",
    "conc": "uM",
}

SPECIES = ("rat", "human")
ROUTES = ("iv", "sc", "ip", "po", "it")
DRUGS = ("morphine", "fentanyl", "remifentanil", "naloxone", "ketamine", "mk801", "memantine")
#: Drugs acting at the mu-opioid receptor (agonists and the antagonist naloxone).
MOR_LIGANDS = ("morphine", "fentanyl", "remifentanil", "naloxone")

_LN2 = math.log(2.0)
_HUMAN_KG = 70.0  # reference adult for per-70-kg population values


# --------------------------------------------------------------------------------------------
# Derivations used to build the tree (kept as code so the arithmetic is visible and checked).
# --------------------------------------------------------------------------------------------


def _two_compartment(cl: float, vss: float, t_half_alpha: float, t_half_beta: float) -> tuple[float, float, float]:
    """(V1, V2, Q) of the 2-compartment model with clearance ``cl``, steady-state volume
    ``vss`` and disposition half-lives ``t_half_alpha`` < ``t_half_beta`` (same time unit as
    ``cl``). From the bolus response C/D = a exp(-alpha t) + b exp(-beta t):
    AUC/D = a/alpha + b/beta = 1/CL and AUMC/D = a/alpha^2 + b/beta^2 = Vss/CL^2."""
    alpha, beta = _LN2 / t_half_alpha, _LN2 / t_half_beta
    a, b = np.linalg.solve([[1 / alpha, 1 / beta], [1 / alpha**2, 1 / beta**2]], [1 / cl, vss / cl**2])
    if a <= 0 or b <= 0:
        raise ValueError("no 2-compartment model has these macro-constants")
    v1 = 1.0 / (a + b)
    k21 = (a * beta + b * alpha) / (a + b)
    k10 = alpha * beta / k21
    k12 = alpha + beta - k10 - k21
    return v1, k12 * v1 / k21, k12 * v1


def _sig(x: float, digits: int = 4) -> float:
    """``x`` rounded to ``digits`` significant figures (tree values are quoted, not computed)."""
    return float(f"{x:.{digits}g}")


# Fentanyl, rat: CL 3.21 L/h/kg, Vss 6.49 L/kg, k_e 0.279 /h (J Pharm Health Care Sci 2024,
# Table 3) with a distribution half-life of 5 min [T].
_FEN_RAT = _two_compartment(3.21, 6.49, 5.0 / 60.0, _LN2 / 0.279)
# Morphine, rat: terminal half-life 5 h (J Pharmacol Exp Ther 1979;208:228); serum half-life
# 40 min over the first hours after 5 mg/kg s.c. (Berkowitz et al. 1975); CL 3.6 L/h/kg [T] and
# Vss 5 L/kg [T].
_MOR_RAT = _two_compartment(3.6, 5.0, 40.0 / 60.0, 5.0)
# Ketamine, rat: t1/2 ~1 h [T, targets section 6]; CL 88 mL/min/kg and Vss 3.217 L/kg measured in
# rabbits (Luca et al. 2020) stand in for the rat [T]; distribution half-life 2 min (dog, Kaka &
# Hayton 1980) [T].
_KET_RAT = _two_compartment(88e-3 * 60.0, 3.217, 2.0 / 60.0, 1.0)
# Remifentanil, human: Minto et al. 1997 typical values (age 40 y, lean body mass 55 kg), L and
# L/min per 70 kg; rat by allometric scaling (clearances and ke0 x (70/0.3)^0.25 per kg).
_MINTO = {"v1": 5.1, "v2": 9.82, "v3": 5.42, "cl": 2.6, "q2": 2.05, "q3": 0.076, "ke0": 0.595}
_ALLO = (70.0 / 0.3) ** 0.25
# Fentanyl, human: Shafer et al. 1990 (V1 6.09 L; micro-constants per min).
_SHAFER = {"v1": 6.09, "k10": 0.0827, "k12": 0.471, "k13": 0.225, "k21": 0.102, "k31": 0.006}
# Morphine, human: Sarton et al. 2000 (V1 0.075 L/kg; micro-constants per min).
_SARTON = {"v1": 0.075, "k10": 0.3, "k12": 0.183, "k13": 0.29, "k21": 0.087, "k31": 0.013}
# Naloxone, rat: 258 ng/mL 5 min after 1 mg/kg i.v. (J Pharm Sci 1973;62:1416) and serum
# half-life 40 min (Berkowitz et al. 1975), one compartment.
_NLX_RAT_K = _LN2 / (40.0 / 60.0)
_NLX_RAT_V = 1000.0 / (258.0 * math.exp(_NLX_RAT_K * 5.0 / 60.0))
# Naloxone, human: Dowling et al. 2008 population model (per 70 kg): CL 91 L/h, V1 2.87 L,
# V2 1.49 L, V3 33.6 L, Q2 5.66 L/h, Q3 29.8 L/h.
_DOWLING = {"cl": 91.0, "v1": 2.87, "v2": 1.49, "v3": 33.6, "q2": 5.66, "q3": 29.8}
# Ketamine, human: V1 and Q from Clements & Nimmo 1981 (V1 1.7522 L/kg, k12 0.0186 /min), CL and
# Vss from the Kamp et al. 2020 meta-analysis (79 L/h and 252 L per 70 kg).
_KET_HUM_V1 = 1.7522
_KET_HUM_Q = 0.0186 * 60.0 * _KET_HUM_V1
# MK-801, rat: t1/2 1.65 h and Cmax 44 ng/mL after 3 mg/kg i.p. (Eur J Pharmacol 1992;216:1);
# one compartment with F_ip 0.67 and ka_ip 4 /h: V = F D ka/(ka-k) (exp(-k tmax) - exp(-ka tmax)) / Cmax.
_MK_K = _LN2 / 1.65
_MK_KA = 4.0
_MK_F_IP = 208.0 / 311.0
_MK_TMAX = math.log(_MK_KA / _MK_K) / (_MK_KA - _MK_K)
_MK_V = _MK_F_IP * 3000.0 * _MK_KA / (_MK_KA - _MK_K) * (math.exp(-_MK_K * _MK_TMAX) - math.exp(-_MK_KA * _MK_TMAX)) / 44.0
# Memantine, human: t1/2 60-80 h, Vd 9-11 L/kg (product information): one compartment with
# V 10 L/kg and t1/2 70 h; oral ka from t_max 3-7 h (5 h): ln(ka/k)/(ka-k) = 5 h.
_MEM_HUM_K = _LN2 / 70.0


def _ka_from_tmax(k: float, tmax: float) -> float:
    from scipy.optimize import brentq

    return brentq(lambda ka: math.log(ka / k) / (ka - k) - tmax, k * 1.0001 + 1e-9, 100.0)


_MEM_HUM_KA = _ka_from_tmax(_MEM_HUM_K, 5.0)
# Mu-opioid receptor, rat: functional K_d calibrated so that the s.c. ED50 gives half-maximal
# receptor occupancy at the peak of the effect-site concentration of this PK model (peak unbound
# effect-site concentration, computed with this module: 220 nM after morphine 2.5 mg/kg s.c. and
# 1.37 nM after fentanyl 10 ug/kg s.c.).
_MOR_KD_RAT_NM = 220.0
_FEN_KD_RAT_NM = 1.37
_MOR_EFF = 0.7
# Morphine, rat: effective intrathecal distribution volume such that the i.t. ED50 of 16 nmol
# (Dunbar & Yaksh 1996, 0.3 kg rat [T]) gives half-maximal occupancy (C = K_d) at the spinal site.
_MOR_IT_V = (16e-3 / 0.3) / (_MOR_KD_RAT_NM * 1e-3)
# Remifentanil, human: EC50 1.17 ng/mL (whole blood; Glass et al. 1999) at fu 0.3, unbound nM.
_REMI_MW = 376.45
_REMI_KD_NM = 1.17 / _REMI_MW * 1e3 * 0.3
# Fentanyl, human: remifentanil is about half as potent as fentanyl by blood concentration
# (Michelsen et al. 1996), so the fentanyl EC50 is 0.585 ng/mL; at fu 0.16, unbound nM.
_FEN_MW = 336.47
_FEN_KD_NM = 0.5 * 1.17 / _FEN_MW * 1e3 * 0.16
# Remifentanil, rat: the same potency ratio applied to the rat fentanyl value (total EC50 ratio 2,
# fu 0.3 vs 0.15).
_REMI_KD_RAT_NM = _FEN_KD_RAT_NM / 0.15 * 2.0 * 0.3


# --------------------------------------------------------------------------------------------
# The parameter tree: drug -> species -> name -> Param.
# --------------------------------------------------------------------------------------------

P = Param


def _mw(value: float, formula: str) -> Param:
    return P(value, U_MW, f"[D] derived: formula {formula} (free base), standard atomic masses", "molecular weight of the free base")


def _mor(kd_nm: float, kd_source: str, efficacy: float, eff_source: str) -> dict[str, Param]:
    return {
        "mor_kd": P(_sig(kd_nm), U_KD, kd_source, "functional dissociation constant at the mu-opioid receptor (unbound, effect site)"),
        "mor_efficacy": P(efficacy, U_1, eff_source, "intrinsic efficacy at the mu-opioid receptor (full agonist = 1, antagonist = 0)"),
    }


_MOR_EFF_SOURCE = "[T] partial agonist relative to DAMGO/fentanyl in G-protein assays"
_MOR_KI_NOTE = "membrane Ki at hMOR 1-100 nM class (Volpe et al. 2011 Regul Toxicol Pharmacol 59:385)"
_MORPHINE_KD_RAT = _mor(
    _MOR_KD_RAT_NM,
    "fitted: peak effect-site concentration after the rat s.c. ED50 2.5 mg/kg [T] gives half-maximal occupancy; " + _MOR_KI_NOTE,
    _MOR_EFF,
    _MOR_EFF_SOURCE,
)
_MORPHINE_KD_HUMAN = _mor(
    0.03 / 285.34 * 1e6 * 0.65 * (1.0 / 4.75),
    "[T] analgesic plasma morphine ~30 ng/mL taken as half-maximal: 30 ng/mL / 285.34 g/mol x fu 0.65 x kp_uu 0.21",
    _MOR_EFF,
    _MOR_EFF_SOURCE,
)
_FENTANYL_KD_RAT = _mor(
    _FEN_KD_RAT_NM,
    "fitted: peak effect-site concentration after a rat s.c. ED50 of 10 ug/kg [T] gives half-maximal occupancy (membrane Ki 1.35 nM recalled from Volpe et al. 2011 Regul Toxicol Pharmacol 59:385)",
    1.0,
    "[T] full agonist; Michelsen et al. 1996: remifentanil and fentanyl equally efficacious",
)
_FENTANYL_KD_HUMAN = _mor(
    _FEN_KD_NM,
    "[D] derived: remifentanil EC50 1.17 ng/mL (Glass et al. 1999 Anesthesiology 90:1556) x 0.5 (remifentanil half as potent as fentanyl by blood concentration, Michelsen et al. 1996 Anesthesiology 84:865) = 0.585 ng/mL / 336.5 g/mol x fu 0.16",
    1.0,
    "[T] full agonist; Michelsen et al. 1996: remifentanil and fentanyl equally efficacious",
)
_REMI_KD_RAT = _mor(
    _REMI_KD_RAT_NM,
    "[D] derived: rat fentanyl mor_kd 1.37 nM / fu 0.15 x 2 (remifentanil half as potent by blood concentration, Michelsen et al. 1996 Anesthesiology 84:865) x fu 0.3",
    1.0,
    "Michelsen et al. 1996 Anesthesiology 84:865: equally efficacious as fentanyl (full agonist)",
)
_REMI_KD_HUMAN = _mor(
    _REMI_KD_NM,
    "[D] derived: EC50 1.17 ng/mL for ventilatory depression (Glass et al. 1999 Anesthesiology 90:1556) / 376.45 g/mol x fu 0.3",
    1.0,
    "Michelsen et al. 1996 Anesthesiology 84:865: equally efficacious as fentanyl (full agonist)",
)
_NALOXONE_KD = _mor(
    2.0,
    "[T] Schild K_B of naloxone against morphine ~1-2 nM (Kosterlitz & Watt 1968 Br J Pharmacol 33:266)",
    0.0,
    "Kosterlitz & Watt 1968 Br J Pharmacol 33:266: competitive antagonist without agonist action",
)

_DP75 = "Dahlström & Paalzow 1975 J Pharmacokinet Biopharm 3:293"

PK_PARAMETERS: dict[str, dict[str, dict[str, Param]]] = {
    "morphine": {
        "rat": {
            "molecular_weight": _mw(285.34, "C17H19NO3"),
            "v1": P(_sig(_MOR_RAT[0]), U_VOL, "[D] derived: 2-compartment from CL 3.6 L/h/kg [T], Vss 5 L/kg [T], early serum t1/2 40 min (Berkowitz et al. 1975 J Pharmacol Exp Ther 195:499), terminal t1/2 5 h (J Pharmacol Exp Ther 1979;208:228)", "central volume"),
            "cl": P(3.6, U_CL, "[T] rat morphine clearance 50-90 mL/min/kg (~hepatic blood flow)", "elimination clearance"),
            "v2": P(_sig(_MOR_RAT[1]), U_VOL, "[D] derived: Vss 5 L/kg [T] - v1", "peripheral volume"),
            "q2": P(_sig(_MOR_RAT[2]), U_CL, "[D] derived: see v1 (terminal t1/2 5 h, J Pharmacol Exp Ther 1979;208:228)", "inter-compartmental clearance"),
            "ke0": P(0.1, U_PER_MIN, "[T] targets section 6: slow CNS equilibration, ke0 ~0.1/min; brain peak 15-20 min (" + _DP75 + ")", "effect-site equilibration rate constant"),
            "fu": P(0.7, U_1, "[T] morphine ~30% bound to plasma proteins", "unbound fraction in plasma"),
            "kp_uu": P(_sig(1.0 / 4.75), U_1, "[D] derived: plasma:brain 4.7-4.8 at 4 h (" + _DP75 + "), brain and plasma binding of morphine taken as equal", "unbound brain:plasma ratio at equilibrium"),
            "brain_plasma_ratio": P(_sig(1.0 / 4.75), U_1, "[D] derived: 1/4.75 from plasma:brain 4.7-4.8 (" + _DP75 + ")", "total brain:plasma ratio at equilibrium"),
            "f_sc": P(1.0, U_1, "[T] complete s.c. absorption (human s.c. bioavailability ~100%, Stuart-Harris et al. 2000 Br J Clin Pharmacol 49:207)", "s.c. bioavailability"),
            "ka_sc": P(6.0, U_PER_H, "[T] peak serum morphine <0.5 h after s.c. dosing in rats (Berkowitz et al. 1975 J Pharmacol Exp Ther 195:499)", "s.c. absorption rate constant"),
            "f_ip": P(0.4, U_1, "[T] hepatic first pass of i.p. morphine in rats", "i.p. bioavailability"),
            "ka_ip": P(6.0, U_PER_H, "[T] i.p. absorption within ~15-30 min", "i.p. absorption rate constant"),
            "v_it": P(_sig(_MOR_IT_V), U_VOL, "fitted: i.t. ED50 16 nmol (Dunbar & Yaksh 1996 Anesthesiology 84:1177) in a 0.3 kg rat [T] gives half-maximal occupancy (C = mor_kd of this tree)", "effective distribution volume of i.t. drug at the spinal receptors"),
            "k_it": P(0.5, U_PER_H, "[T] i.t. morphine analgesia in rats lasts a few hours", "rate constant of clearance from the spinal compartment to plasma"),
            **_MORPHINE_KD_RAT,
        },
        "human": {
            "molecular_weight": _mw(285.34, "C17H19NO3"),
            "v1": P(_SARTON["v1"], U_VOL, "Sarton et al. 2000 Anesthesiology 93:1245 (as tabulated in the opentiva library)", "central volume"),
            "cl": P(_sig(_SARTON["v1"] * _SARTON["k10"] * 60.0), U_CL, "[D] derived: Sarton et al. 2000 V1 0.075 L/kg x k10 0.3/min (22.5 mL/min/kg; Stuart-Harris et al. 2000 Br J Clin Pharmacol 49:207: 1584 mL/min per 70 kg)", "elimination clearance"),
            "v2": P(_sig(_SARTON["v1"] * _SARTON["k12"] / _SARTON["k21"]), U_VOL, "[D] derived: Sarton et al. 2000 V1 k12/k21", "fast peripheral volume"),
            "q2": P(_sig(_SARTON["v1"] * _SARTON["k12"] * 60.0), U_CL, "[D] derived: Sarton et al. 2000 V1 k12", "fast inter-compartmental clearance"),
            "v3": P(_sig(_SARTON["v1"] * _SARTON["k13"] / _SARTON["k31"]), U_VOL, "[D] derived: Sarton et al. 2000 V1 k13/k31", "slow peripheral volume"),
            "q3": P(_sig(_SARTON["v1"] * _SARTON["k13"] * 60.0), U_CL, "[D] derived: Sarton et al. 2000 V1 k13", "slow inter-compartmental clearance"),
            "ke0": P(0.0073, U_PER_MIN, "Sarton et al. 2000 Anesthesiology 93:1245 (men; women 0.0024/min)", "effect-site equilibration rate constant"),
            "fu": P(0.65, U_1, "[T] morphine 30-35% bound to plasma proteins", "unbound fraction in plasma"),
            "kp_uu": P(_sig(1.0 / 4.75), U_1, "[T] rat value (" + _DP75 + "); human Kp,uu of morphine is also well below 1", "unbound brain:plasma ratio at equilibrium"),
            "f_sc": P(1.0, U_1, "Stuart-Harris et al. 2000 Br J Clin Pharmacol 49:207, Table 1: s.c. bolus bioavailability 113.6 +- 16.9%", "s.c. bioavailability"),
            "ka_sc": P(2.0, U_PER_H, "fitted: s.c. bolus Cmax 262 nM per 10 mg/70 kg (Stuart-Harris et al. 2000 Br J Clin Pharmacol 49:207, Table 1) with this disposition; their appearance t1/2 0.08 h (ka 8.7/h) gives 3x that peak here, and the model's t_max (~6 min) is earlier than the observed 15 min", "s.c. absorption rate constant"),
            **_MORPHINE_KD_HUMAN,
        },
    },
    "fentanyl": {
        "rat": {
            "molecular_weight": _mw(_FEN_MW, "C22H28N2O"),
            "v1": P(_sig(_FEN_RAT[0]), U_VOL, "[D] derived: 2-compartment from CL 3.21 L/h/kg, Vss 6.49 L/kg, k_e 0.279/h (J Pharm Health Care Sci 2024, Table 3) and t1/2 alpha 5 min [T]", "central volume"),
            "cl": P(3.21, U_CL, "J Pharm Health Care Sci 2024, Table 3 (Wistar, 10 ug/kg i.v.)", "elimination clearance"),
            "v2": P(_sig(_FEN_RAT[1]), U_VOL, "[D] derived: Vss 6.49 L/kg (J Pharm Health Care Sci 2024) - v1", "peripheral volume"),
            "q2": P(_sig(_FEN_RAT[2]), U_CL, "[D] derived: see v1 (terminal t1/2 = ln2/0.279 h = 2.5 h)", "inter-compartmental clearance"),
            "ke0": P(_sig(_LN2 / 5.0), U_PER_MIN, "[T] t1/2 ke0 ~5 min (targets section 6)", "effect-site equilibration rate constant"),
            "fu": P(0.15, U_1, "[T] fentanyl ~80-85% bound to plasma proteins", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] lipophilic, passive blood-brain barrier transfer", "unbound brain:plasma ratio at equilibrium"),
            "f_sc": P(1.0, U_1, "[T] complete s.c. absorption", "s.c. bioavailability"),
            "ka_sc": P(6.0, U_PER_H, "[T] s.c. peak at ~10-15 min", "s.c. absorption rate constant"),
            "f_ip": P(0.5, U_1, "[T] hepatic first pass of i.p. fentanyl", "i.p. bioavailability"),
            "ka_ip": P(6.0, U_PER_H, "[T] i.p. peak at ~10-15 min", "i.p. absorption rate constant"),
            **_FENTANYL_KD_RAT,
        },
        "human": {
            "molecular_weight": _mw(_FEN_MW, "C22H28N2O"),
            "v1": P(_sig(_SHAFER["v1"] / _HUMAN_KG), U_VOL, "[D] derived: Shafer et al. 1990 Anesthesiology 73:1091, V1 6.09 L per 70 kg", "central volume"),
            "cl": P(_sig(_SHAFER["v1"] * _SHAFER["k10"] * 60.0 / _HUMAN_KG), U_CL, "[D] derived: Shafer et al. 1990 V1 k10 (0.504 L/min) per 70 kg", "elimination clearance"),
            "v2": P(_sig(_SHAFER["v1"] * _SHAFER["k12"] / _SHAFER["k21"] / _HUMAN_KG), U_VOL, "[D] derived: Shafer et al. 1990 V1 k12/k21 (28.1 L) per 70 kg", "fast peripheral volume"),
            "q2": P(_sig(_SHAFER["v1"] * _SHAFER["k12"] * 60.0 / _HUMAN_KG), U_CL, "[D] derived: Shafer et al. 1990 V1 k12 per 70 kg", "fast inter-compartmental clearance"),
            "v3": P(_sig(_SHAFER["v1"] * _SHAFER["k13"] / _SHAFER["k31"] / _HUMAN_KG), U_VOL, "[D] derived: Shafer et al. 1990 V1 k13/k31 (228 L) per 70 kg", "slow peripheral volume"),
            "q3": P(_sig(_SHAFER["v1"] * _SHAFER["k13"] * 60.0 / _HUMAN_KG), U_CL, "[D] derived: Shafer et al. 1990 V1 k13 per 70 kg", "slow inter-compartmental clearance"),
            "ke0": P(0.147, U_PER_MIN, "[T] t1/2 ke0 4.7 min (Scott, Cooke & Stanski 1991 Anesthesiology 74:34)", "effect-site equilibration rate constant"),
            "fu": P(0.16, U_1, "[T] fentanyl ~84% bound to plasma proteins", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] lipophilic, passive blood-brain barrier transfer", "unbound brain:plasma ratio at equilibrium"),
            **_FENTANYL_KD_HUMAN,
        },
    },
    "remifentanil": {
        "rat": {
            "molecular_weight": _mw(_REMI_MW, "C20H28N2O5"),
            "v1": P(_sig(_MINTO["v1"] / _HUMAN_KG), U_VOL, "[D] derived: Minto et al. 1997 Anesthesiology 86:10 V1 5.1 L per 70 kg; volumes scale with body weight", "central volume"),
            "cl": P(_sig(_MINTO["cl"] * 60.0 / _HUMAN_KG * _ALLO), U_CL, "[D] derived: Minto et al. 1997 CL 2.6 L/min per 70 kg x (70/0.3)^0.25 (allometric exponent 0.75 [T])", "elimination clearance"),
            "v2": P(_sig(_MINTO["v2"] / _HUMAN_KG), U_VOL, "[D] derived: Minto et al. 1997 V2 9.82 L per 70 kg", "fast peripheral volume"),
            "q2": P(_sig(_MINTO["q2"] * 60.0 / _HUMAN_KG * _ALLO), U_CL, "[D] derived: Minto et al. 1997 Q2 2.05 L/min per 70 kg x (70/0.3)^0.25 [T]", "fast inter-compartmental clearance"),
            "v3": P(_sig(_MINTO["v3"] / _HUMAN_KG), U_VOL, "[D] derived: Minto et al. 1997 V3 5.42 L per 70 kg", "slow peripheral volume"),
            "q3": P(_sig(_MINTO["q3"] * 60.0 / _HUMAN_KG * _ALLO), U_CL, "[D] derived: Minto et al. 1997 Q3 0.076 L/min per 70 kg x (70/0.3)^0.25 [T]", "slow inter-compartmental clearance"),
            "ke0": P(_sig(_MINTO["ke0"] * _ALLO), U_PER_MIN, "[D] derived: Minto et al. 1997 ke0 0.595/min x (70/0.3)^0.25 [T]", "effect-site equilibration rate constant"),
            "fu": P(0.3, U_1, "[T] human value (70% bound, Ultiva product information)", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] lipophilic, passive blood-brain barrier transfer", "unbound brain:plasma ratio at equilibrium"),
            **_REMI_KD_RAT,
        },
        "human": {
            "molecular_weight": _mw(_REMI_MW, "C20H28N2O5"),
            "v1": P(_sig(_MINTO["v1"] / _HUMAN_KG), U_VOL, "[D] derived: Minto et al. 1997 Anesthesiology 86:10, V1 5.1 L (age 40 y, LBM 55 kg) per 70 kg", "central volume"),
            "cl": P(_sig(_MINTO["cl"] * 60.0 / _HUMAN_KG), U_CL, "[D] derived: Minto et al. 1997 CL 2.6 L/min per 70 kg", "elimination clearance"),
            "v2": P(_sig(_MINTO["v2"] / _HUMAN_KG), U_VOL, "[D] derived: Minto et al. 1997 V2 9.82 L per 70 kg", "fast peripheral volume"),
            "q2": P(_sig(_MINTO["q2"] * 60.0 / _HUMAN_KG), U_CL, "[D] derived: Minto et al. 1997 Q2 2.05 L/min per 70 kg", "fast inter-compartmental clearance"),
            "v3": P(_sig(_MINTO["v3"] / _HUMAN_KG), U_VOL, "[D] derived: Minto et al. 1997 V3 5.42 L per 70 kg", "slow peripheral volume"),
            "q3": P(_sig(_MINTO["q3"] * 60.0 / _HUMAN_KG), U_CL, "[D] derived: Minto et al. 1997 Q3 0.076 L/min per 70 kg", "slow inter-compartmental clearance"),
            "ke0": P(_MINTO["ke0"], U_PER_MIN, "Minto et al. 1997 Anesthesiology 86:10 (age 40 y)", "effect-site equilibration rate constant"),
            "fu": P(0.3, U_1, "Ultiva (remifentanil) product information, Swiss drug compendium: ~70% bound to plasma proteins", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] lipophilic, passive blood-brain barrier transfer", "unbound brain:plasma ratio at equilibrium"),
            **_REMI_KD_HUMAN,
        },
    },
    "naloxone": {
        "rat": {
            "molecular_weight": _mw(327.37, "C19H21NO4"),
            "v1": P(_sig(_NLX_RAT_V), U_VOL, "[D] derived: 1 mg/kg i.v. gives 258 ng/mL at 5 min (J Pharm Sci 1973;62:1416), back-extrapolated with t1/2 40 min", "volume of distribution (one compartment)"),
            "cl": P(_sig(_NLX_RAT_K * _NLX_RAT_V), U_CL, "[D] derived: ln2/40 min x v1; serum t1/2 40 min (Berkowitz et al. 1975 J Pharmacol Exp Ther 195:499)", "elimination clearance"),
            "ke0": P(0.2, U_PER_MIN, "[T] peak brain naloxone within 15 min of s.c. dosing (Berkowitz et al. 1975)", "effect-site equilibration rate constant"),
            "fu": P(0.6, U_1, "[T] human value (32-45% bound, naloxone product information)", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] brain:serum ratio of naloxone ~15x that of morphine (Berkowitz et al. 1975)", "unbound brain:plasma ratio at equilibrium"),
            "f_sc": P(1.0, U_1, "[T] complete s.c. absorption", "s.c. bioavailability"),
            "ka_sc": P(6.0, U_PER_H, "[T] peak serum <0.5 h after s.c. dosing (Berkowitz et al. 1975)", "s.c. absorption rate constant"),
            "f_ip": P(0.5, U_1, "[T] high hepatic first pass of naloxone (J Pharm Sci 1973;62:1416)", "i.p. bioavailability"),
            "ka_ip": P(6.0, U_PER_H, "[T] i.p. peak within ~15 min", "i.p. absorption rate constant"),
            **_NALOXONE_KD,
        },
        "human": {
            "molecular_weight": _mw(327.37, "C19H21NO4"),
            "v1": P(_sig(_DOWLING["v1"] / _HUMAN_KG), U_VOL, "[D] derived: Dowling et al. 2008 Ther Drug Monit 30:490, V1 2.87 L per 70 kg", "central volume"),
            "cl": P(_sig(_DOWLING["cl"] / _HUMAN_KG), U_CL, "[D] derived: Dowling et al. 2008, CL 91 L/h per 70 kg", "elimination clearance"),
            "v2": P(_sig(_DOWLING["v2"] / _HUMAN_KG), U_VOL, "[D] derived: Dowling et al. 2008, V2 1.49 L per 70 kg", "first peripheral volume"),
            "q2": P(_sig(_DOWLING["q2"] / _HUMAN_KG), U_CL, "[D] derived: Dowling et al. 2008, Q2 5.66 L/h per 70 kg", "first inter-compartmental clearance"),
            "v3": P(_sig(_DOWLING["v3"] / _HUMAN_KG), U_VOL, "[D] derived: Dowling et al. 2008, V3 33.6 L per 70 kg", "second peripheral volume"),
            "q3": P(_sig(_DOWLING["q3"] / _HUMAN_KG), U_CL, "[D] derived: Dowling et al. 2008, Q3 29.8 L/h per 70 kg", "second inter-compartmental clearance"),
            "ke0": P(0.1, U_PER_MIN, "[T] t1/2 ke0 ~6.5 min (Yassen et al. 2007 Clin Pharmacokinet 46:965)", "effect-site equilibration rate constant"),
            "fu": P(0.6, U_1, "[D] derived: 1 - 0.4 from 32-45% bound to plasma proteins (naloxone hydrochloride product information, Swiss drug compendium)", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] brain concentration 1.5x plasma at peak (naloxone hydrochloride product information)", "unbound brain:plasma ratio at equilibrium"),
            **_NALOXONE_KD,
        },
    },
    "ketamine": {
        "rat": {
            "molecular_weight": _mw(237.73, "C13H16ClNO"),
            "v1": P(_sig(_KET_RAT[0]), U_VOL, "[D] derived: 2-compartment from CL 88 mL/min/kg and Vss 3.217 L/kg (rabbit, Luca, Barter & Pypendop 2020 Vet Anaesth Analg, standing in for the rat [T]), t1/2 alpha 2 min (dog, Kaka & Hayton 1980) [T], terminal t1/2 1 h [T]", "central volume"),
            "cl": P(_sig(88e-3 * 60.0), U_CL, "[T] rabbit 88 mL/min/kg (Luca et al. 2020 Vet Anaesth Analg) as the rat value", "elimination clearance"),
            "v2": P(_sig(_KET_RAT[1]), U_VOL, "[D] derived: Vss 3.217 L/kg [T] - v1", "peripheral volume"),
            "q2": P(_sig(_KET_RAT[2]), U_CL, "[D] derived: see v1 (rat elimination t1/2 ~1 h [T], targets section 6)", "inter-compartmental clearance"),
            "ke0": P(2.8, U_PER_MIN, "fitted: peak brain ketamine <1 min after i.v. in the rat (Cohen et al. 1973 Anesthesiology)", "effect-site equilibration rate constant"),
            "fu": P(0.5, U_1, "[T] unbound fraction ~0.5 (targets section 6; dog 53.5% bound, Kaka & Hayton 1980 J Pharmacokinet Biopharm 8:193)", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] passive blood-brain barrier transfer; the 6.5 total ratio reflects brain tissue binding", "unbound brain:plasma ratio at equilibrium"),
            "brain_plasma_ratio": P(6.5, U_1, "Cohen et al. 1973 Anesthesiology (rat, i.v.)", "total brain:plasma ratio at equilibrium"),
            "f_sc": P(0.9, U_1, "[T] i.m. bioavailability ~90% in dogs (Jantzen et al. 1985 Anaesthesist 34:346); s.c. similar", "s.c. bioavailability"),
            "ka_sc": P(2.0, U_PER_H, "[T] chosen so that 10 mg/kg s.c. peaks at 0.5-2 ug/mL and the effect site stays >1 uM for ~1-2 h (targets section 6, estimate)", "s.c. absorption rate constant"),
            "f_ip": P(0.8, U_1, "[T] mouse ketamine code default (sermeor/SynapticPlasticityModelling), unvalidated", "i.p. bioavailability"),
            "ka_ip": P(6.0, U_PER_H, "[T] i.p. peak ~10-20 min", "i.p. absorption rate constant"),
        },
        "human": {
            "molecular_weight": _mw(237.73, "C13H16ClNO"),
            "v1": P(_KET_HUM_V1, U_VOL, "Clements & Nimmo 1981 Br J Anaesth 53:27 (250 ug/kg bolus; as tabulated in the opentiva library)", "central volume"),
            "cl": P(_sig(79.0 / _HUMAN_KG), U_CL, "[D] derived: Kamp et al. 2020 Anesthesiology 133:1192, CL 79 L/h per 70 kg", "elimination clearance"),
            "v2": P(_sig(252.0 / _HUMAN_KG - _KET_HUM_V1), U_VOL, "[D] derived: Kamp et al. 2020 V 252 L per 70 kg minus v1", "peripheral volume"),
            "q2": P(_sig(_KET_HUM_Q), U_CL, "[D] derived: Clements & Nimmo 1981 V1 x k12 0.0186/min", "inter-compartmental clearance"),
            "ke0": P(0.69, U_PER_MIN, "[T] t1/2 ke0 ~1 min (effect peak ~1 min after i.v. bolus)", "effect-site equilibration rate constant"),
            "fu": P(0.53, U_1, "[T] ~47% bound to plasma proteins (Dayton et al. 1983 Eur J Clin Pharmacol)", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] passive blood-brain barrier transfer", "unbound brain:plasma ratio at equilibrium"),
            "f_sc": P(0.93, U_1, "[T] i.m. bioavailability 93% (Clements et al. 1982 J Pharm Sci 71:539)", "s.c. (i.m.) bioavailability"),
            "ka_sc": P(3.0, U_PER_H, "[T] i.m. peak ~20 min", "s.c. (i.m.) absorption rate constant"),
        },
    },
    "mk801": {
        "rat": {
            "molecular_weight": _mw(221.30, "C16H15N"),
            "v1": P(_sig(_MK_V), U_VOL, "fitted: Cmax 44 ng/mL after 3 mg/kg i.p., t1/2 1.65 h (Eur J Pharmacol 1992;216:1) with f_ip and ka_ip of this tree; one compartment", "volume of distribution (one compartment)"),
            "cl": P(_sig(_MK_K * _MK_V), U_CL, "[D] derived: ln2/1.65 h x v1 (Eur J Pharmacol 1992;216:1)", "elimination clearance"),
            "ke0": P(0.2, U_PER_MIN, "[T] brain Cmax at the first sample (15 min) after s.c. dosing in mice (PMC6806415)", "effect-site equilibration rate constant"),
            "fu": P(0.5, U_1, "[T] plasma protein binding not at hand", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] passive blood-brain barrier transfer", "unbound brain:plasma ratio at equilibrium"),
            "brain_plasma_ratio": P(18.0, U_1, "[T] mouse value: 0.1 mg/kg s.c. brain Cmax 90.4 ng/g, plasma 5.0 ng/mL (PMC6806415, Table 2)", "total brain:plasma ratio"),
            "f_sc": P(1.0, U_1, "[T] complete s.c. absorption", "s.c. bioavailability"),
            "ka_sc": P(_MK_KA, U_PER_H, "[T] s.c. peak within ~30 min", "s.c. absorption rate constant"),
            "f_ip": P(_sig(_MK_F_IP), U_1, "[D] derived: mouse i.p./s.c. plasma AUC 208/311 (PMC6806415, Table 2) with f_sc 1", "i.p. bioavailability"),
            "ka_ip": P(_MK_KA, U_PER_H, "[T] i.p. peak within ~30 min", "i.p. absorption rate constant"),
            "v_it": P(_sig(_MOR_IT_V), U_VOL, "[T] taken equal to the morphine value of this tree", "effective distribution volume of i.t. drug at the spinal receptors"),
            "k_it": P(1.0, U_PER_H, "[T] lipophilic drugs leave the intrathecal space faster than morphine", "rate constant of clearance from the spinal compartment to plasma"),
        },
    },
    "memantine": {
        "rat": {
            "molecular_weight": _mw(179.30, "C12H21N"),
            "v1": P(7.0, U_VOL, "[T] large volume of a lipophilic amine (human 9-11 L/kg)", "volume of distribution (one compartment)"),
            "cl": P(_sig(_LN2 / 2.5 * 7.0), U_CL, "[D] derived: ln2/2.5 h x v1; rat t1/2 <4 h (Beconi et al. 2011 PLoS Curr RRN1291), 2.5 h [T]", "elimination clearance"),
            "ke0": P(0.05, U_PER_MIN, "[T] brain equilibration within ~30-60 min", "effect-site equilibration rate constant"),
            "fu": P(0.55, U_1, "[T] human value (45% bound, memantine product information)", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] passive blood-brain barrier transfer", "unbound brain:plasma ratio at equilibrium"),
            "f_sc": P(1.0, U_1, "[T] complete s.c. absorption", "s.c. bioavailability"),
            "ka_sc": P(3.0, U_PER_H, "[T] s.c. peak ~30-60 min", "s.c. absorption rate constant"),
            "f_ip": P(1.0, U_1, "[T] little first pass (renal elimination)", "i.p. bioavailability"),
            "ka_ip": P(3.0, U_PER_H, "[T] i.p. peak ~30-60 min", "i.p. absorption rate constant"),
        },
        "human": {
            "molecular_weight": _mw(179.30, "C12H21N"),
            "v1": P(10.0, U_VOL, "Memantine product information (US label, clinical pharmacology): Vd 9-11 L/kg", "volume of distribution (one compartment)"),
            "cl": P(_sig(_MEM_HUM_K * 10.0), U_CL, "[D] derived: ln2/70 h x 10 L/kg; t1/2 60-80 h (memantine product information)", "elimination clearance"),
            "ke0": P(0.05, U_PER_MIN, "[T] irrelevant at oral time scales", "effect-site equilibration rate constant"),
            "fu": P(0.55, U_1, "Memantine product information (US label): 45% bound to plasma proteins", "unbound fraction in plasma"),
            "kp_uu": P(1.0, U_1, "[T] passive blood-brain barrier transfer", "unbound brain:plasma ratio at equilibrium"),
            "f_po": P(1.0, U_1, "Memantine product information (US label): absolute bioavailability ~100%", "oral bioavailability"),
            "ka_po": P(_sig(_MEM_HUM_KA), U_PER_H, "[D] derived: t_max 3-7 h (5 h) with t1/2 70 h: ln(ka/k)/(ka-k) = 5 h (memantine product information)", "oral absorption rate constant"),
        },
    },
}


# --------------------------------------------------------------------------------------------
# Schedules.
# --------------------------------------------------------------------------------------------

# Amount units to (factor, kind): mass per kg in ug/kg, or molar per kg in umol/kg.
_AMOUNT_UNITS = {
    "mg/kg": (1e3, "mass"),
    "ug/kg": (1.0, "mass"),
    "ng/kg": (1e-3, "mass"),
    "umol/kg": (1.0, "molar"),
    "nmol/kg": (1e-3, "molar"),
}
_TIME_UNITS_H = {"s": 1 / 3600.0, "min": 1 / 60.0, "h": 1.0, "day": 24.0, "d": 24.0}


def _amount_umol_per_kg(amount: float, unit: str, mw: float) -> float:
    try:
        factor, kind = _AMOUNT_UNITS[unit]
    except KeyError:
        raise ValueError(f"unknown dose unit {unit!r}; use one of {sorted(_AMOUNT_UNITS)}") from None
    return amount * factor / mw if kind == "mass" else amount * factor


def _rate_umol_per_kg_h(rate: float, unit: str, mw: float) -> float:
    amount_unit, _, time_unit = unit.rpartition("/")
    if time_unit not in _TIME_UNITS_H or amount_unit not in _AMOUNT_UNITS:
        raise ValueError(f"unknown rate unit {unit!r}; use e.g. 'ug/kg/h', 'mg/kg/h', 'ug/kg/min', 'nmol/kg/h'")
    return _amount_umol_per_kg(rate, amount_unit, mw) / _TIME_UNITS_H[time_unit]


def _check_route(route: str) -> None:
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r}; use one of {ROUTES}")


@dataclass(frozen=True)
class Dose:
    """A bolus of ``amount`` (``unit`` mg/kg, ug/kg, ng/kg, nmol/kg or umol/kg of free base) of
    ``drug`` by ``route`` (iv, sc, ip, po, it) at ``time`` seconds."""

    drug: str
    amount: float
    unit: str = "mg/kg"
    route: str = "iv"
    time: float = 0.0

    def __post_init__(self):
        _check_route(self.route)
        if self.amount < 0:
            raise ValueError(f"dose amount must be >= 0, got {self.amount}")


@dataclass(frozen=True)
class Infusion:
    """Zero-order input of ``drug`` at ``rate`` (``unit`` e.g. ug/kg/h, mg/kg/h, ug/kg/min,
    nmol/kg/h) from ``start`` to ``stop`` seconds. With ``taper`` > 0 s the rate then falls
    linearly from ``rate`` at ``stop`` to zero at ``stop + taper``; ``taper`` = 0 is an abrupt
    stop. ``route`` iv (default), sc (pump), it or ip."""

    drug: str
    rate: float
    unit: str = "ug/kg/h"
    start: float = 0.0
    stop: float = 3600.0
    taper: float = 0.0
    route: str = "iv"

    def __post_init__(self):
        _check_route(self.route)
        if self.stop < self.start:
            raise ValueError(f"infusion stops ({self.stop}) before it starts ({self.start})")
        if self.taper < 0 or self.rate < 0:
            raise ValueError("infusion rate and taper must be >= 0")

    @property
    def end(self) -> float:
        """Time (s) at which the input reaches zero."""
        return self.stop + self.taper

    def rate_at(self, t: float) -> tuple[float, float]:
        """(rate, d rate/dt per s) in ``unit`` at time ``t`` (right limit at breakpoints)."""
        if self.start <= t < self.stop:
            return self.rate, 0.0
        if self.taper > 0 and self.stop <= t < self.end:
            return self.rate * (1.0 - (t - self.stop) / self.taper), -self.rate / self.taper
        return 0.0, 0.0

    def breakpoints(self) -> tuple[float, ...]:
        return (self.start, self.stop, self.end) if self.taper > 0 else (self.start, self.stop)


def Pump(drug: str, rate: float, unit: str = "mg/kg/day", start: float = 0.0, stop: float = 7 * DAY,
         route: str = "sc", taper: float = 0.0) -> Infusion:
    """An osmotic minipump: a zero-order (by default s.c.) infusion over days."""
    return Infusion(drug, rate, unit, start, stop, taper, route)


def Pellet(drug: str, amount: float, unit: str = "mg/kg", start: float = 0.0, duration: float = 3 * DAY,
           route: str = "sc") -> Infusion:
    """An implanted pellet releasing ``amount`` at a constant rate over ``duration`` seconds
    (zero-order release; removal of the pellet is the end of the release). ``amount`` in a per-kg
    unit: divide the pellet content (e.g. 75 mg morphine base) by the body weight."""
    if duration <= 0:
        raise ValueError("pellet release duration must be > 0")
    return Infusion(drug, amount / (duration / 3600.0), f"{unit}/h", start, start + duration, 0.0, route)


#: A dosing schedule: any mix of boluses, infusions, pumps and pellets.
Regimen = list[Union[Dose, Infusion]]


# --------------------------------------------------------------------------------------------
# Parameter access.
# --------------------------------------------------------------------------------------------


def _lookup(params: Any, drug: str, species: str, name: str) -> Any | None:
    """The parameter ``drug.species.name`` from a tree (dict) or a ParameterSet, or None."""
    if params is None:
        params = PK_PARAMETERS
    if hasattr(params, "param"):  # circuits.parameters.ParameterSet
        try:
            return params.param(f"pharmacokinetics.{drug}.{species}.{name}")
        except KeyError:
            return None
    try:
        return params[drug][species].get(name)
    except (KeyError, TypeError):
        return None


def _as(value: Any, unit: str) -> float:
    """``value`` (Param, Brian2 quantity or plain number already in ``unit``) as a float in ``unit``."""
    if isinstance(value, Param):
        if value.unit in ("1", ""):
            return float(value.value)
        value = value.value * parse_unit(value.unit)
    target = parse_unit(unit)
    if isinstance(value, (int, float)) and not hasattr(value, "dim"):
        return float(value)
    return float(value / target)


def resolve(drug: str, species: str, params: Any = None) -> dict[str, float]:
    """The parameters of ``drug`` in ``species`` as floats in internal units (h, L/kg, L/kg/h,
    1/h, g/mol, uM). Missing optional parameters are absent from the result.

    ``params`` is None (:data:`PK_PARAMETERS`), a tree shaped like it, or a
    :class:`circuits.parameters.ParameterSet` holding it under ``pharmacokinetics``."""
    if _lookup(params, drug, species, "cl") is None:
        known = [d for d in DRUGS if _lookup(params, d, species, "cl") is not None]
        raise KeyError(f"no {species} pharmacokinetic parameters for {drug!r} (have: {known})")
    kinds = {
        "molecular_weight": "mw", "v1": "v", "v2": "v", "v3": "v", "v_it": "v",
        "cl": "cl", "q2": "cl", "q3": "cl",
        "ke0": "rate", "ka_sc": "rate", "ka_ip": "rate", "ka_po": "rate", "k_it": "rate",
        "mor_kd": "conc",
    }
    out: dict[str, float] = {}
    for name in ("molecular_weight", "v1", "cl", "v2", "q2", "v3", "q3", "ke0", "fu", "kp_uu",
                 "brain_plasma_ratio", "f_sc", "ka_sc", "f_ip", "ka_ip", "f_po", "ka_po", "v_it", "k_it",
                 "mor_kd", "mor_efficacy"):
        p = _lookup(params, drug, species, name)
        if p is None:
            continue
        out[name] = _as(p, _INTERNAL[kinds[name]]) if name in kinds else _as(p, "1")
    for required in ("molecular_weight", "v1", "cl", "ke0", "fu", "kp_uu"):
        if required not in out:
            raise KeyError(f"{drug}.{species} lacks the parameter {required!r}")
    return out


# --------------------------------------------------------------------------------------------
# The linear system and its exact propagation.
# --------------------------------------------------------------------------------------------

# State layout: depots, spinal i.t. compartment, central, two peripherals (amounts, umol/kg),
# effect site (concentration, uM).
_SC, _IP, _PO, _IT, _C1, _C2, _C3, _CE = range(8)
_N = 8
_DEPOT = {"sc": _SC, "ip": _IP, "po": _PO}


def _system_matrix(p: Mapping[str, float]) -> np.ndarray:
    """dx/dt = A x for one drug (time in h)."""
    A = np.zeros((_N, _N))
    v1 = p["v1"]
    k10 = p["cl"] / v1
    for route, i in _DEPOT.items():
        ka = p.get(f"ka_{route}", 0.0)
        A[i, i] = -ka
        A[_C1, i] = ka
    k_it = p.get("k_it", 0.0)
    A[_IT, _IT] = -k_it
    A[_C1, _IT] = k_it
    A[_C1, _C1] = -k10
    for ci, v, q in ((_C2, "v2", "q2"), (_C3, "v3", "q3")):
        if v in p and q in p and p[v] > 0:
            k1x, kx1 = p[q] / v1, p[q] / p[v]
            A[_C1, _C1] -= k1x
            A[_C1, ci] = kx1
            A[ci, _C1] = k1x
            A[ci, ci] = -kx1
    ke0 = p["ke0"]
    A[_CE, _C1] = ke0 * p["kp_uu"] * p["fu"] / v1
    A[_CE, _CE] = -ke0
    return A


class _Propagator:
    """Exact propagation of x' = A x + B u(t) with u piecewise linear, via the augmented state
    z = [x, u, u'], z' = [[A, B, 0], [0, 0, I], [0, 0, 0]] z. ``states`` selects the rows and
    columns of A that a regimen uses and ``inputs`` the states that receive infusions, which
    keeps the matrix small (expm cost)."""

    def __init__(self, A: np.ndarray, states: Sequence[int], inputs: Sequence[int]):
        n, m = len(states), len(inputs)
        M = np.zeros((n + 2 * m, n + 2 * m))
        M[:n, :n] = A[np.ix_(states, states)]
        for j, slot in enumerate(inputs):
            M[states.index(slot), n + j] = 1.0
            M[n + j, n + m + j] = 1.0
        self.M, self.n, self.m = M, n, m
        self._cache: dict[int, np.ndarray] = {}

    def phi(self, dt_h: float) -> np.ndarray:
        key = int(round(dt_h * 3.6e9))  # whole microseconds
        phi = self._cache.get(key)
        if phi is None:
            phi = expm(self.M * (key / 3.6e9))
            self._cache[key] = phi
        return phi


def _input_slot(route: str, p: Mapping[str, float], drug: str, species: str) -> tuple[int, float]:
    """(state index, fraction of the dose entering it) for a route."""
    if route == "iv":
        return _C1, 1.0
    if route == "it":
        if "v_it" not in p or "k_it" not in p:
            raise ValueError(f"no intrathecal parameters (v_it, k_it) for {drug} in {species}")
        return _IT, 1.0
    if f"ka_{route}" not in p or f"f_{route}" not in p:
        raise ValueError(f"no {route} absorption parameters (f_{route}, ka_{route}) for {drug} in {species}")
    return _DEPOT[route], p[f"f_{route}"]


@dataclass
class PKResult:
    """Concentrations (uM) of every drug of a regimen on the requested time grid.

    ``plasma``: total plasma concentration; ``plasma_unbound``: ``fu * plasma``; ``effect``:
    unbound concentration at the receptors (brain and spinal effect site, including drug given
    intrathecally); ``spinal_it``: the i.t. compartment alone; ``brain_total``: total brain tissue
    concentration (drugs with a ``brain_plasma_ratio``)."""

    times_s: np.ndarray
    species: str
    plasma: dict[str, np.ndarray] = field(default_factory=dict)
    plasma_unbound: dict[str, np.ndarray] = field(default_factory=dict)
    effect: dict[str, np.ndarray] = field(default_factory=dict)
    spinal_it: dict[str, np.ndarray] = field(default_factory=dict)
    brain_total: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def drugs(self) -> list[str]:
        return list(self.plasma)

    def nM(self, drug: str, site: str = "effect") -> np.ndarray:
        """A concentration series in nM (``site`` plasma, plasma_unbound, effect, spinal_it, brain_total)."""
        return getattr(self, site)[drug] * 1e3


def _simulate_drug(drug: str, items: Sequence[Dose | Infusion], species: str, times_s: np.ndarray,
                   p: Mapping[str, float]) -> np.ndarray:
    """States (len(times), 8) of one drug at the sorted times ``times_s`` (seconds).

    Cost: one matrix exponential per distinct step between consecutive output or event times
    (cached), then one small matrix-vector product per step; uniform grids are cheapest."""
    mw = p["molecular_weight"]
    boluses: dict[float, np.ndarray] = {}
    infusions: list[tuple[Infusion, int, float]] = []  # (infusion, slot, F x umol/kg/h per unit rate)
    breaks: set[float] = set()
    for item in items:
        slot, frac = _input_slot(item.route, p, drug, species)
        if isinstance(item, Dose):
            jump = boluses.setdefault(float(item.time), np.zeros(_N))
            jump[slot] += frac * _amount_umol_per_kg(item.amount, item.unit, mw)
            breaks.add(float(item.time))
        else:
            infusions.append((item, slot, frac * _rate_umol_per_kg_h(1.0, item.unit, mw)))
            breaks.update(float(b) for b in item.breakpoints())
    breakpoints = sorted(breaks)
    A = _system_matrix(p)
    used = {slot for slot in range(_N) if A[slot, slot] != 0.0 and slot not in (_SC, _IP, _PO, _IT)}
    used |= {_C1, _CE}
    used |= {s for b in boluses.values() for s in np.nonzero(b)[0]} | {slot for _, slot, _ in infusions}
    states = sorted(used)
    inputs = sorted({slot for _, slot, _ in infusions})
    prop = _Propagator(A, states, inputs)
    n, m = prop.n, prop.m

    def inputs_at(t_s: float) -> tuple[np.ndarray, np.ndarray]:
        """Input rate (umol/kg/h) into each infused state and its slope (per h) just after ``t_s``."""
        u, du = np.zeros(m), np.zeros(m)
        for inf, slot, scale in infusions:
            r, dr = inf.rate_at(t_s)
            j = inputs.index(slot)
            u[j] += scale * r
            du[j] += scale * dr * 3600.0
        return u, du

    sub = np.zeros((len(times_s), n))
    z = np.zeros(n + 2 * m)
    t_now = breakpoints[0]
    bi, oi = 0, 0
    while oi < len(times_s) and times_s[oi] < t_now:  # before the first event: no drug
        oi += 1
    while oi < len(times_s):
        t_break = breakpoints[bi] if bi < len(breakpoints) else math.inf
        is_break = t_break <= times_s[oi]
        t_target = t_break if is_break else times_s[oi]
        if t_target > t_now:
            z = prop.phi((t_target - t_now) / 3600.0) @ z
            t_now = t_target
        if is_break:
            if t_target in boluses:
                z[:n] += boluses[t_target][states]
            z[n:n + m], z[n + m:] = inputs_at(t_target)
            bi += 1
        else:
            sub[oi] = z[:n]
            oi += 1
    out = np.zeros((len(times_s), _N))
    out[:, states] = sub
    return out


def simulate(regimen: Iterable[Dose | Infusion], species: str, times_s: Sequence[float] | np.ndarray,
             params: Any = None) -> PKResult:
    """Plasma and effect-site concentrations (uM) of every drug in ``regimen`` at ``times_s``.

    Exact solution of the linear compartment model; a bolus at time t is included in the value
    reported at t. ``params`` as for :func:`resolve`. Raises ValueError for a route the drug has
    no parameters for, KeyError for a drug without parameters in ``species``."""
    if species not in SPECIES:
        raise ValueError(f"unknown species {species!r}; use one of {SPECIES}")
    times_s = np.asarray(times_s, dtype=float)
    if times_s.ndim != 1:
        raise ValueError("times_s must be one-dimensional")
    order = np.argsort(times_s, kind="stable")
    sorted_s = times_s[order]
    by_drug: dict[str, list] = {}
    for item in regimen:
        if not isinstance(item, (Dose, Infusion)):
            raise TypeError(f"regimen items must be Dose or Infusion, got {item!r}")
        by_drug.setdefault(item.drug, []).append(item)
    result = PKResult(times_s=times_s.copy(), species=species)
    for drug, items in by_drug.items():
        p = resolve(drug, species, params)
        states = np.empty((len(times_s), _N))
        states[order] = _simulate_drug(drug, items, species, sorted_s, p)
        plasma = np.maximum(states[:, _C1] / p["v1"], 0.0)
        spinal = np.maximum(states[:, _IT] / p["v_it"], 0.0) if "v_it" in p else np.zeros(len(times_s))
        ce = np.maximum(states[:, _CE], 0.0)
        result.plasma[drug] = plasma
        result.plasma_unbound[drug] = p["fu"] * plasma
        result.effect[drug] = ce + spinal
        result.spinal_it[drug] = spinal
        if "brain_plasma_ratio" in p:
            result.brain_total[drug] = ce * p["brain_plasma_ratio"] / (p["fu"] * p["kp_uu"])
    return result


def steady_state_concentration(drug: str, species: str, rate: float, unit: str = "mg/kg/h",
                               params: Any = None, route: str = "iv") -> float:
    """Total plasma concentration (uM) at steady state of a constant input: F * rate / CL."""
    p = resolve(drug, species, params)
    frac = 1.0 if route in ("iv", "it") else p.get(f"f_{route}")
    if frac is None:
        raise ValueError(f"no {route} bioavailability for {drug} in {species}")
    return frac * _rate_umol_per_kg_h(rate, unit, p["molecular_weight"]) / p["cl"]


def terminal_half_life(drug: str, species: str, params: Any = None) -> float:
    """Terminal disposition half-life (h): ln2 over the smallest eigenvalue magnitude of the
    central/peripheral block of the system matrix."""
    p = resolve(drug, species, params)
    A = _system_matrix(p)[_C1:_C3 + 1, _C1:_C3 + 1]
    lam = np.linalg.eigvals(A).real
    lam = lam[lam < -1e-12]
    return _LN2 / float(np.min(-lam))


# --------------------------------------------------------------------------------------------
# Mu-opioid receptor.
# --------------------------------------------------------------------------------------------


def mor_occupancy(conc_by_drug: Mapping[str, Any], params: Any = None, desensitisation: Any = 0.0,
                  species: str = "rat", potency_loss: Any = 0.0) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Competitive occupancy of the mu-opioid receptor and its activation.

    ``conc_by_drug`` maps drug to unbound effect-site concentration (uM; number or array, all
    broadcastable), e.g. :attr:`PKResult.effect`. Drugs without ``mor_kd`` (ketamine, ...) are
    ignored. Gaddum's equation for ligands competing for one site:
    ``occ_i = (c_i/K_i) / (1 + sum_j c_j/K_j)``; naloxone (efficacy 0) shifts agonist curves to
    the right by the Schild dose ratio ``1 + [naloxone]/K_B``. Activation is
    ``(1 - desensitisation) * sum_i efficacy_i * occ_i`` (0..1), with ``desensitisation`` (0..1,
    number or array) the fraction of receptors uncoupled by chronic exposure (slow layer).

    ``potency_loss`` (0..1, number or array) is acute tolerance as a loss of agonist potency: every
    agonist's ``c_i/K_i`` is multiplied by ``1 - potency_loss``, a parallel rightward shift of its
    concentration-response curve by ``1 / (1 - potency_loss)`` that a high agonist concentration
    overcomes (the functional ``mor_kd`` folds the receptor reserve in, and acute desensitisation
    and internalisation use it up: Vinik & Kissin 1998 Anesth Analg 86:1307, a 4-fold EC50 shift
    after 3 h of remifentanil). Naloxone's binding is unchanged. ``occupancy`` is then the
    functional occupancy of each agonist.

    Returns ``(occupancy, activation)``: a dict drug -> occupancy array (0..1) and the activation
    array."""
    ratios: dict[str, np.ndarray] = {}
    efficacy: dict[str, float] = {}
    kept_potency = 1.0 - np.asarray(potency_loss, dtype=float)
    for drug, conc in conc_by_drug.items():
        kd = _lookup(params, drug, species, "mor_kd")
        if kd is None:
            continue
        efficacy[drug] = _as(_lookup(params, drug, species, "mor_efficacy"), "1")
        ratios[drug] = np.asarray(conc, dtype=float) / _as(kd, "uM") * (kept_potency if efficacy[drug] > 0 else 1.0)
    denominator = 1.0 + sum(ratios.values()) if ratios else np.asarray(1.0)
    occupancy = {drug: np.asarray(r / denominator) for drug, r in ratios.items()}
    signal = sum(efficacy[d] * occ for d, occ in occupancy.items()) if occupancy else np.asarray(0.0)
    activation = np.asarray((1.0 - np.asarray(desensitisation, dtype=float)) * signal)
    return occupancy, activation
