"""Compile once, run many: the engine's devices agree and re-runs are exact."""

import numpy as np
import pytest

from circuits import ParameterSet, build_circuit
from experiments.engine import FastLayer
from experiments.protocols import mechanical

pytestmark = pytest.mark.slow
KNOBS = dict({name: knob.default for name, knob in mechanical.KNOBS.items()}, forces_mN=[200.0], rest_s=5.0)
DURATION_S = 10.0
# OFF and ON cells follow the slow RVM state (tau 10 s): 10 s samples too few of its cycles
COMPARED = ("c_peptidergic", "adelta", "lamina1_nk1r", "wdr", "excitatory_interneurons", "neutral_cells")


def layer_for(device, build_root, duration_s, name):
    params = ParameterSet()
    return FastLayer(lambda: build_circuit(params, scale=0.25, seed=5, force_schedule=mechanical.force_schedule(KNOBS)),
                     duration_s, device=device, seed=5, build_root=build_root, name=name,
                     runtime_target="numpy")  # no compilation: the test compares devices, not speed


def runs(device, build_root, duration_s, n_runs):
    layer = layer_for(device, build_root, duration_s, f"engine_{device}_{n_runs}")
    try:
        return [layer.run(layer.circuit.parameter_values()) for _ in range(n_runs)], \
            {p: layer.circuit.size(p) for p in COMPARED}
    finally:
        layer.close()


@pytest.fixture(scope="module")
def standalone_runs(build_root):
    return runs("standalone", build_root, DURATION_S, 2)


def test_standalone_rerun_is_identical(standalone_runs):
    """Same seed, same spikes: re-running the compiled network repeats it exactly."""
    (first, second), _ = standalone_runs
    for population in first:
        assert np.array_equal(first[population][0], second[population][0]), population


def test_runtime_rerun_is_identical(build_root):
    """In runtime mode a re-run restores the initial state and rewinds the random generator."""
    (first, second), _ = runs("runtime", build_root, 1.0, 2)
    for population in first:
        assert np.array_equal(first[population][0], second[population][0]), population


@pytest.fixture(scope="module")
def runtime_rates(build_root):
    (spikes,), sizes = runs("runtime", build_root, DURATION_S, 1)
    return {p: len(spikes[p][0]) / sizes[p] / DURATION_S for p in COMPARED}


@pytest.mark.parametrize("population", COMPARED)
def test_runtime_and_standalone_agree_on_population_rates(standalone_runs, runtime_rates, population):
    """Brian2's runtime and C++ standalone devices give the same rates within 10%."""
    (spikes, _), sizes = standalone_runs
    standalone = len(spikes[population][0]) / sizes[population] / DURATION_S
    assert standalone > 0.5, f"{population} too quiet to compare"
    assert runtime_rates[population] == pytest.approx(standalone, rel=0.10)
