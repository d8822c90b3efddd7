"""The command line: bad input, runs, inspect, failures, interruption, progress, reruns.

The protocols are stand-ins (``standin_protocols.py``): no Brian2 network is built here.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from experiments import cli
from experiments.cli import Progress, main, rerun
from experiments.storage import read_run
from cli_helpers import call as _call

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def _tmp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def good_file(standins, tmp_path):
    """A complete result file of the stand-in protocol."""
    path = tmp_path / "good.h5"
    assert main(["run", "standin", "--out", str(path), "--quiet"]) == 0
    return path


@pytest.fixture
def bad_inputs(standins, tmp_path, good_file):
    """The files the bad-input cases refer to, created before the snapshot."""
    (tmp_path / "bad_syntax.toml").write_text("ketamine_uM = = 2\n")
    (tmp_path / "unknown_key.toml").write_text("mystery_setting = 3\n")
    (tmp_path / "range.toml").write_text("ketamine_uM = -3.0\n")
    (tmp_path / "other.toml").write_text('protocol = "heat_trials"\n')
    (tmp_path / "existing.h5").write_bytes(good_file.read_bytes())
    (tmp_path / "a_directory").mkdir()
    (tmp_path / "notes.txt").write_text("this is not HDF5\n")
    (tmp_path / "truncated.h5").write_bytes(good_file.read_bytes()[:3000])
    incomplete = tmp_path / "incomplete.h5"
    incomplete.write_bytes(good_file.read_bytes())
    with h5py.File(incomplete, "a") as handle:
        del handle.attrs["complete"]
    return tmp_path


OUT = "{tmp}/out.h5"
# (case id, argv, fragments the one line on stderr must contain)
BAD_INPUT = [
    ("unknown_protocol", ["run", "no_such_protocol"], ["no_such_protocol"]),
    ("unknown_knob", ["run", "standin", "--set", "bogus_knob=1"], ["bogus_knob"]),
    ("unknown_model_param", ["run", "standin", "--set", "rvm.on_cells.nn=3"], ["rvm.on_cells.nn"]),
    ("wrong_unit", ["run", "standin", "--set", "synapses.tau_ampa=4mV"], ["synapses.tau_ampa=4mV", "ms"]),
    ("unknown_unit", ["run", "standin", "--set", "synapses.tau_ampa=4parsec"], ["parsec"]),
    ("missing_unit", ["run", "standin", "--set", "synapses.tau_ampa=4"], ["synapses.tau_ampa=4", "needs a unit"]),
    ("negative_count", ["run", "standin", "--set", "n_trials=-2"], ["n_trials=-2", "non-negative integer"]),
    ("fractional_count", ["run", "standin", "--set", "n_trials=2.5"], ["n_trials=2.5"]),
    ("negative_population", ["run", "standin", "--set", "rvm.on_cells.n=-5"], ["rvm.on_cells.n=-5"]),
    ("probability_above_1", ["run", "standin", "--set", "p_release=1.5"], ["p_release=1.5", "<= 1"]),
    ("negative_dose", ["run", "standin", "--set", "ketamine_uM=-1"], ["ketamine_uM=-1", "must be >= 0"]),
    ("knob_wrong_unit", ["run", "standin", "--set", "ketamine_uM=2mV"], ["ketamine_uM=2mV", "uM"]),
    ("dt_zero", ["run", "standin", "--set", "dt=0ms"], ["dt=0ms", "> 0"]),
    ("dt_negative", ["run", "standin", "--set", "dt=-0.1ms"], ["dt=-0.1ms", "> 0"]),
    ("dt_without_unit", ["run", "standin", "--set", "dt=0.1"], ["dt=0.1", "time unit"]),
    ("malformed_list", ["run", "standin", "--set", "v_hold_mV=[-80, -40"], ["v_hold_mV=[-80, -40", "malformed list"]),
    ("list_empty_item", ["run", "standin", "--set", "v_hold_mV=[-80,,0]"], ["v_hold_mV", "malformed list"]),
    ("list_item_out_of_range", ["run", "standin", "--set", "v_hold_mV=[-80, 500]"], ["v_hold_mV", "500", "<= 60"]),
    ("bad_bool", ["run", "standin", "--set", "rvm_inactivated=maybe"], ["rvm_inactivated=maybe", "true or false"]),
    ("bool_as_number", ["run", "standin", "--set", "rvm_inactivated=1"], ["rvm_inactivated=1", "true or false"]),
    ("unknown_drug", ["run", "standin", "--set", "drug=heroin"], ["heroin", "morphine"]),
    ("word_for_number", ["run", "standin", "--set", "stim_hz=fast"], ["stim_hz=fast"]),
    ("set_without_value", ["run", "standin", "--set", "ketamine_uM"], ["ketamine_uM", "KEY=VALUE"]),
    ("malformed_toml", ["run", "standin", "--config", "{tmp}/bad_syntax.toml"], ["bad_syntax.toml", "malformed TOML"]),
    ("missing_config", ["run", "standin", "--config", "{tmp}/nope.toml"], ["nope.toml", "no such file"]),
    ("unknown_toml_key", ["run", "standin", "--config", "{tmp}/unknown_key.toml"], ["unknown_key.toml", "mystery_setting"]),
    ("toml_out_of_range", ["run", "standin", "--config", "{tmp}/range.toml"], ["range.toml", "ketamine_uM"]),
    ("toml_other_protocol", ["run", "standin", "--config", "{tmp}/other.toml"], ["other.toml", "heat_trials"]),
    ("negative_seed", ["run", "standin", "--seed", "-1"], ["--seed -1", "non-negative integer"]),
    ("fractional_seed", ["run", "standin", "--seed", "1.5"], ["--seed 1.5"]),
    ("scale_zero", ["run", "standin", "--scale", "0"], ["--scale 0", "> 0"]),
    ("scale_negative", ["run", "standin", "--scale", "-2"], ["--scale -2", "> 0"]),
    ("unknown_device", ["run", "standin", "--device", "gpu"], ["--device gpu", "runtime"]),
    ("output_exists", ["run", "standin", "--out", "{tmp}/existing.h5"], ["existing.h5", "--force"]),
    ("output_is_directory", ["run", "standin", "--out", "{tmp}/a_directory"], ["a_directory", "directory"]),
    ("run_without_protocol", ["run"], ["PROTOCOL"]),
    ("unknown_command", ["frobnicate"], ["frobnicate"]),
    ("unknown_option", ["run", "standin", "--bogus"], ["--bogus"]),
    ("list_unknown_protocol", ["list", "no_such_protocol"], ["no_such_protocol"]),
    ("inspect_not_hdf5", ["inspect", "{tmp}/notes.txt"], ["notes.txt", "not an HDF5 file"]),
    ("inspect_incomplete", ["inspect", "{tmp}/incomplete.h5"], ["incomplete.h5", "incomplete"]),
    ("inspect_truncated", ["inspect", "--json", "{tmp}/truncated.h5"], ["truncated.h5"]),
    ("inspect_missing", ["inspect", "{tmp}/missing.h5"], ["missing.h5", "no such file"]),
    ("run_from_non_result", ["run", "--from", "{tmp}/notes.txt"], ["notes.txt"]),
    ("run_from_other_protocol", ["run", "standin_sleep", "--from", "{tmp}/good.h5"], ["good.h5", "standin_sleep"]),
]


@pytest.mark.parametrize("case, argv, fragments", BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_bad_input_exit_2_one_line_no_file(bad_inputs, capsys, case, argv, fragments):
    """Bad input exits 2 with exactly one line on stderr that names the offending item, and
    writes nothing (no result, no temporary file, existing files untouched)."""
    tmp = bad_inputs
    argv = [a.format(tmp=tmp) for a in argv]
    if argv[0] == "run" and "--out" not in argv and "--bogus" not in argv:
        argv += ["--out", OUT.format(tmp=tmp)]
    before = _snapshot(tmp)
    code, out, err = _call(argv, capsys)
    assert code == 2, (out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert _snapshot(tmp) == before
    assert not (tmp / "out.h5").exists() and not (tmp / "results").exists()


def test_enough_kinds_of_bad_input():
    """The issue asks for at least 20 kinds of bad input."""
    assert len(BAD_INPUT) >= 20


def test_list_one_line_per_protocol(standins, capsys):
    """`list` prints each protocol once, with its summary, one per line."""
    code, out, err = _call(["list"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    from experiments.config import available_protocols

    assert len(lines) == len(available_protocols())
    for name, module in standins.PROTOCOLS.items():
        assert any(line.split()[0] == name and line.endswith(module.SUMMARY) for line in lines)


def test_list_protocol_shows_knobs(standins, capsys):
    """`list PROTOCOL` shows every knob with its default and unit."""
    code, out, _ = _call(["list", "standin"], capsys)
    assert code == 0
    for name in standins.KNOBS:
        assert f"  {name} = " in out
    assert "[list of mV]" in out and "one of morphine/fentanyl/remifentanil" in out


def test_run_default_output_and_inspect_json(standins, tmp_path, capsys):
    """`run` writes results/<protocol>.h5 by default; `inspect --json` prints one JSON object
    with protocol, seed, config, provenance, populations {n, spikes} and readouts."""
    code, out, err = _call(["run", "standin", "--set", "ketamine_uM=2.5", "--seed", "9", "--device", "runtime"], capsys)
    assert code == 0, err
    path = tmp_path / "results" / "standin.h5"
    assert path.exists() and out.startswith("wrote results/standin.h5")
    code, out, err = _call(["inspect", "--json", path], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert {"protocol", "seed", "config", "provenance", "populations", "readouts"} <= set(data)
    assert data["protocol"] == "standin" and data["seed"] == 9
    assert data["config"]["knobs"]["ketamine_uM"] == 2.5 and data["config"]["device"] == "runtime"
    for key in ("git_commit", "git_dirty", "packages", "host", "command_line", "wall_start", "wall_end", "wall_seconds"):
        assert key in data["provenance"], key
    assert "--seed 9" in data["provenance"]["command_line"]
    record = read_run(path)
    assert data["populations"] == {name: {"n": n, "spikes": record.spike_counts[name]}
                                   for name, n in record.populations.items()}
    assert data["populations"]["silent"] == {"n": 10, "spikes": 0}
    assert data["readouts"]["ketamine_echo_uM"] == 2.5
    assert data["readouts"]["withdrawal_latency_s"][0] is None  # NaN is null in strict JSON
    assert data["readouts"]["nmda_current_pA"] == np.asarray(record.readouts["nmda_current_pA"]).tolist()
    assert isinstance(data["readouts"]["rate_on_hz"], float)


def test_inspect_summary(good_file, capsys):
    """`inspect` prints a readable summary naming protocol, populations and read-outs."""
    code, out, err = _call(["inspect", good_file], capsys)
    assert code == 0 and err == ""
    assert "protocol  standin" in out
    for name in ("on_cells", "wdr", "big", "silent", "rate_on_hz", "withdrawal_latency_s", "plasma_uM"):
        assert name in out


def test_force_overwrites(good_file, capsys):
    """With --force an existing file is replaced by the new run."""
    code, _, err = _call(["run", "standin", "--out", good_file, "--seed", "5", "--force"], capsys)
    assert code == 0, err
    assert read_run(good_file).seed == 5


@pytest.mark.parametrize("protocol, fragment", [
    ("standin_fail", "synthetic failure inside the protocol"),
    ("standin_bad_result", "broken"),
])
def test_failure_while_running_exit_1_no_file(standins, tmp_path, capsys, protocol, fragment):
    """An exception inside the protocol, or while writing its result, exits 1 with one line
    naming the protocol and the error, and leaves no file under the final name and no
    temporary file."""
    out_path = tmp_path / "out.h5"
    code, out, err = _call(["run", protocol, "--out", out_path], capsys)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {protocol} failed:") and fragment in lines[0]
    assert not out_path.exists() and _tmp_files(tmp_path) == []


def test_failure_traceback_with_verbose(standins, tmp_path, capsys):
    """With -v a failing run also prints the traceback."""
    code, _, err = _call(["run", "standin_fail", "--out", tmp_path / "out.h5", "-v"], capsys)
    assert code == 1 and "Traceback" in err and "synthetic failure" in err


@pytest.mark.parametrize("name, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_signal_in_process(standins, tmp_path, capsys, name, code):
    """A SIGINT or SIGTERM during the run exits 130 / 143 with one line saying the run was
    interrupted and no file written; the previous signal handlers are restored."""
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    out_path = tmp_path / "out.h5"
    status, out, err = _call(["run", "standin_signal", "--set", f"signal={name}", "--out", out_path], capsys)
    assert status == code
    assert err.splitlines() == [f"interrupted by {name}: the run was stopped and no file was written to {out_path}"]
    assert not out_path.exists() and _tmp_files(tmp_path) == []
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def _child_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["OIH_TEST_PROTOCOLS"] = "standin_protocols"
    env["OIH_STANDIN_STARTED"] = str(tmp_path / "started")
    return env


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_kills_subprocess_run_without_file(tmp_path, signum, code):
    """`python -m experiments run` killed with SIGINT or SIGTERM mid-run exits 130 / 143,
    says so in one line, and leaves no file under the final name (nor a temporary one)."""
    out_path = tmp_path / "results" / "sleepy.h5"
    child = subprocess.Popen(
        [sys.executable, "-m", "experiments", "run", "standin_sleep", "--out", str(out_path), "--device", "runtime"],
        cwd=tmp_path, env=_child_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not (tmp_path / "started").exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the child never started its run"
            time.sleep(0.05)
        time.sleep(0.2)
        child.send_signal(signum)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == code, err
    name = signal.Signals(signum).name
    assert err.strip().splitlines() == [f"interrupted by {name}: the run was stopped and no file was written to {out_path}"]
    assert not out_path.exists()
    assert _tmp_files(tmp_path) == []


def test_entry_point_in_subprocess(tmp_path):
    """`python -m experiments list` works as a program (with the stand-ins via the test hook)."""
    done = subprocess.run([sys.executable, "-m", "experiments", "list"], cwd=tmp_path, env=_child_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert any(line.startswith("standin_sleep ") for line in done.stdout.splitlines())


def test_quiet_prints_nothing(standins, tmp_path, capsys):
    """--quiet: a successful run prints nothing at all."""
    code, out, err = _call(["run", "standin", "--out", tmp_path / "q.h5", "--quiet"], capsys)
    assert (code, out, err) == (0, "", "")


def test_batch_logs_quiet_unless_verbose(standins, tmp_path, capsys):
    """Not on a terminal, progress is silent by default and logged as lines with -v."""
    code, out, err = _call(["run", "standin", "--out", tmp_path / "a.h5"], capsys)
    assert code == 0 and err == "" and out.startswith("wrote ")
    code, out, err = _call(["run", "standin", "--out", tmp_path / "b.h5", "-v"], capsys)
    assert code == 0
    assert "standin:  50.0%" in err and "standin: 100.0%" in err and "\r" not in err
    assert err.startswith("config: {")


class _FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_on_terminal():
    """On a terminal, progress redraws one line in place (percentage, elapsed, ETA, message),
    at most every redraw_every seconds, and clear() erases it."""
    now = [0.0]
    stream = _FakeTerminal()
    progress = Progress("heat_trials", stream=stream, clock=lambda: now[0], redraw_every=0.1)
    now[0] = 10.0
    progress(0.25, "t=5 s of 20 s")
    now[0] = 10.05
    progress(0.3, "too soon")  # throttled
    now[0] = 20.0
    progress(0.5, "t=10 s")
    text = stream.getvalue()
    assert "\n" not in text and text.count("\r") == 2
    assert "heat_trials:  25.0%  elapsed 0:10  ETA 0:30  t=5 s of 20 s" in text
    assert "too soon" not in text
    assert "ETA 0:20" in text
    progress.clear()
    assert stream.getvalue().endswith("\r")
    quiet = _FakeTerminal()
    Progress("x", stream=quiet, quiet=True)(0.5, "hidden")
    assert quiet.getvalue() == ""


def test_progress_log_every_tenth():
    """With -v in a batch log, progress lines appear once per 10% (not per call)."""
    stream = io.StringIO()
    progress = Progress("p", stream=stream, verbose=True, clock=lambda: 0.0)
    for i in range(101):
        progress(i / 100, "")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("p: 100.0%")
    progress("not a number", None)  # never raises


def test_rerun_reproduces_spikes(good_file, tmp_path, capsys):
    """rerun() and `run --from FILE` re-run from the stored config and give identical spikes,
    read-outs and config; options given with --from apply on top (a new seed differs)."""
    original = read_run(good_file)
    again = read_run(rerun(good_file, tmp_path / "again.h5"))
    code, _, err = _call(["run", "--from", good_file, "--out", tmp_path / "from.h5", "--quiet"], capsys)
    assert code == 0, err
    via_cli = read_run(tmp_path / "from.h5")
    for record in (again, via_cli):
        assert record.config == original.config
        for population in original.populations:
            for a, b in zip(record.spikes(population), original.spikes(population)):
                np.testing.assert_array_equal(a, b)
        for name, value in original.readouts.items():
            np.testing.assert_array_equal(record.readouts[name], value)
    code, _, err = _call(["run", "--from", good_file, "--out", tmp_path / "seed2.h5", "--seed", "2", "-q"], capsys)
    assert code == 0, err
    reseeded = read_run(tmp_path / "seed2.h5")
    assert reseeded.seed == 2 and reseeded.config.knobs == original.config.knobs
    assert not np.array_equal(reseeded.spikes("big")[0], original.spikes("big")[0])


def test_adding_a_subcommand(monkeypatch, capsys):
    """A new command is an (add_arguments, handler) entry of SUBCOMMANDS; its docstring is its
    help, and -v/-q and argv reach the handler."""
    def add(parser):
        parser.add_argument("--name", default="world")

    def handler(args):
        """Say hello."""
        print(f"hello {args.name} {args.verbose} {args.argv}")
        return 0

    monkeypatch.setitem(cli.SUBCOMMANDS, "hello", (add, handler))
    code, out, _ = _call(["hello", "--name", "you", "-v"], capsys)
    assert code == 0 and out.strip() == "hello you True ['hello', '--name', 'you', '-v']"
    code, out, _ = _call(["--help"], capsys)
    assert code == 0 and "Say hello." in out
