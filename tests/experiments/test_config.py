"""Resolving a run's configuration: value parsing, merge order, checks, JSON round trip."""

from __future__ import annotations

import json

import pytest
from brian2 import mV, ms, uM

from experiments.config import ConfigError, ResolvedConfig, parse_value, resolve_config, revalidate


@pytest.mark.parametrize("text, expected", [
    ("true", True),
    ("False", False),
    ("200", 200),
    ("-3", -3),
    ("2.5", 2.5),
    ("1e-3", 1e-3),
    ("4ms", 4 * ms),
    ("0.05 ms", 0.05 * ms),
    ("2*uM", 2 * uM),
    ("fentanyl", "fentanyl"),
    ("[1, 2.5, 3]", [1, 2.5, 3]),
    ("[-80mV, 0 mV]", [-80 * mV, 0 * mV]),
    ("[]", []),
    ("[1, 2,]", [1, 2]),
])
def test_parse_value(text, expected):
    """Each kind of --set value parses to the right Python or Brian2 value."""
    value = parse_value(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["[1, 2", "1, 2]", "[1,,2]", "[[1], 2]", "4 parsec", "a b", "", "4ms)"])
def test_parse_value_rejects(text):
    """Malformed lists, unknown units and junk are ValueErrors (ConfigError's base)."""
    with pytest.raises(ValueError):
        parse_value(text)


def test_defaults(standins):
    """With no input, the knobs are the protocol's defaults (tuples as lists) and the run
    settings the documented defaults."""
    config = resolve_config("standin")
    assert config.knobs["n_trials"] == 3
    assert config.knobs["v_hold_mV"] == [-80.0, -40.0, 0.0]
    assert config.knobs["drug"] == "morphine"
    assert config.model_overrides == {}
    assert (config.seed, config.scale, config.device, config.dt_ms) == (1, 1.0, "standalone", 0.1)


def test_values_are_normalised(standins):
    """Knob values are converted to the knob's unit, counts to int, lists item by item; a
    choice that looks like a quantity ("2hz") stays a word."""
    config = resolve_config("standin", [
        "ketamine_uM=2", "stim_hz=0.5kHz", "n_trials=7", "v_hold_mV=[-0.06 volt, 20]",
        "rvm_inactivated=true", "pattern=2hz", "duration_s=250ms", "v_hold_mV=[-0.06 volt, 20]",
    ])
    knobs = config.knobs
    assert knobs["ketamine_uM"] == 2.0 and isinstance(knobs["ketamine_uM"], float)
    assert knobs["stim_hz"] == pytest.approx(500.0)
    assert knobs["n_trials"] == 7 and isinstance(knobs["n_trials"], int)
    assert knobs["v_hold_mV"] == pytest.approx([-60.0, 20.0])
    assert knobs["rvm_inactivated"] is True
    assert knobs["pattern"] == "2hz"
    assert knobs["duration_s"] == pytest.approx(0.25)


def test_scalar_for_list_knob_is_one_item(standins):
    """A single value given to a list knob becomes a one-item list."""
    assert resolve_config("standin", ["v_hold_mV=-70"]).knobs["v_hold_mV"] == [-70.0]


def test_merge_order_defaults_file_set_flags(standins, tmp_path):
    """Defaults, then the TOML file, then --set, then --seed/--scale/--device: later wins."""
    toml = tmp_path / "run.toml"
    toml.write_text(
        'protocol = "standin"\nketamine_uM = 1.5\nn_trials = 4\nseed = 5\nscale = 0.5\ndevice = "runtime"\n'
        'dt = "0.05 ms"\n"rvm.on_cells.n" = 30\n\n[model]\n"synapses.tau_ampa" = "6 ms"\n\n'
        '[dorsal_horn.wdr]\nn = 12\n'
    )
    config = resolve_config("standin", ["n_trials=9", "synapses.tau_ampa=4ms"], toml, seed="7", scale=None,
                            device=None)
    assert config.knobs["ketamine_uM"] == 1.5  # file
    assert config.knobs["n_trials"] == 9  # --set beats file
    assert config.seed == 7  # --seed beats file
    assert config.scale == 0.5 and config.device == "runtime" and config.dt_ms == pytest.approx(0.05)
    assert config.model_overrides == {"rvm.on_cells.n": 30, "synapses.tau_ampa": "4ms", "dorsal_horn.wdr.n": 12}


def test_context_applies_overrides(standins):
    """context() gives the protocol the knobs, the model parameters with their overrides and
    the run settings."""
    config = resolve_config("standin", ["synapses.tau_ampa=4ms", "rvm.on_cells.n=200", "dt=0.025ms"],
                            seed=3, scale=0.25, device="runtime")
    calls = []
    context = config.context(build_root="somewhere", progress=lambda f, m: calls.append(f))
    assert context.params["synapses.tau_ampa"] == 4 * ms
    assert context.params["rvm.on_cells.n"] == 200
    assert context.knobs == config.knobs and context.knobs is not config.knobs
    assert (context.seed, context.scale, context.device, context.dt_ms) == (3, 0.25, "runtime", 0.025)
    assert str(context.build_root) == "somewhere"
    context.progress(0.5, "x")
    assert calls == [0.5]


def test_json_round_trip_is_exact(standins):
    """from_json(to_json()) gives an equal config and an identical parameter set."""
    config = resolve_config("standin", ["synapses.tau_ampa=4.1ms", "ketamine_uM=0.1", "v_hold_mV=[-70, 10]",
                                        "rvm_inactivated=true", "dt=0.05ms"], seed=11, scale=0.3)
    again = ResolvedConfig.from_json(config.to_json())
    assert again == config
    assert again.to_json() == config.to_json()
    assert again.params().as_dict() == config.params().as_dict()
    assert json.loads(config.to_json())["protocol"] == "standin"


def test_revalidate_fills_new_knobs_and_keeps_values(standins, monkeypatch):
    """A stored config is checked again; knobs the protocol gained take their defaults."""
    config = resolve_config("standin", ["ketamine_uM=3"])
    stored = ResolvedConfig.from_json(config.to_json())
    del stored.knobs["stim_hz"]
    again = revalidate(stored)
    assert again.knobs["ketamine_uM"] == 3.0
    assert again.knobs["stim_hz"] == 1.0


def test_revalidate_rejects_removed_knob(standins):
    """A stored knob the protocol no longer has is a ConfigError naming it."""
    stored = resolve_config("standin")
    stored.knobs["old_knob"] = 1
    with pytest.raises(ConfigError, match="old_knob"):
        revalidate(stored)


@pytest.mark.parametrize("sets, fragment", [
    (["synapses.tau_ampa=4"], "needs a unit"),
    (["synapses.tau_ampa=4mV"], "expects units of ms"),
    (["rvm.on_cells.n=0"], "at least one cell"),
    (["rvm.on_cells.n=2.5"], "non-negative integer"),
    (["rvm.on_cells=3"], "unknown model parameter"),
    (["rvm.on_cels.n=3"], "did you mean 'rvm.on_cells.n'"),
    (["ketamine_uM=2mV"], "expects units of uM"),
    (["p_release=1.01"], "must be <= 1"),
    (["n_trials=0"], "must be >= 1"),
    (["n_trials=true"], "non-negative integer"),
    (["v_hold_mV=[]"], "at least one item"),
    (["v_hold_mV=[-80, x]"], "expects a number"),
    (["drug=fentanil"], "did you mean 'fentanyl'"),
    (["rvm_inactivated=1"], "true or false"),
    (["dt=1"], "needs a time unit"),
    (["dt=1mV"], "needs a time unit"),
    (["stim_hz=[1, 2]"], "single value"),
    (["ketamine_uM=nan"], "expects a number"),
    (["ketamine_uM=1e999"], "finite"),
    (["seed=abc"], "non-negative integer"),
])
def test_bad_values_name_the_item(standins, sets, fragment):
    """Each bad value is a one-line ConfigError that quotes the --set item and says why."""
    with pytest.raises(ConfigError) as info:
        resolve_config("standin", sets)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"--set {sets[0]}:")
    assert fragment in message


def test_toml_errors_name_file_and_key(standins, tmp_path):
    """A bad value in a TOML file names the file and the key."""
    toml = tmp_path / "bad.toml"
    toml.write_text('[model]\n"synapses.tau_ampa" = 4\n')
    with pytest.raises(ConfigError, match=r"bad\.toml: synapses\.tau_ampa=4: needs a unit"):
        resolve_config("standin", config_file=toml)
    toml.write_text('protocol = "heat_trials"\n')
    with pytest.raises(ConfigError, match="another protocol"):
        resolve_config("standin", config_file=toml)
    toml.write_text('[model]\nn = 3\n')
    with pytest.raises(ConfigError, match="dotted path"):
        resolve_config("standin", config_file=toml)


def test_unknown_protocol_lists_known(standins):
    """An unknown protocol's error lists the known ones and suggests the nearest."""
    with pytest.raises(ConfigError, match=r"unknown protocol 'standim'.*did you mean 'standin'.*known: .*standin"):
        resolve_config("standim")
