"""``python -m experiments circuit``: the built fast layer's populations and pathways as JSON.

The input of the circuit-diagram figure. It builds the circuit (Brian2 runtime mode, nothing is
simulated) with the default parameters at ``--scale`` and ``--seed`` and records, from the built
network: each population with its size and region, and each pathway with its presynaptic and
postsynaptic population, in-degree (the parameter ``k`` and ``k_built``, the number of partners
each cell actually has, smaller when a population is scaled below ``k``), sign, receptor
channels, delay and whether it runs in the dorsolateral funiculus (cut by ``dlf_lesion``).
The file also holds its config and provenance and is written under a temporary name, then
renamed::

    {"format": "oih-circuit", "format_version": 1, "config": {"scale": 1.0, "seed": 1},
     "provenance": {...},
     "populations": {"wdr": {"n": 20, "region": "dorsal_horn"}, ...},
     "pathways": {"on_cells_to_wdr": {"pre": "on_cells", "post": "wdr", "k": 10, "k_built": 10,
                  "sign": "excitatory", "channels": ["ampa", "nmda"], "delay_ms": 20.0,
                  "descending": true}, ...}}
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
from pathlib import Path
from typing import Any

import brian2
from brian2 import ms

from circuits import ParameterSet, build_circuit
from circuits.circuit import AFFERENT_POPULATIONS, CELL_SECTIONS
from circuits.parameters import DESCENDING_PATHWAYS
from circuits.synapses import CHANNELS

from .. import engine  # noqa: F401  (importing it silences Brian2's resolution_conflict warnings of the build)
from ..cli import SUBCOMMANDS, UsageError, check_output
from ..provenance import collect_provenance
from ..storage import StorageError, temporary_path

FORMAT, FORMAT_VERSION = "oih-circuit", 1
INHIBITORY_CHANNELS = ("gaba", "gly")


def describe(scale: float, seed: int) -> dict[str, Any]:
    """Populations and pathways of the circuit built at ``scale`` from ``seed``."""
    brian2.device.reinit()
    brian2.set_device("runtime")
    warn_unused = brian2.prefs.logging.warn_for_unused_objects
    brian2.prefs.logging.warn_for_unused_objects = False  # built to be described, never run
    try:
        params = ParameterSet()
        circuit = build_circuit(params, scale=scale, seed=seed)
        sizes = {p: circuit.size(p) for p in circuit.populations}
        built = {name: k_built for name, (_, _, _, k_built) in circuit.pathways.items()}
        del circuit
        gc.collect()
    finally:
        brian2.prefs.logging.warn_for_unused_objects = warn_unused
    regions = {p: "afferents" for p in AFFERENT_POPULATIONS}
    regions.update({p: section.split(".")[0] for p, section in CELL_SECTIONS.items()})
    populations = {p: {"n": sizes[p], "region": region} for p, region in regions.items()}
    pathways = {}
    for name, k_built in built.items():
        pre, post = name.split("_to_")
        channels = [c for c in CHANNELS if float(params[f"connections.{name}.w_{c}"]) > 0]
        pathways[name] = {
            "pre": pre, "post": post, "k": int(params[f"connections.{name}.k"]), "k_built": int(k_built),
            "sign": "inhibitory" if set(channels) & set(INHIBITORY_CHANNELS) else "excitatory",
            "channels": channels, "delay_ms": float(params[f"connections.{name}.delay"] / ms),
            "descending": name in DESCENDING_PATHWAYS,
        }
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "config": {"scale": scale, "seed": seed},
            "populations": populations, "pathways": pathways}


def write(path: Path | str, description: dict[str, Any]) -> Path:
    """Write ``description`` as JSON under a temporary name, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    try:
        tmp.write_text(json.dumps(description, indent=1) + "\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def read(path: Path | str) -> dict[str, Any]:
    """A circuit file written by :func:`write`; StorageError (one line) if it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise StorageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StorageError(f"{path}: not a circuit file ({' '.join(str(exc).split())})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StorageError(f"{path}: not a circuit file (format is not {FORMAT!r})")
    if data.get("format_version") != FORMAT_VERSION:
        raise StorageError(f"{path}: circuit file version {data.get('format_version')}, expected {FORMAT_VERSION}")
    return data


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def _seed(text: str) -> int:
    if not text.isdigit() or int(text) >= 2**32:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2**32), got {text!r}")
    return int(text)


def _add_circuit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", type=_positive, default=1.0, metavar="F", help="population size factor (default 1)")
    parser.add_argument("--seed", type=_seed, default=1, metavar="N", help="connectivity seed (default 1)")
    parser.add_argument("--out", default="results/circuit.json", metavar="FILE.json",
                        help="output file (default results/circuit.json)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")


def config_of(args: argparse.Namespace) -> dict[str, Any]:
    """The config a ``circuit`` command records (what the figures pipeline compares)."""
    return {"scale": args.scale, "seed": args.seed}


def _cmd_circuit(args: argparse.Namespace) -> int:
    """Build the circuit (no simulation); write its populations and pathways as JSON."""
    if Path(args.out).suffix != ".json":
        raise UsageError(f"--out {args.out}: give a .json file name")
    out = check_output(args.out, args.force)
    provenance = collect_provenance(args.argv)  # before the build: the code that was loaded
    description = describe(args.scale, args.seed)
    description["provenance"] = provenance
    write(out, description)
    if not args.quiet:
        print(f"wrote {out} ({len(description['populations'])} populations, {len(description['pathways'])} pathways)")
    return 0


SUBCOMMANDS["circuit"] = (_add_circuit, _cmd_circuit)
