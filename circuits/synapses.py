"""Synaptic pathways between afferents, dorsal horn and RVM.

All pathways share one event-driven model: a presynaptic spike adds its peak conductances to
the postsynaptic channels of ``circuits.neurons`` (AMPA, NMDA, NK1, GABA_A, glycine). The
pathways leaving the afferents form one ``Synapses`` object and those between central cells a
second one (two compiled objects instead of one per pathway); each synapse carries its
pathway's peak conductances as Brian2 variables, so a compiled network is re-run with new
values through ``run_args``. The conductances are scaled by

- ``release``: presynaptic release probability relative to control; mu-opioid receptors on
  C-fibre terminals and on GABAergic terminals onto OFF cells lower it (Heinricher et al. 1992;
  Drdla et al. 2009: the acute opioid depression is presynaptic);
- ``intact``: 0 once the pathway is cut (``dlf_lesion`` for the descending pathways);
- ``1 + ltp_early + ltp_late``: potentiation of the plastic C-fibre synapses onto NK1R+ lamina I
  neurons (``plastic`` = 1; Ikeda et al. 2003 Science 299:1237: LTP only in NK1R+ lamina I cells),
  read from the postsynaptic cell, where the calcium-based rule runs
  (``circuits.neurons.PLASTICITY``), so no synapse carries clock-driven state;
- ``1 + facilitated * facilitation_post``: descending facilitation of nociceptive afferent
  release (``facilitated`` = 1 on C-fibre and A-delta synapses), set by the postsynaptic cell's
  recent ON-cell input (``circuits.neurons.DESCENDING_FACILITATION``), to which each ON-cell spike
  adds ``w_descending`` (``descending_facilitation.rebound_gain`` x RVM withdrawal rebound /
  in-degree on the ON-to-WDR pathway, 0 elsewhere).

Every synapse also sends a fraction ``spillover_post`` of its NMDA drive to the postsynaptic
cell's extrasynaptic NMDA receptors (glutamate escaping the transporters; Nie & Weng 2009).

Connectivity has a fixed in-degree per pathway so that down-scaled networks keep the input each
cell receives (van Albada, Helias & Diesmann 2015 PLoS Comput Biol 11:e1004490).
"""

import numpy as np

SYNAPSE_MODEL = """
w_ampa : siemens
w_nmda : siemens
w_nk1 : siemens
w_gaba : siemens
w_gly : siemens
release : 1
intact : 1
plastic : 1 (constant)
facilitated : 1 (constant)
w_descending : 1
"""

ON_PRE = """
efficacy = release * intact * (1 + plastic * (ltp_early_post + ltp_late_post)) * (1 + facilitated * facilitation_post)
descending_post += w_descending * intact / tau_descending_post
g_ampa_post += w_ampa * efficacy
x_nmda_post += w_nmda * efficacy * nmda_norm_post
x_nmda_ext_post += w_nmda * efficacy * spillover_post * nmda_ext_norm_post
x_nk1_post += w_nk1 * efficacy * nk1_norm_post
g_gaba_post += w_gaba * efficacy
g_gly_post += w_gly * efficacy
"""

CHANNELS = ("ampa", "nmda", "nk1", "gaba", "gly")


def fixed_indegree(n_pre: int, n_post: int, k: int, rng: np.random.Generator, autapses: bool = True):
    """Source and target indices where each target has ``min(k, available)`` distinct sources."""
    available = n_pre if autapses else n_pre - 1
    k_eff = min(k, available)
    sources = np.empty((n_post, k_eff), dtype=np.int64)
    for j in range(n_post):
        pool = np.arange(n_pre) if autapses else np.delete(np.arange(n_pre), j)
        sources[j] = rng.choice(pool, size=k_eff, replace=False)
    targets = np.repeat(np.arange(n_post), k_eff)
    return sources.ravel(), targets, k_eff
