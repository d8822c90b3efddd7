"""The two-time-scale engine: dosing, pharmacokinetics and adaptive states (slow layer) coupled
to probes of the spiking network (fast layer), as in ``shared/design.md`` section 1.

:class:`CoupledRun` holds one built :class:`~experiments.engine.FastLayer`, a dosing regimen
and the slow state (``circuits.adaptation.SlowState``). Its clock moves in two ways:

- :meth:`CoupledRun.advance` integrates the slow layer from the current time to a later one,
  driven by the MOR occupancy of the regimen's effect-site concentrations (exact PK,
  ``circuits.pharmacokinetics``) and by the NMDA activity that the last probe measured;
- :meth:`CoupledRun.probe` runs the fast layer once at the current time, in the state the slow
  layer and the drugs set (:class:`circuits.Modulation`: MOR activation after desensitisation,
  blocker concentration, RVM CCK drive, transporter capacity, withdrawal rebound, early and
  consolidated potentiation of the plastic cells), and reads back what the slow layer needs:
  the early potentiation of each plastic C-fibre synapse after the probe (so plastic weights
  carry from probe to probe), the NMDA activity of the dorsal horn, the unblocked fraction of
  synaptic NMDA receptors at the end of the probe (1 drug-free; an open-channel blocker lowers it
  with use), and the descending facilitatory drive, the mean ON-cell rate of the probe times the
  intact fraction of the ON cells' spinal pathways (``adaptation.descending_drive``). NMDA activity during exposure is what drives the NMDA-dependent adaptations, which
  is why a blocker given with the opioid prevents them and one given later does not undo them.

The probe duration is fixed by the build (one compiled network serves every probe); each probe
starts from the network's initial state except for the run arguments, which carry the slow state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from circuits import Modulation, ParameterSet
from circuits import adaptation
from circuits import pharmacokinetics as pk
from circuits.circuit import DESCENDING_PATHWAYS, SPINAL_POPULATIONS

from .engine import FastLayer, RunArgs

#: PK sampling step of the occupancy that drives the slow layer between probes (s); the slow
#: layer interpolates linearly between samples (``adaptation.SlowDrive``).
OCCUPANCY_STEP_S = 60.0


@dataclass
class ProbeRecord:
    """One probe: its time, the state it ran in and what it returned."""

    time_s: float
    modulation: Modulation
    states: dict[str, float]
    spikes: dict
    nmda_activity: float
    descending_drive: float
    #: early potentiation of each plastic cell after the probe (extrapolated when sampled)
    early_after: np.ndarray


class CoupledRun:
    """A dosing regimen applied to one built fast layer over minutes to days."""

    def __init__(self, layer: FastLayer, params: ParameterSet, regimen: pk.Regimen, *, species: str = "rat",
                 blocker: str = "ketamine", start_s: float = 0.0):
        self.layer, self.params, self.regimen = layer, params, list(regimen)
        self.species, self.blocker = species, blocker
        self._plastic = layer.circuit.plastic_cells()
        #: slice of the slow layer's per-cell arrays held by each plastic population
        self.plastic_classes = layer.circuit.plastic_classes()
        self.state = adaptation.initial_state(sum(stop - first for _, first, stop in self._plastic), params)
        self.time_s = float(start_s)
        self.nmda_activity = 1.0
        self.descending_drive = 0.0
        circuit = layer.circuit
        self._on_cells = circuit.indices("on_cells")
        self._on_output = [circuit.pathways[name][:3] for name in DESCENDING_PATHWAYS if name.startswith("on_cells")]
        self._spinal_cells = np.concatenate([layer.circuit.indices(p) for p in SPINAL_POPULATIONS])

    # -- slow layer -----------------------------------------------------------------------------
    def concentrations_uM(self, times_s, site: str = "spinal", extra: pk.Regimen = ()) -> dict[str, np.ndarray]:
        """Unbound effect-site concentration of each drug of the regimen (plus ``extra`` doses) at
        ``times_s``, at the ``spinal`` cord (systemic plus intrathecal drug) or in the ``rvm``
        (systemic drug only: intrathecal drug acts spinally)."""
        if site not in ("spinal", "rvm"):
            raise ValueError(f"unknown site {site!r} (spinal or rvm)")
        times_s = np.atleast_1d(np.asarray(times_s, dtype=float))
        regimen = self.regimen + list(extra)
        if not regimen:
            return {}
        result = pk.simulate(regimen, self.species, times_s, self.params)
        if site == "spinal":
            return result.effect
        return {drug: c - result.spinal_it.get(drug, 0.0) for drug, c in result.effect.items()}

    def occupancy(self, times_s, site: str = "spinal", extra: pk.Regimen = ()) -> np.ndarray:
        """Efficacy-weighted MOR occupancy (0..1) at ``site`` before desensitisation: the slow layer's drive."""
        _, activation = pk.mor_occupancy(self.concentrations_uM(times_s, site, extra), self.params, species=self.species)
        return np.broadcast_to(activation, np.shape(np.atleast_1d(times_s))).astype(float)

    def _activation(self, now: list[float], site: str, extra: pk.Regimen) -> float:
        """MOR activation at ``site`` after the slow (efficacy) and acute (potency) desensitisation."""
        _, activation = pk.mor_occupancy(self.concentrations_uM(now, site, extra), self.params, species=self.species,
                                         desensitisation=self.state.desensitisation,
                                         potency_loss=self.state.acute_desensitisation)
        return float(np.clip(np.ravel(activation)[0], 0.0, 1.0))

    def advance(self, t1_s: float) -> None:
        """Integrate the slow layer to ``t1_s`` under the regimen and the last measured NMDA activity."""
        if t1_s < self.time_s:
            raise ValueError(f"cannot advance backwards from {self.time_s} s to {t1_s} s")
        if t1_s == self.time_s:
            return
        n = max(2, int(np.ceil((t1_s - self.time_s) / OCCUPANCY_STEP_S)) + 1)
        grid = np.linspace(self.time_s, t1_s, n)
        drive = adaptation.SlowDrive(occupancy_spinal=self.occupancy(grid), occupancy_rvm=self.occupancy(grid, "rvm"),
                                     nmda_activity=self.nmda_activity, times_s=grid,
                                     descending_drive=self.descending_drive)
        self.state = adaptation.advance(self.state, self.time_s, t1_s, drive, self.params)
        self.time_s = float(t1_s)

    def modulation(self, extra: pk.Regimen = ()) -> Modulation:
        """The fast layer's drug and slow state at the current time (with ``extra`` doses)."""
        now = [self.time_s]
        spinal, rvm = self.occupancy(now, extra=extra)[0], self.occupancy(now, "rvm", extra)[0]
        blocker_uM = float(self.concentrations_uM(now, extra=extra).get(self.blocker, [0.0])[0])
        return Modulation(
            mor_spinal=self._activation(now, "spinal", extra), mor_rvm=self._activation(now, "rvm", extra),
            blocker=self.blocker, blocker_uM=blocker_uM,
            cck_drive=self.state.cck_drive, transporter_capacity=self.state.transporter_capacity,
            afferent_gain=self.state.afferent_gain * self.state.afferent_potentiation,
            rebound=adaptation.rebound(self.state, float(spinal), self.params),
            rebound_rvm=adaptation.rebound(self.state, float(rvm), self.params, site="rvm"),
            ltp_early=self.state.early.copy(), ltp_late=self.state.consolidated.copy())

    # -- fast layer -----------------------------------------------------------------------------
    def probe(self, run_args: Callable[[Modulation], RunArgs], *, represents_s: float | None = None) -> ProbeRecord:
        """Run the fast layer now with ``run_args(modulation)``; carry its plasticity back.

        Without ``represents_s`` the probe is the event itself (a conditioning train): the early
        potentiation after it is carried as it is. With ``represents_s`` the probe is a sample
        of conditions that hold for that long (ongoing activity during withdrawal): the change
        it induced is extrapolated over ``represents_s`` (see :func:`extrapolate_induction`)."""
        modulation = self.modulation()
        states = self.state.scalars(self.plastic_classes)
        before = self.state.early.copy()
        spikes = self.layer.run(run_args(modulation))
        after = np.concatenate([np.asarray(self.layer.read(owner, "ltp_early")[first:stop], dtype=float)
                                for owner, first, stop in self._plastic])
        if represents_s is not None:
            after = extrapolate_induction(before, after, represents_s / float(self.layer.duration),
                                          float(self.params["plasticity.ltp_max"]))
        self.state.early = after
        blocked = np.asarray(self.layer.read("neurons", "blocked_syn"), dtype=float)[self._spinal_cells]
        self.nmda_activity = float(np.mean(1.0 - blocked))
        self.descending_drive = adaptation.descending_drive(self._on_output_rate(spikes), self.params)
        return ProbeRecord(self.time_s, modulation, states, spikes, self.nmda_activity, self.descending_drive,
                           after.copy())

    def _on_output_rate(self, spikes: dict) -> float:
        """Mean ON-cell rate of a probe (Hz) times the intact fraction of their spinal pathways."""
        rate = len(spikes["on_cells"][0]) / (len(self._on_cells) * float(self.layer.duration))
        intact = np.concatenate([np.asarray(self.layer.read(owner, "intact"), dtype=float)[start:stop]
                                 for owner, start, stop in self._on_output])
        return rate * float(np.mean(intact))


    def run_only(self, run_args: Callable[[Modulation], RunArgs], extra: pk.Regimen = ()) -> dict:
        """Run the fast layer now with ``run_args(modulation)`` and return its spikes, carrying
        nothing back to the slow layer (a behavioural test whose effect on the adaptive states is
        negligible next to the hours between tests). ``extra`` doses act in this run only: an
        acute drug challenge on top of the regimen, as in a dose-response test."""
        return self.layer.run(run_args(self.modulation(extra)))


def extrapolate_induction(before: np.ndarray, after: np.ndarray, repeats: float, ltp_max: float) -> np.ndarray:
    """Early potentiation after ``repeats`` probes' worth of the conditions one probe sampled.

    The plasticity rule (``circuits.synapses``) moves each synapse a fraction of the way towards
    ``ltp_max`` (potentiation) or towards 0 (depression) at each presynaptic spike, so under
    constant conditions the remaining distance shrinks geometrically: a probe that closed a
    fraction f of it closes ``1 - (1 - f)**repeats`` over ``repeats`` probes (the fast layer
    measures the rate, the slow clock applies it: E & Engquist 2003 heterogeneous multiscale
    method)."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    out = after.copy()
    up = after > before
    gap = np.maximum(ltp_max - before[up], 1e-12)
    f = np.clip((after[up] - before[up]) / gap, 0.0, 1.0)
    out[up] = ltp_max - (ltp_max - before[up]) * (1.0 - f) ** repeats
    down = (after < before) & (before > 0)
    f = np.clip((before[down] - after[down]) / before[down], 0.0, 1.0)
    out[down] = before[down] * (1.0 - f) ** repeats
    return out
