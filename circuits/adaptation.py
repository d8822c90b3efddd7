"""The slow layer of adaptive states: what chronic opioid exposure changes over minutes to days.

Part of the slow layer of the design (``shared/design.md`` section 1). Between two probes of the
fast (spiking) layer, the coupling code calls :func:`advance` with the drive that held over the
interval and reads the new :class:`SlowState` back. Pure numpy; no Brian2, no file I/O.

States
------
``desensitisation`` D (0..1)
    fraction of MOR efficacy lost (true tolerance). Pass it to
    ``pharmacokinetics.mor_occupancy(..., desensitisation=D)``. Modest: most tolerance is
    apparent, from descending facilitation (Vanderah et al. 2001).
``acute_desensitisation`` D_a (0..1)
    fraction of agonist potency lost within hours of a high dose of a high-efficacy agonist (acute
    tolerance). Pass it to ``pharmacokinetics.mor_occupancy(..., potency_loss=D_a)``: it shifts
    agonist concentration-response curves right by ``1 / (1 - D_a)`` (Vinik & Kissin 1998 Anesth
    Analg 86:1307: a 4-fold EC50 shift after 3 h of remifentanil), which the high concentration
    at the peak of a large dose overcomes and a waning or a later, lower dose does not. Rapid MOR
    desensitisation and internalisation need high agonist efficacy and
    occupancy (fentanyl, DAMGO; morphine hardly: Keith et al. 1996 J Biol Chem 271:19021 [T]) and
    NMDA receptors (NMDA/PKC: Mao, Price & Mayer 1995 Pain 62:259 [T]). It shortens fentanyl
    analgesia to hours and blunts a later morphine dose, and ketamine given before fentanyl
    prevents both (Celerier et al. 2000; Laulin et al. 2002 Anesth Analg 94:1263). It recovers
    within a day and, unlike ``afferent_potentiation``, changes nothing once the opioid is gone.
``cck_drive`` (1 = drug-free)
    RVM CCK drive onto ON cells, ~5-fold after 3 days of continuous morphine (Xie et al. 2005).
    It grows through the RVM expression signal ``cck_expression`` E_r (0..1), which follows the
    NMDA-gated RVM occupancy over hours, and only while E_r exceeds a threshold: CCK
    up-regulation needs exposure sustained over a day or more, so a 1-h infusion or one day of
    fentanyl boluses leaves it unchanged.
``transporter_capacity`` (1 = drug-free)
    spinal glutamate transporter capacity (EAAC1/GLAST), 30-50% lower by day 5-8 of chronic
    morphine (Mao et al. 2002). It falls through the spinal expression signal
    ``transporter_expression`` E_s, with the same time constant and threshold as E_r.
``afferent_gain`` (1 = drug-free)
    release from primary-afferent terminals relative to drug-free: the spinal dynorphin-dependent
    enhancement of evoked transmitter release that sustained morphine induces on day 7 but not
    day 1, in sham-operated but not DLF-lesioned rats (Gardell et al. 2002 J Neurosci 22:6747;
    Vanderah et al. 2000 J Neurosci 20:7074). It grows with the descending facilitatory drive,
    so RVM inactivation or a DLF lesion prevents it; it opposes the presynaptic MOR action at the
    same terminals, which is the apparent tolerance of Vanderah et al. 2001.
``afferent_potentiation`` (1 = drug-free)
    release from primary-afferent terminals potentiated through presynaptic NMDA receptors
    (Zhou, Chen & Pan 2010 J Neurosci 30:4460): the NMDA-dependent pain-facilitatory process that
    a high opioid dose sets off while it acts (Larcher et al. 1998 Neuroscience 84:583; Celerier
    et al. 2000 Anesthesiology 92:465). It builds within the first hours, so it opposes the
    analgesia while the opioid is on board (acute tolerance), and outlasts the opioid by days
    (delayed hyperalgesia). Only occupancy above ``occupancy_threshold`` drives it, so sustained
    moderate exposure does not, and only while the NMDA activity stays above ``nmda_threshold``
    (Ca2+ entry through the presynaptic NMDA receptors must pass a threshold), so an NMDA blocker
    present at the opioid's peak prevents it: ketamine before fentanyl prevents the delayed
    hyperalgesia and enhances the early analgesia (Celerier et al. 2000; Laulin et al. 2002).
``ac_superactivation`` A_s, ``ac_superactivation_rvm`` A_r (0..1, occupancy units)
    adenylyl-cyclase superactivation; it follows the spinal (A_s) or RVM (A_r) MOR occupancy
    with a lag. :func:`rebound` gives the withdrawal signal ``max(0, A - occupancy - threshold)``
    at either site: large after an abrupt fall of the opioid or naloxone, near zero after a slow
    taper (Drdla et al. 2009). Spinally it drives withdrawal LTP in lamina I; in the RVM it
    excites the MOR-carrying ON cells, which fire above their drug-free rate in
    naloxone-precipitated withdrawal (Bederson, Fields & Barbaro 1990; Kaplan & Fields 1991).
``early``, ``consolidated`` (arrays, one entry per NK1R+ lamina I cell, whose C-fibre input is plastic)
    fractional potentiation above the drug-free weight (0 = baseline, 0.5 = 150%); the synaptic
    weight is ``w0 * (1 + early + consolidated)``. The fast layer induces potentiation; the
    coupling code adds the induced change to ``early``. Early LTP decays within hours unless it
    is consolidated; consolidated LTP lasts days (Sandkuehler 2007). A brief occupancy above a
    threshold erases both (Drdla-Schutting et al. 2012) through the depotentiating signal
    ``depotentiation`` z (0..1), which follows that occupancy over ``depotentiation_tau`` and so
    keeps erasing for a while after the dose: the withdrawal rebound at the abrupt end of a high
    dose does not re-induce the LTP it erased.

Drive
-----
``u_s(t)``, ``u_r(t)``: spinal and RVM MOR occupancy, 0..1. Use the efficacy-weighted agonist
occupancy, ``mor_occupancy(conc, params, desensitisation=0.0)[1]``: naloxone lowers it, a partial
agonist drives less adaptation, and desensitisation does not feed back on its own drive.
``n``: ``nmda_activity``, NMDA activation in the fast layer relative to its drug-free value
(1 = normal, 0 = fully blocked by ketamine or MK-801; values above 1 are allowed).
``f``: ``descending_drive``, the ON-cell output that reaches the cord in excess of its drug-free
level (:func:`descending_drive`; 0 drug-free, after RVM inactivation or a DLF lesion).

Equations (time in s; ``tau_*`` and ``*_max`` are parameters of :data:`ADAPTATION_PARAMETERS`)
-------------------------------------------------------------------------------------------
::

    dD/dt = n u_s (D_max - D) / tau_D_on  -  D / tau_D_rec
    dD_a/dt = h_a (Da_max - D_a) / tau_Da_on  -  D_a / tau_Da_rec
    h_a   = max(0, n u_s - theta_Da) / (1 - theta_Da)
    dE_r/dt = (n u_r - E_r) / tau_E                                 E_r = cck_expression
    dE_s/dt = (n u_s - E_s) / tau_E                                 E_s = transporter_expression
    e(E)  = max(0, E - theta_E) / (1 - theta_E)
    dc/dt = e(E_r) (c_max - c) / tau_c_on -  c / tau_c_rec        c = cck_drive - 1
    dL/dt = e(E_s) (L_max - L) / tau_L_on -  L / tau_L_rec        L = 1 - transporter_capacity
    dG/dt = f (G_max - G) / tau_G_on      -  G / tau_G_rec        G = afferent_gain - 1
    dH/dt = h (H_max - H) / tau_H_on      -  H / tau_H_rec        H = afferent_potentiation - 1
    h     = max(0, u_s - theta_H) / (1 - theta_H) * max(0, n - theta_nH) / (1 - theta_nH)
    dA_s/dt = (u_s - A_s) / tau_A                 dA_r/dt = (u_r - A_r) / tau_A
    de/dt = -e / tau_early - k_cons e                      - k_dep z e
    dp/dt =  k_cons e      - p / tau_consolidated          - k_dep z p
    dz/dt = (max(0, u_s - u_dep) / (1 - u_dep) - z) / tau_z                    z = depotentiation
    rebound = max(0, A_s - u_s - theta_rebound)      rebound_rvm = max(0, A_r - u_r - theta_rvm)

with, under ``adaptation.``: D_max, tau_D_on, tau_D_rec = ``desensitisation.{max, tau_onset,
tau_recovery}``; Da_max, theta_Da, tau_Da_on, tau_Da_rec = ``acute_desensitisation.{max,
occupancy_threshold, tau_onset, tau_recovery}``; c_max + 1, tau_c_on, tau_c_rec = ``cck.{max_fold, tau_onset, tau_recovery}``; tau_E, theta_E =
``expression.{tau, threshold}``;
L_max, tau_L_on, tau_L_rec = ``transporter.{max_loss, tau_onset, tau_recovery}``; G_max + 1,
tau_G_on, tau_G_rec = ``afferent_facilitation.{max_gain, tau_onset, tau_recovery}``; H_max + 1,
theta_H, theta_nH, tau_H_on, tau_H_rec = ``afferent_potentiation.{max_gain, occupancy_threshold,
nmda_threshold, tau_onset, tau_recovery}``; tau_A,
theta_rebound, theta_rvm = ``ac_superactivation.{tau, rebound_threshold, rvm_rebound_threshold}``; tau_early, k_cons,
tau_consolidated, u_dep, k_dep, tau_z = ``potentiation.{tau_early, consolidation_rate,
tau_consolidated, depotentiation_threshold, depotentiation_rate, depotentiation_tau}``. The rise time constants
apply at full drive (n u = 1, f = 1); at drive g the state approaches
``X_max g tau_rec / (g tau_rec + tau_on)`` with rate ``g / tau_on + 1 / tau_rec``.

The threshold ``theta_rebound`` (0.2) is an addition to the plain ``max(0, A - u_s)``: a linear
lag alone cannot tell an abrupt stop of remifentanil (effect-site half-time of minutes) from a
60-min taper well (peaks ~0.47 against ~0.22 at tau_A 15 min); with it the taper gives < 0.03.
Set it to 0 to recover the plain difference.

The two thresholds split the opioid's pronociceptive actions by exposure. The expression
threshold needs exposure sustained over a day or more (a continuous pump reaches it within a
day; four fentanyl boluses, whose occupancy lasts about 12 h, stay below it), so descending
facilitation and transporter loss belong to sustained exposure (Vanderah et al. 2001; Xie et al.
2005; Mao et al. 2002). The
occupancy threshold of H needs a high dose (four fentanyl boluses of 60-100 ug/kg exceed it for
about 1 h; a morphine pump at 0.5 and the 450 ug/kg/h remifentanil infusion at 0.88 do not), so
the spinal process belongs to high doses (Celerier et al. 2000: dose-dependent).

Growth of D, D_a, c, L and H needs occupancy AND NMDA activity, so NMDA block given with the opioid
prevents them; their recovery does not depend on NMDA, so block given after they are established
does not reverse them. G needs descending drive, which needs ON cells excited above their
drug-free rate, which needs the CCK drive: NMDA block given with the opioid prevents it too (Trujillo & Akil 1991; Dunbar & Yaksh 1996). Consolidation (``k_cons``)
does not depend on NMDA either (ketamine after HFS leaves LTP in place, Benrath et al. 2005).

Numerics
--------
The drive is piecewise linear in time (constant, or linear interpolation of arrays on a time
grid). A_s, A_r, e and p are integrated exactly for piecewise-linear occupancy; D, D_a, c, L and H exactly for
piecewise-constant drive, using the interval mean of the drive on sub-steps of at most
:data:`MAX_SLOW_STEP_S` (exact when the drive is constant; the mean of h is exact for the linear
occupancy, and e is taken of the sub-step mean of E_r and E_s, which moves over ``tau_E`` of hours). Each call costs ~0.1-1 ms; a 7-day
run in 168 hourly calls ~0.1 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Union

import numpy as np

from circuits.parameters import Param

__all__ = [
    "ADAPTATION_PARAMETERS",
    "SlowState",
    "SlowDrive",
    "initial_state",
    "advance",
    "rebound",
    "descending_drive",
    "trajectory",
    "MAX_SLOW_STEP_S",
    "CALLABLE_SAMPLE_S",
]

#: Longest sub-step (s) over which the drive of D, CCK and transporter loss is held at its
#: interval mean when the occupancy varies (their time constants are days).
MAX_SLOW_STEP_S = 3600.0
#: Sampling step (s) of an occupancy given as a callable (it is then linearly interpolated).
CALLABLE_SAMPLE_S = 60.0

# Unit strings of the parameter tree (accepted by circuits.parameters.parse_unit, which knows no
# "min", "h" or "day"; see circuits/pharmacokinetics.py).
U_MIN = "60*second"
U_H = "3600*second"
U_DAY = "86400*second"
U_PER_H = "1/(3600*second)"
U_1 = "1"

P = Param
_FIT = "tests/circuits/test_adaptation.py"

ADAPTATION_PARAMETERS: dict[str, dict[str, Param]] = {
    "desensitisation": {
        "max": P(0.35, U_1,
                 "fitted: modest true tolerance, D 0.1-0.3 after 7 days at occupancy 0.5-0.8; most tolerance is apparent: RVM lidocaine or DLF lesion restores the spinal morphine dose-response curve (Vanderah et al. 2001 J Neurosci 21:279) (" + _FIT + ")",
                 "largest fraction of MOR efficacy lost to desensitisation"),
        "tau_onset": P(1.0, U_DAY,
                       "[T] tolerance develops over days of continuous morphine (Dunbar & Yaksh 1996 Anesthesiology 84:1177); fitted with max (" + _FIT + ")",
                       "time constant of the rise of desensitisation at full drive (occupancy x nmda_activity = 1)"),
        "tau_recovery": P(3.0, U_DAY,
                          "fitted: tolerant and control groups equal 1 week after stopping (Dunbar & Yaksh 1996 Anesthesiology 84:1177) (" + _FIT + ")",
                          "time constant of the recovery of MOR efficacy"),
    },
    "acute_desensitisation": {
        "max": P(0.98, U_1,
                 "fitted at scale 0.5 on the means of network draws 1-5: fentanyl analgesia (paw pressure) lasts 2-5 h after 4 x 100 ug/kg s.c. although the terminal half-life (2.5 h) keeps the undesensitised MOR activation near 0.6 at 6 h (Celerier et al. 2000 Anesthesiology 92:465: 105% of baseline at 6 h here, 111% at 0.95), and morphine 5 mg/kg 4 h after 4 x 20 / 60 / 100 ug/kg loses 16 / 47 / 85% of its effect (Laulin et al. 2002 Anesth Analg 94:1263: 6 / 58 / 88% here); D_a at 4 h is 0.76 after 4 x 60 ug/kg, a 4-fold loss of potency, as the 4-fold EC50 shift after 3 h of remifentanil in volunteers (Vinik & Kissin 1998 Anesth Analg 86:1307 [T]) (fitting sweep experiments/fits/fentanyl_acute_tolerance.toml)",
                 "largest fraction of agonist potency lost to acute desensitisation"),
        "occupancy_threshold": P(0.7, U_1,
                                 "[T] the largest MOR activation of morphine (efficacy 0.7 in this model): morphine hardly desensitises and internalises MOR within hours, fentanyl and other high-efficacy agonists do (Keith et al. 1996 J Biol Chem 271:19021; Williams et al. 2013 Pharmacol Rev 65:223)",
                                 "NMDA-gated MOR activation above which acute desensitisation grows"),
        "tau_onset": P(0.5, U_H,
                       "fitted with max in the earlier efficacy form and kept: acute tolerance within hours of a high opioid dose (Larcher et al. 1998 Neuroscience 84:583) (fitting sweep experiments/fits/fentanyl_acute_tolerance.toml)",
                       "time constant of the rise of acute desensitisation at full drive (h = 1)"),
        "tau_recovery": P(24.0, U_H,
                          "fitted with max in the earlier form, where D_a scaled the efficacy (with 12 h the analgesia lasted past 6 h: 135% at 6 h), and kept when D_a became a loss of potency (fitting sweep experiments/fits/fentanyl_acute_tolerance.toml); acute tolerance after one high opioid dose lasts about a day in rats (Kissin et al. 1991 Anesthesiology 74:166 [T])",
                          "time constant of the recovery from acute desensitisation"),
    },
    "expression": {
        "tau": P(12.0, U_H,
                 "fitted: CCK up-regulation and transporter down-regulation are changes of protein expression that need sustained exposure [T]; with the threshold, one day of fentanyl stays below it while a morphine pump crosses it within a day (" + _FIT + "); a 1-h remifentanil infusion must not raise the CCK drive enough to excite ON cells, which would add descending facilitation to the spinal withdrawal LTP (Drdla et al. 2009 Science 325:207; tests/experiments/test_withdrawal_ltp.py)",
                 "time constant with which the RVM and spinal expression signals follow the NMDA-gated MOR occupancy there"),
        "threshold": P(0.35, U_1,
                       "fitted: RVM CCK rises and spinal transporters fall with sustained exposure (within 3 days of continuous morphine, Xie et al. 2005 J Neurosci 25:409; by day 5-8, Mao et al. 2002 J Neurosci 22:8312) but not after one day of fentanyl, whose delayed hyperalgesia one ketamine dose before it prevents (Celerier et al. 2000 Anesthesiology 92:465), which a process integrating over the ~12 h of fentanyl exposure could not allow; expression peaks at 0.34 after 4 x 100 ug/kg fentanyl and settles at 0.51 under the 100 mg/kg/day morphine pump (" + _FIT + ")",
                       "expression signal below which the CCK drive does not grow and the transporters are not lost"),
    },
    "cck": {
        "max_fold": P(6.5, U_1,
                      "fitted: RVM basal CCK ~5-fold during continuous morphine (Xie et al. 2005 J Neurosci 25:409), 4-6 fold by day 3 at occupancy 0.5-0.8 (" + _FIT + ")",
                      "largest RVM CCK drive onto ON cells, relative to drug-free"),
        "tau_onset": P(0.35, U_DAY,
                       "fitted: hypersensitivity within 3 days of continuous morphine (Xie et al. 2005 J Neurosci 25:409); CCK drive 4.2-fold on day 3 and 4.7-fold on day 7 of the 100 mg/kg/day morphine pump, past the expression threshold (" + _FIT + ")",
                       "time constant of the rise of CCK drive at full drive (occupancy x nmda_activity = 1)"),
        "tau_recovery": P(3.0, U_DAY,
                          "[T] OIH and tolerance resolve within about a week after the opioid stops (Dunbar & Yaksh 1996; Celerier et al. 2000 Anesthesiology 92:465)",
                          "time constant of the return of CCK drive to baseline"),
    },
    "transporter": {
        "max_loss": P(0.6, U_1,
                      "fitted: EAAC1/GLAST 30-50% lower by day 5-8 of chronic morphine (Mao et al. 2002 J Neurosci 22:8312 [T] for the %) (" + _FIT + ")",
                      "largest fractional loss of spinal glutamate transporter capacity"),
        "tau_onset": P(0.75, U_DAY,
                       "fitted: down-regulation by day 5-8, temporally correlated with tolerance (Mao et al. 2002 J Neurosci 22:8312): 33% by day 5, 36% by day 7 of the 100 mg/kg/day morphine pump, past the expression threshold (" + _FIT + ")",
                       "time constant of transporter loss at full drive (occupancy x nmda_activity = 1)"),
        "tau_recovery": P(5.0, U_DAY,
                          "[T] transporter protein recovers slowly (days) after the opioid stops; no time course in Mao et al. 2002",
                          "time constant of the recovery of transporter capacity"),
    },
    "afferent_facilitation": {
        "max_gain": P(2.0, U_1,
                      "fitted: sustained morphine lowers withdrawal thresholds 30-40% below baseline by days 3-7 while it continues (Vanderah et al. 2001 J Neurosci 21:279; Anesthesiology 2020;133:628: von Frey -40 +- 9%) against the presynaptic MOR action at the same terminals: at scale 0.5 the day-7 threshold is 66% of day 0, mean of network draws 1-5 (52-76% per draw), where the former 1.8, fitted to draw 1 alone (62% there), gives 76% (fitting sweep experiments/fits/chronic_oih.toml; tests/experiments/test_chronic_opioid.py)",
                      "largest release from primary-afferent terminals relative to drug-free"),
        "tau_onset": P(0.5, U_DAY,
                       "fitted: hypersensitivity and enhanced evoked CGRP release on day 7 but not day 1 of a morphine pellet (Gardell et al. 2002 J Neurosci 22:6747), within 3 days of continuous morphine (Xie et al. 2005 J Neurosci 25:409) (fitting sweep experiments/fits/chronic_oih.toml)",
                       "time constant of the rise of afferent release at full descending drive (f = 1)"),
        "tau_recovery": P(3.0, U_DAY,
                          "[T] OIH resolves within about a week after the opioid stops (Celerier et al. 2000 Anesthesiology 92:465; Dunbar & Yaksh 1996 Anesthesiology 84:1177)",
                          "time constant of the return of afferent release to drug-free"),
        "on_rate_reference": P(10.0, "Hz",
                               "fitted: above the drug-free mean ON-cell rate of the model at rest (5-7 Hz), so drug-free ON activity induces nothing; ON cells fire 0-10 Hz between responses (Fields 2004); tests/experiments/test_chronic_opioid.py",
                               "ON-cell rate that gives no descending drive to the afferent gain"),
    },
    "afferent_potentiation": {
        "max_gain": P(1.55, U_1,
                      "fitted: delayed hyperalgesia 20-35% below baseline after 4 x 100 ug/kg fentanyl s.c. (Celerier et al. 2000 Anesthesiology 92:465; maximal decrease ~30%): at scale 0.5 the nadir is 74% of baseline, mean of network draws 1-5 (60-81% per draw), where 1.45 gives 78% and the former 1.35, fitted to draw 1 alone (69% there), gives 81% (fitting sweep experiments/fits/fentanyl_oih.toml; tests/experiments/test_fentanyl_oih.py)",
                      "largest release from primary-afferent terminals through presynaptic NMDA potentiation, relative to drug-free"),
        "occupancy_threshold": P(0.9, U_1,
                                 "fitted: the delayed hyperalgesia grows with the fentanyl dose from 4 x 20 to 4 x 100 ug/kg (peak occupancy 0.82-0.96 in this model; Celerier et al. 2000 Anesthesiology 92:465), while a 60-min remifentanil infusion at 450 ug/kg/h (occupancy 0.88) gives withdrawal LTP only after an abrupt stop (Drdla et al. 2009 Science 325:207)",
                                 "MOR occupancy above which the presynaptic potentiation grows"),
        "nmda_threshold": P(0.9, U_1,
                            "fitted: the potentiation needs Ca2+ entry through presynaptic NMDA receptors above a threshold (calcium control of plasticity: Shouval, Bear & Cooper 2002 PNAS 99:10831; PKC-dependent, downstream of presynaptic NMDA receptors: Zhou, Chen & Pan 2010 J Neurosci 30:4460), and small-dose ketamine, at analgesic plasma levels, prevents opioid-induced hyperalgesia (Joly et al. 2005 Anesthesiology 103:147 [T]): the s.c. ketamine dose that halves the delayed hyperalgesia of 4 x 100 ug/kg fentanyl leaves unbound ketamine in the human analgesic range (0.29-0.67 uM; Zanos et al. 2018 Pharmacol Rev 70:621) at the first bolus, while 10 mg/kg prevents it (Celerier et al. 2000 Anesthesiology 92:465): at scale 0.5, network draw 1, the ED50 is 2.1 mg/kg, 0.47 uM at the first bolus (0.84 / 0.86 / 0.88 give 0.77 / 0.63 / 0.55 uM; without a threshold of its own, the NMDA activity scaling the occupancy, 0.23 uM) (fitting sweep experiments/fits/ketamine_prevention.toml)",
                            "NMDA activity (unblocked fraction of dorsal-horn NMDA receptors) below which the presynaptic potentiation gets no drive"),
        "tau_onset": P(0.5, U_H,
                       "fitted: acute tolerance within hours of a single high opioid dose, NMDA-dependent (Larcher et al. 1998 Neuroscience 84:583); fentanyl analgesia lasts 2-5 h (Celerier et al. 2000 Anesthesiology 92:465) (fitting sweep experiments/fits/fentanyl_oih.toml)",
                       "time constant of the rise of the presynaptic potentiation at full drive (h = 1)"),
        "tau_recovery": P(3.0, U_DAY,
                          "fitted: fentanyl-induced hyperalgesia lasts up to 5 days (Celerier et al. 2000 Anesthesiology 92:465) (fitting sweep experiments/fits/fentanyl_oih.toml)",
                          "time constant of the return of the presynaptic potentiation to drug-free"),
    },
    "ac_superactivation": {
        "tau": P(15.0, U_MIN,
                 "fitted: withdrawal signal after an abrupt stop of a 60-min remifentanil infusion but not after a 60-min taper (Drdla et al. 2009 Science 325:207) (" + _FIT + "); superactivation builds over tens of minutes [T]",
                 "time constant with which adenylyl-cyclase superactivation follows the spinal MOR occupancy"),
        "rebound_threshold": P(0.2, U_1,
                               "fitted: tapered withdrawal prevents withdrawal LTP (Drdla et al. 2009 Science 325:207): rebound near zero during a 60-min taper (" + _FIT + ")",
                               "excess of superactivation over occupancy below which there is no withdrawal signal"),
        "rvm_rebound_threshold": P(0.0, U_1,
                                   "[T] none: the hyperalgesia of naloxone given 15 min after i.v. morphine grows with the morphine dose from 0.5 mg/kg (Kim, Fields & Barbaro 1990 Brain Res 516:37), so the ON-cell excitation is graded with the rebound from zero",
                                   "excess of RVM superactivation over RVM occupancy below which ON cells get no withdrawal excitation"),
    },
    "potentiation": {
        "tau_early": P(1.5, U_H,
                       "Sandkuehler 2007 Mol Pain 3:9: early-phase LTP (protein-synthesis independent) lasts <= 3 h",
                       "decay time constant of early (unconsolidated) potentiation"),
        "consolidation_rate": P(2.0, U_PER_H,
                                "fitted: C-fibre LTP stays potentiated >= 3 h (Drdla et al. 2009; Heinl et al. 2011 J Neurosci 31:16748; Benrath et al. 2004 Anesthesiology 100:1545) (" + _FIT + ")",
                                "rate at which early potentiation converts into consolidated (late-phase) potentiation; 0 = protein synthesis blocked"),
        "tau_consolidated": P(3.0, U_DAY,
                              "fitted: fentanyl-induced hyperalgesia lasts up to 5 days (Celerier et al. 2000 Anesthesiology 92:465); late-phase LTP lasts > 3 h to days (Sandkuehler 2007 Mol Pain 3:9) (" + _FIT + ")",
                              "decay time constant of consolidated potentiation"),
        "depotentiation_threshold": P(0.92, U_1,
                                      "[T] between the remifentanil withdrawal-LTP dose (450 ug/kg/h i.v., occupancy 0.88 with the rat PK of this model; Drdla et al. 2009) and the several-fold higher depotentiating dose (Drdla-Schutting et al. 2012 Science 335:235); continuous low-dose opioid depresses only reversibly",
                                      "spinal MOR occupancy above which potentiation is erased"),
        "depotentiation_rate": P(14.0, U_PER_H,
                                 "fitted with depotentiation_tau: a 1-h high-dose remifentanil infusion reverses established C-fibre LTP (Drdla-Schutting et al. 2012 Science 335:235): 1 h at 1800 ug/kg/h after HFS leaves 0.11 of the drug-free potentiation at scale 0.5, seed 1 (" + _FIT + "; tests/experiments/test_hfs_ltp.py)",
                                 "rate of erasure of potentiation at full depotentiating signal (z = 1)"),
        "depotentiation_tau": P(2.0, U_H,
                                "fitted: the reversal of LTP outlasts the high-dose infusion (Drdla-Schutting et al. 2012 Science 335:235), so the withdrawal rebound at its abrupt end does not re-induce LTP (tests/experiments/test_hfs_ltp.py); the erasure needs protein phosphatases (Drdla-Schutting et al. 2012), whose activation outlasts the opioid [T]",
                                "time constant over which the depotentiating signal z follows the occupancy above the threshold"),
    },
}

Occupancy = Union[float, np.ndarray, Callable[[np.ndarray], Any]]


@dataclass
class SlowState:
    """The adaptive states at one time (see the module docstring for their meaning)."""

    desensitisation: float = 0.0
    acute_desensitisation: float = 0.0
    cck_drive: float = 1.0
    transporter_capacity: float = 1.0
    ac_superactivation: float = 0.0
    ac_superactivation_rvm: float = 0.0
    afferent_gain: float = 1.0
    cck_expression: float = 0.0
    transporter_expression: float = 0.0
    afferent_potentiation: float = 1.0
    depotentiation: float = 0.0
    early: np.ndarray = field(default_factory=lambda: np.zeros(0))
    consolidated: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def potentiation(self) -> np.ndarray:
        """Total fractional potentiation per plastic cell (its C-fibre weights = w0 * (1 + potentiation))."""
        return self.early + self.consolidated

    def scalars(self, classes: dict[str, slice] | None = None) -> dict[str, float]:
        """The scalar states and the mean early, consolidated and total potentiation: over all
        plastic cells, or with ``classes`` (name -> slice of the per-cell arrays) over each class,
        named ``early_mean_<name>`` and so on."""
        mean = (lambda x: float(np.mean(x)) if np.size(x) else 0.0)
        parts = {"": slice(None)} if classes is None else {f"_{name}": cells for name, cells in classes.items()}
        means = {f"{key}_mean{suffix}": mean(values[cells]) for suffix, cells in parts.items()
                 for key, values in (("early", self.early), ("consolidated", self.consolidated),
                                     ("potentiation", self.potentiation))}
        return {
            "desensitisation": float(self.desensitisation),
            "acute_desensitisation": float(self.acute_desensitisation),
            "cck_drive": float(self.cck_drive),
            "transporter_capacity": float(self.transporter_capacity),
            "ac_superactivation": float(self.ac_superactivation),
            "ac_superactivation_rvm": float(self.ac_superactivation_rvm),
            "afferent_gain": float(self.afferent_gain),
            "cck_expression": float(self.cck_expression),
            "transporter_expression": float(self.transporter_expression),
            "afferent_potentiation": float(self.afferent_potentiation),
            "depotentiation": float(self.depotentiation),
            **means,
        }


@dataclass
class SlowDrive:
    """What holds over an interval.

    ``occupancy_spinal`` and ``occupancy_rvm``: MOR occupancy (0..1) as a number (constant), an
    array on the grid ``times_s`` (linearly interpolated, held at the end values outside it), or
    a callable ``f(t_s array) -> occupancy array`` (sampled every :data:`CALLABLE_SAMPLE_S`).
    ``occupancy_rvm`` None means the same as spinal (systemic dosing). A caller holding a whole
    protocol's PK time course can pass the full arrays on every call: :func:`advance` uses the
    part between its ``t0_s`` and ``t1_s``. ``nmda_activity``: NMDA activation in the fast layer
    relative to drug-free (1 normal, 0 blocked), and ``descending_drive`` (:func:`descending_drive`),
    constant over the interval."""

    occupancy_spinal: Occupancy = 0.0
    occupancy_rvm: Occupancy | None = None
    nmda_activity: float = 1.0
    times_s: np.ndarray | None = None
    descending_drive: float = 0.0


def initial_state(n_plastic: int, params: Any = None) -> SlowState:
    """The drug-free state with ``n_plastic`` plastic cells (``params`` is accepted for
    symmetry with :func:`advance`; the drug-free state is the same for every parameter set)."""
    if isinstance(n_plastic, bool) or int(n_plastic) != n_plastic or n_plastic < 0:
        raise ValueError(f"n_plastic must be a non-negative integer, got {n_plastic!r}")
    return SlowState(early=np.zeros(int(n_plastic)), consolidated=np.zeros(int(n_plastic)))


# --------------------------------------------------------------------------------------------
# Parameters as floats in SI units.
# --------------------------------------------------------------------------------------------

_NAMES = {
    "D_max": "desensitisation.max", "D_on": "desensitisation.tau_onset", "D_rec": "desensitisation.tau_recovery",
    "Da_max": "acute_desensitisation.max", "theta_Da": "acute_desensitisation.occupancy_threshold",
    "Da_on": "acute_desensitisation.tau_onset",
    "Da_rec": "acute_desensitisation.tau_recovery",
    "c_fold": "cck.max_fold", "c_on": "cck.tau_onset", "c_rec": "cck.tau_recovery", "tau_E": "expression.tau",
    "theta_E": "expression.threshold",
    "L_max": "transporter.max_loss", "L_on": "transporter.tau_onset", "L_rec": "transporter.tau_recovery",
    "G_gain": "afferent_facilitation.max_gain", "G_on": "afferent_facilitation.tau_onset",
    "G_rec": "afferent_facilitation.tau_recovery", "r_ref": "afferent_facilitation.on_rate_reference",
    "H_gain": "afferent_potentiation.max_gain", "theta_H": "afferent_potentiation.occupancy_threshold",
    "theta_nH": "afferent_potentiation.nmda_threshold", "H_on": "afferent_potentiation.tau_onset",
    "H_rec": "afferent_potentiation.tau_recovery",
    "tau_A": "ac_superactivation.tau", "theta": "ac_superactivation.rebound_threshold",
    "theta_r": "ac_superactivation.rvm_rebound_threshold",
    "tau_e": "potentiation.tau_early", "k_cons": "potentiation.consolidation_rate",
    "tau_p": "potentiation.tau_consolidated", "u_dep": "potentiation.depotentiation_threshold",
    "k_dep": "potentiation.depotentiation_rate", "tau_z": "potentiation.depotentiation_tau",
}
_POSITIVE = ("D_on", "D_rec", "Da_on", "Da_rec", "c_on", "c_rec", "tau_E", "L_on", "L_rec", "G_on", "G_rec", "H_on", "H_rec", "r_ref", "tau_A", "tau_e", "tau_p", "tau_z")


def _param(params: Any, path: str) -> Param:
    if params is None:
        node: Any = ADAPTATION_PARAMETERS
        for part in path.split("."):
            node = node[part]
        return node
    return params.param(f"adaptation.{path}")


@lru_cache(maxsize=64)
def _to_floats(items: tuple[tuple[str, Param], ...]) -> dict[str, float]:
    out = {}
    for key, p in items:
        q = p.quantity
        out[key] = float(q) if p.unit in ("1", "") else float(np.asarray(q))  # SI (s, 1/s)
    for key in _POSITIVE:
        if not out[key] > 0:
            raise ValueError(f"adaptation.{_NAMES[key]} must be > 0, got {out[key]}")
    for key in ("k_cons", "k_dep"):
        if out[key] < 0:
            raise ValueError(f"adaptation.{_NAMES[key]} must be >= 0, got {out[key]}")
    if not all(0.0 <= out[key] <= 1.0 for key in ("D_max", "Da_max", "L_max")):
        raise ValueError("adaptation.desensitisation.max, adaptation.acute_desensitisation.max and "
                         "adaptation.transporter.max_loss must be in 0..1")
    if out["c_fold"] < 1.0 or out["G_gain"] < 1.0 or out["H_gain"] < 1.0:
        raise ValueError("adaptation.cck.max_fold, adaptation.afferent_facilitation.max_gain and "
                         "adaptation.afferent_potentiation.max_gain must be >= 1")
    if not all(0.0 <= out[key] < 1.0 for key in ("theta_E", "theta_H", "theta_nH", "theta_Da")):
        raise ValueError("adaptation.expression.threshold, the occupancy and NMDA thresholds of "
                         "adaptation.afferent_potentiation and the occupancy threshold of "
                         "adaptation.acute_desensitisation must be in [0, 1)")
    if not 0.0 <= out["theta"] < 1.0 or not 0.0 <= out["theta_r"] < 1.0:
        raise ValueError("adaptation.ac_superactivation rebound thresholds must be in [0, 1)")
    if not 0.0 <= out["u_dep"] < 1.0:
        raise ValueError("adaptation.potentiation.depotentiation_threshold must be in [0, 1)")
    return out


def _resolve(params: Any) -> dict[str, float]:
    """The parameters as floats in SI units (s, 1/s); ``params`` None or a ParameterSet."""
    return _to_floats(tuple((key, _param(params, path)) for key, path in _NAMES.items()))


# --------------------------------------------------------------------------------------------
# The drive as a piecewise-linear time course.
# --------------------------------------------------------------------------------------------


def _breakpoints(occ: Occupancy, times_s: np.ndarray | None, t0: float, t1: float) -> np.ndarray:
    if callable(occ):
        n = max(1, int(math.ceil((t1 - t0) / CALLABLE_SAMPLE_S - 1e-9)))
        return np.linspace(t0, t1, n + 1)
    if np.ndim(occ) == 0:
        return np.array([t0, t1])
    if times_s is None:
        raise ValueError("an occupancy array needs SlowDrive.times_s")
    inside = times_s[(times_s > t0) & (times_s < t1)]
    return np.concatenate(([t0], inside, [t1]))


def _values(occ: Occupancy, times_s: np.ndarray | None, t: np.ndarray, name: str) -> np.ndarray:
    if callable(occ):
        v = np.broadcast_to(np.asarray(occ(t), dtype=float), t.shape)
    elif np.ndim(occ) == 0:
        v = np.full(t.shape, float(occ))
    else:
        arr = np.asarray(occ, dtype=float)
        if arr.shape != times_s.shape:
            raise ValueError(f"{name} has shape {arr.shape}, times_s has {times_s.shape}")
        v = np.interp(t, times_s, arr)
    if not np.all(np.isfinite(v)) or v.min() < -1e-9 or v.max() > 1.0 + 1e-9:
        raise ValueError(f"{name} must be an occupancy in 0..1 (got {v.min():.4g}..{v.max():.4g})")
    return np.clip(v, 0.0, 1.0)


def _drive_course(drive: SlowDrive, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times and spinal and RVM occupancy at the breakpoints of the piecewise-linear drive."""
    times_s = None if drive.times_s is None else np.asarray(drive.times_s, dtype=float)
    if times_s is not None and (times_s.ndim != 1 or np.any(np.diff(times_s) < 0)):
        raise ValueError("SlowDrive.times_s must be a 1-d increasing array")
    rvm = drive.occupancy_spinal if drive.occupancy_rvm is None else drive.occupancy_rvm
    t = np.union1d(_breakpoints(drive.occupancy_spinal, times_s, t0, t1), _breakpoints(rvm, times_s, t0, t1))
    return t, _values(drive.occupancy_spinal, times_s, t, "occupancy_spinal"), _values(rvm, times_s, t, "occupancy_rvm")


# --------------------------------------------------------------------------------------------
# Exact propagators.
# --------------------------------------------------------------------------------------------


def _relax(x: float, g: float, x_max: float, tau_on: float, tau_rec: float, dt: float) -> float:
    """x after dt of dx/dt = g (x_max - x)/tau_on - x/tau_rec with constant g."""
    up = g / tau_on
    k = up + 1.0 / tau_rec
    x_ss = up * x_max / k
    return x_ss + (x - x_ss) * math.exp(-k * dt)


def _integral_above(a0: float, a1: float, threshold: float, dt: float) -> float:
    """Integral over [0, dt] of max(0, a(s) - threshold) for a linear from a0 to a1."""
    u0, u1 = a0 - threshold, a1 - threshold
    if u0 >= 0.0 and u1 >= 0.0:
        return 0.5 * dt * (u0 + u1)
    if u0 <= 0.0 and u1 <= 0.0:
        return 0.0
    hi, lo = (u0, u1) if u0 > 0.0 else (u1, u0)
    return 0.5 * dt * hi * hi / (hi - lo)


def _mean_excess(a0: float, a1: float, threshold: float, dt: float) -> float:
    """Mean over [0, dt] of max(0, a - threshold) / (1 - threshold) for a linear from a0 to a1:
    the drive of a state that grows only above an occupancy threshold (H, D_a)."""
    return _integral_above(a0, a1, threshold, dt) / (dt * (1.0 - threshold))


def _follow(x: float, u0: float, u1: float, dt: float, tau: float) -> float:
    """x after dt of dx/dt = (u - x)/tau for u linear from u0 to u1 (exact)."""
    slope = (u1 - u0) / dt
    return u1 - slope * tau + (x - u0 + slope * tau) * math.exp(-dt / tau)


def _excess(x: float, threshold: float) -> float:
    """max(0, x - threshold) / (1 - threshold): the drive of a state that grows only above a threshold."""
    return max(0.0, x - threshold) / (1.0 - threshold)


def _expression_excess(E: float, g: float, decay: float, h: float, p: dict[str, float]) -> float:
    """e(E) = max(0, E - theta_E) / (1 - theta_E) of the mean over a sub-step of length h of an
    expression signal that starts at E and relaxes towards the drive g (``decay`` = exp(-h/tau_E))."""
    mean = g + (E - g) * p["tau_E"] / h * (1.0 - decay)
    return _excess(mean, p["theta_E"])


def advance(state: SlowState, t0_s: float, t1_s: float, drive: SlowDrive, params: Any = None) -> SlowState:
    """The state at ``t1_s`` given ``state`` at ``t0_s`` and the ``drive`` in between (seconds).

    ``params``: None (defaults) or a :class:`circuits.parameters.ParameterSet`. Returns a new
    :class:`SlowState`; ``state`` is not modified. Raises ValueError for ``t1_s < t0_s``, an
    occupancy outside 0..1 or a negative ``nmda_activity``."""
    t0, t1 = float(t0_s), float(t1_s)
    if not (math.isfinite(t0) and math.isfinite(t1)) or t1 < t0:
        raise ValueError(f"advance needs finite t0_s <= t1_s, got {t0_s} and {t1_s}")
    nmda = float(drive.nmda_activity)
    if not math.isfinite(nmda) or nmda < 0.0:
        raise ValueError(f"nmda_activity must be >= 0, got {drive.nmda_activity!r}")
    descending = float(drive.descending_drive)
    if not math.isfinite(descending) or descending < 0.0:
        raise ValueError(f"descending_drive must be >= 0, got {drive.descending_drive!r}")
    p = _resolve(params)
    early = np.asarray(state.early, dtype=float)
    consolidated = np.asarray(state.consolidated, dtype=float)
    if early.shape != consolidated.shape:
        raise ValueError("early and consolidated must have the same shape")
    if t1 == t0:
        return replace(state, early=early.copy(), consolidated=consolidated.copy())

    D, c, L = float(state.desensitisation), float(state.cck_drive) - 1.0, 1.0 - float(state.transporter_capacity)
    D_a = float(state.acute_desensitisation)
    A, A_r = float(state.ac_superactivation), float(state.ac_superactivation_rvm)
    E_r, E_s = float(state.cck_expression), float(state.transporter_expression)
    H = float(state.afferent_potentiation) - 1.0
    gate_H = _excess(nmda, p["theta_nH"])
    G = _relax(float(state.afferent_gain) - 1.0, descending, p["G_gain"] - 1.0, p["G_on"], p["G_rec"], t1 - t0)
    c_max = p["c_fold"] - 1.0
    lam_e = 1.0 / p["tau_e"] + p["k_cons"]
    lam_p = 1.0 / p["tau_p"]
    k_cons = p["k_cons"]
    Z = float(state.depotentiation)
    # Transfer of (early, consolidated): e -> ge e; p -> gp p + gpe e (all synapses alike).
    ge, gp, gpe = 1.0, 1.0, 0.0

    t, us, ur = _drive_course(drive, t0, t1)
    for i in range(len(t) - 1):
        dt = t[i + 1] - t[i]
        if dt <= 0.0:
            continue
        a0, a1, r0, r1 = us[i], us[i + 1], ur[i], ur[i + 1]
        # D, c, L: interval-mean drive on sub-steps of at most MAX_SLOW_STEP_S.
        # (E is a lagged drive, so c is always sub-stepped: c sees E's interval mean.)
        n_sub = max(1, int(math.ceil(dt / MAX_SLOW_STEP_S - 1e-9)))
        h = dt / n_sub
        z_integral = 0.0
        for j in range(n_sub):
            fa, fb = j / n_sub, (j + 1) / n_sub
            gs = nmda * (a0 + (a1 - a0) * 0.5 * (fa + fb))
            gr = nmda * (r0 + (r1 - r0) * 0.5 * (fa + fb))
            D = _relax(D, gs, p["D_max"], p["D_on"], p["D_rec"], h)
            decay = math.exp(-h / p["tau_E"])
            c = _relax(c, _expression_excess(E_r, gr, decay, h, p), c_max, p["c_on"], p["c_rec"], h)
            L = _relax(L, _expression_excess(E_s, gs, decay, h, p), p["L_max"], p["L_on"], p["L_rec"], h)
            E_r, E_s = gr + (E_r - gr) * decay, gs + (E_s - gs) * decay
            ua, ub = a0 + (a1 - a0) * fa, a0 + (a1 - a0) * fb  # occupancy at the sub-step's ends
            ga, gb = nmda * ua, nmda * ub
            H = _relax(H, gate_H * _mean_excess(ua, ub, p["theta_H"], h), p["H_gain"] - 1.0, p["H_on"], p["H_rec"], h)
            D_a = _relax(D_a, _mean_excess(ga, gb, p["theta_Da"], h), p["Da_max"], p["Da_on"], p["Da_rec"], h)
            # z follows the sub-step mean of its drive; its integral, gz h + (Z - Z_new) tau_z, sets the erasure
            gz = _mean_excess(ua, ub, p["u_dep"], h)
            Z_new = _follow(Z, gz, gz, h, p["tau_z"])
            z_integral += gz * h + (Z - Z_new) * p["tau_z"]
            Z = Z_new
        A, A_r = _follow(A, a0, a1, dt, p["tau_A"]), _follow(A_r, r0, r1, dt, p["tau_A"])
        # Potentiation: exact; the erasure k_dep z acts on both components alike, so it
        # multiplies them by R = exp(-k_dep * integral of z).
        R = math.exp(-p["k_dep"] * z_integral)
        E, Pp = math.exp(-lam_e * dt), math.exp(-lam_p * dt)
        if abs(lam_e - lam_p) > 1e-12 * max(lam_e, lam_p):
            cross = k_cons * (Pp - E) / (lam_e - lam_p)
        else:
            cross = k_cons * dt * E
        se, sp, spe = E * R, Pp * R, cross * R
        ge, gp, gpe = ge * se, gp * sp, gpe * sp + ge * spe

    return SlowState(
        desensitisation=D,
        acute_desensitisation=D_a,
        cck_drive=1.0 + c,
        transporter_capacity=1.0 - L,
        ac_superactivation=A,
        ac_superactivation_rvm=A_r,
        afferent_gain=1.0 + G,
        cck_expression=E_r,
        transporter_expression=E_s,
        afferent_potentiation=1.0 + H,
        depotentiation=Z,
        early=ge * early,
        consolidated=gp * consolidated + gpe * early,
    )


def descending_drive(on_rate_hz: float, params: Any = None) -> float:
    """The descending facilitatory drive ``f`` of the afferent gain: the mean rate of the ON-cell
    output that reaches the cord (ON-cell rate times the intact fraction of the DLF) in excess of
    the drug-free rate ``afferent_facilitation.on_rate_reference``, relative to it."""
    if not math.isfinite(on_rate_hz) or on_rate_hz < 0.0:
        raise ValueError(f"the ON-cell rate must be >= 0 Hz, got {on_rate_hz!r}")
    reference = _resolve(params)["r_ref"]
    return max(0.0, float(on_rate_hz) / reference - 1.0)


def rebound(state: SlowState, occupancy: float, params: Any = None, *, site: str = "spinal") -> float:
    """The withdrawal (AC superactivation) signal ``max(0, A - occupancy - threshold)``, with
    ``occupancy`` the current MOR occupancy (0..1) at ``site`` (``spinal`` or ``rvm``)."""
    if site not in ("spinal", "rvm"):
        raise ValueError(f"unknown site {site!r} (spinal or rvm)")
    p = _resolve(params)
    theta = p["theta"] if site == "spinal" else p["theta_r"]
    superactivation = state.ac_superactivation if site == "spinal" else state.ac_superactivation_rvm
    return float(max(0.0, float(superactivation) - float(occupancy) - theta))


def trajectory(state: SlowState, times_s, drive: SlowDrive, params: Any = None) -> list[SlowState]:
    """The states at each of the increasing ``times_s``, starting from ``state`` at
    ``times_s[0]`` (which is the first element of the result)."""
    times = np.asarray(times_s, dtype=float)
    if times.ndim != 1 or len(times) == 0 or np.any(np.diff(times) < 0):
        raise ValueError("times_s must be a non-empty increasing 1-d array")
    out = [advance(state, times[0], times[0], drive, params)]
    for a, b in zip(times[:-1], times[1:]):
        out.append(advance(out[-1], a, b, drive, params))
    return out
