"""Point-neuron model shared by every dorsal-horn and RVM population.

Adaptive exponential integrate-and-fire (AdEx; Brette & Gerstner 2005 J Neurophysiol 94:3637)
with conductance-based synaptic channels. Firing patterns (tonic, bursting) come from the AdEx
parameters of Naud et al. 2008; each population's values are in ``circuits.parameters``.

Channels, all summed per neuron (Brian2 "summed gating" form: a presynaptic spike increments
the postsynaptic conductance, so no synapse carries clock-driven state):

- AMPA, single exponential; NMDA and NK1 (substance P), dual exponential (Aguiar et al. 2010;
  Medlock et al. 2022); GABA_A and glycine, single exponential.
- NMDA carries the Mg2+ block of Jahr & Stevens 1990: B(V) = 1 / (1 + [Mg]/K0 exp(-k V)).
- ``g_girk``: a K+ conductance that mu-opioid receptors open (set by the pharmacology layer).
- ``w_slow``: a slow spike-triggered K+-like current (tau of seconds) that ends RVM ON bursts
  and paces ON/OFF cycling (Heinricher et al. 1989; Leung & Mason 1998).
- ``I_bg``: Ornstein-Uhlenbeck background current standing for unmodelled synaptic input.
- ``rvm_state``: a slowly fluctuating common drive of the RVM (``stimuli.RVM_STATE_EQUATIONS``),
  weighted per cell by ``state_gain`` (1 for ON cells, 0 elsewhere): ON cells of a rat cycle
  together between silent and active periods of seconds to minutes, OFF cells in anti-phase
  (Heinricher, Barbaro & Fields 1989); the anti-phase of OFF cells arises from ON-to-OFF
  inhibition, not from this drive.
- ``na_available``: fraction of Na+ channels free to start spikes; lidocaine sets it to 0.
- ``descending``: the recent rate of the cell's RVM ON-cell input (exponential trace,
  ``tau_descending``) weighted by the withdrawal rebound, which sets the presynaptic facilitation
  of its nociceptive afferent input (``facilitation``; see ``DESCENDING_FACILITATION``).
"""

import numpy as np

MG_BLOCK = "1 / (1 + mg / mg_K0 * exp(-mg_slope * v))"

#: NMDA channels: constants of the Mg2+ block and reversal, the synaptic and extrasynaptic
#: conductances, and an open-channel blocker with trapping (ketamine, MK-801, memantine), shared
#: by every neuron and the voltage clamp (``experiments.protocols.nmda_clamp``).
#:
#: - synaptic NMDA: dual exponential (Aguiar et al. 2010 time constants);
#: - extrasynaptic NMDA (GluN2B-like, slow): glutamate that escapes the transporters (spillover,
#:   a fraction ``spillover`` of each synaptic NMDA event) plus ambient glutamate (``g_nmda_tonic``);
#:   both grow when transporter capacity falls (Nie & Weng 2009 J Neurophysiol 101:2041). During
#:   high-frequency barrages the transporters saturate: synaptic NMDA conductance above
#:   ``spillover_onset`` drives the extrasynaptic receptors with gain ``spillover_saturation``
#:   (Nie & Weng 2010 J Neurophysiol 103:2520: uptake confines glutamate at low but not at high
#:   afferent frequencies);
#: - the blocker binds only open channels, at a rate that grows with hyperpolarisation and falls
#:   where Mg2+ occupies the pore, and it unbinds only from open channels: a blocked channel that
#:   closes keeps the drug (trapping; Orser et al. 1997 Anesthesiology 86:903; MacDonald et al.
#:   1991 J Physiol 432:483). ``blocked_syn`` and ``blocked_ext`` are the blocked fractions of
#:   the synaptic and extrasynaptic receptors; each pool's open fraction is its conductance over
#:   the pool's full conductance. Tonically active extrasynaptic receptors therefore equilibrate
#:   with the drug faster than phasically activated synaptic ones (use dependence).
#: - ketamine's second, membrane-accessible site lowers the opening frequency of receptors that
#:   glutamate keeps bound for long (ambient and spillover glutamate) and spares brief synaptic
#:   activations: a fraction ``blocker_allosteric`` of the extrasynaptic and tonic pool stays shut
#:   (Orser, Pennefather & MacDonald 1997 Anesthesiology 86:903; targets section 5).
NMDA_GATING = f"""
dg_nmda/dt = (x_nmda - g_nmda) / tau_nmda_decay : siemens
dx_nmda/dt = -x_nmda / tau_nmda_rise : siemens
dg_nmda_ext/dt = (x_nmda_ext - g_nmda_ext) / tau_nmda_ext_decay : siemens
dx_nmda_ext/dt = (spillover_saturation * (g_nmda - spillover_onset) * int(g_nmda > spillover_onset)
                  - x_nmda_ext) / tau_nmda_ext_rise : siemens
dblocked_syn/dt = open_syn * (k_block * blocker * (1 - blocked_syn) - blocker_koff * blocked_syn) : 1
dblocked_ext/dt = open_ext * (k_block * blocker * (1 - blocked_ext) - blocker_koff * blocked_ext) : 1
open_syn = clip(g_nmda / g_nmda_pool, 0, 1) : 1
open_ext = clip((g_nmda_ext + g_nmda_tonic) / g_nmda_pool, 0, 1) : 1
k_block = (blocker_kon * exp(-(v - blocker_v_ref) / blocker_v_efold)
           * (1 - blocker_mg_competition * (1 - mg_block))) : 1/mmolar/second
mg_block = {MG_BLOCK} : 1
g_nmda_open = g_nmda * (1 - blocked_syn) + (g_nmda_ext + g_nmda_tonic) * (1 - blocked_ext) * (1 - blocker_allosteric) : siemens
I_nmda = g_nmda_open * mg_block * (E_exc - v) : amp
g_nmda_tonic : siemens
spillover : 1
spillover_saturation : 1 (shared)
spillover_onset : siemens (shared)
mg : mmolar (shared)
mg_K0 : mmolar (shared, constant)
mg_slope : 1/volt (shared, constant)
E_exc : volt (shared, constant)
tau_nmda_rise : second (shared, constant)
tau_nmda_decay : second (shared, constant)
tau_nmda_ext_rise : second (shared, constant)
tau_nmda_ext_decay : second (shared, constant)
g_nmda_pool : siemens (shared, constant)
nmda_ext_norm : 1 (shared, constant)
blocker : mmolar (shared)
blocker_kon : 1/mmolar/second (shared)
blocker_koff : 1/second (shared)
blocker_v_ref : volt (shared, constant)
blocker_v_efold : volt (shared)
blocker_mg_competition : 1 (shared)
blocker_allosteric : 1 (shared)
"""

#: Postsynaptic calcium and the Ca2+-activated non-selective cation (CAN) current.
#: NMDA channels carry part of their current as Ca2+ and each spike admits Ca2+ through L-type
#: channels; Ca2+ opens the CAN current that gives WDR neurons their plateau potentials and
#: wind-up (Aguiar et al. 2010 J Neurophysiol 104:1155; Morisset & Nagy 1999). A withdrawal
#: rebound of MOR signalling (``rebound``, set by the slow layer) adds Ca2+ entry through the
#: tonically active NMDA receptors that an open-channel blocker has left free: withdrawal LTP
#: needs NMDA receptors and a postsynaptic Ca2+ rise (Drdla et al. 2009 Science 325:207), and the
#: PKC that MOR signalling recruits relieves their Mg2+ block (Chen & Huang 1992 Nature 356:521).
CALCIUM = """
dca/dt = (nmda_ca_gain * clip(I_nmda, 0 * amp, 1 * amp) + rebound_ca_rate * rebound * (1 - blocked_ext) * (1 - blocker_allosteric)
          - (ca - ca_rest) / tau_ca) : mmolar
I_can = g_can * (ca / K_can)**n_can / (1 + (ca / K_can)**n_can) * (E_exc - v) : amp
g_can : siemens (constant)
rebound : 1
ca_spike : mmolar (constant)
nmda_ca_gain : mmolar/amp/second (shared, constant)
rebound_ca_rate : mmolar/second (shared)
ca_rest : mmolar (shared, constant)
tau_ca : second (constant)
K_can : mmolar (shared, constant)
"""

#: Potentiation of the C-fibre input of NK1R+ lamina I neurons (``plastic_cell`` = 1), by the
#: calcium control hypothesis (Shouval, Bear & Cooper 2002 PNAS 99:10831; Graupner & Brunel 2012
#: PNAS 109:3991): while Ca2+ is above ``theta_p`` the early potentiation grows towards
#: ``ltp_max`` at rate ``k_ltp``; between ``theta_d`` and ``theta_p`` it decays at ``k_ltd``. The
#: rule runs continuously, so Ca2+ that outlasts a conditioning train (the slow extrasynaptic
#: NMDA current) still counts. It is a state of the postsynaptic cell, which raises all its
#: peptidergic C-fibre synapses alike (``circuits.synapses``): LTP needs a postsynaptic Ca2+
#: rise (Ikeda et al. 2003 Science 299:1237; Ikeda et al. 2006 Science 312:1659), and every C
#: fibre of the conditioned nerve fires in the protocols, so input specificity among them is not
#: resolved. ``ltp_late`` is the consolidated part, which the slow layer
#: (``circuits.adaptation``) sets between runs of the fast layer.
PLASTICITY = """
dltp_early/dt = plastic_cell * (k_ltp * int(ca > theta_p) * (ltp_max - ltp_early)
                                - k_ltd * int(ca > theta_d) * int(ca <= theta_p) * ltp_early) : 1
ltp_late : 1
plastic_cell : 1 (constant)
k_ltp : 1/second (shared)
k_ltd : 1/second (shared)
ltp_max : 1 (shared)
theta_p : mmolar (shared)
theta_d : mmolar (shared)
"""

#: Descending facilitation of nociceptive afferent release: RVM ON-cell output acts on 5-HT3-like
#: receptors of C and A-delta central terminals (Zeitz et al. 2002 J Neurosci 22:1010; Suzuki,
#: Rygh & Dickenson 2004 Trends Pharmacol Sci 25:613). Each ON-cell spike adds to the target
#: cell's trace ``descending`` a weight that grows with the RVM withdrawal rebound and is zero
#: without it (``w_descending`` in ``circuits.synapses``), so the trace is the ON-partner rate
#: averaged over ``tau_descending`` and scaled by the rebound; the afferent synapses onto that cell
#: release ``1 + facilitation`` times their control amount, a steep (Hill coefficient
#: ``n_facilitation``) function of the trace. A 5-HT3 antagonist reverses the hyperalgesia of
#: opioid withdrawal and leaves naive animals unchanged (Chu et al. 2009; Liang, Li & Clark 2011),
#: and RVM lidocaine abolishes withdrawal hyperalgesia (Kaplan & Fields 1991).
DESCENDING_FACILITATION = """
ddescending/dt = -descending / tau_descending : Hz
facilitation = facilitation_max * descending**n_facilitation / (descending**n_facilitation + facilitation_half_rate**n_facilitation) : 1
tau_descending : second (shared)
facilitation_max : 1 (shared)
facilitation_half_rate : Hz (shared)
"""

NEURON_EQUATIONS = NMDA_GATING + CALCIUM + PLASTICITY + DESCENDING_FACILITATION + """
dv/dt = (g_L * (E_L - v) + na_available * g_L * Delta_T * exp((v - V_T) / Delta_T)
         + I_syn - w - w_slow + I_bg + state_gain * rvm_state) / C_m : volt (unless refractory)
dw/dt = (a * (v - E_L) - w) / tau_w : amp
dw_slow/dt = -w_slow / tau_slow : amp
I_bg : amp
I_ampa = g_ampa * (E_exc - v) : amp
I_syn = I_ampa + I_nmda + g_nk1 * (E_exc - v) + g_gaba * (E_gaba - v) + g_gly * (E_gly - v)
        + g_girk * (E_K - v) + I_can : amp
dg_ampa/dt = -g_ampa / tau_ampa : siemens
dg_nk1/dt = (x_nk1 - g_nk1) / tau_nk1_decay : siemens
dx_nk1/dt = -x_nk1 / tau_nk1_rise : siemens
dg_gaba/dt = -g_gaba / tau_gaba : siemens
dg_gly/dt = -g_gly / tau_gly : siemens
C_m : farad (constant)
g_L : siemens (constant)
E_L : volt (constant)
V_T : volt (constant)
Delta_T : volt (constant)
a : siemens (constant)
tau_w : second (constant)
b : amp (constant)
V_reset : volt (constant)
t_ref : second (constant)
b_slow : amp (constant)
tau_slow : second (constant)
mu_noise : amp
sigma_noise : amp
na_available : 1
state_gain : 1 (constant)
rvm_state : amp (linked)
g_girk : siemens
population : integer (constant)
E_gaba : volt (shared, constant)
E_gly : volt (shared, constant)
E_K : volt (shared, constant)
tau_ampa : second (shared, constant)
tau_nk1_rise : second (shared, constant)
tau_nk1_decay : second (shared, constant)
tau_gaba : second (shared, constant)
tau_gly : second (shared, constant)
tau_background : second (shared, constant)
dt_background : second (shared, constant)
nmda_norm : 1 (shared, constant)
nk1_norm : 1 (shared, constant)
"""

#: Spike when the exponential upswing passes V_T + 5 Delta_T (Naud et al. 2008); lidocaine-blocked
#: cells (na_available = 0) cannot fire.
THRESHOLD = "na_available > 0.5 and v > V_T + 5 * Delta_T"
RESET = "v = V_reset; w += b; w_slow += b_slow; ca += ca_spike"

#: T-type (Cav3) Ca2+ entry with each spike of spino-PAG lamina I neurons (Ikeda et al. 2006
#: Science 312:1659: their 2 Hz LTP needs T-type channels). ``h_t`` is the fraction of the
#: channels available: each spike lets in ``ca_spike * h_t`` and inactivates ``t_inactivation``
#: of them, which recover with ``tau_t_recovery`` (hundreds of ms for Cav3 channels: Perez-Reyes
#: 2003 Physiol Rev 83:117). Spikes at 2 Hz find the channels recovered; spikes at 100 Hz find
#: them inactivated, so the entry per second saturates at ``ca_spike / (t_inactivation *
#: tau_t_recovery)`` and a long low-frequency barrage loads more Ca2+ than a brief 100 Hz train.
T_TYPE_CALCIUM = """
dh_t/dt = (1 - h_t) / tau_t_recovery : 1
tau_t_recovery : second (shared, constant)
t_inactivation : 1 (shared, constant)
"""
RESET_T_TYPE = "v = V_reset; w += b; w_slow += b_slow; ca += ca_spike * h_t; h_t -= t_inactivation * h_t"
#: Shared parameters of the T-type route, from the spino-PAG parameter section
T_TYPE_PARAMETERS = ("tau_t_recovery", "t_inactivation")

#: The background current is an Ornstein-Uhlenbeck process (mean ``mu_noise``, s.d.
#: ``sigma_noise``, correlation time ``tau_background``) advanced every ``dt_background`` by its
#: exact update (Gillespie 1996 Phys Rev E 54:2084) and held in between. The normal draws are a
#: fifth of the cost of a step, so a longer interval runs faster (see the parameter's source).
BACKGROUND_UPDATE = """
I_bg = mu_noise + (I_bg - mu_noise) * exp(-dt_background / tau_background) + sigma_noise * sqrt(1 - exp(-2 * dt_background / tau_background)) * randn()
"""
#: Parameters fixed when the network is built instead of set as Brian2 variables at each run:
#: the integer Hill coefficients of the CAN current and of the descending facilitation, written
#: into the equations so that the compiler multiplies instead of calling ``pow`` (another fifth
#: of the cost of a step), and the background update interval, a clock. Changing any of them
#: changes the generated code.
STRUCTURAL = ("calcium.n_can", "descending_facilitation.hill", "synapses.dt_background")


def neuron_equations(n_can: float, n_facilitation: float) -> str:
    """``NEURON_EQUATIONS`` with the Hill coefficients ``n_can`` and ``n_facilitation`` (positive
    integers) written in."""
    for name, value in (("calcium.n_can", n_can), ("descending_facilitation.hill", n_facilitation)):
        if value != int(value) or value < 1:
            raise ValueError(f"{name} must be a positive integer (got {value:g})")
    return (NEURON_EQUATIONS.replace("**n_can", f"**{int(n_can)}")
            .replace("**n_facilitation", f"**{int(n_facilitation)}"))

#: Names of the per-neuron intrinsic parameters set from each population's parameter section.
INTRINSIC = ("C_m", "g_L", "E_L", "V_T", "Delta_T", "a", "tau_w", "b", "V_reset", "t_ref",
             "b_slow", "tau_slow", "mu_noise", "sigma_noise", "state_gain", "g_can", "ca_spike", "tau_ca")


def dual_exponential_peak_factor(tau_rise, tau_decay):
    """Factor that makes a dual-exponential conductance peak at the synaptic weight.

    For dx/dt = -x/tau_rise, dg/dt = (x - g)/tau_decay and a jump of x by 1, the peak of g is
    tau_r/(tau_d - tau_r) (exp(-t*/tau_d) - exp(-t*/tau_r)) at t* = tau_r tau_d/(tau_d - tau_r)
    ln(tau_d/tau_r); the factor is its inverse.
    """
    tau_r, tau_d = float(tau_rise), float(tau_decay)
    t_peak = tau_r * tau_d / (tau_d - tau_r) * np.log(tau_d / tau_r)
    peak = tau_r / (tau_d - tau_r) * (np.exp(-t_peak / tau_d) - np.exp(-t_peak / tau_r))
    return 1.0 / peak

