"""What drugs and the slow layer set in the fast layer: receptor actions at the circuit's sites.

:class:`Modulation` is the state the fast layer runs in: mu-opioid receptor activation at spinal
and supraspinal sites (``circuits.pharmacokinetics.mor_occupancy``, after desensitisation), the
NMDA channel blocker and its unbound concentration, and the slow adaptive states of
``circuits.adaptation`` (RVM CCK drive, spinal transporter capacity, withdrawal rebound,
consolidated potentiation). :func:`modulation_values` turns it into Brian2 variable values;
``Circuit.parameter_values`` calls it, so a drug changes nothing that needs a rebuild.

Sites of action (targets section 1 and 3):

- ON cells: MOR opens a GIRK conductance (Heinricher, Morgan & Fields 1992: morphine depresses
  ON cells directly); CCK excites them (Heinricher et al. 2001; Xie et al. 2005), and so does
  the withdrawal rebound when MOR activation falls abruptly (Bederson et al. 1990).
- GABAergic terminals onto OFF cells: MOR lowers release, so OFF cells are released from ON-cell
  inhibition (disinhibition; Fields 2004); in withdrawal their cAMP superactivation raises GABA
  release, which inhibits OFF cells in proportion to the RVM rebound (Bonci & Williams 1997; Hack,
  Vaughan & Christie 2003; OFF cells fall silent: Bederson et al. 1990).
- C-fibre terminals: MOR lowers glutamate release (Heinl et al. 2011: the acute opioid depression
  is presynaptic); the descending-dependent afferent gain of sustained exposure raises it
  (Gardell et al. 2002); dorsal horn neurons carry a small GIRK conductance.
- NMDA channels of every cell: the open-channel blocker (``circuits.neurons.NMDA_GATING``);
  transporter capacity sets spillover and ambient glutamate (Nie & Weng 2009).
- NK1R+ lamina I neurons: the withdrawal rebound amplifies NMDA Ca2+ entry (Drdla et al. 2009).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import umolar

from .parameters import ParameterSet

#: Blockers with a parameter set in ``nmda_blockers``.
BLOCKERS = ("ketamine", "mk801", "memantine")


@dataclass
class Modulation:
    """Drug and slow-layer state of one run of the fast layer (defaults: drug-free, naive)."""

    #: MOR activation (0..1) at spinal sites (C-fibre terminals, dorsal horn neurons)
    mor_spinal: float = 0.0
    #: MOR activation (0..1) in the RVM (ON cells, GABAergic terminals onto OFF cells)
    mor_rvm: float = 0.0
    blocker: str = "ketamine"
    #: unbound effect-site concentration of the blocker (uM)
    blocker_uM: float = 0.0
    #: RVM CCK drive relative to naive (1 = baseline)
    cck_drive: float = 1.0
    #: spinal glutamate transporter capacity relative to naive (1 = baseline)
    transporter_capacity: float = 1.0
    #: release from primary-afferent (C-fibre) terminals relative to drug-free (1 = baseline)
    afferent_gain: float = 1.0
    #: withdrawal rebound of MOR signalling in NK1R+ lamina I neurons (0 = none)
    rebound: float = 0.0
    #: withdrawal rebound of MOR signalling in RVM ON cells (0 = none)
    rebound_rvm: float = 0.0
    #: early and consolidated potentiation of each plastic cell's C-fibre input (fraction of baseline efficacy)
    ltp_early: np.ndarray | float = 0.0
    ltp_late: np.ndarray | float = 0.0

    def __post_init__(self):
        if self.blocker not in BLOCKERS:
            raise ValueError(f"unknown NMDA blocker {self.blocker!r}; use one of {', '.join(BLOCKERS)}")
        for name in ("mor_spinal", "mor_rvm"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {getattr(self, name)}")
        if (self.blocker_uM < 0 or self.cck_drive <= 0 or self.transporter_capacity <= 0 or self.rebound < 0
                or self.rebound_rvm < 0):
            raise ValueError("concentrations and rebounds must be >= 0, CCK drive and transporter capacity > 0")
        if self.afferent_gain <= 0:
            raise ValueError(f"afferent_gain must be > 0, got {self.afferent_gain}")


def blocker_values(params: ParameterSet, blocker: str, concentration_uM: float) -> dict[str, object]:
    """The shared blocker variables of ``NMDA_GATING`` for ``blocker`` at ``concentration_uM``."""
    section = f"nmda_blockers.{blocker}"
    values = {"blocker": concentration_uM * umolar, "blocker_v_ref": params["nmda_blockers.v_ref"]}
    for key in ("kon", "koff", "v_efold", "mg_competition"):
        values[f"blocker_{key}"] = params[f"{section}.{key}"]
    values["blocker_allosteric"] = allosteric_inhibition(params, blocker, concentration_uM)
    return values


def allosteric_inhibition(params: ParameterSet, blocker: str, concentration_uM: float) -> float:
    """Fraction of the extrasynaptic and tonic NMDA pool that ``blocker`` keeps shut through its
    membrane-accessible site: ``max c / (c + K)`` (``nmda_blockers.<blocker>.allosteric_*``; a
    blocker without these parameters has no such site in the model: MK-801 and memantine)."""
    section = params.section(f"nmda_blockers.{blocker}")
    if concentration_uM <= 0 or "allosteric_max" not in section:
        return 0.0
    c = concentration_uM * umolar
    return float(section["allosteric_max"] * c / (c + section["allosteric_K"]))


def clearance_values(params: ParameterSet, capacity: float) -> tuple[float, object]:
    """(spillover fraction, tonic extrasynaptic NMDA conductance) at transporter ``capacity``."""
    lost = max(0.0, 1.0 - capacity)
    section = params.section("glutamate_clearance")
    return (section["spillover_base"] + section["spillover_gain"] * lost,
            section["tonic_base"] + section["tonic_gain"] * lost)


def opioid_release(params: ParameterSet, modulation: Modulation) -> dict[str, float]:
    """Release factor per site class: ``c_fibre`` terminals (MOR depression times the afferent
    gain) and ``gaba_on_off`` terminals."""
    actions = params.section("opioid_actions")
    return {"c_fibre": modulation.afferent_gain * (1.0 - actions["release_c_fibre"] * modulation.mor_spinal),
            "gaba_on_off": 1.0 - actions["release_gaba_on_off"] * modulation.mor_rvm}


def blocked_at_rest(params: ParameterSet, blocker: str, concentration_uM: float, v) -> np.ndarray:
    """Blocked fraction of NMDA receptors after long exposure to the blocker at potential ``v``.

    The steady state of ``blocked_*`` in ``circuits.neurons.NMDA_GATING`` at constant voltage:
    because block and unblock both need an open channel, trapping channels equilibrate at
    ``c / (c + koff / k_block(v))`` whatever their activity. The fast layer starts from it, as a
    drug present for minutes before a probe has equilibrated with the cells at rest.
    """
    if concentration_uM <= 0:
        return np.zeros(np.shape(v))
    section = f"nmda_blockers.{blocker}"
    synaptic = params.section("synapses")
    mg_block = 1.0 / (1.0 + synaptic["mg_mM"] / synaptic["mg_K0"] * np.exp(-synaptic["mg_slope"] * v))
    k_block = (params[f"{section}.kon"] * np.exp(-(v - params["nmda_blockers.v_ref"]) / params[f"{section}.v_efold"])
               * (1 - params[f"{section}.mg_competition"] * (1 - mg_block)))
    rate_on = k_block * concentration_uM * umolar
    return np.asarray(rate_on / (rate_on + params[f"{section}.koff"]), dtype=float)
