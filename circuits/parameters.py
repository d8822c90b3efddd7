"""The single source of every model parameter: value, unit and source.

Each leaf of :data:`DEFAULTS` is a :class:`Param`. A parameter is addressed by its dotted path
(``rvm.on_cells.n``, ``synapses.tau_nmda_decay``), which is also the key users give to
``--set`` on the command line. ``docs/model.md`` is generated from this tree
(``python -m experiments docs``) and a test checks that it is up to date.

Source conventions: "Author Year" names the paper; "[T]" marks a textbook-order value whose
primary table was not at hand (see ``shared/science/targets.md``); "fitted: ..." names the
target a value was tuned to and the script or test that checks it.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, replace
from typing import Any, Iterator

import brian2
import brian2.units.allunits as _allunits
from brian2 import Quantity, get_dimensions
from brian2.units.fundamentalunits import DIMENSIONLESS, have_same_dimensions

__all__ = [
    "Param",
    "ParameterSet",
    "DEFAULTS",
    "parse_unit",
    "iter_params",
]

_UNIT_NAMESPACE = {name: getattr(_allunits, name) for name in dir(_allunits) if not name.startswith("_")}
_UNIT_NAMESPACE.update({name: value for name, value in vars(brian2).items() if isinstance(value, brian2.Unit)})
_UNIT_NAMESPACE.update(s=_allunits.second, mN=_allunits.mnewton, ug=1e-9 * _allunits.kilogram, mg=1e-6 * _allunits.kilogram)


def parse_unit(unit: str) -> Quantity | float:
    """The Brian2 unit named by ``unit`` ("mV", "nS", "uM", "1" for dimensionless)."""
    if unit in ("1", ""):
        return 1.0
    try:
        return eval(unit, {"__builtins__": {}}, _UNIT_NAMESPACE)  # noqa: S307 - unit names only
    except Exception as exc:  # pragma: no cover - a typo in this file
        raise ValueError(f"unknown unit {unit!r}") from exc


@dataclass(frozen=True)
class Param:
    """One model parameter: ``value`` expressed in ``unit``, with its ``source``."""

    value: float | int | bool
    unit: str
    source: str
    doc: str

    @property
    def quantity(self) -> Quantity | float | int | bool:
        """The value with its Brian2 unit (plain number for dimensionless, int or bool)."""
        if isinstance(self.value, bool) or self.unit in ("1", "count", "bool"):
            return self.value
        return self.value * parse_unit(self.unit)

    def with_value(self, value: Any) -> "Param":
        """A copy holding ``value``, which must have this parameter's dimensions and kind."""
        if self.unit == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"expects true or false, got {value!r}")
            return replace(self, value=value)
        if self.unit == "count":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0:
                raise ValueError(f"expects a non-negative integer, got {value!r}")
            return replace(self, value=int(value))
        unit = parse_unit(self.unit)
        if isinstance(value, Quantity) and not get_dimensions(value) is DIMENSIONLESS:
            if not have_same_dimensions(value, unit):
                raise ValueError(f"expects units of {self.unit}, got {value!r}")
            number = float(value / unit)
        elif isinstance(value, (int, float, Quantity)) and not isinstance(value, bool):
            if self.unit != "1":
                raise ValueError(f"needs a unit ({self.unit}), got the bare number {value!r}")
            number = float(value)
        else:
            raise ValueError(f"expects a number in {self.unit}, got {value!r}")
        if not math.isfinite(number):
            raise ValueError(f"must be finite, got {value!r}")
        return replace(self, value=number)


def iter_params(tree: dict, prefix: str = "") -> Iterator[tuple[str, Param]]:
    """Yield ``(dotted_path, Param)`` for every leaf of a parameter tree, in order."""
    for key, node in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(node, Param):
            yield path, node
        else:
            yield from iter_params(node, path)


class ParameterSet:
    """A resolved copy of the parameter tree with overrides applied.

    ``ps["rvm.on_cells.n"]`` returns the value with its unit; ``ps.param(path)`` the
    :class:`Param`; ``ps.section("rvm.on_cells")`` a dict of name to value.
    """

    def __init__(self, overrides: dict[str, Any] | None = None, tree: dict | None = None):
        self._tree = copy.deepcopy(DEFAULTS if tree is None else tree)
        for path, value in (overrides or {}).items():
            self.set(path, value)

    def _node(self, path: str):
        node = self._tree
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"unknown model parameter {path!r}")
            node = node[part]
        return node

    def param(self, path: str) -> Param:
        node = self._node(path)
        if not isinstance(node, Param):
            raise KeyError(f"{path!r} is a section, not a parameter")
        return node

    def set(self, path: str, value: Any) -> None:
        """Replace one parameter; raises KeyError (unknown path) or ValueError (bad value)."""
        parent_path, _, name = path.rpartition(".")
        parent = self._node(parent_path) if parent_path else self._tree
        if name not in parent or not isinstance(parent[name], Param):
            raise KeyError(f"unknown model parameter {path!r}")
        try:
            parent[name] = parent[name].with_value(value)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
        if parent[name].unit == "count" and path.endswith(".n") and parent[name].value < 1:
            raise ValueError(f"{path}: a population needs at least one cell")

    def __getitem__(self, path: str):
        return self.param(path).quantity

    def section(self, path: str) -> dict[str, Any]:
        node = self._node(path)
        return {key: value.quantity for key, value in node.items() if isinstance(value, Param)}

    def subsections(self, path: str) -> list[str]:
        return [key for key, value in self._node(path).items() if isinstance(value, dict)]

    def items(self) -> Iterator[tuple[str, Param]]:
        return iter_params(self._tree)

    def as_dict(self) -> dict[str, dict]:
        """JSON-friendly ``{path: {"value", "unit"}}`` of every parameter."""
        return {path: {"value": p.value, "unit": p.unit} for path, p in self.items()}


# --------------------------------------------------------------------------------------------
# The parameter tree. Populations, intrinsic properties, synapses, wiring, stimuli, read-outs.
# --------------------------------------------------------------------------------------------

P = Param

NAUD = "AdEx firing pattern of Naud, Marcille, Clopath & Gerstner 2008 Biol Cybern 99:335, Table 1"


def _adex(
    *, n, C, gL, EL, VT, dT, a, tau_w, b, Vr, t_ref, mu, sigma,
    b_slow=0.0, tau_slow=10.0, state_gain=0.0, g_can=0.0, ca_spike=0.0, tau_ca=500.0, source, n_source,
    mu_source="fitted: spontaneous rate targets (tests/experiments/test_heat_trials.py)",
) -> dict[str, Param]:
    """Parameters of one AdEx population (Brette & Gerstner 2005 J Neurophysiol 94:3637)."""
    return {
        "n": P(n, "count", n_source, "cells at scale 1"),
        "C_m": P(C, "pF", source, "membrane capacitance"),
        "g_L": P(gL, "nS", source, "leak conductance"),
        "E_L": P(EL, "mV", source, "leak reversal (resting) potential"),
        "V_T": P(VT, "mV", source, "spike-initiation threshold of the exponential term"),
        "Delta_T": P(dT, "mV", source, "slope factor of spike initiation"),
        "a": P(a, "nS", source, "subthreshold adaptation"),
        "tau_w": P(tau_w, "ms", source, "adaptation time constant"),
        "b": P(b, "pA", source, "spike-triggered adaptation increment"),
        "V_reset": P(Vr, "mV", source, "reset potential after a spike"),
        "t_ref": P(t_ref, "ms", source, "absolute refractory period"),
        "mu_noise": P(mu, "pA", mu_source, "mean background current (unmodelled synaptic input)"),
        "sigma_noise": P(sigma, "pA", "fitted: spontaneous rate targets (tests/experiments/test_heat_trials.py)",
                         "s.d. of the Ornstein-Uhlenbeck background current"),
        "b_slow": P(b_slow, "pA", "fitted: ON/OFF cycling period of seconds to minutes (Heinricher et al. 1989)",
                    "increment of the slow (Ca-activated K-like) adaptation current per spike"),
        "tau_slow": P(tau_slow, "s", "Leung & Mason 1998: RVM responses last tens of seconds",
                      "time constant of the slow adaptation current"),
        "state_gain": P(state_gain, "1", "Heinricher et al. 1989: ON cells cycle in phase with each other",
                        "weight of the common slow RVM state drive"),
        "g_can": P(g_can, "nS", "fitted: wind-up ratio 2-5 over 16 C-fibre stimuli, halved by 0.5 uM ketamine, from spinal mechanisms with weak descending facilitation (Aguiar et al. 2010 CAN plateau; tests/experiments/test_windup.py; python -m experiments.calibration); WDR 5.0 nS with tau_ca 50 s (ON->ON NMDA 0.2 nS, ON->WDR NMDA 0.01 nS): R16/R1 4.15 / 2.52 at 1 / 0.5 Hz at seed 1 (ketamine removes 52 / 63%), means 4.91 / 2.34 over seeds 1-5 (experiments/fits/windup_seeds.toml)" if g_can else "no CAN current in this cell class",
                   "maximal Ca2+-activated non-selective cation (CAN) conductance"),
        "tau_ca": P(tau_ca, "ms", "fitted: wind-up at 0.5 and 1 Hz (Dickenson & Sullivan 1987; tests/experiments/test_windup.py): a Ca2+-dependent signal lasting tens of seconds" if tau_ca > 1000 else "[T] clearance of NMDA-driven dendritic Ca2+ within ~0.5 s (Shouval et al. 2002 calcium control model)",
                    "decay time constant of intracellular Ca2+"),
        "ca_spike": P(ca_spike, "uM", "[T] L-type Ca2+ entry per action potential (Aguiar et al. 2010)" if ca_spike else "spike-evoked Ca2+ entry not modelled in this cell class",
                      "rise of intracellular Ca2+ per spike"),
    }


def _spino_pag() -> dict[str, Param]:
    """Lamina I neurons projecting to the PAG: the membrane of the NK1R+ (spino-parabrachial)
    cells, with the Ca2+ handling that lets a 2 Hz afferent barrage potentiate their C-fibre
    input (Ikeda et al. 2006 Science 312:1659) and without a background current (the class has
    a group of its own, ``circuits.circuit.PAG_POPULATIONS``, whose cells draw no random numbers)."""
    fit = ("fitted: 2 Hz C-fibre conditioning for 2 min potentiates the C-fibre-evoked response of spino-PAG neurons "
           "(Ikeda et al. 2006 Science 312:1659) (fitting sweep experiments/fits/spino_pag_ltp.toml; "
           "tests/experiments/test_hfs_ltp.py)")
    section = _adex(
        n=20, C=50, gL=2.5, EL=-62, VT=-48, dT=2, a=1, tau_w=100, b=250, Vr=-55, t_ref=2, mu=0, sigma=0,
        source="as lamina I NK1R+ cells: Prescott & De Koninck 2002 J Physiol 539:817 (lamina I tonic cells) [T]; AdEx form",
        n_source="[T] lamina I projects to the PAG as well as to the parabrachial area (Spike et al. 2003); scaled "
                 "network, as many cells as the NK1R+ class for the read-out",
        mu_source="no background current: the class's own group draws no random numbers, so its ongoing activity "
                  "comes from the spontaneous afferent and interneuron input alone")
    section["sigma_noise"] = P(0.0, "pA", section["mu_noise"].source, section["sigma_noise"].doc)
    section["tau_ca"] = P(5000.0, "ms", fit + "; LFS-LTP in spino-PAG cells needs T-type channels and Ca2+ "
                          "from intracellular stores [T], which outlast the NMDA-driven transient of NK1R+ cells",
                          "decay time constant of intracellular Ca2+")
    section["ca_spike"] = P(0.6, "uM", fit + "; Ca2+ entry through T-type channels with each action potential "
                            "(Ikeda et al. 2006) [T]", "rise of intracellular Ca2+ per spike through available T-type channels")
    section["tau_t_recovery"] = P(300.0, "ms", "[T] Cav3 channels recover from inactivation in hundreds of ms (Perez-Reyes 2003 Physiol Rev 83:117); " + fit,
                                  "time constant of recovery of T-type channels from inactivation")
    section["t_inactivation"] = P(0.7, "1", "[T] T-type channels inactivate within a spike's depolarisation (Perez-Reyes 2003); " + fit,
                                  "fraction of the available T-type channels inactivated by each spike")
    section["k_ltp"] = P(0.02, "1/s", fit + "; a slow induction that needs the sustained Ca2+ rise of a long barrage "
                         "(Ikeda et al. 2006: LFS-LTP needs PLC, IP3-gated stores and PKC [T]); conditioning HFS, which "
                         "is ineffective in these cells (Sandkuehler 2007 Mol Pain 3:9, Fig. 1), still potentiates them in "
                         "the model (a known miss, tests/experiments/test_hfs_ltp.py)",
                         "rate of potentiation while Ca2+ is above plasticity.theta_p (spino-PAG cells)")
    section["nmda_ca_gain"] = P(0.0014, "uM/(pA*s)", fit + "; a tenth of the NK1R+ cells' (calcium.nmda_ca_gain): their LTP Ca2+ comes through T-type channels [T]",
                                "Ca2+ influx per NMDA current (spino-PAG cells)")
    section["theta_d"] = P(2.0, "uM", fit + "; the T-type Ca2+ of ongoing activity and of the 0.5 Hz test pulses stays below it, so they do not depress the C-fibre input",
                           "Ca2+ threshold of depression (spino-PAG cells)")
    return section


DEFAULTS: dict[str, Any] = {
    "afferents": {
        # Medlock et al. 2022 numbers of afferents; rates at the reference force (400 mN) from
        # their primary_afferent_FR.py, fitted here by r(t) = r_inf + (r_0 - r_inf) exp(-t/tau).
        "abeta": {
            "n": P(20, "count", "Medlock et al. 2022 J Neurosci 42:3133 (10 SAI + 10 SAII)", "A-beta fibres"),
            "mech_rate_onset": P(57.0, "Hz", "Medlock et al. 2022 (SA fibres, first 100 ms)", "rate at force onset, reference force"),
            "mech_rate_adapted": P(10.0, "Hz", "Medlock et al. 2022 (SA fibres, 2-5 s)", "adapted rate, reference force"),
            "mech_tau_adapt": P(0.3, "s", "fitted: Medlock et al. 2022 A-beta rate profile", "adaptation time constant"),
            "heat_gain": P(0.0, "Hz/kelvin", "A-beta fibres are not heat sensitive", "rate increase per kelvin above threshold"),
            "heat_threshold": P(48.0, "kelvin", "unused while heat_gain = 0", "heat threshold (degrees C as kelvin difference from 0 C)"),
            "rate_spontaneous": P(0.5, "Hz", "[T] low-threshold mechanoreceptors are nearly silent at rest", "spontaneous rate"),
            "conduction_latency": P(5.0, "ms", "[T] A-beta window 0-20 ms after a hindpaw shock (Dickenson lab)", "latency of the electrical volley"),
            "latency_dispersion": P(1.0, "ms", "[T] A-beta window 0-20 ms", "s.d. of the volley latency"),
            "electrical_threshold": P(1.0, "1", "A-beta fibres have the lowest electrical threshold", "stimulus strength (x A-beta threshold) that recruits the fibre"),
        },
        "adelta": {
            "n": P(20, "count", "Medlock et al. 2022", "A-delta fibres"),
            "mech_rate_onset": P(28.0, "Hz", "fitted: Medlock et al. 2022 A-delta 25.5 Hz (1 s) to 10.8 Hz (5 s)", "rate at force onset, reference force"),
            "mech_rate_adapted": P(6.0, "Hz", "fitted: Medlock et al. 2022 A-delta rate profile", "adapted rate, reference force"),
            "mech_tau_adapt": P(4.0, "s", "fitted: Medlock et al. 2022 A-delta rate profile", "adaptation time constant"),
            "heat_gain": P(2.0, "Hz/kelvin", "[T] type II A-delta heat nociceptors (Treede et al. 1995)", "rate increase per kelvin above threshold"),
            "heat_threshold": P(46.0, "kelvin", "[T] type II A-delta heat threshold ~46 C (Treede et al. 1995)", "heat threshold (C)"),
            "rate_spontaneous": P(0.2, "Hz", "[T] nociceptors are nearly silent at rest", "spontaneous rate"),
            "conduction_latency": P(30.0, "ms", "Aguiar et al. 2010 J Neurophysiol 104:1155 (A-delta delay 30 ms)", "latency of the electrical volley"),
            "latency_dispersion": P(5.0, "ms", "Aguiar et al. 2010 (+-5 ms)", "s.d. of the volley latency"),
            "electrical_threshold": P(3.0, "1", "[T] A-delta recruited at ~3x A-beta threshold", "stimulus strength that recruits the fibre"),
        },
        "c_peptidergic": {
            "n": P(80, "count", "Medlock et al. 2022", "peptidergic C fibres"),
            "mech_rate_onset": P(36.0, "Hz", "fitted: Medlock et al. 2022 C 25.96 Hz (1 s) to 8.43 Hz (5 s)", "rate at force onset, reference force"),
            "mech_rate_adapted": P(8.0, "Hz", "fitted: Medlock et al. 2022 C rate profile", "adapted rate, reference force"),
            "mech_tau_adapt": P(1.0, "s", "fitted: Medlock et al. 2022 C rate profile", "adaptation time constant"),
            "heat_gain": P(1.5, "Hz/kelvin", "[T] C polymodal nociceptors ~1-2 Hz/C above threshold (LaMotte & Campbell 1978)", "rate increase per kelvin above threshold"),
            "heat_threshold": P(43.0, "kelvin", "[T] C polymodal heat threshold 41-45 C (LaMotte & Campbell 1978)", "heat threshold (C)"),
            "rate_spontaneous": P(0.2, "Hz", "[T] C nociceptors are nearly silent at rest", "spontaneous rate"),
            "conduction_latency": P(200.0, "ms", "Aguiar et al. 2010 (C delay 200 ms)", "latency of the electrical volley"),
            "latency_dispersion": P(20.0, "ms", "Aguiar et al. 2010 (+-20 ms)", "s.d. of the volley latency"),
            "electrical_threshold": P(10.0, "1", "[T] C fibres recruited at ~10x A-beta threshold", "stimulus strength that recruits the fibre"),
        },
        "c_nonpeptidergic": {
            "n": P(80, "count", "Medlock et al. 2022", "non-peptidergic C fibres"),
            "mech_rate_onset": P(36.0, "Hz", "fitted: Medlock et al. 2022 C rate profile", "rate at force onset, reference force"),
            "mech_rate_adapted": P(8.0, "Hz", "fitted: Medlock et al. 2022 C rate profile", "adapted rate, reference force"),
            "mech_tau_adapt": P(1.0, "s", "fitted: Medlock et al. 2022 C rate profile", "adaptation time constant"),
            "heat_gain": P(1.0, "Hz/kelvin", "[T] non-peptidergic C fibres are less heat responsive", "rate increase per kelvin above threshold"),
            "heat_threshold": P(44.0, "kelvin", "[T] C heat threshold 41-45 C", "heat threshold (C)"),
            "rate_spontaneous": P(0.2, "Hz", "[T]", "spontaneous rate"),
            "conduction_latency": P(200.0, "ms", "Aguiar et al. 2010", "latency of the electrical volley"),
            "latency_dispersion": P(20.0, "ms", "Aguiar et al. 2010", "s.d. of the volley latency"),
            "electrical_threshold": P(10.0, "1", "[T]", "stimulus strength that recruits the fibre"),
        },
        "heat_threshold_sd": P(1.5, "kelvin", "[T] spread of heat thresholds across fibres", "s.d. of per-fibre heat thresholds"),
        "electrical_threshold_log_sd": P(0.35, "1", "[T] C-fibre-evoked responses grow over about a three-fold range of stimulus intensity above threshold (input-output curves of Liu & Sandkuehler 1997)", "s.d. of the natural log of per-fibre electrical thresholds around the class value"),
        "reference_force": P(400.0, "mN", "Medlock et al. 2022: rates scaled by force / 400 mN", "force at which the listed rates apply"),
    },
    "dorsal_horn": {
        "lamina1_nk1r": _adex(
            n=20, C=50, gL=2.5, EL=-62, VT=-48, dT=2, a=1, tau_w=100, b=250, Vr=-55, t_ref=2,
            mu=0, sigma=30,
            source="Prescott & De Koninck 2002 J Physiol 539:817 (lamina I tonic cells) [T]; AdEx form",
            n_source="[T] ~5% of lamina I neurons project (Spike et al. 2003); scaled network",
        ),
        "wdr": _adex(
            n=20, C=100, gL=5, EL=-65, VT=-50, dT=2, a=2, tau_w=150, b=15, Vr=-55, t_ref=2,
            mu=0, sigma=15, g_can=5.0, tau_ca=50000.0,
            source="Aguiar et al. 2010 WDR neuron (input resistance ~200 MOhm) [T]; AdEx form",
            n_source="scaled network; matches Medlock 2022 projection count order",
        ),
        "excitatory_interneurons": _adex(
            n=160, C=40, gL=2, EL=-65, VT=-50, dT=2, a=0, tau_w=30, b=0, Vr=-58, t_ref=2,
            mu=0, sigma=10,
            source=f"{NAUD} (tonic), scaled to lamina II input resistance ~500 MOhm [T]",
            n_source="[T] lamina II is ~70% excitatory (Todd 2010)",
        ),
        "inhibitory_interneurons": _adex(
            n=80, C=40, gL=2, EL=-65, VT=-50, dT=2, a=0, tau_w=30, b=0, Vr=-58, t_ref=2,
            mu=10, sigma=10,
            source=f"{NAUD} (tonic) [T]",
            n_source="[T] lamina II is ~30% inhibitory (Todd 2010)",
        ),
        "spino_pag": _spino_pag(),
    },
    "rvm": {
        "on_cells": _adex(
            n=40, C=100, gL=5, EL=-60, VT=-50, dT=2, a=0, tau_w=100, b=60, Vr=-55, t_ref=2,
            mu=40, sigma=40, b_slow=1.0, tau_slow=8.0, state_gain=1.0,
            source=f"{NAUD} (bursting) [T]",
            mu_source="fitted: ON burst in 86% of heat trials (Leung & Mason 1998): 0.945 at seed 1, 0.97-1.0 at "
                      "seed 2; no background setting brings it lower (python -m experiments.calibration --only heat --seed N)",
            n_source="[T] ON, OFF, NEUTRAL each ~1/4-1/2 of recorded RVM cells; ~1.5e4 RVM cells scaled 1:150",
        ),
        "off_cells": _adex(
            n=40, C=100, gL=5, EL=-60, VT=-50, dT=2, a=0, tau_w=100, b=5, Vr=-55, t_ref=2,
            mu=60, sigma=40,
            source=f"{NAUD} (tonic) [T]",
            n_source="[T] recorded class proportions",
        ),
        "neutral_cells": _adex(
            n=20, C=100, gL=5, EL=-60, VT=-50, dT=2, a=0, tau_w=100, b=5, Vr=-55, t_ref=2,
            mu=55, sigma=30,
            source=f"{NAUD} (tonic) [T]; all NEUTRAL cells are slow-spiking (Zagon et al. 1997)",
            n_source="[T] recorded class proportions",
        ),
        "state": {
            "mean": P(0.0, "pA", "fitted: ON ongoing rate 0-10 Hz (targets section 1) [T]", "mean of the common slow drive of ON cells"),
            "sigma": P(45.0, "pA", "fitted: ON/OFF alternation over 60 s (Heinricher et al. 1989)", "s.d. of the common slow drive"),
            "tau": P(10.0, "s", "Heinricher et al. 1989: active and silent periods of seconds to minutes", "correlation time of the common slow drive"),
        },
        "fast_spiking_fraction": P(0.5, "1", "Zagon, Meng & Fields 1997 J Neurophysiol 78:2848: ON and OFF include FS and SS cells", "fraction of ON and OFF cells of the fast-spiking subtype"),
        "fast_spiking_capacitance_factor": P(0.6, "1", "Zagon et al. 1997: FS cells respond earlier to heat; faster membrane [T]", "C_m of FS cells relative to SS cells"),
    },
    "synapses": {
        "tau_ampa": P(5.0, "ms", "Aguiar et al. 2010; Medlock et al. 2022", "AMPA decay"),
        "tau_nmda_rise": P(2.0, "ms", "Aguiar et al. 2010; Medlock et al. 2022", "NMDA rise"),
        "tau_nmda_decay": P(100.0, "ms", "Aguiar et al. 2010; Medlock et al. 2022", "NMDA decay"),
        "tau_nk1_rise": P(150.0, "ms", "Aguiar et al. 2010 (NK1 rise 100-200 ms)", "NK1 (substance P) rise"),
        "tau_nk1_decay": P(2000.0, "ms", "Aguiar et al. 2010 (NK1 decay 1-3 s)", "NK1 decay"),
        "tau_gaba": P(15.0, "ms", "Medlock et al. 2022 (GABA_A 10-20 ms)", "GABA_A decay"),
        "tau_gly": P(10.0, "ms", "Medlock et al. 2022", "glycine decay"),
        "E_exc": P(0.0, "mV", "standard cation reversal", "AMPA, NMDA and NK1 reversal"),
        "E_gaba": P(-70.0, "mV", "Medlock et al. 2022 (E_GABA -70 to -80 mV)", "GABA_A reversal"),
        "E_gly": P(-75.0, "mV", "Medlock et al. 2022", "glycine reversal"),
        "E_K": P(-90.0, "mV", "standard K+ reversal", "GIRK reversal"),
        "mg_mM": P(1.0, "mM", "physiological extracellular Mg2+", "extracellular Mg2+ concentration"),
        "mg_K0": P(3.57, "mM", "Jahr & Stevens 1990 J Neurosci 10:3178", "Mg2+ dissociation constant at 0 mV"),
        "mg_slope": P(0.062, "1/mV", "Jahr & Stevens 1990", "voltage dependence of the Mg2+ block"),
        "tau_background": P(5.0, "ms", "[T] time constant of unmodelled synaptic background", "correlation time of the background current"),
        "dt_background": P(0.1, "ms", "numerical: the 0.1 ms time step, exact Ornstein-Uhlenbeck update (Gillespie 1996 Phys Rev E 54:2084); 0.5 ms runs a fifth faster but changes the noise realisation (seed-1 wind-up 2.44 / 4.74 -> 1.97 / 6.38), so it needs a refit", "interval between updates of the background current (fixed at build)"),
        "tau_nmda_ext_rise": P(10.0, "ms", "[T] slow rise of spillover NMDA currents (Nie & Weng 2009)", "extrasynaptic NMDA rise"),
        "tau_nmda_ext_decay": P(280.0, "ms", "[T] GluN2B-like extrasynaptic NMDA decay 250-300 ms (targets section 4; Nie & Weng 2010)", "extrasynaptic NMDA decay"),
        "g_nmda_pool": P(20.0, "nS", "[T] NMDA conductance of a cell with all its receptors open; sets the open fraction that gates blocker binding", "full NMDA conductance of one cell's receptor pool"),
    },
    "glutamate_clearance": {
        "spillover_base": P(0.0, "1", "[T] intact transporters confine glutamate to the cleft: spillover appears when uptake is blocked (Nie & Weng 2009 J Neurophysiol 101:2041)", "fraction of each synaptic NMDA drive reaching extrasynaptic receptors at full transporter capacity"),
        "spillover_gain": P(1.0, "1", "[T] transporter block (TBOA) raises the number and duration of activated NMDA receptors (Nie & Weng 2009)", "added spillover fraction per unit of transporter capacity lost"),
        "tonic_base": P(0.0, "nS", "[T] ambient glutamate is kept below NMDA activation by intact uptake (Nie & Weng 2010)", "tonic extrasynaptic NMDA conductance at full transporter capacity"),
        "spillover_onset": P(40.0, "nS", "fitted: above the synaptic NMDA conductance of lamina I cells during C-fibre volleys (12 nS) and 2 Hz trains (12 nS), below that during 100 Hz trains (110 nS): transporters confine glutamate at low but not at high afferent frequencies (Nie & Weng 2010 J Neurophysiol 103:2520 [T])", "synaptic NMDA conductance above which glutamate escapes the saturated transporters"),
        "spillover_saturation": P(10.0, "1", "fitted: HFS lifts lamina I Ca2+ above plasticity.theta_p, and 0.28 uM ketamine (5 mg/kg i.v. 1 h before) keeps it below (Benrath et al. 2005; tests/experiments/test_hfs_ltp.py)", "steady extrasynaptic NMDA conductance per unit of synaptic conductance above the onset"),
        "tonic_gain": P(1.0, "nS", "[T] ambient glutamate rises when uptake falls (Nie & Weng 2009)", "added tonic conductance per unit of transporter capacity lost"),
    },
    "nmda_blockers": {
        "v_ref": P(-66.0, "mV", "Kotermanski & Johnson 2009 J Neurosci 29:2774: IC50s measured at -66 mV", "potential at which the blocking rates below apply"),
        "ketamine": {
            "kon": P(3.0e4, "1/(mM*s)", "[T] open-channel blocking rate ~3e7 /M/s: 1 uM ketamine shortens NMDA openings from 3.3 to ~2.2 ms (Orser et al. 1997 Anesthesiology 86:903; MacDonald et al. 1991 J Physiol 432:483)", "blocking rate constant of open channels at v_ref"),
            "koff": P(15.0, "1/s", "fitted: IC50 0.5 uM without Mg2+ at -66 mV (0.3-0.8 uM, Kotermanski & Johnson 2009 J Neurosci 29:2774) = koff / kon", "unblocking rate of open channels"),
            "v_efold": P(30.0, "mV", "[T] electrical distance ~0.8 of the PCP site (MacDonald et al. 1991)", "hyperpolarisation that multiplies the blocking rate by e"),
            "mg_competition": P(0.87, "1", "fitted: IC50 1-5 uM in 1 mM Mg2+ at -66 mV (Kotermanski & Johnson 2009; tests/experiments/test_nmda_clamp.py)", "fraction of blocker entry prevented while Mg2+ occupies the pore"),
            "allosteric_max": P(0.8, "1", "fitted with allosteric_K: with the open-channel block, Po' 0.60 and 0.27 of control at 0.1 and 1 uM against 0.53 and 0.24 measured cell-attached (Orser, Pennefather & MacDonald 1997 Anesthesiology 86:903); acting on tonically bound receptors only (targets section 5: nanomolar ketamine spares brief synaptic activations)", "largest fraction of extrasynaptic and tonic NMDA receptors kept shut by the membrane-accessible site"),
            "allosteric_K": P(0.08, "uM", "fitted with allosteric_max (Orser et al. 1997)", "concentration for half the largest allosteric inhibition"),
        },
        "mk801": {
            "kon": P(2.5e4, "1/(mM*s)", "[T] MK-801 blocking rate ~2.5e7 /M/s (Huettner & Bean 1988 PNAS 85:1307)", "blocking rate constant of open channels at v_ref"),
            "koff": P(0.05, "1/s", "[T] near-irreversible: unblocking over minutes of channel opening (Huettner & Bean 1988)", "unblocking rate of open channels"),
            "v_efold": P(30.0, "mV", "[T] as ketamine (same pore site)", "hyperpolarisation that multiplies the blocking rate by e"),
            "mg_competition": P(0.87, "1", "[T] as ketamine (same pore site)", "fraction of blocker entry prevented while Mg2+ occupies the pore"),
        },
        "memantine": {
            "kon": P(3.0e4, "1/(mM*s)", "[T] blocking rate similar to ketamine (Blanpied et al. 1997 J Neurophysiol 77:309)", "blocking rate constant of open channels at v_ref"),
            "koff": P(30.0, "1/s", "[T] IC50 ~1 uM without Mg2+ (Kotermanski & Johnson 2009): faster unblocking than ketamine", "unblocking rate of open channels"),
            "v_efold": P(30.0, "mV", "[T] electrical distance ~0.8 (Blanpied et al. 1997)", "hyperpolarisation that multiplies the blocking rate by e"),
            "mg_competition": P(0.87, "1", "[T] as ketamine (same pore site)", "fraction of blocker entry prevented while Mg2+ occupies the pore"),
        },
    },
    "calcium": {
        "ca_rest": P(0.05, "uM", "[T] resting intracellular Ca2+ 50-100 nM", "resting Ca2+"),
        "nmda_ca_gain": P(0.014, "uM/(pA*s)", "fitted: wind-up ratio 2-5 at 0.5 and 1 Hz (tests/experiments/test_windup.py); ~10% of NMDA current is carried by Ca2+ (Schneggenburger et al. 1993)", "Ca2+ rise per inward NMDA current"),
        "K_can": P(2.0, "uM", "fitted: wind-up needs Ca2+ summed over several stimuli (tests/experiments/test_windup.py); TRPM4 half-activation ~1-10 uM [T]", "Ca2+ for half-maximal CAN activation"),
        "n_can": P(4.0, "1", "fitted: wind-up builds after several stimuli and is NMDA-dependent (tests/experiments/test_windup.py); cooperative Ca2+ activation [T]", "Hill coefficient of CAN activation by Ca2+"),
        "rebound_ca_rate": P(65.0, "uM/s", "fitted: Ca2+ crosses plasticity.theta_p in lamina I (tau_ca 0.5 s) at a withdrawal rebound of 0.1, reached after an abrupt stop of a 60-min remifentanil infusion (450 ug/kg/h) but not during a 30-min taper, which keeps it below 0.03 (Drdla et al. 2009 Science 325:207; tests/experiments/test_withdrawal_ltp.py)", "Ca2+ entry through unblocked NMDA receptors per unit of withdrawal rebound"),
    },
    "plasticity": {
        "theta_d": P(0.5, "uM", "fitted: no depression at baseline activity, calcium control hypothesis (Shouval et al. 2002)", "Ca2+ above which potentiation decays"),
        "theta_p": P(3.25, "uM", "fitted: between the peak lamina I Ca2+ of a 100 Hz train with 0.28 uM ketamine (2.8 uM; 2.2 uM without spillover) and without it (3.7 uM; scale 0.5, seed 1, median over cells): LTP induction needs extrasynaptic GluN2B-containing receptors (Pedersen & Gjerstad 2008 Acta Physiol 192:421 [T]) and S(+)-ketamine 1 h before HFS prevents it (Benrath et al. 2005; tests/experiments/test_hfs_ltp.py)", "Ca2+ above which the C-fibre input potentiates"),
        "k_ltp": P(5.0, "1/s", "fitted at seed 1, scale 0.5: four 100 Hz trains potentiate the C-fibre input by 0.82 of baseline efficacy and the lamina I response to 167% in the first hour (Benrath et al. 2004, 2005: 149-173%; tests/experiments/test_hfs_ltp.py)", "rate of early potentiation while Ca2+ is above theta_p"),
        "k_ltd": P(0.1, "1/s", "fitted: depression between theta_d and theta_p is slower than potentiation, so the Ca2+ tail of a train (about 1 s) keeps most of its LTP (calcium control hypothesis, Shouval et al. 2002)", "rate of depotentiation while Ca2+ is between theta_d and theta_p"),
        "ltp_max": P(1.1, "1", "fitted at seed 1, scale 0.5: HFS LTP 150% (Benrath et al. 2004: 149 +- 12%; tests/experiments/test_hfs_ltp.py) and abrupt-withdrawal LTP 178% (Drdla et al. 2009: 150-200% [T]; tests/experiments/test_withdrawal_ltp.py) of the C-fibre-evoked lamina I response, which grows less than the synaptic weight", "maximal early potentiation (fraction of baseline efficacy)"),
    },
    "opioid_actions": {
        "girk_on_cells": P(30.0, "nS", "fitted: MOR opens GIRK channels on ON cells (Heinricher, Morgan & Fields 1992); morphine 2.5 mg/kg i.v. (RVM MOR activation ~0.37) abolishes the ON burst, so OFF cells fire through withdrawal without pausing (Fields et al. 1991; Heinricher et al. 1994): lowest 1-s OFF rate 0.87 of the ongoing rate at 30 nS, 0.01 at 10 nS (fitting sweep experiments/fits/off_continuity.toml; tests/experiments/test_acute_opioid.py)", "GIRK conductance of ON cells at full MOR activation (divided by the CCK drive)"),
        "girk_dorsal_horn": P(1.0, "nS", "[T] postsynaptic MOR on lamina I and II neurons is weak next to the presynaptic action (Drdla et al. 2009)", "GIRK conductance of dorsal horn neurons at full MOR activation"),
        "release_c_fibre": P(0.7, "1", "[T] C-fibre field potentials depressed during opioid infusion with raised paired-pulse ratio (Heinl et al. 2011 J Neurosci 31:16748)", "maximal presynaptic inhibition of C-fibre glutamate release"),
        "release_gaba_on_off": P(0.8, "1", "[T] opioids inhibit GABA release onto RVM OFF cells (Heinricher et al. 1992; Vaughan & Christie 1997)", "maximal presynaptic inhibition of GABA release onto OFF cells"),
        "cck_on_cells": P(60.0, "pA", "fitted: CCK excites ON cells and opposes MOR on them (Heinricher, McGaraughty & Tortorici 2001 J Neurophysiol 85:280 [T]; the model divides the ON-cell GIRK conductance by the CCK drive), so by day 3 of continuous morphine ON cells fire above their drug-free rate (more ON cells under chronic morphine: Meng & Harasawa 2007 Life Sci; RVM CCK2 antagonist reverses the hypersensitivity: Xie et al. 2005 J Neurosci 25:409) (fitting sweep experiments/fits/chronic_oih.toml; tests/experiments/test_chronic_opioid.py)", "depolarising current onto ON cells per unit of CCK drive above baseline"),
        "rebound_on_cells": P(300.0, "pA", "fitted: naloxone after acute morphine drives ON cells above their pre-morphine rate (Bederson, Fields & Barbaro 1990 Somatosens Mot Res 7:185) and, through the descending facilitation, shortens the withdrawal latency below baseline (Kaplan & Fields 1991 J Neurosci 11:1433); alone it brings OFF cells near silence only at 750 pA (ON 12.5-fold, OFF 0.11), which raises the evoked lamina I responses after remifentanil withdrawal to 278% through the ON-driven afferent gain, so OFF silence comes from rebound_off_cells; cAMP superactivation in MOR-carrying RVM neurons after withdrawal [T] (fitting sweep experiments/fits/naloxone_withdrawal.toml; tests/experiments/test_withdrawal.py)", "depolarising current onto ON cells per unit of RVM withdrawal rebound"),
        "rebound_off_cells": P(200.0, "pA", "fitted: naloxone-precipitated withdrawal after acute morphine brings OFF cells near silence (Bederson, Fields & Barbaro 1990 Somatosens Mot Res 7:185): OFF 0.20 of baseline at 150 pA, 0.10 at 200, 0.05 at 250, 0 at 500 (scale 0.5, seed 1); at 250 pA the inhibition during the washout of 4 x 100 ug/kg fentanyl takes the last of the morphine effect 4 h later (loss 100.1%, Laulin et al. 2002: 85%); withdrawal raises GABA release from MOR-carrying GABAergic terminals through cAMP/PKA superactivation (Bonci & Williams 1997 J Neurosci 17:796; Hack, Vaughan & Christie 2003 Neuropharmacology 45:575), here the mean current of that extra release onto OFF cells, which, unlike the phasic GABA of ON-cell spikes, does not follow the ON cells' cycling (fitting sweep experiments/fits/naloxone_withdrawal.toml; tests/experiments/test_withdrawal.py)", "hyperpolarising current onto OFF cells per unit of RVM withdrawal rebound"),
    },
    "descending_facilitation": {
        "tau": P(10.0, "s", "[T] RVM-evoked facilitation of spinal nociceptive responses builds and fades over seconds to tens of seconds (Zhuo & Gebhart 1997 J Neurophysiol 78:746)", "averaging time of a dorsal horn cell's ON-cell input rate"),
        "max": P(4.0, "1", "fitted: naloxone-precipitated withdrawal after acute morphine lowers the heat withdrawal latency (Kaplan & Fields 1991 J Neurosci 11:1433: ~20%) and the paw withdrawal threshold (Bederson, Fields & Barbaro 1990 Somatosens Mot Res 7:185) below baseline through the RVM, while RVM lidocaine leaves naive latency and threshold unchanged (Kaplan & Fields 1991; Vanderah et al. 2001) (fitting sweep experiments/fits/descending_facilitation.toml; tests/experiments/test_withdrawal.py)", "largest presynaptic facilitation of C-fibre and A-delta release (added to 1)"),
        "half_rate": P(10.0, "Hz", "fitted: naloxone-precipitated withdrawal after acute morphine lowers the heat withdrawal latency (Kaplan & Fields 1991 J Neurosci 11:1433: ~20%) and the paw withdrawal threshold (Bederson, Fields & Barbaro 1990 Somatosens Mot Res 7:185) below baseline through the RVM, while RVM lidocaine leaves naive latency and threshold unchanged (Kaplan & Fields 1991; Vanderah et al. 2001) (fitting sweep experiments/fits/descending_facilitation.toml; tests/experiments/test_withdrawal.py); the ongoing ON rate of a naive rat is ~1 Hz, ~12 Hz in withdrawal", "mean ON-cell partner rate that gives half the largest facilitation"),
        "rebound_gain": P(17.0, "1", "fitted: the facilitation acts in opioid withdrawal only: a 5-HT3 antagonist (ondansetron) reverses the hyperalgesia of morphine abstinence and leaves drug-naive mice unchanged (Chu et al. 2009 Pharmacogenet Genomics 19:193; Liang, Li & Clark 2011 Anesthesiology 114:1180), so an ON-cell spike counts in the trace in proportion to the RVM withdrawal rebound (0.15 in the naloxone block after 2.5 mg/kg morphine, 0 drug-free) (fitting sweep experiments/fits/descending_facilitation.toml; tests/experiments/test_withdrawal.py)", "weight of an ON-cell spike in the facilitation trace per unit of RVM withdrawal rebound"),
        "hill": P(4.0, "1", "fitted: naloxone-precipitated withdrawal after acute morphine lowers the heat withdrawal latency (Kaplan & Fields 1991 J Neurosci 11:1433: ~20%) and the paw withdrawal threshold (Bederson, Fields & Barbaro 1990 Somatosens Mot Res 7:185) below baseline through the RVM, while RVM lidocaine leaves naive latency and threshold unchanged (Kaplan & Fields 1991; Vanderah et al. 2001) (fitting sweep experiments/fits/descending_facilitation.toml; tests/experiments/test_withdrawal.py); a steep function, so brief stimulus-evoked ON bursts in naive rats add little (fixed at build)", "Hill coefficient of the facilitation against the ON rate"),
    },
    "connections": {},  # filled below
    "heat": {
        "T_base": P(32.0, "kelvin", "[T] resting skin temperature ~32 C (as kelvin above 0 C)", "skin temperature before the ramp (C)"),
        "ramp_rate": P(5.0, "kelvin/second", "[T] radiant-heat tail flick rises ~4-6 C/s", "rate of skin heating"),
        "T_max": P(60.0, "kelvin", "[T] plateau of the radiant heat source (C)", "maximum skin temperature (C)"),
        "tau_cool": P(1.0, "s", "[T] skin cooling after the lamp is switched off", "cooling time constant"),
        "cutoff": P(10.0, "s", "tail-flick cut-off 10 s (targets section 7)", "ramp ends without withdrawal at this latency"),
    },
    "withdrawal": {
        "tau_reflex": P(200.0, "ms", "[T] motor integration time of the withdrawal reflex", "time constant of the WDR population-rate estimate"),
        "rate_threshold": P(35.0, "Hz", "fitted: baseline tail-flick latency 2.5-4 s (targets section 7) and ON/OFF onset 100-500 ms before it (tests/experiments/test_heat_trials.py)", "WDR population rate that triggers withdrawal"),
        "refractory": P(2.0, "s", "one withdrawal per stimulus", "dead time after a withdrawal"),
    },
}


def _pathway(k, source, *, ampa=0.0, nmda=0.0, nk1=0.0, gaba=0.0, gly=0.0, delay=1.0, doc=""):
    """A projection: in-degree ``k`` (kept under scaling) and peak conductances per synapse."""
    weight_source = "fitted: targets of tests/circuits (force-response, heat trials, RVM cycling)"
    return {
        "k": P(k, "count", source, f"in-degree (presynaptic partners per cell). {doc}".strip()),
        "w_ampa": P(ampa, "nS", weight_source, "peak AMPA conductance per synapse"),
        "w_nmda": P(nmda, "nS", weight_source, "peak NMDA conductance per synapse (before Mg block)"),
        "w_nk1": P(nk1, "nS", weight_source, "peak NK1 (substance P) conductance per synapse"),
        "w_gaba": P(gaba, "nS", weight_source, "peak GABA_A conductance per synapse"),
        "w_gly": P(gly, "nS", weight_source, "peak glycine conductance per synapse"),
        "delay": P(delay, "ms", "[T] local axonal and synaptic delay" if delay <= 2 else source, "synaptic delay"),
    }


MEDLOCK_P = "Medlock et al. 2022: connection probability 0.2"
DEFAULTS["connections"] = {
    # primary afferents onto dorsal horn
    "c_peptidergic_to_lamina1_nk1r": _pathway(16, MEDLOCK_P, ampa=0.135, nmda=0.135, nk1=0.009, doc="peptidergic C (substance P) onto NK1R+ cells"),
    "c_peptidergic_to_excitatory_interneurons": _pathway(16, MEDLOCK_P, ampa=0.5, nmda=0.05),
    "c_nonpeptidergic_to_excitatory_interneurons": _pathway(16, MEDLOCK_P, ampa=0.5, nmda=0.05),
    "c_peptidergic_to_wdr": _pathway(16, MEDLOCK_P, ampa=0.4, nmda=0.16, nk1=0.016, doc="Aguiar et al. 2010: C input and NK1 onto WDR"),
    "adelta_to_lamina1_nk1r": _pathway(4, MEDLOCK_P, ampa=0.225, nmda=0.09),
    "adelta_to_wdr": _pathway(4, "Aguiar et al. 2010: 20 A-delta synapses onto the WDR", ampa=0.4, nmda=0.16),
    "abeta_to_wdr": _pathway(4, MEDLOCK_P, ampa=0.4, nmda=0.08),
    "abeta_to_inhibitory_interneurons": _pathway(4, MEDLOCK_P, ampa=1.0, nmda=0.1, doc="gate control: A-beta drive of inhibition"),
    # local dorsal horn
    "excitatory_interneurons_to_lamina1_nk1r": _pathway(32, MEDLOCK_P, ampa=0.135, nmda=0.09),
    "excitatory_interneurons_to_wdr": _pathway(32, MEDLOCK_P, ampa=0.24, nmda=0.08),
    "inhibitory_interneurons_to_lamina1_nk1r": _pathway(16, MEDLOCK_P, gaba=0.5, gly=0.5),
    "inhibitory_interneurons_to_wdr": _pathway(16, MEDLOCK_P, gaba=0.5, gly=0.5),
    "inhibitory_interneurons_to_excitatory_interneurons": _pathway(16, MEDLOCK_P, gaba=0.5, gly=0.5),
    # ascending relay to the RVM
    "lamina1_nk1r_to_on_cells": _pathway(3, "[T] sparse lamina I relay to RVM via parabrachial/PAG (Fields 2004); NK1 receptors on RVM ON cells prolong their response (Budai et al. 2007 J Neurophysiol 97:1388)", ampa=8.0, nmda=1.0, nk1=0.1, delay=50.0),
    "wdr_to_on_cells": _pathway(3, "[T] sparse deep dorsal horn relay to RVM", ampa=2.0, nmda=1.0, delay=50.0),
    # RVM
    "on_cells_to_on_cells": _pathway(10, "[T] recurrent excitation supports the sustained ON burst (Leung & Mason 1998)", ampa=0.3, nmda=0.2,
                                     doc="NMDA 0.2 nS: at 0.3 nS ON cells excited in withdrawal fell into a self-sustained state near 450 Hz "
                                         "(refractory-limited, far above recorded ON bursts) for the rest of a run (experiments/fits/descending_facilitation.toml)"),
    "on_cells_to_off_cells": _pathway(10, "Heinricher et al. 1992: OFF activation by opioids is disinhibition from ON cells (Fields 2004)", gaba=4.0),
    "off_cells_to_on_cells": _pathway(10, "[T] mutual inhibition gives ON/OFF anti-phase (Heinricher et al. 1989)", gaba=0.3),
    # descending control via the dorsolateral funiculus
    "on_cells_to_wdr": _pathway(10, "Fields 2004; Vanderah et al. 2001: ON cells facilitate via the DLF; weights fitted so RVM lidocaine leaves baseline latency within 10% (Kaplan & Fields 1991; python -m experiments.calibration)", ampa=0.03, nmda=0.01, delay=20.0,
                                doc="NMDA 0.01 nS with WDR g_can 5 nS: the wind-up fit after ON->ON NMDA 0.2 nS (experiments/fits/windup_seeds.toml)"),
    "on_cells_to_lamina1_nk1r": _pathway(10, "Fields 2004: descending facilitation", ampa=0.05, nmda=0.025, delay=20.0),
    "off_cells_to_wdr": _pathway(10, "Fields 2004: OFF cells inhibit nociceptive transmission; weight fitted so RVM lidocaine leaves baseline latency within 10% (Kaplan & Fields 1991)", gaba=0.7, delay=20.0),
    "off_cells_to_lamina1_nk1r": _pathway(10, "Fields 2004: descending inhibition", gaba=0.5, delay=20.0),
    # spino-PAG lamina I neurons: the afferent and local input of the NK1R+ cells (last, so the
    # partners drawn for the pathways above stay those of the seed)
    "c_peptidergic_to_spino_pag": _pathway(16, MEDLOCK_P, ampa=0.135, nmda=0.135, nk1=0.009,
                                           doc="peptidergic C (substance P) onto spino-PAG cells (Ikeda et al. 2006)"),
    "adelta_to_spino_pag": _pathway(4, MEDLOCK_P, ampa=0.225, nmda=0.09),
    "excitatory_interneurons_to_spino_pag": _pathway(32, MEDLOCK_P, ampa=0.135, nmda=0.09),
    "inhibitory_interneurons_to_spino_pag": _pathway(16, MEDLOCK_P, gaba=0.5, gly=0.5),
}

#: Pathways that run through the dorsolateral funiculus (cut by ``dlf_lesion``).
DESCENDING_PATHWAYS = tuple(name for name in DEFAULTS["connections"] if name.split("_to_")[0] in ("on_cells", "off_cells") and name.split("_to_")[1] in ("wdr", "lamina1_nk1r", "excitatory_interneurons"))

# Pharmacokinetic and receptor parameters live beside the PK model that uses them.
from .pharmacokinetics import PK_PARAMETERS  # noqa: E402  (needs Param, defined above)

DEFAULTS["pharmacokinetics"] = PK_PARAMETERS

# Parameters of the slow adaptive states (desensitisation, CCK, transporters, AC superactivation,
# LTP consolidation) live beside the slow-layer model that uses them.
from .adaptation import ADAPTATION_PARAMETERS  # noqa: E402  (needs Param, defined above)

DEFAULTS["adaptation"] = ADAPTATION_PARAMETERS
