"""Structure of the assembled circuit: scaling, in-degrees, reproducible wiring, switches."""

import numpy as np
import pytest
from brian2 import second

from circuits import ParameterSet, build_circuit
from circuits.circuit import RVM_POPULATIONS, OrderedClock
from circuits.parameters import DESCENDING_PATHWAYS
from circuits.synapses import fixed_indegree


def test_fixed_indegree_gives_every_target_k_distinct_sources():
    """Down-scaling keeps in-degrees (van Albada et al. 2015): each target has k distinct inputs."""
    sources, targets, k_eff = fixed_indegree(50, 30, 10, np.random.default_rng(0), autapses=False)
    assert k_eff == 10
    for j in range(30):
        chosen = sources[targets == j]
        assert len(chosen) == 10 and len(set(chosen)) == 10 and j not in chosen


@pytest.fixture(scope="module")
def circuits_at_two_scales():
    import brian2
    brian2.device.reinit()
    brian2.set_device("runtime")
    params = ParameterSet()
    return params, build_circuit(params, scale=1.0, seed=3), build_circuit(params, scale=0.5, seed=3)


def test_scaling_keeps_the_input_each_cell_receives(circuits_at_two_scales):
    """Halving the network halves populations but keeps in-degree times conductance per cell."""
    params, full, half = circuits_at_two_scales
    assert half.size("on_cells") == round(full.size("on_cells") / 2)
    for circuit in (full, half):
        values = circuit.parameter_values()
        for name, (owner, start, stop, k_eff) in circuit.pathways.items():
            post_count = stop - start
            per_cell = values[(owner, "w_ampa")][start:stop].sum() / (post_count / k_eff)
            expected = params[f"connections.{name}.k"] * params[f"connections.{name}.w_ampa"]
            assert float(per_cell / expected) == pytest.approx(1.0) if float(expected) else float(per_cell) == 0


def test_same_seed_same_wiring():
    """Connectivity is drawn from the seed alone."""
    import brian2
    brian2.device.reinit()
    brian2.set_device("runtime")
    a = build_circuit(ParameterSet(), scale=0.25, seed=7)
    b = build_circuit(ParameterSet(), scale=0.25, seed=7)
    c = build_circuit(ParameterSet(), scale=0.25, seed=8)
    ia, ib, ic = (np.asarray(x.groups["central_synapses"].i[:]) for x in (a, b, c))
    assert np.array_equal(ia, ib) and not np.array_equal(ia, ic)


def test_every_object_steps_on_an_ordered_clock(circuits_at_two_scales):
    """Code generation is deterministic: no object runs on Brian2's address-hashed default clock,
    whose order among the network's clocks could change from one build to the next and relink a
    kept standalone binary; the background current steps on its own clock (synapses.dt_background)."""
    params, circuit, _ = circuits_at_two_scales
    objects = list(circuit.network.objects)
    objects += [contained for obj in objects for contained in obj.contained_objects]
    clocks = {obj.clock for obj in objects}
    assert all(isinstance(clock, OrderedClock) for clock in clocks)
    assert sorted(clock.name for clock in clocks) == ["background_clock", "step_clock"]
    background = next(clock for clock in clocks if clock.name == "background_clock")
    assert float(background.dt) == pytest.approx(float(params["synapses.dt_background"]))


def test_switches_silence_the_rvm_and_cut_the_dlf(circuits_at_two_scales):
    """Lidocaine removes spike initiation in every RVM cell only; a DLF lesion zeroes exactly the
    descending pathways (Kaplan & Fields 1991; Vanderah et al. 2001)."""
    _, circuit, _ = circuits_at_two_scales
    values = circuit.parameter_values(rvm_inactivated=True, dlf_lesion=True)
    na = values[("neurons", "na_available")]
    rvm = np.concatenate([circuit.indices(p) for p in RVM_POPULATIONS])
    assert np.all(na[rvm] == 0) and np.all(np.delete(na, rvm) == 1)
    for name, (owner, start, stop, _) in circuit.pathways.items():
        intact = values[(owner, "intact")][start:stop]
        assert np.all(intact == (0.0 if name in DESCENDING_PATHWAYS else 1.0)), name
    assert set(DESCENDING_PATHWAYS) == {"on_cells_to_wdr", "on_cells_to_lamina1_nk1r", "off_cells_to_wdr",
                                        "off_cells_to_lamina1_nk1r"}


def test_cck_excites_on_cells_and_opposes_mor_on_them(circuits_at_two_scales):
    """CCK excites ON cells and opposes the MOR action on them (Heinricher, McGaraughty &
    Tortorici 2001; Xie et al. 2005): at 4-fold CCK drive the ON-cell GIRK conductance at full MOR
    activation is a quarter of that at baseline, and ON cells get cck_on_cells x 3 more depolarising
    current; other cells are untouched."""
    from circuits import Modulation

    params, circuit, _ = circuits_at_two_scales
    base = circuit.parameter_values(modulation=Modulation(mor_rvm=1.0))
    cck = circuit.parameter_values(modulation=Modulation(mor_rvm=1.0, cck_drive=4.0))
    on = circuit.indices("on_cells")
    girk_ratio = np.asarray(cck[("neurons", "g_girk")][on] / base[("neurons", "g_girk")][on])
    np.testing.assert_allclose(girk_ratio, 0.25)
    extra = cck[("neurons", "mu_noise")][on] - base[("neurons", "mu_noise")][on]
    np.testing.assert_allclose(np.asarray(extra / params["opioid_actions.cck_on_cells"]), 3.0)
    others = np.delete(np.arange(len(cck[("neurons", "g_girk")])), on)
    np.testing.assert_array_equal(np.asarray(cck[("neurons", "g_girk")][others]),
                                  np.asarray(base[("neurons", "g_girk")][others]))



def test_withdrawal_rebound_excites_on_cells_and_inhibits_off_cells(circuits_at_two_scales):
    """In withdrawal ON cells are excited (Bederson, Fields & Barbaro 1990) and OFF cells get more
    GABA from cAMP-superactivated terminals (Bonci & Williams 1997; Hack, Vaughan & Christie 2003):
    at rebound r, ON cells get rebound_on_cells x r more current, OFF cells rebound_off_cells x r
    less, and no other cell changes."""
    from circuits import Modulation

    params, circuit, _ = circuits_at_two_scales
    base = circuit.parameter_values(params)[("neurons", "mu_noise")]
    change = circuit.parameter_values(params, modulation=Modulation(rebound_rvm=0.15))[("neurons", "mu_noise")] - base
    on, off = circuit.indices("on_cells"), circuit.indices("off_cells")
    np.testing.assert_allclose(np.asarray(change[on] / params["opioid_actions.rebound_on_cells"]), 0.15)
    np.testing.assert_allclose(np.asarray(change[off] / params["opioid_actions.rebound_off_cells"]), -0.15)
    assert np.all(np.asarray(np.delete(change, np.concatenate([on, off]))) == 0)

def test_descending_facilitation_acts_in_withdrawal_on_nociceptive_input_to_wdr_cells(circuits_at_two_scales):
    """The 5-HT3-like facilitation is on C-fibre and A-delta synapses only (Zeitz et al. 2002), is
    driven by ON cells onto WDR cells only, and only in withdrawal: with no RVM withdrawal rebound
    an ON spike adds nothing to the trace of the facilitation (ondansetron leaves naive animals unchanged: Chu et al.
    2009; Liang, Li & Clark 2011); with rebound r each adds rebound_gain * r / in-degree."""
    from circuits import Modulation
    from circuits.circuit import FACILITATED_AFFERENTS

    params, circuit, _ = circuits_at_two_scales
    naive = circuit.parameter_values(params)
    withdrawn = circuit.parameter_values(params, modulation=Modulation(rebound_rvm=0.15))
    for name, (owner, start, stop, k) in circuit.pathways.items():
        pre = name.split("_to_")[0]
        facilitated = naive[(owner, "facilitated")][start:stop]
        assert np.all(facilitated == (1.0 if pre in FACILITATED_AFFERENTS else 0.0)), name
        assert np.all(naive[(owner, "w_descending")][start:stop] == 0.0), name
        expected = params["descending_facilitation.rebound_gain"] * 0.15 / k if name == "on_cells_to_wdr" else 0.0
        np.testing.assert_allclose(withdrawn[(owner, "w_descending")][start:stop], expected, err_msg=name)


@pytest.mark.slow(minutes=0.4)
def test_every_pulse_of_a_100_hz_train_reaches_every_c_fibre(tmp_path):
    """Conditioning tetani (HFS: 100 Hz trains; Benrath et al. 2004) reach the cord pulse by pulse:
    with conduction delays of ~200 ms about 20 pulses are in flight along a C fibre at once, and
    each one fires it. Two trains of 5 pulses at 100 Hz with 0.2 s between them: every C fibre
    fires 10 times, its 6th spike 210 ms after its 5th."""
    from experiments.engine import FastLayer
    from experiments.protocols import windup

    params = ParameterSet()
    layer = FastLayer(lambda: build_circuit(params, scale=0.1, seed=3), 3.0, seed=3, build_root=tmp_path,
                      name="trains")
    try:
        args = layer.circuit.parameter_values()
        args.update(windup.stimulator_args({"stim_hz": 100.0, "n_stim": 10, "strength": 30.0}))
        args.update({("stimulator", "train_size"): 5.0, ("stimulator", "train_gap"): 0.2 * second})
        times, ids = layer.run(args)["c_peptidergic"]
        n = layer.circuit.size("c_peptidergic")
    finally:
        layer.close()
    evoked = times > windup.LEAD_S * 1000 + 100  # spontaneous C firing is < 1 Hz
    counts = np.bincount(ids[evoked].astype(int), minlength=n)
    assert np.all(counts >= 10) and np.all(counts <= 11)
    first_fibre = np.sort(times[evoked & (ids == 0)])
    gap = first_fibre[5] - first_fibre[4]
    assert gap == pytest.approx(10.0 + 200.0, abs=0.2)


def test_electrical_recruitment_of_c_fibres_grows_with_stimulus_strength(circuits_at_two_scales):
    """Per-fibre thresholds spread log-normally about the class value, so C-fibre-evoked responses
    grow with stimulus intensity (Liu & Sandkuehler 1997): a pulse at the C-fibre threshold (10x
    A-beta) recruits 35-65% of C fibres, one at three times it (the wind-up strength) all of them.
    A fibre fires on a pulse at or above its threshold (``VOLLEY_ON_PRE``; the train test above)."""
    _, _, circuit = circuits_at_two_scales
    thresholds = np.asarray(circuit.parameter_values()[("afferents", "electrical_threshold")])
    c_fibres = np.concatenate([circuit.indices(p) for p in ("c_peptidergic", "c_nonpeptidergic")])
    assert np.mean(thresholds[c_fibres] <= 10.0) == pytest.approx(0.5, abs=0.15)
    assert np.all(thresholds[c_fibres] <= 30.0)


def test_spino_pag_cells_leave_the_rest_of_the_network_as_it_was(circuits_at_two_scales):
    """The spino-PAG class (Ikeda et al. 2006) is a read-out branch: its group has no background
    noise and no run of random draws, no pathway leaves it, and the pathways into it are drawn
    after all others, so the wiring, the noise and hence the spikes of every other cell are those
    of the network without it."""
    params, circuit, _ = circuits_at_two_scales
    group = circuit.groups["spino_pag"]
    assert circuit.populations["spino_pag"] == ("spino_pag", 0, len(group))
    # the background current of ``neurons`` is a run_regularly that draws normal numbers; none here
    assert "background" in [o.name for o in circuit.groups["neurons"].contained_objects]
    assert {o.name for o in group.contained_objects} == {"spino_pag_stateupdater", "spino_pag_spike_thresholder",
                                                         "spino_pag_spike_resetter"}
    assert float(np.max(np.abs(circuit.parameter_values()[("spino_pag", "sigma_noise")]))) == 0.0
    names = list(params.subsections("connections"))
    into = [k for k, name in enumerate(names) if name.endswith("_to_spino_pag")]
    assert into and into == list(range(len(names) - len(into), len(names)))
    assert not any(name.startswith("spino_pag_to_") for name in names)
