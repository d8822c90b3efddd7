"""The slurm backend on a real one-node SLURM cluster started by ``tests/slurm/single_node_slurm.sh``
(root; installs Debian's Slurm packages if missing). Skips with the script's one-line reason
when the cluster cannot be had on this machine (not root, no Slurm and no apt-get, apt failing).
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from experiments.storage import read_run
from experiments.sweep import load_spec

pytestmark = pytest.mark.slow(minutes=0.3)

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CLUSTER = REPO / "tests" / "slurm" / "single_node_slurm.sh"
CANNOT_START = 3  # the script's exit status for "not possible on this machine"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cluster():
    """A running one-node cluster on free ports; yields the environment its clients need."""
    base = Path(tempfile.mkdtemp(prefix="oih-slurm-", dir="/tmp"))  # short: the munge socket path
    # READY_TIMEOUT: beside the simulations of the other test modules (both cores busy) the node
    # can take longer than the script's default 30 s to register
    env = {**os.environ, "BASE": str(base), "CTLD_PORT": str(_free_port()), "SLURMD_PORT": str(_free_port()),
           "READY_TIMEOUT": "120"}
    for _attempt in range(2):  # daemons that fail to come up once get one more start
        started = subprocess.run(["bash", str(CLUSTER), "start"], env=env, capture_output=True, text=True, timeout=300)
        if started.returncode in (0, CANNOT_START):
            break
        subprocess.run(["bash", str(CLUSTER), "stop"], env=env, capture_output=True, text=True, timeout=120)
    if started.returncode == CANNOT_START:
        pytest.skip(started.stderr.strip().splitlines()[-1])
    if started.returncode != 0:
        why = [line for line in started.stderr.splitlines() if "error" in line.lower() or "[slurm]" in line]
        pytest.skip("cluster daemons did not start twice: " + " | ".join(why[-4:]))
    try:
        assert started.returncode == 0, started.stderr
        yield {"SLURM_CONF": str(base / "etc" / "slurm.conf")}
    finally:
        subprocess.run(["bash", str(CLUSTER), "stop"], env=env, capture_output=True, text=True, timeout=120)


def _statuses(out_dir: Path) -> list[str]:
    with open(out_dir / "summary.csv", newline="") as handle:
        return [row["status"] for row in csv.DictReader(handle)]


def test_sweep_runs_as_a_job_array_and_resubmits_what_is_missing(cluster, tmp_path, monkeypatch):
    """6 rows in array tasks of 4 rows: every row that can run is written by its task (threads
    and scratch from SLURM), the task holding the failing row ends FAILED and the other
    COMPLETED, the summary says which; the left resubmit command then submits only that row."""
    monkeypatch.setenv("OIH_TEST_PROTOCOLS", "standin_protocols")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, **cluster, "TMPDIR": str(scratch), "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)])}
    cpus = min(2, os.cpu_count() or 1)
    spec = tmp_path / "spec.toml"
    spec.write_text(f'protocol = "standin"\nseeds = [1, 2]\n[grid]\nketamine_uM = [0.0, 0.5, 1.0]\n'
                    f"[slurm]\ncpus_per_task = {cpus}\nrows_per_task = 4\ntime = \"0:05:00\"\n")
    out_dir = tmp_path / "out"
    rows = load_spec(spec).rows
    blocked = rows[5]
    (out_dir / blocked.file).mkdir(parents=True)  # this row cannot write its file

    command = [sys.executable, "-m", "experiments", "sweep", "spec.toml", "--backend", "slurm", "--out", "out",
               "--poll", "0.5"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=150)
    assert done.returncode == 1, (done.stdout, done.stderr)
    job = done.stdout.split("submitted array job ")[1].split(":")[0]
    assert f"submitted array job {job}: 2 tasks for 6 rows (0 already complete)" in done.stdout
    assert "6 rows: 5 complete, 1 failed, 0 missing" in done.stdout
    assert len(done.stderr.splitlines()) == 1 and done.stderr.endswith("resubmit them with: bash out/resubmit.sh\n")
    for row in rows:
        if row is not blocked:
            assert read_run(out_dir / row.file).config == row.config
    assert _statuses(out_dir) == ["complete"] * 5 + ["failed"]

    states = subprocess.run(["squeue", "--noheader", "--jobs", job, "--states=all", "--format=%K %T"], env=env,
                            capture_output=True, text=True, timeout=30).stdout.split("\n")
    assert sorted(line for line in states if line) == ["0 COMPLETED", "1 FAILED"]
    logs = out_dir / "slurm" / "submit-1" / "logs"
    for task, names in ((0, rows[:4]), (1, rows[4:])):
        log = (logs / f"{job}_{task}.out").read_text().splitlines()
        assert log[0].endswith(f"builds in {scratch}/oih-sweep-{job}_{task}; OMP_NUM_THREADS={cpus}")
        assert [line.split(": ")[0] for line in log[1:1 + len(names)]] == [row.name for row in names]
    assert log[-1] == "error: task 1: 1 of 2 rows failed"
    assert list(scratch.iterdir()) == []

    (out_dir / blocked.file).rmdir()
    before = {row.file: (out_dir / row.file).stat().st_mtime_ns for row in rows[:5]}
    again = subprocess.run(["bash", "out/resubmit.sh"], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=150)
    assert again.returncode == 0, (again.stdout, again.stderr)
    assert "1 task for 1 row (5 already complete)" in again.stdout
    assert "6 rows: 6 complete, 0 failed, 0 missing" in again.stdout
    assert _statuses(out_dir) == ["complete"] * 6
    assert {file: (out_dir / file).stat().st_mtime_ns for file in before} == before
    assert read_run(out_dir / blocked.file).config == blocked.config
