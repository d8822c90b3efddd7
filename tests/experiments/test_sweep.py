"""Sweeps on the local backend, the spec, the summary, and the slurm backend's pieces that need
no cluster (script, submission, array tasks run by hand). The protocols are stand-ins
(``standin_protocols.py``); the real SLURM test is ``test_slurm.py``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from experiments import slurm
from experiments.config import ConfigError, resolve_config
from experiments.storage import read_run
from experiments.sweep import load_spec
from cli_helpers import call as _call

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

SPEC = """\
protocol = "standin"
seeds = [4, 5]
[set]
n_trials = 4
[grid]
ketamine_uM = [0.0, 0.5, 2.0]
"""


@pytest.fixture
def sweep_dir(monkeypatch, tmp_path):
    """Stand-in protocols registered through the test hook (so spawned workers and child
    processes find them too); working directory ``tmp_path``."""
    monkeypatch.setenv("OIH_TEST_PROTOCOLS", "standin_protocols")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), str(HERE)]))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _spec(tmp_path: Path, text: str = SPEC, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.h5") if p.name != "summary.h5"}


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------------------------
# The spec
# --------------------------------------------------------------------------------------------

def test_spec_expands_grid_times_seeds_with_fixed_settings(sweep_dir):
    """3 grid values x 2 seeds give 6 rows in grid order, seeds inner; [set] applies to every
    row; each row is named by the SHA-256 of its resolved config."""
    sweep = load_spec(_spec(sweep_dir))
    assert sweep.protocol == "standin" and sweep.swept == ["ketamine_uM"]
    assert [(row.values["ketamine_uM"], row.config.seed) for row in sweep.rows] == [
        (0.0, 4), (0.0, 5), (0.5, 4), (0.5, 5), (2.0, 4), (2.0, 5)]
    assert [row.index for row in sweep.rows] == list(range(6))
    for row in sweep.rows:
        assert row.config.knobs["n_trials"] == 4
        assert row.config.knobs["ketamine_uM"] == row.values["ketamine_uM"]
        expected = resolve_config("standin", ["n_trials=4", f"ketamine_uM={row.values['ketamine_uM']}"],
                                  seed=row.config.seed)
        assert row.config == expected
        assert row.name == "standin-" + hashlib.sha256(expected.to_json().encode()).hexdigest()[:12]
    assert len({row.name for row in sweep.rows}) == 6


def test_points_combine_with_grid_and_run_settings(sweep_dir):
    """Each [[points]] row is combined with every grid combination; top-level scale and
    device, dotted model parameters in [set] and list-valued knobs in a grid are resolved."""
    sweep = load_spec(_spec(sweep_dir, """\
protocol = "standin"
scale = 0.5
device = "runtime"
[set]
"synapses.tau_ampa" = "4 ms"
[grid]
v_hold_mV = [[-80, 0], [-60]]
[[points]]
drug = "fentanyl"
[[points]]
drug = "morphine"
rvm_inactivated = true
"""))
    assert sweep.swept == ["v_hold_mV", "drug", "rvm_inactivated"]
    assert [row.values for row in sweep.rows] == [
        {"v_hold_mV": [-80, 0], "drug": "fentanyl"},
        {"v_hold_mV": [-60], "drug": "fentanyl"},
        {"v_hold_mV": [-80, 0], "drug": "morphine", "rvm_inactivated": True},
        {"v_hold_mV": [-60], "drug": "morphine", "rvm_inactivated": True},
    ]
    first, last = sweep.rows[0].config, sweep.rows[3].config
    assert first.knobs["v_hold_mV"] == [-80.0, 0.0] and last.knobs["v_hold_mV"] == [-60.0]
    assert first.knobs["rvm_inactivated"] is False and last.knobs["rvm_inactivated"] is True
    assert (first.scale, first.device, first.seed) == (0.5, "runtime", 1)
    assert first.model_overrides == {"synapses.tau_ampa": "4 ms"}


def test_file_name_depends_only_on_the_resolved_config(sweep_dir):
    """The same run gets the same file name whether its value comes from [grid] or [set]:
    reshaping a spec keeps the results it shares with the old one."""
    swept = load_spec(_spec(sweep_dir, 'protocol = "standin"\n[grid]\nketamine_uM = [0.5, 1.0]\n', "a.toml"))
    fixed = load_spec(_spec(sweep_dir, 'protocol = "standin"\n[set]\nketamine_uM = 0.5\n', "b.toml"))
    assert swept.rows[0].name == fixed.rows[0].name
    assert swept.rows[1].name != fixed.rows[0].name


BAD_SPECS = [
    ("unknown_key", 'protocol = "standin"\nsedes = [1]\n', ["sedes", "did you mean 'seeds'"]),
    ("no_protocol", "seeds = [1]\n", ["protocol: missing"]),
    ("unknown_protocol", 'protocol = "windupp"\n', ["protocol", "windupp"]),
    ("malformed_toml", 'protocol = "standin\n', ["malformed TOML"]),
    ("grid_out_of_range", 'protocol = "standin"\n[grid]\nketamine_uM = [0.0, -3.0]\n',
     ["grid.ketamine_uM = -3.0", "must be >= 0"]),
    ("grid_not_list", 'protocol = "standin"\n[grid]\nketamine_uM = 0.3\n', ["grid.ketamine_uM = 0.3", "list"]),
    ("grid_unknown_knob", 'protocol = "standin"\n[grid]\nbogus_knob = [1, 2]\n',
     ["grid.bogus_knob = 1", "unknown key"]),
    ("set_wrong_unit", 'protocol = "standin"\n[set]\n"synapses.tau_ampa" = "4 mV"\n',
     ["set.synapses.tau_ampa", "ms"]),
    ("point_bad_choice", 'protocol = "standin"\n[[points]]\ndrug = "heroin"\n', ["points[0].drug", "heroin"]),
    ("seeds_repeated", 'protocol = "standin"\nseeds = [1, 1]\n', ["seeds = [1, 1]", "distinct"]),
    ("seed_in_grid", 'protocol = "standin"\n[grid]\nseed = [1, 2]\n', ["grid.seed", "seeds = [...]"]),
    ("key_in_set_and_grid", 'protocol = "standin"\n[set]\nketamine_uM = 1.0\n[grid]\nketamine_uM = [0.0]\n',
     ["grid.ketamine_uM", "also set in set.ketamine_uM"]),
    ("same_run_twice", 'protocol = "standin"\n[grid]\nketamine_uM = [0.0, 0]\n', ["rows 0 and 1", "same run"]),
    ("scale_negative", 'protocol = "standin"\nscale = -1\n', ["scale = -1", "> 0"]),
    ("slurm_bad_cpus", 'protocol = "standin"\n[slurm]\ncpus_per_task = 0\n', ["slurm.cpus_per_task=0", ">= 1"]),
    ("slurm_unknown_key", 'protocol = "standin"\n[slurm]\npartitin = "gpu"\n', ["slurm.partitin", "unknown key"]),
    ("slurm_bad_time", 'protocol = "standin"\n[slurm]\ntime = "one hour"\n', ["slurm.time", "one hour"]),
]


@pytest.mark.parametrize("case, text, fragments", BAD_SPECS, ids=[case[0] for case in BAD_SPECS])
def test_bad_spec_exits_2_with_one_line_naming_the_item(sweep_dir, capsys, case, text, fragments):
    """A bad spec exits 2 with one line on stderr naming the offending item, and writes nothing."""
    spec = _spec(sweep_dir, text)
    code, out, err = _call(["sweep", spec, "--out", sweep_dir / "out", "--jobs", "1"], capsys)
    assert code == 2, (out, err)
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {spec}"), err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert out == "" and not (sweep_dir / "out").exists()


BAD_FLAGS = [
    (["--jobs", "0"], ["--jobs", "must be an integer >= 1"]),
    (["--partition", "gpu"], ["--partition applies to --backend slurm only"]),
    (["--backend", "slurm", "--jobs", "2"], ["--jobs applies to --backend local only"]),
    (["--backend", "slurm", "--cpus-per-task", "two"], ["--cpus-per-task='two'", ">= 1"]),
    (["--backend", "slurm", "--build-root", "b"], ["--build-root applies to --backend local only"]),
    (["--backend", "pbs"], ["--backend", "pbs"]),
]


@pytest.mark.parametrize("flags, fragments", BAD_FLAGS, ids=[" ".join(f[0]) for f in BAD_FLAGS])
def test_bad_flags_exit_2(sweep_dir, capsys, flags, fragments):
    """Flags that do not fit the backend, or bad values, exit 2 with one line naming them."""
    code, out, err = _call(["sweep", _spec(sweep_dir), "--out", sweep_dir / "out", *flags], capsys)
    assert code == 2 and len(err.splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not (sweep_dir / "out").exists()


# --------------------------------------------------------------------------------------------
# The local backend
# --------------------------------------------------------------------------------------------

def test_local_sweep_writes_every_row_and_the_summary(sweep_dir, capsys):
    """Every row's file is complete and holds its config; summary.csv and summary.h5 have one
    row per run with the swept value, seed, scalar read-outs, file and status."""
    spec, out_dir = _spec(sweep_dir), sweep_dir / "out"
    code, out, err = _call(["sweep", spec, "--out", out_dir, "--jobs", "1"], capsys)
    assert code == 0, err
    assert "6 rows of standin: 0 already complete, 6 to run in 1 process" in out
    assert "6 rows: 6 complete, 0 failed, 0 missing" in out
    sweep = load_spec(spec)
    for row in sweep.rows:
        assert read_run(out_dir / row.file).config == row.config
    table = _csv(out_dir / "summary.csv")
    assert list(table[0]) == ["row", "ketamine_uM", "seed", "rate_on_hz", "n_withdrawals", "ketamine_echo_uM",
                              "tau_ampa_ms", "dt_echo_ms", "file", "status", "error"]
    assert [(r["row"], r["ketamine_uM"], r["seed"], r["file"], r["status"], r["error"]) for r in table] == [
        (str(row.index), str(row.values["ketamine_uM"]), str(row.config.seed), row.file, "complete", "")
        for row in sweep.rows]
    assert [float(r["ketamine_echo_uM"]) for r in table] == [0.0, 0.0, 0.5, 0.5, 2.0, 2.0]
    assert [r["n_withdrawals"] for r in table] == ["3"] * 6  # n_trials=4 from [set], one trial without
    with h5py.File(out_dir / "summary.h5") as handle:
        assert handle.attrs["protocol"] == "standin"
        assert list(handle) == list(table[0])
        assert handle["seed"][()].tolist() == [4, 5] * 3
        assert handle["ketamine_echo_uM"][()].tolist() == [0.0, 0.0, 0.5, 0.5, 2.0, 2.0]
        assert handle["ketamine_echo_uM"].attrs["units"] == "uM"
        assert handle["status"].asstr()[()].tolist() == ["complete"] * 6
        rates = handle["rate_on_hz"][()]
    assert np.allclose(rates, [read_run(out_dir / row.file).readouts["rate_on_hz"] for row in sweep.rows])
    assert _leftovers(sweep_dir) == []


def test_rerun_skips_complete_rows_and_runs_only_the_missing_one(sweep_dir, capsys):
    """A second run of the same sweep after one file was lost runs that row only: the other
    five files are not touched."""
    spec, out_dir = _spec(sweep_dir), sweep_dir / "out"
    assert _call(["sweep", spec, "--out", out_dir, "--jobs", "1"], capsys)[0] == 0
    lost = load_spec(spec).rows[3].file
    (out_dir / lost).unlink()
    before = _stamps(out_dir)
    code, out, err = _call(["sweep", spec, "--out", out_dir, "--jobs", "1"], capsys)
    assert code == 0, err
    assert "5 already complete, 1 to run" in out
    after = _stamps(out_dir)
    assert set(after) == set(before) | {lost}
    assert {name: after[name] for name in before} == before
    code, out, _ = _call(["sweep", spec, "--out", out_dir, "--jobs", "1"], capsys)
    assert code == 0 and "6 already complete, 0 to run" in out and _stamps(out_dir) == after


def test_failing_rows_are_recorded_and_the_others_finish(sweep_dir, capsys):
    """A row that fails leaves its error in <name>.error.json and in the summary, the other rows
    complete, the sweep exits 1 with one line; once the cause is gone a rerun completes it."""
    spec, out_dir = _spec(sweep_dir), sweep_dir / "out"
    blocked = load_spec(spec).rows[2]
    (out_dir / blocked.file).mkdir(parents=True)  # the row cannot write its file
    code, out, err = _call(["sweep", spec, "--out", out_dir, "--jobs", "1"], capsys)
    assert code == 1
    assert err.splitlines() == [f"error: 1 of 6 rows not complete (row 2: ConfigError: {out_dir / blocked.file}: is a "
                                f"directory (give a file name with --out)); run the same command to retry them"]
    assert "5 complete, 1 failed, 0 missing" in out
    table = _csv(out_dir / "summary.csv")
    assert [r["status"] for r in table] == ["complete", "complete", "failed", "complete", "complete", "complete"]
    assert "is a directory" in table[2]["error"] and table[2]["rate_on_hz"] == "nan"
    assert (out_dir / f"{blocked.name}.error.json").exists()

    (out_dir / blocked.file).rmdir()
    code, out, err = _call(["sweep", spec, "--out", out_dir, "--jobs", "1"], capsys)
    assert code == 0, err
    assert "5 already complete, 1 to run" in out
    assert not (out_dir / f"{blocked.name}.error.json").exists()
    assert [r["status"] for r in _csv(out_dir / "summary.csv")] == ["complete"] * 6


def test_protocol_exceptions_are_recorded_per_row(sweep_dir, capsys):
    """A protocol that raises fails every row with its exception; the traceback is kept."""
    spec = _spec(sweep_dir, 'protocol = "standin_fail"\nseeds = [1, 2]\n')
    code, out, err = _call(["sweep", spec, "--out", sweep_dir / "out", "--jobs", "1"], capsys)
    assert code == 1 and "0 complete, 2 failed" in out
    table = _csv(sweep_dir / "out" / "summary.csv")
    assert [r["error"] for r in table] == ["RuntimeError: synthetic failure inside the protocol"] * 2
    record = (sweep_dir / "out" / f"{load_spec(spec).rows[0].name}.error.json").read_text()
    assert "run_fail" in record and "Traceback" in record


def test_progress_reports_rows_done_failed_and_eta(sweep_dir, capsys):
    """With -v (not a terminal) the progress is logged: rows done and failed, ETA, to 100%."""
    spec, out_dir = _spec(sweep_dir), sweep_dir / "out"
    (out_dir / load_spec(spec).rows[5].file).mkdir(parents=True)
    code, _, err = _call(["sweep", spec, "--out", out_dir, "--jobs", "1", "-v"], capsys)
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("sweep: ")]
    assert lines[0].startswith("sweep:   0.0%") and lines[0].endswith("0 done, 0 failed of 6")
    assert lines[-1].startswith("sweep: 100.0%") and lines[-1].endswith("5 done, 1 failed of 6")
    assert all(" ETA " in line for line in lines) and len(lines) == 7  # 0% and after each of 6 rows


def test_process_pool_gives_the_same_results_as_one_process(sweep_dir, capsys):
    """--jobs 2 runs the rows in two spawned processes; the files hold the same read-outs as
    those of an in-process run."""
    spec = _spec(sweep_dir)
    assert _call(["sweep", spec, "--out", sweep_dir / "one", "--jobs", "1"], capsys)[0] == 0
    code, out, err = _call(["sweep", spec, "--out", sweep_dir / "two", "--jobs", "2"], capsys)
    assert code == 0, err
    assert "6 to run in 2 processes" in out
    for row in load_spec(spec).rows:
        one, two = read_run(sweep_dir / "one" / row.file), read_run(sweep_dir / "two" / row.file)
        assert one.config == two.config
        for name, value in one.readouts.items():
            np.testing.assert_array_equal(value, two.readouts[name])
    assert _leftovers(sweep_dir) == []


def test_interrupted_pool_sweep_leaves_no_partial_file(sweep_dir):
    """A pool sweep stopped by Ctrl-C (SIGINT) exits 130 with one line, stops its workers, and
    leaves no result or temporary file; the summary lists the rows as missing."""
    spec = _spec(sweep_dir, 'protocol = "standin_sleep"\nseeds = [1, 2, 3]\n[set]\nsleep_s = 60\n')
    started = sweep_dir / "started"
    env = {**os.environ, "OIH_STANDIN_STARTED": str(started)}
    child = subprocess.Popen([sys.executable, "-m", "experiments", "sweep", str(spec), "--out", "out", "--jobs", "2"],
                             cwd=sweep_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while not started.exists() or not started.read_text():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "no worker started its row"
            time.sleep(0.05)
        worker = int(started.read_text())
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert err.splitlines() == ["interrupted by SIGINT: 0 of 3 rows complete, no partial "
                                "file left; run the same command to resume"]
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
    assert sorted(p.name for p in (sweep_dir / "out").iterdir()) == ["summary.csv", "summary.h5"]
    assert [r["status"] for r in _csv(sweep_dir / "out" / "summary.csv")] == ["missing"] * 3


# --------------------------------------------------------------------------------------------
# The slurm backend without a cluster
# --------------------------------------------------------------------------------------------

def test_sbatch_script_has_the_settings_threads_and_the_task_command(tmp_path):
    """The array script carries every setting as an #SBATCH line, sets OMP_NUM_THREADS from
    SLURM_CPUS_PER_TASK and HDF5_USE_FILE_LOCKING=FALSE, and runs sweep-task on its chunk."""
    settings = slurm.SlurmSettings.from_table(
        {"partition": "short", "account": "lab42", "time": "2:00:00", "mem": "4G", "cpus_per_task": 4,
         "max_running": 5, "extra": ["--qos=low"]}, "spec: slurm")
    script = slurm.render_script(settings, n_tasks=3, job_name="oih-windup", tasks_file=tmp_path / "tasks.json",
                                 logs=tmp_path / "logs", workdir=tmp_path, python="/venv/bin/python")
    directives = [line.removeprefix("#SBATCH ") for line in script.splitlines() if line.startswith("#SBATCH ")]
    assert directives == ["--job-name=oih-windup", "--array=0-2%5", f"--output={tmp_path}/logs/%A_%a.out",
                          f"--chdir={tmp_path}", "--ntasks=1", "--cpus-per-task=4", "--time=2:00:00", "--mem=4G",
                          "--partition=short", "--account=lab42", "--qos=low"]
    assert 'export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"' in script
    assert "export HDF5_USE_FILE_LOCKING=FALSE" in script
    assert script.splitlines()[-1] == (f"exec /venv/bin/python -m experiments sweep-task {tmp_path}/tasks.json "
                                       '--task-id "$SLURM_ARRAY_TASK_ID"')
    with pytest.raises(ConfigError, match="spaces"):
        slurm.render_script(settings, n_tasks=1, job_name="x", tasks_file=tmp_path / "my tasks.json",
                            logs=tmp_path, workdir=tmp_path)


def test_task_build_root_prefers_node_local_scratch(tmp_path):
    """Builds go to $SLURM_TMPDIR, else $TMPDIR, else <workdir>/.build; one folder per task."""
    job = {"SLURM_ARRAY_JOB_ID": "77", "SLURM_ARRAY_TASK_ID": "3"}
    assert slurm.task_build_root({**job, "SLURM_TMPDIR": "/local/a", "TMPDIR": "/b"}, tmp_path) == \
        Path("/local/a/oih-sweep-77_3")
    assert slurm.task_build_root({**job, "TMPDIR": "/b"}, tmp_path) == Path("/b/oih-sweep-77_3")
    assert slurm.task_build_root(job, tmp_path) == tmp_path / ".build" / "oih-sweep-77_3"


def _fake_slurm(folder: Path, queue_file: Path) -> str:
    """sbatch answering job 77, squeue printing the contents of ``queue_file``: a PATH."""
    folder.mkdir()
    (folder / "sbatch").write_text("#!/bin/sh\necho 77\n")
    (folder / "squeue").write_text(f"#!/bin/sh\ncat {queue_file}\n")
    for name in ("sbatch", "squeue"):
        (folder / name).chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def test_slurm_submission_chunks_rows_and_tasks_run_by_hand(sweep_dir, monkeypatch, capsys):
    """With a stand-in sbatch: the submission puts rows_per_task rows in each array task and
    leaves a resubmit command; while squeue lists the job, a rerun follows it instead of
    submitting again; job.sbatch run by hand (task 0) and sweep-task (task 1) write the rows of
    their chunk, with OMP threads and scratch folder from the SLURM variables and the scratch
    removed after; once squeue no longer lists the job, the sweep reports every row complete."""
    queue = sweep_dir / "queue"
    queue.write_text("PENDING\n")
    monkeypatch.setenv("PATH", _fake_slurm(sweep_dir / "bin", queue))
    spec, out_dir = _spec(sweep_dir, SPEC + "[slurm]\nrows_per_task = 4\n"), sweep_dir / "out"
    code, out, err = _call(["sweep", spec, "--backend", "slurm", "--out", out_dir, "--no-follow"], capsys)
    assert code == 0, err
    assert "submitted array job 77: 2 tasks for 6 rows" in out
    submission = out_dir / "slurm" / "submit-1"
    assert (submission / "job_id").read_text() == "77\n"
    tasks = json.loads((submission / "tasks.json").read_text())
    names = [row.name for row in load_spec(spec).rows]
    assert [[item["name"] for item in chunk] for chunk in tasks["chunks"]] == [names[:4], names[4:]]
    assert (out_dir / "resubmit.sh").read_text().splitlines()[-1].endswith(
        f"-m experiments sweep {spec} --backend slurm --out {out_dir} --no-follow")

    code, out, _ = _call(["sweep", spec, "--backend", "slurm", "--out", out_dir, "--no-follow"], capsys)
    assert code == 0 and "array job 77 of this sweep" in out and "following it" in out
    assert not (out_dir / "slurm" / "submit-2").exists()

    scratch = sweep_dir / "scratch"
    scratch.mkdir()
    job = {"SLURM_ARRAY_JOB_ID": "77", "SLURM_CPUS_PER_TASK": "3", "TMPDIR": str(scratch)}
    done = subprocess.run(["bash", str(submission / "job.sbatch")], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **job, "SLURM_ARRAY_TASK_ID": "0"})
    assert done.returncode == 0, done.stderr
    log = done.stdout.splitlines()
    assert log[0] == (f"task 0: 4 rows on {socket.gethostname()}; builds in {scratch}/oih-sweep-77_0; "
                      "OMP_NUM_THREADS=3")
    assert [line.split(": ")[0] for line in log[1:]] == names[:4]
    assert all(line.split(": ")[1].startswith("complete in") for line in log[1:])
    for name, value in {**job, "SLURM_ARRAY_TASK_ID": "1"}.items():  # the second task in this process
        monkeypatch.setenv(name, value)
    code, out, err = _call(["sweep-task", submission / "tasks.json"], capsys)
    assert code == 0, err
    assert out.splitlines()[0] == (f"task 1: 2 rows on {socket.gethostname()}; builds in {scratch}/oih-sweep-77_1; "
                                   f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    assert [line.split(": ")[0] for line in out.splitlines()[1:]] == names[4:]
    assert list(scratch.iterdir()) == []

    queue.write_text("")  # the job has left the queue
    code, out, err = _call(["sweep", spec, "--backend", "slurm", "--out", out_dir, "--poll", "0.01"], capsys)
    assert code == 0, err
    assert "6 rows: 6 complete, 0 failed, 0 missing" in out
    assert [r["status"] for r in _csv(out_dir / "summary.csv")] == ["complete"] * 6
