"""Resolve what a run does: protocol knobs, model parameters and run settings.

A run's configuration is merged from three layers, later ones winning:

1. the protocol's knob defaults (and the model's parameter defaults, :mod:`circuits.parameters`);
2. a TOML file (``--config FILE.toml``);
3. ``--set KEY=VALUE`` on the command line (then ``--seed``, ``--scale``, ``--device``).

Every key is checked before anything runs: an unknown protocol, knob or model parameter, a value
of the wrong type or unit, a bare number where a unit is needed, or a value out of range raises
:class:`ConfigError` with a one-line message naming the offending item.

Keys
----
- a protocol knob (``ketamine_uM``, ``n_trials``, ``drug``, ``v_hold_mV``);
- a dotted model parameter (``rvm.on_cells.n``, ``synapses.tau_ampa``);
- a run setting: ``seed`` (integer >= 0), ``scale`` (> 0), ``device`` (runtime or standalone),
  ``dt`` (the fast layer's time step, a time > 0 such as ``0.05ms``).

Values (``--set`` text, or TOML strings)
----------------------------------------
``true``/``false``; integers and decimals (``200``, ``2.0``, ``1e-3``); quantities with a unit
(``4ms``, ``0.05 ms``, ``2 uM``); lists ``[a, b, c]`` of numbers or quantities; bare words for
choices (``drug=fentanyl``). A knob's value without a unit is taken in the knob's unit
(``ketamine_uM=2.0`` is 2 uM); a model parameter that has a unit must be given one
(``synapses.tau_ampa=4ms``; ``synapses.tau_ampa=4`` is an error).

TOML layout
-----------
Flat: top-level keys are knobs, run settings or dotted model parameters (written quoted,
``"rvm.on_cells.n" = 200``, or as tables, ``[rvm.on_cells]`` ``n = 200``). An optional ``[model]``
table holds model parameters by their dotted path. Quantities are strings: ``dt = "0.05 ms"``,
``[model]`` ``"synapses.tau_ampa" = "4 ms"``. An optional ``protocol`` key must name the protocol
being run.

Test hook
---------
``OIH_TEST_PROTOCOLS=module[,module...]`` registers extra protocols (a module with ``NAME``,
``SUMMARY``, ``KNOBS`` and ``run``, or one with a ``PROTOCOLS`` dict) next to
:data:`experiments.protocols.PROTOCOLS`. It exists so the tests can run stand-in protocols in a
child process (``tests/experiments/standin_protocols.py``); it is not meant for users.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

from brian2 import Quantity, get_dimensions, ms
from brian2.units.fundamentalunits import DIMENSIONLESS, have_same_dimensions

from circuits.parameters import ParameterSet, parse_unit

__all__ = [
    "ConfigError",
    "ResolvedConfig",
    "available_protocols",
    "get_protocol",
    "parse_value",
    "resolve_config",
    "revalidate",
    "DEVICES",
    "DEFAULT_SEED",
    "DEFAULT_SCALE",
    "DEFAULT_DEVICE",
    "DEFAULT_DT_MS",
]

DEVICES = ("runtime", "standalone")
DEFAULT_SEED = 1
DEFAULT_SCALE = 1.0
DEFAULT_DEVICE = "standalone"
DEFAULT_DT_MS = 0.1
RUN_SETTINGS = ("seed", "scale", "device", "dt")
TEST_HOOK_ENV = "OIH_TEST_PROTOCOLS"
CONFIG_VERSION = 1


class ConfigError(ValueError):
    """Bad input: unknown protocol or key, ill-typed or out-of-range value, unreadable file.

    ``str(error)`` is one line that names the offending item."""


class _Bad(ValueError):
    """A problem with one value; the resolver adds where the value came from."""


# --------------------------------------------------------------------------------------------
# Protocols
# --------------------------------------------------------------------------------------------

def available_protocols() -> dict[str, ModuleType]:
    """Name -> protocol module: :data:`experiments.protocols.PROTOCOLS` plus the test hook."""
    extra: dict[str, ModuleType] = {}
    for name in (part.strip() for part in os.environ.get(TEST_HOOK_ENV, "").split(",")):
        if name:
            module = importlib.import_module(name)
            registry = getattr(module, "PROTOCOLS", None)
            extra.update(registry if isinstance(registry, dict) else {module.NAME: module})
    import experiments.protocols as protocols  # imported late: tests replace PROTOCOLS

    return {**protocols.PROTOCOLS, **extra}


def get_protocol(name: str) -> ModuleType:
    """The protocol module called ``name``; ConfigError naming the known ones otherwise."""
    protocols = available_protocols()
    if name not in protocols:
        raise ConfigError(f"unknown protocol {name!r}{_suggest(name, protocols)} (known: {', '.join(protocols)})")
    return protocols[name]


def _suggest(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --------------------------------------------------------------------------------------------
# Parsing values
# --------------------------------------------------------------------------------------------

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# unit expressions: names, products, quotients and integer powers; no dots, underscores or
# quotes, so the restricted eval in parse_unit only ever sees unit names
_UNIT = r"[A-Za-z][A-Za-z0-9]*(?:\s*\*\*\s*-?\d+)?(?:\s*[*/]\s*[A-Za-z][A-Za-z0-9]*(?:\s*\*\*\s*-?\d+)?)*"
_NUMBER_RE = re.compile(rf"^{_NUMBER}$")
_INT_RE = re.compile(r"^[-+]?\d+$")
_QUANTITY_RE = re.compile(rf"^({_NUMBER})\s*\*?\s*({_UNIT})$")
_WORD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def _parse_number(text: str) -> int | float:
    if _INT_RE.match(text):
        return int(text)
    return float(text)


def _parse_scalar(text: str) -> Any:
    text = text.strip()
    if not text:
        raise _Bad("empty value")
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _NUMBER_RE.match(text):
        return _parse_number(text)
    match = _QUANTITY_RE.match(text)
    if match:
        number, unit_text = match.groups()
        try:
            unit = parse_unit(unit_text)
        except ValueError:
            raise _Bad(f"unknown unit {unit_text!r}") from None
        return float(number) * unit
    if _WORD_RE.match(text):
        return text
    raise _Bad(f"cannot parse {text!r} (a number, a quantity such as 4ms, true/false, a word or [a, b, c])")


def parse_value(text: str) -> Any:
    """Parse one ``--set`` value: bool, int, float, Brian2 quantity, word, or a list of those.

    Raises :class:`ValueError` with a short reason when ``text`` is none of them."""
    text = text.strip()
    if text.startswith("[") or text.endswith("]"):
        if not (text.startswith("[") and text.endswith("]")):
            raise _Bad(f"malformed list {text!r} (write [a, b, c])")
        inner = text[1:-1].strip()
        if not inner:
            return []
        items = inner.split(",")
        if items[-1].strip() == "":  # allow one trailing comma, as TOML does
            items = items[:-1]
        if any(not item.strip() or "[" in item or "]" in item for item in items):
            raise _Bad(f"malformed list {text!r} (write [a, b, c])")
        return [_parse_scalar(item) for item in items]
    return _parse_scalar(text)


def _show(value: Any) -> str:
    """A short rendering of a parsed value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _bound(x: float) -> str:
    return f"{x:g}"


# --------------------------------------------------------------------------------------------
# Checking values against knobs, model parameters and run settings
# --------------------------------------------------------------------------------------------

def _number_in(value: Any, unit: str) -> float:
    """``value`` (bare number or quantity) expressed as a float in ``unit``."""
    if isinstance(value, bool) or isinstance(value, (str, list)) or value is None:
        raise _Bad(f"expects a number in {unit}, got {_show(value)}")
    if isinstance(value, Quantity) and get_dimensions(value) is not DIMENSIONLESS:
        if unit == "1":
            raise _Bad(f"expects a dimensionless number, got {value}")
        try:
            target = parse_unit(unit)
        except ValueError:
            raise _Bad(f"give a bare number in {unit}, got {value}") from None
        if not have_same_dimensions(value, target):
            raise _Bad(f"expects units of {unit}, got {value}")
        number = float(value / target)
    elif isinstance(value, (int, float, Quantity)):
        number = float(value)
    else:
        raise _Bad(f"expects a number in {unit}, got {_show(value)}")
    if not math.isfinite(number):
        raise _Bad(f"must be finite, got {_show(value)}")
    return number


def _check_range(number: float, minimum: float | None, maximum: float | None, what: str = "") -> None:
    if minimum is not None and number < minimum:
        raise _Bad(f"{what}must be >= {_bound(minimum)}")
    if maximum is not None and number > maximum:
        raise _Bad(f"{what}must be <= {_bound(maximum)}")


def _check_scalar(value: Any, unit: str, knob: Any, what: str = "") -> Any:
    """One scalar value of kind ``unit`` with ``knob``'s bounds and choices."""
    if knob.choices is not None or unit == "choice":
        if not isinstance(value, str):
            raise _Bad(f"{what}expects one of {', '.join(knob.choices or ())}, got {_show(value)}")
        if knob.choices is not None and value not in knob.choices:
            raise _Bad(f"{what}unknown choice {value!r}{_suggest(value, knob.choices)} (one of: {', '.join(knob.choices)})")
        return value
    if unit == "bool":
        if not isinstance(value, bool):
            raise _Bad(f"{what}expects true or false, got {_show(value)}")
        return value
    if unit == "count":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, Quantity) \
                or not math.isfinite(value) or value != int(value) or value < 0:
            raise _Bad(f"{what}must be a non-negative integer, got {_show(value)}")
        number = int(value)
        _check_range(number, knob.minimum, knob.maximum, what)
        return number
    if isinstance(value, str):
        raise _Bad(f"{what}expects a number in {unit}, got {value!r}")
    number = _number_in(value, unit)
    _check_range(number, knob.minimum, knob.maximum, what)
    return number


def _check_knob(name: str, knob: Any, raw: Any) -> Any:
    """The normalised value of knob ``name`` given ``raw`` (text from the command line or a
    TOML value). Raises _Bad."""
    kind = knob.unit
    if raw is None:
        if knob.default is None:  # "not set" is a valid value of a knob whose default is None
            return None
        raise _Bad("expects a value")
    if isinstance(raw, str):
        # a choice is taken verbatim (so "2hz" stays a word); everything else is parsed
        value = raw.strip() if (kind == "choice" or (knob.choices is not None and kind != "list")) else parse_value(raw)
    else:
        value = raw
    if kind == "list":
        item_unit = knob.item_unit or "1"
        if isinstance(value, tuple):
            value = list(value)
        if not isinstance(value, list):
            value = [value]
        if not value and not knob.allow_empty:
            raise _Bad("expects at least one item, got []")
        items = []
        for item in value:
            if isinstance(item, str) and item_unit not in ("choice",) and knob.choices is None:
                item = _parse_scalar(item)
            items.append(_check_scalar(item, item_unit, knob, what=f"item {_show(item)} "))
        return items
    if isinstance(value, list):
        raise _Bad(f"expects a single value, got the list {_show(value)}")
    return _check_scalar(value, kind, knob)


def _normalise_default(value: Any) -> Any:
    """A JSON-friendly copy of a knob default (tuples and arrays become lists)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, tuple):
        value = list(value)
    return copy.deepcopy(value)


def _model_value(raw: Any) -> Any:
    """The value handed to :meth:`ParameterSet.set` for an override as given."""
    if isinstance(raw, str):
        return parse_value(raw)
    return raw


def _check_model(params: ParameterSet, path: str, raw: Any) -> None:
    try:
        value = _model_value(raw)
        params.set(path, value)
    except KeyError:
        known = [p for p, _ in params.items()]
        raise _Bad(f"unknown model parameter {path!r}{_suggest(path, known)}") from None
    except ValueError as exc:
        message = str(exc)
        if message.startswith(f"{path}: "):
            message = message[len(path) + 2:]
        raise _Bad(message) from None


def _check_seed(raw: Any) -> int:
    if isinstance(raw, str):
        text = raw.strip()
        if not _INT_RE.match(text):
            raise _Bad("must be a non-negative integer")
        raw = int(text)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _Bad("must be a non-negative integer")
    if raw < 0:
        raise _Bad("must be a non-negative integer")
    if raw >= 2**32:
        raise _Bad("must be < 2**32")
    return raw


def _check_scale(raw: Any) -> float:
    value = parse_value(raw) if isinstance(raw, str) else raw
    if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, Quantity):
        raise _Bad("must be a number > 0")
    if not math.isfinite(value) or value <= 0:
        raise _Bad("must be a number > 0")
    return float(value)


def _check_device(raw: Any) -> str:
    if not isinstance(raw, str) or raw.strip() not in DEVICES:
        raise _Bad(f"unknown device (one of: {', '.join(DEVICES)})")
    return raw.strip()


def _check_dt(raw: Any) -> float:
    value = parse_value(raw) if isinstance(raw, str) else raw
    if isinstance(value, bool) or not isinstance(value, (int, float, Quantity)):
        raise _Bad("expects a time step such as 0.05ms")
    if not isinstance(value, Quantity) or get_dimensions(value) is DIMENSIONLESS:
        raise _Bad("needs a time unit (e.g. dt=0.05ms)")
    if not have_same_dimensions(value, ms):
        raise _Bad(f"needs a time unit (e.g. dt=0.05ms), got {value}")
    dt_ms = float(value / ms)
    if not math.isfinite(dt_ms) or dt_ms <= 0:
        raise _Bad("must be > 0")
    return dt_ms


_RUN_CHECKS: dict[str, Callable[[Any], Any]] = {
    "seed": _check_seed, "scale": _check_scale, "device": _check_device, "dt": _check_dt,
}


# --------------------------------------------------------------------------------------------
# The resolved configuration
# --------------------------------------------------------------------------------------------

@dataclass
class ResolvedConfig:
    """Everything that determines a run. ``to_json``/``from_json`` round-trip it exactly."""

    protocol: str
    knobs: dict[str, Any]
    #: dotted model parameter -> value as given (text such as "4ms", or a TOML number/bool)
    model_overrides: dict[str, Any] = field(default_factory=dict)
    seed: int = DEFAULT_SEED
    scale: float = DEFAULT_SCALE
    device: str = DEFAULT_DEVICE
    dt_ms: float = DEFAULT_DT_MS

    def to_dict(self) -> dict[str, Any]:
        return {
            "config_version": CONFIG_VERSION,
            "protocol": self.protocol,
            "knobs": copy.deepcopy(self.knobs),
            "model_overrides": copy.deepcopy(self.model_overrides),
            "seed": self.seed,
            "scale": self.scale,
            "device": self.device,
            "dt_ms": self.dt_ms,
        }

    def to_json(self) -> str:
        """One JSON object (sorted keys); :meth:`from_json` gives back an equal config."""
        return json.dumps(self.to_dict(), sort_keys=True, allow_nan=False)

    @classmethod
    def from_json(cls, text: str | dict) -> "ResolvedConfig":
        """The config stored by :meth:`to_json` (a JSON text or the decoded dict)."""
        try:
            data = json.loads(text) if isinstance(text, (str, bytes)) else dict(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"stored config is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError("stored config is not a JSON object")
        data.pop("config_version", None)
        missing = [name for name in ("protocol", "knobs") if name not in data]
        if missing:
            raise ConfigError(f"stored config lacks {', '.join(missing)}")
        unknown = set(data) - {"protocol", "knobs", "model_overrides", "seed", "scale", "device", "dt_ms"}
        if unknown:
            raise ConfigError(f"stored config has unknown field(s) {', '.join(sorted(unknown))}")
        return cls(**data)

    def __post_init__(self) -> None:
        self.knobs = dict(self.knobs)
        self.model_overrides = dict(self.model_overrides or {})

    def params(self) -> ParameterSet:
        """The model parameters with this config's overrides applied."""
        return ParameterSet({path: _model_value(raw) for path, raw in self.model_overrides.items()})

    def context(self, build_root: Path | str = Path(".build"),
                progress: Callable[[float, str], None] | None = None):
        """The :class:`~experiments.protocols.base.RunContext` a protocol runs with."""
        from experiments.protocols.base import RunContext

        kwargs = {} if progress is None else {"progress": progress}
        return RunContext(
            params=self.params(), knobs=copy.deepcopy(self.knobs), seed=self.seed, scale=self.scale,
            device=self.device, build_root=Path(build_root), dt_ms=self.dt_ms, **kwargs,
        )


# --------------------------------------------------------------------------------------------
# Merging the layers
# --------------------------------------------------------------------------------------------

class _Resolver:
    def __init__(self, protocol_name: str, module: ModuleType, base: ResolvedConfig | None):
        self.protocol = protocol_name
        self.knob_specs: dict[str, Any] = dict(getattr(module, "KNOBS", {}))
        self.params = ParameterSet()
        self.knobs = {name: _normalise_default(knob.default) for name, knob in self.knob_specs.items()}
        self.model: dict[str, Any] = {}
        self.run: dict[str, Any] = {"seed": DEFAULT_SEED, "scale": DEFAULT_SCALE, "device": DEFAULT_DEVICE,
                                    "dt_ms": DEFAULT_DT_MS}
        if base is not None:
            self._apply_stored(base)

    def _apply_stored(self, base: ResolvedConfig) -> None:
        """Start from a stored config, checked against the protocol as it is now."""
        where = "stored config"
        for name, value in base.knobs.items():
            spec = self.knob_specs.get(name)
            if spec is not None and value == _normalise_default(spec.default):
                continue  # a default stays valid even if it is outside the knob's checks
            self.apply(name, value, f"{where}: {name}={_show(value)}", stored=True)
        for path, value in base.model_overrides.items():
            self.apply(path, value, f"{where}: {path}={_show(value)}")
        for name, check, value in (("seed", _check_seed, base.seed), ("scale", _check_scale, base.scale),
                                   ("device", _check_device, base.device)):
            self.run[name] = self._checked(check, value, f"{where}: {name}={_show(value)}")
        dt = base.dt_ms
        if isinstance(dt, bool) or not isinstance(dt, (int, float)) or not math.isfinite(dt) or dt <= 0:
            raise ConfigError(f"{where}: dt_ms={_show(dt)}: must be > 0")
        self.run["dt_ms"] = float(dt)

    @staticmethod
    def _checked(check: Callable[[Any], Any], raw: Any, where: str) -> Any:
        try:
            return check(raw)
        except _Bad as exc:
            raise ConfigError(f"{where}: {exc}") from None

    def apply(self, key: str, raw: Any, where: str, stored: bool = False) -> None:
        """Set ``key`` (knob, dotted model parameter or run setting) from ``raw``."""
        key = key.strip()
        if not key:
            raise ConfigError(f"{where}: empty key")
        if key in self.knob_specs:
            self.knobs[key] = self._checked(lambda v: _check_knob(key, self.knob_specs[key], v), raw, where)
        elif key in RUN_SETTINGS:
            value = self._checked(_RUN_CHECKS[key], raw, where)
            self.run["dt_ms" if key == "dt" else key] = value
        elif "." in key:
            self._checked(lambda v: _check_model(self.params, key, v), raw, where)
            self.model[key] = copy.deepcopy(raw.strip() if isinstance(raw, str) else raw)
        else:
            known = list(self.knob_specs) + list(RUN_SETTINGS)
            if stored:
                raise ConfigError(f"{where}: {key!r} is no longer a knob of {self.protocol}")
            knobs = ", ".join(self.knob_specs) or "none"
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, known)} ({self.protocol} knobs: {knobs}; "
                              f"run settings: {', '.join(RUN_SETTINGS)}; model parameters are dotted paths)")

    def result(self) -> ResolvedConfig:
        return ResolvedConfig(
            protocol=self.protocol, knobs=self.knobs, model_overrides=self.model,
            seed=self.run.get("seed", DEFAULT_SEED), scale=self.run.get("scale", DEFAULT_SCALE),
            device=self.run.get("device", DEFAULT_DEVICE), dt_ms=self.run.get("dt_ms", DEFAULT_DT_MS),
        )


def _flatten(table: dict, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.extend(_flatten(value, path))
        else:
            out.append((path, value))
    return out


def _toml_show(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    return _show(value)


def read_toml(path: Path, label: str) -> dict:
    """The TOML file at ``path``; a ConfigError naming ``label`` for a missing or malformed file."""
    if not path.exists():
        raise ConfigError(f"{label}: no such file")
    if path.is_dir():
        raise ConfigError(f"{label}: is a directory, not a TOML file")
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: malformed TOML: {str(exc).splitlines()[0]}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{label}: malformed TOML: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror or exc}") from None


def _apply_toml(resolver: _Resolver, path: Path) -> None:
    data = read_toml(path, f"--config {path}")
    label = str(path)
    for key, value in data.items():
        if key == "protocol":
            if value != resolver.protocol:
                raise ConfigError(f"{label}: protocol={_toml_show(value)}: this file is for another protocol "
                                  f"(running {resolver.protocol})")
            continue
        if key == "model":
            if not isinstance(value, dict):
                raise ConfigError(f"{label}: model={_toml_show(value)}: must be a table of dotted model parameters")
            for path_, item in _flatten(value):
                if "." not in path_:
                    raise ConfigError(f"{label}: model.{path_}: unknown model parameter {path_!r} (use its dotted path)")
                resolver.apply(path_, item, f"{label}: {path_}={_toml_show(item)}")
            continue
        entries = _flatten(value, key) if isinstance(value, dict) else [(key, value)]
        for path_, item in entries:
            resolver.apply(path_, item, f"{label}: {path_}={_toml_show(item)}")


def resolve_config(protocol_name: str, sets: Iterable[str] = (), config_file: Path | str | None = None,
                   seed: int | str | None = None, scale: float | str | None = None,
                   device: str | None = None, *, base: ResolvedConfig | None = None) -> ResolvedConfig:
    """Merge knob defaults (or ``base``, a stored config), the TOML ``config_file``, then each
    ``KEY=VALUE`` of ``sets``, then ``seed``/``scale``/``device`` when given (not None).

    Raises :class:`ConfigError` (one line, naming the item) on any bad input."""
    module = get_protocol(protocol_name)
    resolver = _Resolver(protocol_name, module, base)
    if config_file is not None:
        _apply_toml(resolver, Path(config_file))
    for item in sets:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set {item}: expected KEY=VALUE")
        resolver.apply(key, text, f"--set {item}")
    for name, raw in (("seed", seed), ("scale", scale), ("device", device)):
        if raw is not None:
            resolver.apply(name, raw, f"--{name} {raw}")
    return resolver.result()


def revalidate(config: ResolvedConfig) -> ResolvedConfig:
    """``config`` (e.g. read from a file) checked against the protocol as it is now; knobs the
    protocol has gained since take their defaults. Raises ConfigError."""
    return resolve_config(config.protocol, base=config)
