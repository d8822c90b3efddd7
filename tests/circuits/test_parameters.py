"""The parameter source: every value has a unit and a source; overrides are checked."""

import pytest
from brian2 import mV, ms

from circuits.parameters import DEFAULTS, ParameterSet, iter_params, parse_unit


@pytest.mark.parametrize("path,param", list(iter_params(DEFAULTS)), ids=lambda x: x if isinstance(x, str) else "")
def test_every_parameter_has_a_unit_and_a_source(path, param):
    """A parameter without a parseable unit or a cited source is a defect of the model."""
    assert param.unit, path
    if param.unit not in ("count", "bool"):
        parse_unit(param.unit)
    assert len(param.source.strip()) >= 3, f"{path} has no source"
    assert param.doc.strip(), f"{path} has no description"


def test_override_with_units_is_applied():
    """``--set synapses.tau_ampa=4ms`` changes the value used by the model."""
    ps = ParameterSet({"synapses.tau_ampa": 4 * ms})
    assert float(ps["synapses.tau_ampa"] / ms) == pytest.approx(4.0)
    assert float(ParameterSet()["synapses.tau_ampa"] / ms) == pytest.approx(5.0)


@pytest.mark.parametrize("path,value,message", [
    ("synapses.tau_amp", 4 * ms, "unknown model parameter"),
    ("synapses.tau_ampa", 4 * mV, "expects units of ms"),
    ("synapses.tau_ampa", 4.0, "needs a unit"),
    ("rvm.on_cells.n", 0, "at least one cell"),
    ("rvm.on_cells.n", 2.5, "non-negative integer"),
])
def test_bad_overrides_are_rejected(path, value, message):
    """Unknown paths, wrong dimensions, bare numbers and impossible sizes raise one clear error."""
    with pytest.raises((KeyError, ValueError), match=message):
        ParameterSet({path: value})
