"""The flagship demo: fentanyl with and without ketamine, two result files, a figure and a
two-line summary (shortened here: 6 h at scale 0.1)."""

import pytest

from experiments import demo
from experiments.cli import main
from experiments.storage import read_run

pytestmark = pytest.mark.slow(minutes=0.6)


def test_demo_writes_both_runs_the_figure_and_a_two_line_summary(tmp_path, build_root, monkeypatch, capsys):
    monkeypatch.setattr(demo, "DEMO_SETTINGS", [
        "--scale", "0.1", "--set", "follow_days=0.25", "--set", "probe_every_h=4", "--set", "test_h=[1, 6]",
        "--set", "morphine_mg_kg=0", "--build-root", str(build_root)])
    assert main(["demo", "--out", str(tmp_path)]) == 0
    control, ketamine = (read_run(tmp_path / name) for name, _ in demo.RUNS)
    assert control.config.knobs["ketamine_mg_kg"] == 0 and ketamine.config.knobs["ketamine_mg_kg"] == 10
    assert list(control.readouts["test_hours"]) == [-1.0, 1.0, 6.0]
    for fmt in ("pdf", "png"):
        assert (tmp_path / "figures" / f"fentanyl.{fmt}").stat().st_size > 10_000
    lines = capsys.readouterr().out.strip().splitlines()[-3:]
    assert lines[0].startswith("4 x 100 ug/kg: threshold up to") and "nadir" in lines[1]
    assert lines[2].startswith("figure: ")
