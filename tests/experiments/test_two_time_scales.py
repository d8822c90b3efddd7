"""The two-time-scale engine couples pharmacokinetics and adaptive states to probes of the fast
layer. A stand-in fast layer (no Brian2 network) reports what a real probe would: the early
potentiation of the plastic synapses after the run and the blocked fraction of NMDA receptors,
so these tests check the coupling itself; the science of the probes is tested with the protocols."""

from types import SimpleNamespace

import numpy as np
import pytest

from circuits import ParameterSet
from circuits import pharmacokinetics as pk
from circuits.parameters import DESCENDING_PATHWAYS
from experiments.two_time_scales import CoupledRun, extrapolate_induction

N_CELLS, N_PLASTIC = 12, 5
HOUR, DAY = 3600.0, 86400.0
LTP_MAX = float(ParameterSet()["plasticity.ltp_max"])


class StandInLayer:
    """Records the modulation of each probe; each run adds ``induced`` early potentiation to the
    plastic cells it was given, leaves NMDA receptors ``blocked`` (fraction) and lets its
    ``N_CELLS`` ON cells fire at ``on_hz`` through descending pathways ``intact`` (fraction)."""

    duration = 10.0  # s of fast time per probe

    def __init__(self, induced=0.0, blocked=0.0, closes=0.0, on_hz=0.0, intact=1.0):
        self.induced, self.blocked, self.closes, self.seen = induced, blocked, closes, []
        self.on_hz, self.intact = on_hz, intact
        self._early = np.zeros(N_PLASTIC)
        half = N_PLASTIC // 2
        self.circuit = SimpleNamespace(plastic_cells=lambda: [("neurons", 2, 2 + half), ("neurons", 2 + half, 2 + N_PLASTIC)],
                                       plastic_classes=lambda: {"lamina1_nk1r": slice(0, half),
                                                                "spino_pag": slice(half, N_PLASTIC)},
                                       indices=lambda population: np.arange(N_CELLS),
                                       pathways={name: ("central_synapses", 0, 4, 4) for name in DESCENDING_PATHWAYS})

    def run(self, run_args):
        self.seen.append(run_args)
        early = np.asarray(run_args.ltp_early, dtype=float)
        self._early = early + self.induced + self.closes * (LTP_MAX - early)
        n_spikes = int(round(self.on_hz * N_CELLS * self.duration))
        return {"on_cells": (np.linspace(0.0, 1000.0 * self.duration, n_spikes), np.zeros(n_spikes, dtype=np.uint64))}

    def read(self, owner, variable):
        if variable == "ltp_early":
            return np.concatenate([np.zeros(2), self._early, np.zeros(3)])
        if variable == "intact":
            return np.full(4, self.intact)
        return np.full(N_CELLS, self.blocked)


def passthrough(modulation):
    return modulation


def test_potentiation_induced_in_one_probe_carries_into_the_next():
    """Plastic weights carry from probe to probe: what one probe induced is the next probe's
    starting potentiation (less the decay of early LTP in between)."""
    layer = StandInLayer(induced=0.2)
    run = CoupledRun(layer, ParameterSet(), [])
    run.probe(passthrough)
    run.advance(60.0)
    second = run.probe(passthrough)
    assert np.all(second.modulation.ltp_early > 0.15) and np.all(second.modulation.ltp_early <= 0.2)
    assert np.all(run.state.early > second.modulation.ltp_early)  # the second probe added more


def test_nmda_block_measured_in_a_probe_prevents_cck_growth_during_morphine():
    """RVM CCK drive grows several-fold over 3 days of a 100 mg/kg/day morphine pump (Xie et al. 2005) when NMDA
    receptors work, and not when the fast layer reports them blocked (Dunbar & Yaksh 1996)."""
    regimen = [pk.Pump("morphine", 100.0, "mg/kg/day", start=0.0, stop=7 * DAY)]
    outcome = {}
    for blocked in (0.0, 1.0):
        run = CoupledRun(StandInLayer(blocked=blocked), ParameterSet(), regimen)
        for day in range(1, 4):
            run.probe(passthrough)
            run.advance(day * DAY)
        outcome[blocked] = run.state.cck_drive
    assert outcome[0.0] >= 2.5
    assert outcome[1.0] == pytest.approx(1.0, abs=0.01)


def test_probe_carries_the_drug_state_of_its_time():
    """During a remifentanil infusion the probe runs with the MOR activation of its time: the
    occupancy (above 0.8 at 450 ug/kg/h) at the potency that acute desensitisation has left
    (remifentanil's c/K times 1 - D_a), times the efficacy that the slow desensitisation has left;
    10 min after an abrupt stop (effect-site remifentanil below 10% in the rat) the activation has
    fallen to under a quarter and a withdrawal rebound drives the lamina I cells (Drdla et al.
    2009)."""
    regimen = [pk.Infusion("remifentanil", 450.0, "ug/kg/h", start=0.0, stop=HOUR)]
    run = CoupledRun(StandInLayer(), ParameterSet(), regimen)
    run.advance(50 * 60.0)
    record = run.probe(passthrough)
    during = record.modulation
    occupancy = float(run.occupancy([50 * 60.0])[0])
    ratio = occupancy / (1.0 - occupancy) * (1.0 - record.states["acute_desensitisation"])
    expected = (1.0 - record.states["desensitisation"]) * ratio / (1.0 + ratio)
    run.advance(HOUR + 10 * 60.0)
    after = run.probe(passthrough).modulation
    assert occupancy > 0.8 and record.states["acute_desensitisation"] > 0.0
    assert during.mor_spinal == pytest.approx(expected, rel=1e-9) and during.rebound == 0.0
    assert after.mor_spinal < 0.25 * during.mor_spinal and after.rebound > 0.1


def test_blocker_concentration_follows_its_pharmacokinetics():
    """Ketamine in the regimen reaches the probe as its unbound effect-site concentration."""
    regimen = [pk.Dose("ketamine", 10.0, "mg/kg", route="sc", time=0.0)]
    run = CoupledRun(StandInLayer(), ParameterSet(), regimen)
    run.advance(20 * 60.0)
    early = run.probe(passthrough).modulation.blocker_uM
    run.advance(8 * HOUR)
    late = run.probe(passthrough).modulation.blocker_uM
    assert early > 1.0 and late < 0.1 * early


def test_the_slow_clock_cannot_run_backwards():
    run = CoupledRun(StandInLayer(), ParameterSet(), [])
    run.advance(10.0)
    with pytest.raises(ValueError, match="backwards"):
        run.advance(5.0)


def test_a_sampled_probe_is_extrapolated_geometrically():
    """The rule closes a fraction of the distance to its bound at each spike, so 10 probes' worth
    of a probe that closed 10% closes 1 - 0.9**10 = 65%; depression shrinks geometrically too."""
    before = np.array([0.0, 0.4, 0.4])
    after = np.array([0.1 * LTP_MAX, 0.4 + 0.1 * (LTP_MAX - 0.4), 0.36])
    out = extrapolate_induction(before, after, 10.0, LTP_MAX)
    assert out[0] == pytest.approx(LTP_MAX * (1 - 0.9 ** 10), rel=1e-9)
    assert out[1] == pytest.approx(LTP_MAX - (LTP_MAX - 0.4) * 0.9 ** 10, rel=1e-9)
    assert out[2] == pytest.approx(0.4 * 0.9 ** 10, rel=1e-9)


def test_induction_over_an_interval_does_not_depend_on_how_often_it_is_probed():
    """30 min of the same conditions give the same potentiation probed every 5 or every 15 min."""
    final = []
    for every_min in (5, 15):
        run = CoupledRun(StandInLayer(closes=0.002), ParameterSet(), [])
        for k in range(30 // every_min):
            run.probe(passthrough, represents_s=every_min * 60.0)
            run.advance((k + 1) * every_min * 60.0)
        final.append(run.state.potentiation.mean())
    assert final[0] > 0.1
    assert final[0] == pytest.approx(final[1], rel=0.05)


@pytest.mark.parametrize("intact,expected", [(1.0, 1.0), (0.0, 0.0)])
def test_on_cell_output_through_the_dlf_drives_the_afferent_gain(intact, expected):
    """The probe measures the descending facilitatory drive from the ON cells' spikes: ON cells
    at twice the reference rate through an intact DLF give drive 1 and raise the afferent gain
    over a day (Gardell et al. 2002); the same ON activity with the DLF cut gives none."""
    reference = float(ParameterSet()["adaptation.afferent_facilitation.on_rate_reference"])
    run = CoupledRun(StandInLayer(on_hz=2 * reference, intact=intact), ParameterSet(), [])
    record = run.probe(passthrough)
    assert record.descending_drive == pytest.approx(expected)
    run.advance(DAY)
    assert (run.state.afferent_gain > 1.2) == bool(expected)
    assert run.modulation().afferent_gain == run.state.afferent_gain
