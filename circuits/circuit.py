"""The assembled fast layer: afferents, dorsal horn, ascending relay, RVM, descending control.

``build_circuit`` returns a :class:`Circuit` holding a Brian2 ``Network`` of named objects:

    afferents  --(C, A-delta, A-beta)-->  dorsal horn (lamina I NK1R+, WDR, interneurons)
    afferents, interneurons  -->  lamina I spino-PAG cells (read out; their target is not modelled)
    lamina I / WDR  --ascending relay-->  RVM ON cells
    RVM: ON <-> OFF mutual inhibition, ON recurrent excitation, NEUTRAL cells independent
    ON  --DLF (facilitation)-->  lamina I, WDR;   OFF --DLF (inhibition)-->  lamina I, WDR
    WDR  -->  withdrawal reflex (ends heat ramps)

All cells of the dorsal horn and RVM share one ``NeuronGroup`` (``neurons``), so the network
compiles a single state update; populations are contiguous index ranges of it. The spino-PAG
cells (``spino_pag``) have a group of their own that draws no random numbers, so the spikes of
every other cell are those of the network without them. Everything a
protocol or the pharmacology varies is a Brian2 variable, so one compiled network can be re-run
with new values (``device.run(run_args=...)``).

Switches (``Circuit.set_rvm_inactivated``, ``set_dlf_lesion``) reproduce the lesion experiments
of Kaplan & Fields 1991 (lidocaine in the RVM) and Vanderah et al. 2001 (DLF lesion).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import (
    Clock, Network, NeuronGroup, SpikeMonitor, Synapses, TimedArray, defaultclock, linked_var, second, siemens,
)

from . import afferents as aff
from . import neurons as nrn
from . import stimuli as stim
from . import modulation as mod
from . import synapses as syn
from .modulation import Modulation
from .parameters import DESCENDING_PATHWAYS, ParameterSet, parse_unit

#: Afferent classes, in index order of the ``afferents`` group.
AFFERENT_POPULATIONS = ("abeta", "adelta", "c_peptidergic", "c_nonpeptidergic")
#: Central populations, in index order of the ``neurons`` group, with their parameter section.
CELL_POPULATIONS = {
    "lamina1_nk1r": "dorsal_horn.lamina1_nk1r",
    "wdr": "dorsal_horn.wdr",
    "excitatory_interneurons": "dorsal_horn.excitatory_interneurons",
    "inhibitory_interneurons": "dorsal_horn.inhibitory_interneurons",
    "on_cells": "rvm.on_cells",
    "off_cells": "rvm.off_cells",
    "neutral_cells": "rvm.neutral_cells",
}
#: Spino-PAG lamina I projection neurons (Ikeda et al. 2006 Science 312:1659), a group of their
#: own: their ascending target (PAG, then RVM) is not modelled, so they feed nothing back, and
#: they carry no background noise, so adding them leaves every draw of the shared random stream,
#: and thus every spike of the other cells, as it was.
PAG_POPULATIONS = {"spino_pag": "dorsal_horn.spino_pag"}
#: Each group of central cells with its populations, in index order.
CELL_GROUPS = {"neurons": CELL_POPULATIONS, "spino_pag": PAG_POPULATIONS}
#: Population -> parameter section, over all groups of central cells.
CELL_SECTIONS = {**CELL_POPULATIONS, **PAG_POPULATIONS}
#: Constants shared within a group that a one-population group takes from its own section
#: instead of the common ``calcium`` and ``plasticity`` sections: the T-type Ca2+ route and the
#: slower induction of the spino-PAG class (Ikeda et al. 2006).
GROUP_CONSTANTS = {"spino_pag": (*nrn.T_TYPE_PARAMETERS, "nmda_ca_gain", "k_ltp", "theta_d")}
RVM_POPULATIONS = ("on_cells", "off_cells", "neutral_cells")
SPINAL_POPULATIONS = ("lamina1_nk1r", "wdr", "excitatory_interneurons", "inhibitory_interneurons")
#: Dorsal horn cells with postsynaptic mu-opioid receptors ([T] Kemp et al. 1996; Drdla et al. 2009)
MOR_SPINAL_POPULATIONS = ("lamina1_nk1r", "wdr", "excitatory_interneurons", "spino_pag")
#: Every dorsal horn population, in any group (transporters and spillover act on all of them)
DORSAL_HORN_POPULATIONS = SPINAL_POPULATIONS + tuple(PAG_POPULATIONS)
C_FIBRE_POPULATIONS = ("c_peptidergic", "c_nonpeptidergic")
#: Afferents whose central terminals carry the receptors of descending facilitation (5-HT3 on
#: C and A-delta nociceptors: Zeitz et al. 2002 J Neurosci 22:1010)
FACILITATED_AFFERENTS = C_FIBRE_POPULATIONS + ("adelta",)
#: Cells whose nociceptive afferent input the descending facilitation raises (their ON-cell
#: input drives it; the afferents' flag alone does nothing elsewhere): deep dorsal horn
#: WDR neurons (5-HT3-mediated facilitation of their responses from the RVM: Suzuki et al. 2002
#: Nat Neurosci 5:1319; Rygh et al. 2006 Eur J Neurosci 23:1665)
FACILITATED_CELLS = ("wdr",)
#: The plastic pathways: LTP at C-fibre synapses on lamina I projection neurons only, NK1R+
#: (spino-parabrachial) cells (Ikeda et al. 2003 Science 299:1237) and spino-PAG cells (Ikeda et
#: al. 2006 Science 312:1659).
PLASTIC_PATHWAYS = ("c_peptidergic_to_lamina1_nk1r", "c_peptidergic_to_spino_pag")
#: The plastic cells in which the withdrawal rebound drives Ca2+ entry (withdrawal LTP recorded
#: in NK1R+ lamina I neurons: Drdla et al. 2009 Science 325:207)
REBOUND_POPULATIONS = ("lamina1_nk1r",)
#: The cells that carry the potentiation of those pathways (``circuits.neurons.PLASTICITY``), in
#: the order of the slow layer's per-cell arrays.
PLASTIC_POPULATIONS = tuple(name.split("_to_")[1] for name in PLASTIC_PATHWAYS)


class OrderedClock(Clock):
    """A Brian2 clock whose instances all hash alike, so a set of them iterates in insertion order.

    Brian2's C++ standalone device resets a network's clocks in the iteration order of a set of
    clocks; with address-based hashes two builds of the same network (in one process or in two)
    could order them differently, change ``main.cpp`` and relink the binary of a kept build slot
    (``experiments.engine``). Every object of the circuit steps on one of these clocks.
    """

    dt = Clock.dt  # Brian2 lets a class override its variables only from the class's own dict

    def __hash__(self) -> int:
        return 0


def scaled_size(n: int, scale: float) -> int:
    """Population size at ``scale`` (at least one cell)."""
    return max(1, int(round(n * scale)))


@dataclass
class Circuit:
    """A built fast layer: the network, its groups and where each population lives."""

    network: Network
    params: ParameterSet
    scale: float
    groups: dict = field(default_factory=dict)
    #: population name -> (group name, first index, stop index)
    populations: dict = field(default_factory=dict)
    #: pathway name -> (synapses object name, first synapse, stop synapse, effective in-degree)
    pathways: dict = field(default_factory=dict)
    #: population name -> the spike monitor recording it
    monitors: dict = field(default_factory=dict)
    #: cell index -> True for fast-spiking RVM cells (Zagon et al. 1997), drawn at build
    fast_spiking: np.ndarray | None = None
    #: fibre index -> standard-normal draw that places its heat threshold, drawn at build
    heat_threshold_z: np.ndarray | None = None
    #: per-fibre standard normal draw of the conduction-delay dispersion
    volley_z: np.ndarray | None = None
    #: per-fibre standard normal draw that places its electrical threshold (log scale)
    electrical_threshold_z: np.ndarray | None = None

    def size(self, population: str) -> int:
        _, start, stop = self.populations[population]
        return stop - start

    def release(self) -> None:
        """Drop the Brian2 objects (keeping populations and draws), so that the next network
        built in this process gets the same object names and thus the same generated code."""
        self.network, self.groups, self.monitors = None, {}, {}

    def indices(self, population: str) -> np.ndarray:
        _, start, stop = self.populations[population]
        return np.arange(start, stop)

    def parameter_values(self, params: ParameterSet | None = None, *, rvm_inactivated: bool = False,
                         dlf_lesion: bool = False, modulation: Modulation | None = None) -> dict:
        """Every run-time value the parameters set: ``{(object name, variable): value}``, the
        ``run_args`` of a re-run (protocols add their stimulus settings).

        This is how parameters reach the network, at build time and for each re-run
        (``run_args``): everything but population sizes, in-degrees and the random draws of
        the build (connectivity, cell subtypes, heat thresholds) and the conduction delays of the
        electrical volley (:meth:`volley_delays`) can change without a rebuild.
        ``rvm_inactivated`` applies lidocaine in the RVM (no Na+-dependent spikes),
        ``dlf_lesion`` cuts the descending pathways, ``modulation`` is the drug and slow-layer
        state (``circuits.modulation``; drug-free and naive by default).
        """
        params = params or self.params
        modulation = modulation or Modulation()
        values = {}
        # afferent fibres
        n_aff = len(self.groups["afferents"])
        for key in aff.FIBRE_PARAMETERS:
            unit = parse_unit(params.param(f"afferents.abeta.{key}").unit)
            values[("afferents", key)] = np.zeros(n_aff) * unit
        for population in AFFERENT_POPULATIONS:
            _, start, stop = self.populations[population]
            for key in aff.FIBRE_PARAMETERS:
                values[("afferents", key)][start:stop] = params[f"afferents.{population}.{key}"]
            values[("afferents", "heat_threshold")][start:stop] += (
                self.heat_threshold_z[start:stop] * params["afferents.heat_threshold_sd"])
            values[("afferents", "electrical_threshold")][start:stop] *= np.exp(
                self.electrical_threshold_z[start:stop] * params["afferents.electrical_threshold_log_sd"])
        values[("afferents", "force_gain")] = 1.0
        for group in CELL_GROUPS:
            values.update(self._cell_values(params, group, rvm_inactivated=rvm_inactivated, modulation=modulation))
        # stimuli, RVM state and the reflex
        for key in ("cutoff", "ramp_rate", "T_base", "T_max", "tau_cool"):
            values[("heat", key)] = params[f"heat.{key}"]
        for key in ("mean", "sigma", "tau"):
            values[("rvm_state", key)] = params[f"rvm.state.{key}"]
        for key in ("tau_reflex", "rate_threshold"):
            values[("withdrawal", key)] = params[f"withdrawal.{key}"]
        values.update(self._synaptic_values(params, dlf_lesion=dlf_lesion, modulation=modulation))
        return values

    def _cell_values(self, params: ParameterSet, group: str, *, rvm_inactivated: bool,
                     modulation: Modulation) -> dict:
        """Intrinsic, synaptic, calcium and plasticity constants and the drug state of the central
        cells of ``group``."""
        n_cells = len(self.groups[group])
        values = {(group, key): self.parameter_array(params, key, group) for key in nrn.INTRINSIC}
        if group == "neurons":
            values[(group, "C_m")] = values[(group, "C_m")] * np.where(
                self.fast_spiking, params["rvm.fast_spiking_capacitance_factor"], 1.0)
        values[(group, "na_available")] = np.ones(n_cells)
        if rvm_inactivated:
            for population in self._in_group(RVM_POPULATIONS, group):
                values[(group, "na_available")][self.indices(population)] = 0.0
        synaptic = params.section("synapses")
        values[(group, "mg")] = synaptic["mg_mM"]
        for key in SYNAPTIC_CONSTANTS:
            values[(group, key)] = synaptic[key]
        values[(group, "nmda_norm")] = nrn.dual_exponential_peak_factor(
            synaptic["tau_nmda_rise"], synaptic["tau_nmda_decay"])
        values[(group, "nk1_norm")] = nrn.dual_exponential_peak_factor(
            synaptic["tau_nk1_rise"], synaptic["tau_nk1_decay"])
        values[(group, "nmda_ext_norm")] = nrn.dual_exponential_peak_factor(
            synaptic["tau_nmda_ext_rise"], synaptic["tau_nmda_ext_decay"])
        for key, value in params.section("calcium").items():
            if f"calcium.{key}" not in nrn.STRUCTURAL:
                values[(group, key)] = value
        for key, value in params.section("plasticity").items():
            values[(group, key)] = value
        for key in GROUP_CONSTANTS.get(group, ()):
            (population,) = CELL_GROUPS[group]
            values[(group, key)] = params[f"{CELL_SECTIONS[population]}.{key}"]
        descending = params.section("descending_facilitation")  # its Hill coefficient is structural
        values[(group, "tau_descending")] = descending["tau"]
        values[(group, "facilitation_max")] = descending["max"]
        values[(group, "facilitation_half_rate")] = descending["half_rate"]
        clearance = params.section("glutamate_clearance")
        for key in ("spillover_saturation", "spillover_onset"):
            values[(group, key)] = clearance[key]
        values.update(self._modulation_values(params, group, modulation))
        # RVM currents of the slow layer: CCK and the withdrawal rebound excite ON cells, the
        # rebound's GABA release inhibits OFF cells (circuits.modulation)
        actions = params.section("opioid_actions")
        rvm_currents = {"on_cells": actions["cck_on_cells"] * (modulation.cck_drive - 1.0)
                                    + actions["rebound_on_cells"] * modulation.rebound_rvm,
                        "off_cells": -actions["rebound_off_cells"] * modulation.rebound_rvm}
        for population in self._in_group(tuple(rvm_currents), group):
            values[(group, "mu_noise")][self.indices(population)] += rvm_currents[population]
        return values

    def _in_group(self, populations, group: str) -> list[str]:
        """The ones of ``populations`` whose cells are in ``group``."""
        return [p for p in populations if p in self.populations and self.populations[p][0] == group]

    def parameter_array(self, params: ParameterSet, key: str, group: str = "neurons"):
        """Per-cell values of the intrinsic parameter ``key`` in ``group`` (each population's own value)."""
        values = np.zeros(len(self.groups[group])) * parse_unit(params.param(f"rvm.on_cells.{key}").unit)
        for population in CELL_GROUPS[group]:
            _, start, stop = self.populations[population]
            values[start:stop] = params[f"{CELL_SECTIONS[population]}.{key}"]
        return values

    def _modulation_values(self, params: ParameterSet, group: str, modulation: Modulation) -> dict:
        """Per-cell values of ``group`` set by drugs and the slow layer (see ``circuits.modulation``)."""
        n_cells = len(self.groups[group])
        actions = params.section("opioid_actions")
        girk = np.zeros(n_cells) * siemens
        # CCK opposes MOR on ON cells (Heinricher, McGaraughty & Tortorici 2001): the GIRK
        # conductance falls in proportion to the CCK drive
        for population in self._in_group(("on_cells",), group):
            girk[self.indices(population)] = actions["girk_on_cells"] * modulation.mor_rvm / modulation.cck_drive
        spillover, tonic = np.zeros(n_cells), np.zeros(n_cells) * siemens
        base_spillover, base_tonic = mod.clearance_values(params, 1.0)
        spillover[:], tonic[:] = base_spillover, base_tonic
        spinal_spillover, spinal_tonic = mod.clearance_values(params, modulation.transporter_capacity)
        for population in self._in_group(DORSAL_HORN_POPULATIONS, group):
            cells = self.indices(population)
            spillover[cells], tonic[cells] = spinal_spillover, spinal_tonic
            if population in MOR_SPINAL_POPULATIONS:
                girk[cells] = actions["girk_dorsal_horn"] * modulation.mor_spinal
        rebound, plastic_cell, ltp_early, ltp_late = (np.zeros(n_cells) for _ in range(4))
        for population, part in self.plastic_classes().items():
            if self.populations[population][0] != group:
                continue
            cells = self.indices(population)
            plastic_cell[cells] = 1.0
            for target, state in ((ltp_early, modulation.ltp_early), (ltp_late, modulation.ltp_late)):
                target[cells] = state[part] if np.ndim(state) else state
            if population in REBOUND_POPULATIONS:
                rebound[cells] = modulation.rebound
        blocked = mod.blocked_at_rest(params, modulation.blocker, modulation.blocker_uM,
                                      self.parameter_array(params, "E_L", group))
        values = {(group, "g_girk"): girk, (group, "spillover"): spillover,
                  (group, "g_nmda_tonic"): tonic, (group, "rebound"): rebound,
                  (group, "plastic_cell"): plastic_cell, (group, "ltp_early"): ltp_early,
                  (group, "ltp_late"): ltp_late,
                  (group, "blocked_syn"): blocked, (group, "blocked_ext"): blocked.copy()}
        for key, value in mod.blocker_values(params, modulation.blocker, modulation.blocker_uM).items():
            values[(group, key)] = value
        return values

    def _synaptic_values(self, params: ParameterSet, *, dlf_lesion: bool, modulation: Modulation) -> dict:
        """Per-synapse conductances, release and ``intact``; pathways with fewer partners than
        their in-degree (small scales) get conductances scaled by k / k_effective so each cell
        keeps its mean input."""
        values = {}
        for owner in sorted({owner for owner, *_ in self.pathways.values()}):
            n = len(self.groups[owner])
            for key in ("release", "intact"):
                values[(owner, key)] = np.ones(n)
            for key in ("plastic", "facilitated", "w_descending"):
                values[(owner, key)] = np.zeros(n)
            for channel in syn.CHANNELS:
                values[(owner, f"w_{channel}")] = np.zeros(n) * siemens
        release = mod.opioid_release(params, modulation)
        for name, (owner, start, stop, k_eff) in self.pathways.items():
            compensation = int(params[f"connections.{name}.k"]) / k_eff
            for channel in syn.CHANNELS:
                values[(owner, f"w_{channel}")][start:stop] = params[f"connections.{name}.w_{channel}"] * compensation
            if name.split("_to_")[0] in C_FIBRE_POPULATIONS:
                values[(owner, "release")][start:stop] = release["c_fibre"]
            elif name == "on_cells_to_off_cells":
                values[(owner, "release")][start:stop] = release["gaba_on_off"]
            if dlf_lesion and name in DESCENDING_PATHWAYS:
                values[(owner, "intact")][start:stop] = 0.0
            pre, post = name.split("_to_")
            if pre in FACILITATED_AFFERENTS:
                values[(owner, "facilitated")][start:stop] = 1.0
            if pre == "on_cells" and post in FACILITATED_CELLS:
                values[(owner, "w_descending")][start:stop] = (
                    params["descending_facilitation.rebound_gain"] * modulation.rebound_rvm / k_eff)
        for name in PLASTIC_PATHWAYS:
            owner, start, stop, _ = self.pathways[name]
            values[(owner, "plastic")][start:stop] = 1.0
        return values

    def volley_delays(self, params: ParameterSet | None = None):
        """Conduction delay of the electrical volley to each fibre: class latency plus the fibre's
        dispersion. Brian2 fixes synaptic delays at build time, so these are set by
        :func:`build_circuit` and a new value needs a rebuild."""
        params = params or self.params
        delay = np.zeros(len(self.groups["afferents"]))
        for population in AFFERENT_POPULATIONS:
            _, start, stop = self.populations[population]
            delay[start:stop] = (float(params[f"afferents.{population}.conduction_latency"])
                                 + float(params[f"afferents.{population}.latency_dispersion"]) * self.volley_z[start:stop])
        return np.maximum(delay, aff.MIN_VOLLEY_DELAY_S) * second

    def plastic_cells(self) -> list[tuple[str, int, int]]:
        """(group name, first, stop) of each population whose C-fibre input is plastic (lamina I
        projection neurons), in the order of the slow layer's per-cell arrays."""
        return [self.populations[population] for population in PLASTIC_POPULATIONS]

    def plastic_classes(self) -> dict[str, slice]:
        """The part of the slow layer's per-cell arrays (``circuits.adaptation``) that each plastic
        population holds: the populations of :data:`PLASTIC_POPULATIONS` one after the other."""
        parts, start = {}, 0
        for population in PLASTIC_POPULATIONS:
            parts[population] = slice(start, start + self.size(population))
            start += self.size(population)
        return parts


#: Synaptic constants shared by all cells (``synapses`` section of the parameters).
SYNAPTIC_CONSTANTS = ("mg_K0", "mg_slope", "E_exc", "E_gaba", "E_gly", "E_K", "tau_ampa", "tau_nmda_rise",
                      "tau_nmda_decay", "tau_nk1_rise", "tau_nk1_decay", "tau_gaba", "tau_gly", "tau_background",
                      "tau_nmda_ext_rise", "tau_nmda_ext_decay", "g_nmda_pool")


def is_build_time(path: str) -> bool:
    """True for a parameter read when the network is built (population sizes, in-degrees and
    delays of the wiring, the reflex refractory period, the structural constants of the
    equations): a new value needs a new build, run arguments do not carry it."""
    parts = path.split(".")
    return (path in nrn.STRUCTURAL or path == "withdrawal.refractory" or parts[-1] == "n"
            or (parts[0] == "connections" and parts[-1] in ("k", "delay"))
            or (parts[0] == "afferents" and parts[-1] in ("conduction_latency", "latency_dispersion")))


def build_circuit(params: ParameterSet, *, scale: float = 1.0, seed: int = 1,
                  force_schedule: tuple[np.ndarray, float] | None = None) -> Circuit:
    """Build the fast layer at ``scale`` with connectivity drawn from ``seed``.

    ``force_schedule`` is ``(force in mN per step, step duration in seconds)`` for mechanical
    stimulation; without it no force is applied.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    rng = np.random.default_rng(seed)

    # ---- stimulus time courses -----------------------------------------------------------
    step_forces, step_s = force_schedule if force_schedule is not None else (np.zeros(1), 1.0)
    step_forces = np.asarray(step_forces, dtype=float)
    ratio = np.asarray(step_forces * parse_unit("mN") / params["afferents.reference_force"], dtype=float)
    force_ratio = TimedArray(ratio, dt=step_s * second, name="force_ratio")
    force_onset = TimedArray(np.arange(len(step_forces)) * step_s * second, dt=step_s * second, name="force_onset")

    # ---- groups ------------------------------------------------------------------------------
    # every object steps on ``clock`` (the time step of ``defaultclock``, which FastLayer sets),
    # the background current on ``background_clock``
    clock = OrderedClock(defaultclock.dt, name="step_clock")
    background_clock = OrderedClock(params["synapses.dt_background"], name="background_clock")
    heat = NeuronGroup(1, stim.HEAT_EQUATIONS, threshold=stim.HEAT_THRESHOLD, reset=stim.HEAT_RESET,
                       method="euler", clock=clock, name="heat")
    sizes = {p: scaled_size(params[f"afferents.{p}.n"], scale) for p in AFFERENT_POPULATIONS}
    afferents = NeuronGroup(sum(sizes.values()), aff.AFFERENT_EQUATIONS, threshold=aff.AFFERENT_THRESHOLD,
                            reset=aff.AFFERENT_RESET, refractory=aff.AFFERENT_REFRACTORY,
                            namespace={"force_ratio": force_ratio, "force_onset": force_onset},
                            clock=clock, name="afferents")
    cell_sizes = {p: scaled_size(params[f"{sec}.n"], scale) for p, sec in CELL_SECTIONS.items()}
    cells = {}
    for name, (extra_equations, reset) in {"neurons": ("", nrn.RESET),
                                           "spino_pag": (nrn.T_TYPE_CALCIUM, nrn.RESET_T_TYPE)}.items():
        cells[name] = NeuronGroup(sum(cell_sizes[p] for p in CELL_GROUPS[name]),
                                  nrn.neuron_equations(params["calcium.n_can"], params["descending_facilitation.hill"]) + extra_equations,
                                  threshold=nrn.THRESHOLD, reset=reset, refractory="t_ref", method="euler",
                                  clock=clock, name=name)
        cells[name].dt_background = params["synapses.dt_background"]
    neurons, spino_pag = cells["neurons"], cells["spino_pag"]
    neurons.run_regularly(nrn.BACKGROUND_UPDATE, clock=background_clock, when="start", name="background")
    rvm_state = NeuronGroup(1, stim.RVM_STATE_EQUATIONS, method="euler", clock=clock, name="rvm_state")
    stimulator = NeuronGroup(1, stim.STIMULATOR_EQUATIONS, threshold=stim.STIMULATOR_THRESHOLD,
                             reset=stim.STIMULATOR_RESET, clock=clock, name="stimulator")
    withdrawal = NeuronGroup(1, stim.WITHDRAWAL_EQUATIONS, threshold=stim.WITHDRAWAL_THRESHOLD,
                             refractory=params["withdrawal.refractory"], method="exact", clock=clock,
                             name="withdrawal")
    groups = {"afferents": afferents, "neurons": neurons, "spino_pag": spino_pag, "heat": heat,
              "stimulator": stimulator, "withdrawal": withdrawal, "rvm_state": rvm_state}

    populations, start = {}, 0
    for k, population in enumerate(AFFERENT_POPULATIONS):
        populations[population] = ("afferents", start, start + sizes[population])
        afferents.population[start:start + sizes[population]] = k
        start += sizes[population]
    index = {population: k for k, population in enumerate(CELL_SECTIONS)}
    for name, members in CELL_GROUPS.items():
        start = 0
        for population in members:
            populations[population] = (name, start, start + cell_sizes[population])
            cells[name].population[start:start + cell_sizes[population]] = index[population]
            start += cell_sizes[population]
    populations.update({"heat_trials": ("heat", 0, 1), "stimulator": ("stimulator", 0, 1),
                        "withdrawal": ("withdrawal", 0, 1)})
    fast_spiking = np.zeros(len(neurons), dtype=bool)
    for population in ("on_cells", "off_cells"):
        _, first, stop = populations[population]
        fast_spiking[first:stop] = rng.random(stop - first) < params["rvm.fast_spiking_fraction"]
    circuit = Circuit(network=Network(), params=params, scale=scale, groups=groups,
                      populations=populations, fast_spiking=fast_spiking,
                      heat_threshold_z=rng.normal(size=len(afferents)),
                      # a stream of its own, so the draws of the connectivity stay those of ``seed``
                      volley_z=np.random.default_rng([seed, 1]).normal(size=len(afferents)),
                      electrical_threshold_z=np.random.default_rng([seed, 2]).normal(size=len(afferents)))

    # ---- pathways -------------------------------------------------------------------------
    owners = {("afferents", "neurons"): "afferent_synapses", ("neurons", "neurons"): "central_synapses",
              ("afferents", "spino_pag"): "afferent_pag_synapses", ("neurons", "spino_pag"): "central_pag_synapses"}
    projections = {name: Synapses(groups[pre], groups[post], model=syn.SYNAPSE_MODEL, on_pre=syn.ON_PRE,
                                  clock=clock, name=name)
                   for (pre, post), name in owners.items()}
    wiring = {name: ([], [], []) for name in projections}
    # the pathways draw their partners in the order of the parameters, so a pathway added at the
    # end leaves the draws of the others as they were
    for name in params.subsections("connections"):
        pre_name, post_name = name.split("_to_")
        pre_group, pre_start, pre_stop = populations[pre_name]
        post_group, post_start, post_stop = populations[post_name]
        owner = owners[(pre_group, post_group)]
        sources, targets, k_eff = syn.fixed_indegree(
            pre_stop - pre_start, post_stop - post_start, int(params[f"connections.{name}.k"]), rng,
            autapses=pre_name != post_name)
        offset = sum(len(chunk) for chunk in wiring[owner][0])
        circuit.pathways[name] = (owner, offset, offset + len(sources), k_eff)
        wiring[owner][0].append(sources + pre_start)
        wiring[owner][1].append(targets + post_start)
        wiring[owner][2].append(np.full(len(sources), float(params[f"connections.{name}.delay"] / second)))
    for owner, synapses in projections.items():
        sources, targets, delays = (np.concatenate(chunks) for chunks in wiring[owner])
        synapses.connect(i=sources, j=targets)
        synapses.delay = delays * second
        groups[owner] = synapses

    volley = Synapses(stimulator, afferents, on_pre=aff.VOLLEY_ON_PRE, clock=clock, name="volley")
    volley.connect(i=0, j=np.arange(len(afferents)))  # synapse k reaches fibre k
    volley.delay = circuit.volley_delays()
    groups["volley"] = volley
    _, wdr_start, wdr_stop = populations["wdr"]
    wdr_reflex = Synapses(neurons, withdrawal, on_pre=stim.WDR_TO_WITHDRAWAL_ON_PRE, clock=clock,
                          name="wdr_to_withdrawal")
    wdr_reflex.connect(i=np.arange(wdr_start, wdr_stop), j=np.zeros(wdr_stop - wdr_start, dtype=int))
    stops_lamp = Synapses(withdrawal, heat, on_pre=stim.WITHDRAWAL_ON_PRE, clock=clock,
                          name="withdrawal_to_heat")
    stops_lamp.connect()

    # ---- values and initial state -----------------------------------------------------------
    for (owner, variable), value in circuit.parameter_values().items():
        setattr(groups[owner], variable, value)
    heat.T_skin = params["heat.T_base"]
    afferents.T_skin = linked_var(heat, "T_skin", index=np.zeros(len(afferents), dtype=int))
    for group in cells.values():
        group.rvm_state = linked_var(rvm_state, "drive", index=np.zeros(len(group), dtype=int))
        group.I_bg = "mu_noise"
        group.ca = params["calcium.ca_rest"]
    neurons.v = "E_L + 2*mV*randn()"
    spino_pag.v = "E_L"  # no draw: see PAG_POPULATIONS
    spino_pag.h_t = 1.0
    rvm_state.drive = params["rvm.state.mean"]
    withdrawal.n_wdr = cell_sizes["wdr"]
    stimulator.period = 1 * second
    stimulator.train_size = 1e9  # one train unless a protocol sets trains

    circuit.monitors = {name: SpikeMonitor(groups[name], name=f"spikes_{name}")
                        for name in ("afferents", "neurons", "spino_pag", "heat", "stimulator", "withdrawal")}
    circuit.network.add(*groups.values(), wdr_reflex, stops_lamp, *circuit.monitors.values())
    return circuit
