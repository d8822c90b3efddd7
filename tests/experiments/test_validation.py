"""The validation scorecard: the quick set (what CI runs) passes, and the scoring rules."""

import json
import math

import pytest

from experiments import validation
from experiments.cli import UsageError, main


def test_quick_scorecard_passes_and_is_written_as_markdown_and_json(tmp_path):
    """``validate --quick``: every quick target (drug kinetics, NMDA channel clamp) passes, exit
    status 0, and the table is written as validation.md and validation.json."""
    assert main(["validate", "--quick", "--quiet", "--results", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "validation.json").read_text())
    quick = [t.key for t in validation.TARGETS if t.quick]
    assert [row["target"] for row in rows] == quick and len(quick) >= 10
    assert all(row["status"] == "pass" for row in rows), rows
    assert all(row["low"] is None or row["low"] <= row["model"] for row in rows if row["model"] is not None)
    text = (tmp_path / "validation.md").read_text()
    assert f"{len(quick)} passed, 0 known misses, 0 failed" in text
    assert "| `ketamine_ic50_mg` |" in text


def _target(value, low=1.0, high=2.0, miss=""):
    return validation.Target("t", "claim", "source", "1-2", (), lambda: value, low, high, miss=miss)


@pytest.mark.parametrize("value,miss,status,failed", [
    (1.5, "", "pass", False),
    (3.0, "", "FAIL", True),
    (3.0, "issue 5: reason", "known miss", False),
    (1.5, "issue 5: reason", "UNEXPECTED PASS", True),
    (math.nan, "", "FAIL", True),
])
def test_scoring_follows_the_band_and_known_misses_act_as_strict_xfails(tmp_path, value, miss, status, failed):
    """A value inside [low, high] passes; outside (or NaN) fails; a known miss that fails is
    reported and tolerated, one that passes fails the scorecard until the registry is updated."""
    score = validation.evaluate(_target(value, miss=miss), tmp_path)
    assert (score.status, score.failed) == (status, failed)


def test_a_missing_result_file_is_an_error_of_that_target(tmp_path):
    target = validation.Target("t", "claim", "source", "1-2", (validation.HEAT,), lambda r: 1.5, 1.0, 2.0)
    score = validation.evaluate(target, tmp_path)
    assert score.status == "error" and score.failed and "no such file" in score.detail


def test_every_target_key_is_unique_and_every_band_is_ordered():
    keys = [t.key for t in validation.TARGETS]
    assert len(keys) == len(set(keys))
    assert all(t.low < t.high and t.source and t.literature for t in validation.TARGETS)


def test_unknown_target_is_a_one_line_usage_error():
    with pytest.raises(UsageError, match="unknown target 'nope'"):
        validation.select(False, ["nope"])


def test_readme_shows_every_target_of_the_registry():
    """The README's scorecard lists every target (regenerate it with `make validate`)."""
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    missing = [t.key for t in validation.TARGETS if f"| `{t.key}` |" not in readme]
    assert not missing, missing
