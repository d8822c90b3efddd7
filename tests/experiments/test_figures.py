"""The figure pipeline: every registered figure from result files alone, non-trivial output,
result files checked for being missing or outdated, one-line errors for bad input."""

from __future__ import annotations

import brian2
import matplotlib.pyplot as plt
import pytest

from experiments import cli
from experiments.cli import main
from experiments.figures import FIGURES, Result, circuit_structure, figure_module, pipeline, save

CHEAP = ("circuit", "mg_block", "ketamine_block")  # figures whose inputs take seconds to make


def _figure_files(out_dir, name):
    return out_dir / f"{name}.pdf", out_dir / f"{name}.png"


def assert_nontrivial_figure(out_dir, name):
    """A PDF of a few KB that parses as a PDF page and a PNG of a column figure that is not blank."""
    pdf, png = _figure_files(out_dir, name)
    data = pdf.read_bytes()
    assert len(data) > 5_000, f"{pdf}: only {len(data)} bytes"
    assert data.startswith(b"%PDF-1.") and b"%%EOF" in data[-1024:] and b"startxref" in data[-1024:], pdf
    assert b"/Type /Page" in data, pdf
    image = plt.imread(png)
    height, width = image.shape[:2]
    assert 600 <= width <= 4000 and 300 <= height <= 4000, f"{png}: {width} x {height} px"
    grey = image[..., :3].mean(axis=2)
    assert grey.std() > 0.05 and (grey < 0.9).mean() > 0.01, f"{png}: (nearly) blank"
    assert not list(out_dir.glob("*.tmp")), "temporary files left behind"


def forbid_simulation(monkeypatch):
    """Any simulation, network build or protocol run from now on fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a figure tried to simulate")

    monkeypatch.setattr(brian2.Network, "run", refuse)
    monkeypatch.setattr(cli, "execute", refuse)
    monkeypatch.setattr(circuit_structure, "describe", refuse)
    monkeypatch.setattr(circuit_structure, "build_circuit", refuse)


# --------------------------------------------------------------------------------------------
# Fast: the registry, bad input, the state of result files, cheap figures
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("quick", [False, True])
def test_every_registered_command_is_valid(quick):
    """Each registered command parses and resolves (a renamed knob would fail here)."""
    for name, results in FIGURES.items():
        assert figure_module(name).make, name
        for result in results:
            assert pipeline.expected_config(result, quick), result.file


@pytest.mark.parametrize("argv,fragment", [
    (["figures", "no_such_figure"], "unknown figure 'no_such_figure'"),
    (["figures", "--results", "a_file"], "--results a_file: not a directory"),
    (["figures", "--out", "a_file"], "--out a_file: not a directory"),
    (["circuit", "--scale", "0"], "must be a number > 0"),
    (["circuit", "--out", "circuit.txt"], "give a .json file name"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, monkeypatch, capsys, argv, fragment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_missing_inputs_are_skipped_with_their_command(tmp_path, capsys):
    """Without results nothing is drawn; each figure names the command that makes its input."""
    assert main(["figures", "--results", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    for name, results in FIGURES.items():
        assert f"skipped {name}: " in err and f"python -m experiments {results[0].command[0]}" in err
    assert not (tmp_path / "figures").exists()


@pytest.fixture(scope="module")
def cheap_results(tmp_path_factory):
    """The result files of the cheap figures, made by the pipeline (quick commands)."""
    results = tmp_path_factory.mktemp("cheap") / "results"
    assert main(["figures", *CHEAP, "--quick", "--run-missing", "--results", str(results), "--quiet"]) == 0
    return results


def test_cheap_figures_are_drawn_from_their_files_alone(cheap_results, tmp_path, monkeypatch):
    forbid_simulation(monkeypatch)
    for name in CHEAP:
        inputs = [cheap_results / result.file for result in FIGURES[name]]
        written = figure_module(name).make(*inputs, tmp_path)
        assert written == list(_figure_files(tmp_path, name))
        assert_nontrivial_figure(tmp_path, name)


def test_state_of_result_files(cheap_results, tmp_path):
    """ok when made by the registered command; outdated (naming the difference) when made by
    another; unreadable when incomplete or corrupt; missing when absent."""
    for name in CHEAP:
        result = FIGURES[name][0]
        assert pipeline.check(cheap_results / result.file, result, quick=True) == ("ok", "")
    clamp = FIGURES["mg_block"][0]
    other = Result(clamp.file, clamp.command, ("run", "nmda_clamp", "--set", "mg_mM=2"))
    state, detail = pipeline.check(cheap_results / clamp.file, other, quick=True)
    assert state == "outdated" and "knobs.mg_mM 1.0 -> 2.0" in detail and "knobs.v_hold_mV" in detail
    circuit = FIGURES["circuit"][0]
    state, detail = pipeline.check(cheap_results / circuit.file, circuit, quick=False)
    assert state == "outdated" and "scale 0.1 -> 1.0" in detail
    for result in (clamp, circuit):
        broken = tmp_path / result.file
        broken.write_bytes((cheap_results / result.file).read_bytes()[:200])
        assert pipeline.check(broken, result)[0] == "unreadable"
    assert pipeline.check(tmp_path / "absent.h5", clamp) == ("missing", "")


def test_list_shows_state_and_command(cheap_results, capsys):
    assert main(["figures", "--list", "--quick", "--results", str(cheap_results)]) == 0
    out = capsys.readouterr().out
    assert "[ok]" in out and "[missing]" in out
    assert "python -m experiments run heat_trials --scale 0.1" in out


def test_outdated_input_is_remade_only_with_run_missing(cheap_results, tmp_path, capsys):
    """Without --run-missing an outdated input is drawn with a note; with it, it is remade."""
    results = tmp_path / "results"
    results.mkdir()
    circuit = FIGURES["circuit"][0]
    (results / circuit.file).write_bytes((cheap_results / circuit.file).read_bytes())  # scale 0.1
    assert main(["figures", "circuit", "--results", str(results)]) == 0
    assert "made by another command (scale 0.1 -> 1.0)" in capsys.readouterr().err
    assert main(["figures", "circuit", "--results", str(results), "--run-missing", "--quiet"]) == 0
    assert circuit_structure.read(results / circuit.file)["config"]["scale"] == 1.0
    assert_nontrivial_figure(results / "figures", "circuit")


def test_save_leaves_nothing_behind_when_writing_fails(tmp_path, monkeypatch):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])

    def fail_while_writing(target, **kwargs):
        target.write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(fig, "savefig", fail_while_writing)
    with pytest.raises(OSError, match="disk full"):
        save(fig, tmp_path, "broken")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# Slow: the whole pipeline at quick scale
# --------------------------------------------------------------------------------------------

@pytest.mark.slow(minutes=4.5)
def test_quick_pipeline_makes_every_figure_from_results_alone(tmp_path, monkeypatch):
    """`figures --quick --run-missing` makes every registered figure; drawing them again
    afterwards simulates nothing and gives the same files."""
    monkeypatch.chdir(tmp_path)  # compiled networks go to tmp_path/.build
    assert main(["figures", "--quick", "--run-missing", "--quiet"]) == 0
    out_dir = tmp_path / "results" / "quick" / "figures"
    for name in FIGURES:
        assert_nontrivial_figure(out_dir, name)
    pdfs = {name: _figure_files(out_dir, name)[0].read_bytes() for name in FIGURES}
    forbid_simulation(monkeypatch)
    assert main(["figures", "--quick", "--run-missing", "--quiet"]) == 0
    assert {name: _figure_files(out_dir, name)[0].read_bytes() for name in FIGURES} == pdfs
