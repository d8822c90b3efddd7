"""``python -m experiments figures``: the registered figures, drawn from result files alone.

Each figure of :data:`experiments.figures.FIGURES` whose result files exist under ``--results``
(default ``results``) is drawn into ``--out`` (default ``<results>/figures``); the others are
skipped with the command that makes their inputs. ``--run-missing`` (what ``make figures``
uses) first makes every input that is missing or outdated, by its registered command.

A result file is *outdated* when it cannot be read as a complete result (e.g. an interrupted
run) or the config it records differs from the one its registered command gives today (other
settings, or a protocol that has gained or changed a knob). Dates and code versions are not
compared: after a model change that keeps the config, delete the result files to remake them.

``--quick`` uses the registry's small-scale commands (for tests and a fast look) and, unless
``--results`` is given, the folder ``results/quick``, so quick runs never replace full ones.
This module also registers the ``circuit`` command (:mod:`experiments.figures.circuit_structure`).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from ..cli import SUBCOMMANDS, UsageError, build_parser, main
from ..config import resolve_config
from ..storage import StorageError, read_run
from . import FIGURES, Result, circuit_structure, figure_module

RESULTS_DIR = Path("results")
QUICK_RESULTS_DIR = RESULTS_DIR / "quick"


def command_text(result: Result, path: Path, quick: bool = False) -> str:
    """The shell command that makes ``result`` at ``path``."""
    return shlex.join(["python", "-m", "experiments", *result.arguments(quick), "--out", str(path)])


def expected_config(result: Result, quick: bool = False) -> dict[str, Any]:
    """The config that ``result``'s registered command records."""
    argv = list(result.arguments(quick))
    args = build_parser().parse_args(argv)
    if argv[0] == "run":
        config = resolve_config(args.protocol, args.sets, args.config, args.seed, args.scale, args.device)
        return json.loads(config.to_json())
    return circuit_structure.config_of(args)


def recorded_config(path: Path) -> dict[str, Any]:
    """The config a result file records; StorageError if it is not a complete result."""
    if path.suffix == ".json":
        return circuit_structure.read(path)["config"]
    return json.loads(read_run(path).config.to_json())


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _differences(recorded: dict[str, Any], expected: dict[str, Any]) -> str:
    parts = []
    for key in sorted(set(recorded) | set(expected)):
        old, new = recorded.get(key), expected.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            parts += [f"{key}.{k} {_short(old.get(k))} -> {_short(new.get(k))}"
                      for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        elif old != new:
            parts.append(f"{key} {_short(old)} -> {_short(new)}")
    return ", ".join(parts)


def check(path: Path, result: Result, quick: bool = False) -> tuple[str, str]:
    """``(state, detail)`` of a result file: state is ``ok``, ``missing``, ``unreadable``
    (incomplete or not a result) or ``outdated`` (its config differs from the command's)."""
    if not path.exists():
        return "missing", ""
    try:
        recorded = recorded_config(path)
    except StorageError as exc:
        return "unreadable", str(exc)
    expected = expected_config(result, quick)
    if recorded != expected:
        return "outdated", _differences(recorded, expected)
    return "ok", ""


def _add_figures(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="FIGURE", help=f"figures to make (default all: {', '.join(FIGURES)})")
    parser.add_argument("--results", metavar="DIR", help="folder of the result files (default results, or "
                                                         "results/quick with --quick)")
    parser.add_argument("--out", metavar="DIR", help="folder for the figures (default RESULTS/figures)")
    parser.add_argument("--run-missing", action="store_true",
                        help="first make the result files that are missing or outdated")
    parser.add_argument("--quick", action="store_true", help="small-scale results (tests, a fast look)")
    parser.add_argument("--list", action="store_true",
                        help="list the figures, their result files, their state and commands; make nothing")


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr)


def _cmd_figures(args: argparse.Namespace) -> int:
    """Draw the figures from result files (--run-missing: first make missing or outdated ones)."""
    names = args.names or list(FIGURES)
    for name in names:
        if name not in FIGURES:
            raise UsageError(f"unknown figure {name!r} (figures: {', '.join(FIGURES)})")
    results_dir = Path(args.results) if args.results else (QUICK_RESULTS_DIR if args.quick else RESULTS_DIR)
    out_dir = Path(args.out) if args.out else results_dir / "figures"
    for option, folder in (("--results", results_dir), ("--out", out_dir)):
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{option} {folder}: not a directory")
    needed = list(dict.fromkeys(result for name in names for result in FIGURES[name]))

    if args.list:
        for name in names:
            print(f"{name}: {out_dir / name}.pdf, .png")
            for result in FIGURES[name]:
                path = results_dir / result.file
                state, detail = check(path, result, args.quick)
                print(f"  {path}  [{state}{': ' + detail if detail else ''}]  {command_text(result, path, args.quick)}")
        return 0

    if args.run_missing:
        for result in needed:
            path = results_dir / result.file
            state, detail = check(path, result, args.quick)
            if state == "ok":
                continue
            _say(f"making {path} ({state}{': ' + detail if detail else ''})", args.quiet)
            status = main([*result.arguments(args.quick), "--out", str(path), "--force",
                           *(["--quiet"] if args.quiet else [])])
            if status:
                return status

    failed = 0
    for name in names:
        paths = [results_dir / result.file for result in FIGURES[name]]
        states = [check(path, result, args.quick) for path, result in zip(paths, FIGURES[name])]
        unusable = [(path, result, state, detail) for path, result, (state, detail) in zip(paths, FIGURES[name], states)
                    if state in ("missing", "unreadable")]
        if unusable:
            path, result, state, detail = unusable[0]
            _say(f"skipped {name}: {path} is {state}{' (' + detail + ')' if detail else ''}; make it with "
                 f"`{command_text(result, path, args.quick)}` or use --run-missing", args.quiet)
            continue
        for path, (state, detail) in zip(paths, states):
            if state == "outdated":
                _say(f"note: {name} is drawn from {path}, made by another command ({detail})", args.quiet)
        try:
            written = figure_module(name).make(*paths, out_dir)
        except Exception as exc:  # one figure's failure does not stop the others
            print(f"error: figure {name}: {type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
            failed += 1
            continue
        if not args.quiet:
            print(f"wrote {', '.join(str(p) for p in written)}")
    return 1 if failed else 0


SUBCOMMANDS["figures"] = (_add_figures, _cmd_figures)
