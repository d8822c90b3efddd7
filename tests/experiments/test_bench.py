"""``python -m experiments bench``: argument handling, the JSON report and its arithmetic, with the
measurements stubbed (no timing is asserted: a timed test would flake). The real measurements
are exercised by ``make bench`` / ``python -m experiments bench --quick``."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict

import pytest

from experiments import bench
from experiments.cli import RunFailed
from cli_helpers import call as _call

PROJECT = {"build_s": 10.0, "cores": 1, "neurons": 100, "synapses": 1000, "peak_rss_mib": 200.0,
           "children_peak_rss_mib": 300.0,
           "runs": [{"run_s": s, "simulation_s": 1.0, "binary_s": s, "synaptic_events": 1000,
                     "parameter": "connections.x.w_ampa", "factor": 1.05} for s in (1.0, 1.1, 1.2)],
           "profile": {"profiled_s": 1.0, "synaptic_s": 0.02, "synaptic_events": 1000, "largest_s": {}}}
NAIVE = {"cores": 1, "neurons": 100, "synapses": 1000, "peak_rss_mib": 400.0, "children_peak_rss_mib": 500.0,
         "runs": [{"total_s": total, "construct_s": 1.0, "run_s": run, "synaptic_events": 900,
                   "parameter": "connections.x.w_ampa", "factor": 1.05}
                  for total, run in ((100.0, 50.0), (10.0, 8.0), (12.0, 10.0))]}
COBA = {"build_s": 5.0, "run_s": 1.2, "simulation_s": 1.0, "synaptic_events": 2000, "spikes": 50, "neurons": 4000,
        "synapses": 320000, "cores": 1, "peak_rss_mib": 150.0, "children_peak_rss_mib": 160.0,
        "profile": {"profiled_s": 1.0, "synaptic_s": 0.5, "synaptic_events": 2000, "largest_s": {}}}
SWEEP = {"rows": 6, "protocol": "windup", "spec": "", "warmup_row_s": 3.0, "one_worker_s": 60.0,
         "one_worker_row_s": [10.0] * 6, "rows_relinked_1_worker": 0, "two_workers_s": 30.0,
         "two_workers_row_s": [10.0] * 6, "rows_relinked_2_workers": 0, "peak_rss_mib": 190.0,
         "children_peak_rss_mib": 290.0}
CHRONIC = {"wall_s": 320.0, "days": 7.0, "scale": 1.0, "probes": 169, "threshold_tests": 8, "runs": 217,
           "peak_rss_mib": 210.0, "children_peak_rss_mib": 310.0}
CANNED = {"measure_project": PROJECT, "measure_naive": NAIVE, "measure_coba": COBA, "measure_sweep": SWEEP,
          "measure_chronic": CHRONIC}


@pytest.fixture
def stubbed(monkeypatch, tmp_path):
    """Canned measurements instead of spawned processes; records the calls."""
    calls = []

    def runner(target, kwargs):
        calls.append((target, kwargs))
        return json.loads(json.dumps(CANNED[target.split(":")[1]]))

    monkeypatch.setattr(bench, "run_measurement", runner)
    monkeypatch.chdir(tmp_path)
    return calls


def _figure(report, key):
    return next(f for f in report["figures"] if f["key"] == key)


@pytest.mark.parametrize("args, message", [
    (["--runs", "1"], "--runs: must be an integer >= 2"),
    (["--runs", "ten"], "--runs: must be an integer >= 2"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--out", "."], "is a directory"),
    (["--out", "bench.txt"], "give a .json file name"),
])
def test_bad_arguments_exit_2_with_one_line(stubbed, capsys, args, message):
    code, out, err = _call(["bench", *args], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
    assert stubbed == [] and not os.path.exists("results")


def test_build_root_that_is_a_file(stubbed, capsys, tmp_path):
    (tmp_path / "file").write_text("")
    code, _, err = _call(["bench", "--build-root", tmp_path / "file"], capsys)
    assert code == 2 and "is not a directory" in err and err.count("\n") == 1 and stubbed == []


def test_json_report_schema_and_ratios(stubbed, capsys, tmp_path):
    out_file = tmp_path / "out" / "bench.json"
    code, out, err = _call(["bench", "--quick", "--json", "--runs", "3", "--out", out_file,
                            "--build-root", tmp_path / "build"], capsys)
    assert code == 0, err
    report = json.loads(out)
    assert json.loads(out_file.read_text()) == report
    assert [name for name in os.listdir(out_file.parent)] == ["bench.json"]  # no temporary file left
    assert report["schema"] == bench.SCHEMA and report["quick"] is True
    assert report["settings"]["runs"] == 3 and report["settings"]["scale"] == bench.QUICK.scale
    assert report["command"][-1] == str(tmp_path / "build")
    for key in ("host", "cpu", "cpus", "python", "brian2", "load_average_1min_start", "load_average_1min_end"):
        assert key in report["machine"]
    assert report["build_cache"].startswith("cold")
    assert set(report["code"]) == {"commit", "dirty"} and "brian2" in report["packages"]
    assert {target.split(":")[1] for target, _ in stubbed} == set(CANNED)
    assert all(kwargs["settings"]["runs"] == 3 for _, kwargs in stubbed)

    project, naive, coba, sweep = (report[k] for k in ("project_path", "naive_path", "coba", "sweep"))
    assert project["run_s"] == pytest.approx(1.1) and project["simulation_s"] == pytest.approx(1.0)
    assert project["total_s"] == pytest.approx(10.0 + 3.3)
    assert project["synaptic_events_per_s_per_core"] == pytest.approx(3000 / 3.0)
    assert project["realtime_factor"] == pytest.approx(bench.QUICK.duration_s / 1.1)
    assert naive["first_run_s"] == 100.0 and naive["rebuild_and_run_s"] == pytest.approx(11.0)
    assert naive["compile_overhead_s"] == pytest.approx(89.0) and naive["total_s"] == pytest.approx(122.0)
    assert naive["realtime_factor"] == pytest.approx(bench.QUICK.duration_s / 9.0)
    assert coba["synaptic_events_per_s_per_core"] == pytest.approx(2000.0)
    assert sweep["rows_per_min_1_worker"] == pytest.approx(6.0) and sweep["rows_per_min_2_workers"] == pytest.approx(12.0)

    rerun = _figure(report, "rerun_over_simulation")
    assert rerun["ratio"] == pytest.approx(1.1) and rerun["target"] == {"op": "<=", "value": 1.2} and rerun["met"] is True
    speedup = _figure(report, "total_s")
    assert speedup["ratio"] == pytest.approx(122.0 / 13.3) and speedup["met"] is False  # 9.2 < 10
    events = _figure(report, "synaptic_events_per_s_per_core")
    assert events["ratio"] == pytest.approx(1000.0 / 2000.0) and events["met"] is True  # within 3x
    share = _figure(report, "delivery_share")
    assert (share["project"], share["naive"], share["target"]) == (pytest.approx(0.02), pytest.approx(0.5), None)
    per_step = _figure(report, "synaptic_events_per_step")  # 3 runs of 0.5 s and 0.2 s of COBA at 0.1 ms
    assert per_step["project"] == pytest.approx(3000 / 15000) and per_step["naive"] == pytest.approx(2000 / 2000)
    assert per_step["ratio"] == pytest.approx(0.2)
    workers = _figure(report, "sweep_rows_per_min_2_workers")
    assert workers["ratio"] == pytest.approx(2.0) and workers["met"] is True
    build = _figure(report, "build_s")
    assert build["project"] == 10.0 and build["naive"] == pytest.approx(89.0) and build["target"] is None
    assert build["met"] is None
    memory = _figure(report, "peak_rss_mib")
    assert memory["unit"] == "MiB" and memory["ratio"] == pytest.approx(2.0)
    chronic = _figure(report, "chronic_wall_s")
    assert chronic["project"] == 320.0 and chronic["target"] == {"op": "<=", "value": 300.0}
    assert chronic["met"] is False and "169 hourly probes" in chronic["definition"]
    assert report["chronic"]["runs"] == 217
    for figure in report["figures"]:
        assert set(figure) >= {"key", "figure", "unit", "project", "naive", "ratio", "ratio_of", "target", "met"}
        assert figure["unit"]


def test_table_and_progress_lines(stubbed, capsys, tmp_path):
    code, out, err = _call(["bench", "--build-root", tmp_path / "build"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["figure", "project", "path", "naive", "path", "/", "reference", "ratio", "target", "met"]
    assert any(line.startswith("chronic protocol, 7 days at scale 1 [s]") and line.split()[-1] == "no"
               for line in lines)
    assert len(lines) >= 2 + len(bench.figures(bench.FULL, *_summaries()))
    speedup = next(line for line in lines if line.startswith(f"{bench.FULL.runs} runs of"))
    assert speedup.split()[-3:] == [">=", "10.0", "no"]
    progress = [line for line in err.splitlines() if line.startswith("bench [")]
    assert len(progress) == 5 and all(f"[{k}/5]" in line for k, line in enumerate(progress, 1))
    assert err.splitlines()[-1] == "wrote results/bench.json"
    assert json.loads((tmp_path / "results" / "bench.json").read_text())["quick"] is False

    code, out, err = _call(["bench", "-q", "--build-root", tmp_path / "build"], capsys)
    assert code == 0 and out == "" and err == ""


def test_quick_keeps_its_compiled_code(stubbed, capsys, tmp_path):
    code, _, err = _call(["bench", "--quick", "-q"], capsys)
    assert code == 0 and err == ""
    report = json.loads((tmp_path / "results" / "bench.json").read_text())
    assert report["quick"] is True and report["settings"]["runs"] == bench.QUICK.runs
    root = str(tmp_path / ".build" / "bench-quick")
    assert root in report["build_cache"] and all(kwargs["build_root"].startswith(root) for _, kwargs in stubbed)


def _summaries():
    settings = bench.FULL
    return (bench.summarize_project(PROJECT, settings), bench.summarize_naive(NAIVE, settings),
            bench.summarize_coba(COBA, settings), bench.summarize_sweep(SWEEP), dict(CHRONIC))


def test_ratios_with_missing_values_are_null():
    project, naive, coba, sweep, chronic = _summaries()
    project = {**project, "simulation_s": 0.0, "rerun_over_simulation": None}
    coba = {**coba, "synaptic_events_per_s_per_core": None}
    table = {f["key"]: f for f in bench.figures(bench.FULL, project, naive, coba, sweep, chronic)}
    assert table["rerun_over_simulation"]["ratio"] is None and table["rerun_over_simulation"]["met"] is None
    assert table["synaptic_events_per_s_per_core"]["ratio"] is None
    assert bench._ratio(1.0, 0.0) is None and bench._ratio(math.nan, 1.0) is None and bench._ratio(3.0, 2.0) == 1.5


def test_a_failed_measurement_writes_nothing(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "bench.json"
    old.write_text("{}")

    def runner(target, kwargs):
        if target.endswith("measure_coba"):
            raise RunFailed(f"{target}: RuntimeError: make failed")
        return json.loads(json.dumps(CANNED[target.split(":")[1]]))

    monkeypatch.setattr(bench, "run_measurement", runner)
    code, out, err = _call(["bench", "--out", old, "--build-root", tmp_path / "build"], capsys)
    assert code == 1 and out == ""
    assert err.splitlines()[-1] == "error: experiments.bench:measure_coba: RuntimeError: make failed"
    assert old.read_text() == "{}" and sorted(os.listdir(tmp_path)) == ["bench.json"]


def test_measurements_run_in_a_fresh_process():
    result = bench.run_measurement("json:loads", {"s": '{"pid": 1}'})
    assert result["pid"] == 1 and result["peak_rss_mib"] > 0 and result["children_peak_rss_mib"] >= 0
    with pytest.raises(RunFailed) as failure:
        bench.run_measurement("json:loads", {"s": "{"})
    assert str(failure.value).startswith("json:loads: JSONDecodeError: ") and "\n" not in str(failure.value)


def test_sweep_spec_resolves(tmp_path):
    from experiments.sweep import load_spec

    for settings in (bench.QUICK, bench.FULL):
        spec = tmp_path / "spec.toml"
        spec.write_text(bench.sweep_spec(asdict(settings)))
        sweep = load_spec(spec)
        assert sweep.protocol == "windup" and len(sweep.rows) == settings.sweep_rows
        config = sweep.rows[-1].config
        assert config.scale == settings.sweep_scale and config.knobs["n_stim"] == settings.sweep_n_stim


def test_each_run_has_new_parameter_values():
    from circuits import ParameterSet

    base = ParameterSet()
    first, path, factor = bench.varied_parameters(base, 0)
    second, same_path, second_factor = bench.varied_parameters(base, 1)
    assert path == same_path and path.startswith("connections.") and factor != second_factor != 1.0
    assert float(first[path] / base[path]) == pytest.approx(factor)
    assert float(second[path] / base[path]) == pytest.approx(second_factor)


def test_synaptic_events_count_spikes_times_out_degree():
    import brian2 as b

    previous, previous_dt = b.prefs.codegen.target, b.defaultclock.dt
    b.prefs.codegen.target = "numpy"
    b.defaultclock.dt = 0.1 * b.ms  # another module's protocol may have left a coarser step
    try:
        source = b.SpikeGeneratorGroup(3, [0, 0, 1, 2, 2, 2], [0.1, 0.5, 0.2, 0.1, 0.3, 0.6] * b.ms, name="bench_src")
        target = b.NeuronGroup(4, "v : 1", name="bench_tgt")
        synapses = b.Synapses(source, target, on_pre="v += 1", name="bench_syn")
        synapses.connect(i=[0, 0, 0, 1, 2, 2], j=[0, 1, 2, 3, 0, 1])  # out-degrees 3, 1, 2
        monitor = b.SpikeMonitor(source, name="bench_mon")
        network = b.Network(source, target, synapses, monitor)
        network.run(1 * b.ms)
        assert bench.synaptic_events(network) == {"bench_syn": 2 * 3 + 1 * 1 + 3 * 2}
    finally:
        b.prefs.codegen.target, b.defaultclock.dt = previous, previous_dt
