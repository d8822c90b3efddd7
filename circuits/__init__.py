"""A spiking circuit model of descending pain facilitation in opioid-induced hyperalgesia.

Where each mechanism lives:

- ``parameters``: every parameter with its unit and source (the single source of truth)
- ``neurons``: AdEx neurons with AMPA, NMDA (Mg2+ block, trapping open-channel blockers,
  extrasynaptic receptors), NK1, GABA_A, glycine, GIRK and Ca2+-activated CAN channels
- ``synapses``: event-driven pathways with presynaptic release, lesion switches and the
  calcium-based plasticity of C-fibre synapses on NK1R+ lamina I neurons
- ``modulation``: where opioids, NMDA blockers and slow adaptive states act in the circuit
- ``afferents``: A-beta, A-delta and C fibres driven by heat, force and electrical pulses
- ``stimuli``: heat lamp trials, electrical stimulator, withdrawal reflex read-out
- ``circuit``: populations, wiring and the assembled Brian2 network (``build_circuit``)
- ``pharmacokinetics``: drug schedules, rat and human PK, mu-opioid receptor occupancy (slow layer)

This package never reads or writes files; ``experiments`` runs it.
"""

from .circuit import Circuit, build_circuit
from .modulation import Modulation
from .parameters import DEFAULTS, Param, ParameterSet

__all__ = ["Circuit", "build_circuit", "DEFAULTS", "Modulation", "Param", "ParameterSet"]
