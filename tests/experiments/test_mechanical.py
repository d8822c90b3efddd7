"""Graded mechanical forces against Medlock et al. 2022 (projection output) and reproducibility."""

import json
import subprocess
import sys

import numpy as np
import pytest

from experiments.storage import read_run

pytestmark = pytest.mark.slow(minutes=0.4)
# Medlock et al. 2022 fitness targets: median NK1R+ projection rate over a 5 s stimulus
MEDLOCK = {10.0: 0.0, 50.0: 1.63, 100.0: 5.46, 200.0: 9.70}


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "experiments", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def mechanical_file(tmp_path_factory, build_root):
    out = tmp_path_factory.mktemp("mechanical") / "mechanical.h5"
    done = run_cli("run", "mechanical", "--scale", "0.5", "--seed", "1", "--out", str(out), "--quiet",
                   "--build-root", str(build_root), cwd=out.parent)
    assert done.returncode == 0, done.stderr
    return out


def test_projection_output_follows_medlock_2022_within_a_factor_of_2(mechanical_file):
    """Lamina I projection rate: 0, 1.63, 5.46, 9.70 Hz at 10, 50, 100, 200 mN (each within x2, 0 at 10 mN)."""
    readouts = read_run(mechanical_file).readouts
    for force, rate in zip(readouts["forces_mN"], readouts["projection_rate_hz"]):
        target = MEDLOCK[float(force)]
        if target == 0:
            assert rate == 0.0
        else:
            assert target / 2 <= rate <= target * 2, (force, rate)


def test_rerun_from_the_file_gives_identical_spikes(mechanical_file, tmp_path, build_root):
    """Same seed, same spikes: a run rebuilt from the config its file stores reproduces it exactly."""
    again = tmp_path / "again.h5"
    done = run_cli("run", "--from", str(mechanical_file), "--out", str(again), "--quiet",
                   "--build-root", str(build_root), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    first, second = read_run(mechanical_file), read_run(again)
    assert first.populations == second.populations
    for population in first.populations:
        for a, b in zip(first.spikes(population), second.spikes(population)):
            assert np.array_equal(a, b), population
    inspected = json.loads(run_cli("inspect", str(again), "--json", cwd=tmp_path).stdout)
    assert inspected["protocol"] == "mechanical" and inspected["seed"] == 1
