"""The command line: ``python -m experiments <command> ...`` (``--help`` on any command).

Exit status: 0 success; 2 bad input (one line on stderr naming the offending item, nothing
written); 1 a failure while running; 130 / 143 a run interrupted by SIGINT / SIGTERM (nothing
written).

Adding a command takes two functions and one line::

    def _add_demo(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--out", default="results")

    def _cmd_demo(args: argparse.Namespace) -> int:
        \"\"\"Run the flagship experiment at small scale.\"\"\"   # first line = help text
        ...
        return 0

    SUBCOMMANDS["demo"] = (_add_demo, _cmd_demo)

Every command also gets ``-v/--verbose`` and ``-q/--quiet`` (``args.verbose``, ``args.quiet``)
and ``args.argv`` (the arguments as given, for provenance). A handler reports bad input by
raising :class:`~experiments.config.ConfigError`, :class:`~experiments.storage.StorageError` or
:class:`UsageError` (exit 2) and a failure by raising :class:`RunFailed` or any other exception
(exit 1); ``main`` prints the one line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from experiments.config import ConfigError, ResolvedConfig, available_protocols, get_protocol, resolve_config
from experiments.provenance import collect_provenance, wall_times
from experiments.storage import RunRecord, StorageError, json_safe, read_run, write_result

__all__ = [
    "main",
    "build_parser",
    "SUBCOMMANDS",
    "UsageError",
    "RunFailed",
    "Terminated",
    "Progress",
    "execute",
    "rerun",
    "check_output",
    "default_output",
    "inspect_dict",
    "interrupt_guard",
]

AddArguments = Callable[[argparse.ArgumentParser], None]
Handler = Callable[[argparse.Namespace], int]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
RESULTS_DIR = Path("results")


class UsageError(Exception):
    """Bad command-line syntax (exit 2)."""


class RunFailed(Exception):
    """A protocol failed while running (exit 1)."""


class Terminated(BaseException):
    """Raised by the SIGTERM handler that ``run`` installs, so clean-up code runs.

    A BaseException, like KeyboardInterrupt, so ``except Exception`` in a protocol does not
    swallow it."""

    def __init__(self, signum: int = signal.SIGTERM):
        super().__init__(f"received {signal.Signals(signum).name}")
        self.signum = signum


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage block
        raise UsageError(message)


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------

def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """The ``RunContext.progress(fraction, message)`` callback of a command-line run.

    On a terminal: one line on stderr, redrawn in place (percentage, elapsed, ETA, message).
    Not on a terminal (batch logs): nothing, unless ``verbose``, then a line every 10% or every
    30 s. ``quiet``: nothing at all. It never raises."""

    def __init__(self, label: str, *, quiet: bool = False, verbose: bool = False,
                 stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 redraw_every: float = 0.1, log_every: float = 30.0):
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        tty = _isatty(self.stream)
        self.mode = "off" if quiet else ("line" if tty else ("log" if verbose else "off"))
        self.start = clock()
        self.redraw_every = redraw_every
        self.log_every = log_every
        self._last_draw = -math.inf
        self._drawn = 0
        self._next_log = 0.0
        self._last_log = self.start

    def text(self, fraction: float, message: str = "") -> str:
        elapsed = self.clock() - self.start
        eta = elapsed * (1 - fraction) / fraction if fraction >= 0.01 else math.inf
        line = f"{self.label}: {100 * fraction:5.1f}%  elapsed {_duration(elapsed)}  ETA {_duration(eta)}"
        return f"{line}  {message}" if message else line

    def __call__(self, fraction: float, message: str = "") -> None:
        try:
            self._update(min(max(float(fraction), 0.0), 1.0), " ".join(str(message).split()))
        except Exception:  # progress must never break a run
            pass

    def _update(self, fraction: float, message: str) -> None:
        if self.mode == "off":
            return
        now = self.clock()
        if self.mode == "line":
            if now - self._last_draw < self.redraw_every and fraction < 1:
                return
            self._last_draw = now
            width = max(shutil.get_terminal_size((80, 24)).columns - 1, 20)
            line = self.text(fraction, message)[:width]
            self.stream.write("\r" + line.ljust(self._drawn))
            self.stream.flush()
            self._drawn = len(line)
        elif fraction >= self._next_log or now - self._last_log >= self.log_every:
            self.stream.write(self.text(fraction, message) + "\n")
            self.stream.flush()
            self._last_log = now
            self._next_log = math.floor(fraction * 10 + 1e-9) / 10 + 0.1

    def clear(self) -> None:
        """Erase the progress line (before printing anything else on the terminal)."""
        if self.mode == "line" and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0


# --------------------------------------------------------------------------------------------
# Running a protocol (also the API for demo, validate, sweep)
# --------------------------------------------------------------------------------------------

def default_output(protocol: str) -> Path:
    """``results/<protocol>.h5`` (relative to the working directory)."""
    return RESULTS_DIR / f"{protocol}.h5"


def check_output(out: Path | str, force: bool = False) -> Path:
    """``out`` if a run may write there; ConfigError (exit 2) if it exists and not ``force``,
    is a directory, or lies in a directory that cannot be created or written."""
    out = Path(out)
    if out.is_dir():
        raise ConfigError(f"{out}: is a directory (give a file name with --out)")
    if out.exists() and not force:
        raise ConfigError(f"{out}: exists (use --force to overwrite, or --out to choose another file)")
    ancestor = out.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigError(f"{out}: {ancestor} is not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ConfigError(f"{out}: directory {ancestor} is not writable")
    return out


def execute(config: ResolvedConfig, out: Path | str, *, force: bool = False, argv: Sequence[str] | None = None,
            progress: Callable[[float, str], None] | None = None, build_root: Path | str = ".build") -> Path:
    """Run ``config``'s protocol and write its result file ``out``; return ``out``.

    ``argv`` is recorded as the command line (``sys.argv`` when None). Exceptions of the
    protocol propagate unchanged; nothing is left under ``out`` (or beside it) when one does.
    No signal handlers are installed here (see :func:`interrupt_guard`)."""
    out = check_output(out, force)
    module = get_protocol(config.protocol)
    provenance = collect_provenance(argv)  # before the run: the code that was loaded
    context = config.context(build_root=build_root, progress=progress)
    start = time.time()
    result = module.run(context)
    end = time.time()
    for name in ("spikes", "population_sizes", "readouts", "timeseries"):
        if not hasattr(result, name):
            raise TypeError(f"protocol {config.protocol} returned {type(result).__name__}, not a RunResult")
    provenance.update(wall_times(start, end))
    return write_result(out, result, config, provenance, overwrite=force)


def rerun(path: Path | str, out: Path | str, *, force: bool = False, device: str | None = None,
          argv: Sequence[str] | None = None, progress: Callable[[float, str], None] | None = None,
          build_root: Path | str = ".build") -> Path:
    """Re-run the run stored in ``path`` from its recorded config and write ``out``.

    ``device`` overrides the stored device when given. Raises StorageError / ConfigError for a
    file that cannot be read or a config the protocol no longer accepts."""
    record = read_run(path)
    config = resolve_config(record.config.protocol, base=record.config, device=device)
    return execute(config, out, force=force, argv=argv, progress=progress, build_root=build_root)


class interrupt_guard:
    """Context manager: while active (main thread only), SIGINT raises KeyboardInterrupt and
    SIGTERM raises :class:`Terminated`, and ``.signum`` records the first signal received."""

    def __init__(self):
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def _handler(self, signum: int, frame: Any) -> None:
        if self.signum is None:
            self.signum = signum
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Terminated(signum)

    def __enter__(self) -> "interrupt_guard":
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handler)
        return self

    def __exit__(self, *exc: Any) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------

def _add_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("protocol", nargs="?", metavar="PROTOCOL", help="show the knobs of this protocol")


def _cmd_list(args: argparse.Namespace) -> int:
    """List the protocols (one per line, with a summary), or one protocol's knobs."""
    if args.protocol:
        module = get_protocol(args.protocol)
        print(f"{args.protocol}: {getattr(module, 'SUMMARY', '')}")
        for name, knob in getattr(module, "KNOBS", {}).items():
            unit = f"{knob.unit} of {knob.item_unit}" if knob.unit == "list" and knob.item_unit else knob.unit
            limits = []
            if knob.choices:
                limits.append("one of " + "/".join(knob.choices))
            if knob.minimum is not None:
                limits.append(f">= {knob.minimum:g}")
            if knob.maximum is not None:
                limits.append(f"<= {knob.maximum:g}")
            extra = f" ({', '.join(limits)})" if limits else ""
            print(f"  {name} = {json.dumps(json_safe(knob.default))}  [{unit}]{extra}  {knob.doc}")
        return EXIT_OK
    protocols = available_protocols()
    width = max((len(name) for name in protocols), default=0)
    for name, module in protocols.items():
        print(f"{name:<{width}}  {getattr(module, 'SUMMARY', '')}")
    return EXIT_OK


def _add_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("protocol", nargs="?", metavar="PROTOCOL", help="protocol to run (see `list`)")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help="a knob, dotted model parameter, or dt/seed/scale/device (repeatable)")
    parser.add_argument("--config", metavar="FILE.toml", help="TOML file of settings (applied before --set)")
    parser.add_argument("--seed", metavar="N", help="random seed (integer >= 0; default 1)")
    parser.add_argument("--scale", metavar="F", help="population size factor (> 0; default 1)")
    parser.add_argument("--device", metavar="runtime|standalone", help="Brian2 device (default standalone)")
    parser.add_argument("--out", metavar="FILE.h5", help="result file (default results/PROTOCOL.h5)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing result file")
    parser.add_argument("--from", dest="from_file", metavar="FILE.h5",
                        help="start from the config stored in a result file (rerun it; other options apply on top)")
    parser.add_argument("--build-root", default=".build", metavar="DIR",
                        help="where compiled networks go (default .build)")


def _cmd_run(args: argparse.Namespace) -> int:
    """Run a protocol and write one HDF5 result file."""
    base = None
    if args.from_file:
        record = read_run(args.from_file)
        base = record.config
        if args.protocol and args.protocol != base.protocol:
            raise ConfigError(f"--from {args.from_file}: holds a {base.protocol} run, not {args.protocol}")
    elif not args.protocol:
        raise UsageError("run: name a PROTOCOL (see `python -m experiments list`) or give --from FILE.h5")
    protocol = args.protocol or base.protocol
    config = resolve_config(protocol, args.sets, args.config, args.seed, args.scale, args.device, base=base)
    out = check_output(Path(args.out) if args.out else default_output(protocol), args.force)

    progress = Progress(protocol, quiet=args.quiet, verbose=args.verbose)
    if args.verbose and not args.quiet:
        print(f"config: {config.to_json()}", file=sys.stderr)
        print(f"output: {out}", file=sys.stderr)
    before = _file_id(out)
    started = time.monotonic()
    with interrupt_guard() as guard:
        try:
            execute(config, out, force=args.force, argv=args.argv, progress=progress, build_root=args.build_root)
        except BaseException as exc:
            progress.clear()
            signum = guard.signum
            if signum is None and isinstance(exc, KeyboardInterrupt):
                signum = signal.SIGINT
            if signum is None and isinstance(exc, Terminated):
                signum = exc.signum
            if signum is not None:
                name = signal.Signals(signum).name
                after = _file_id(out)
                if after is not None and after != before:
                    print(f"interrupted by {name} after {out} was written", file=sys.stderr)
                else:
                    print(f"interrupted by {name}: the run was stopped and no file was written to {out}",
                          file=sys.stderr)
                return 128 + signum
            if isinstance(exc, Exception):
                if args.verbose:
                    traceback.print_exc()
                raise RunFailed(f"{protocol} failed: {type(exc).__name__}: {exc}") from exc
            raise
    progress.clear()
    if not args.quiet:
        record = read_run(out)
        spikes = sum(record.spike_counts.values())
        print(f"wrote {out} ({len(record.populations)} populations, {spikes} spikes, "
              f"{len(record.readouts)} readouts) in {time.monotonic() - started:.1f} s")
    return EXIT_OK


def _add_inspect(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.h5", help="a result file")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")


def inspect_dict(record: RunRecord) -> dict[str, Any]:
    """What ``inspect --json`` prints: protocol, seed, config, provenance, populations,
    readouts (plus file, readout_units, timeseries)."""
    return json_safe({
        "file": str(record.path),
        "protocol": record.protocol,
        "seed": record.seed,
        "config": record.config.to_dict(),
        "provenance": record.provenance,
        "populations": {name: {"n": n, "spikes": record.spike_counts[name]} for name, n in record.populations.items()},
        "readouts": record.readouts,
        "readout_units": record.readout_units,
        "timeseries": {name: {"units": ts.units, "time_units": ts.time_units, "samples": int(len(ts.times))}
                       for name, ts in record.timeseries.items()},
    })


def _short(value: Any, limit: int = 8) -> str:
    if hasattr(value, "ndim") and value.ndim >= 1:
        flat = value.reshape(-1)
        items = ", ".join(f"{x:.4g}" if isinstance(x, float) else str(x) for x in flat[:limit].tolist())
        more = ", ..." if flat.size > limit else ""
        return f"[{items}{more}] shape {tuple(value.shape)}"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _summary(record: RunRecord) -> str:
    config, prov = record.config, record.provenance
    lines = [str(record.path)]
    dirty = prov.get("git_dirty")
    code = str(prov.get("git_commit", "unknown"))[:12] + (" (dirty)" if dirty else "" if dirty is False else " (dirty: unknown)")
    packages = ", ".join(f"{k} {v}" for k, v in prov.get("packages", {}).items())
    lines += [
        f"  protocol  {config.protocol}   seed {config.seed}   scale {config.scale:g}   device {config.device}   "
        f"dt {config.dt_ms:g} ms",
        "  knobs     " + (", ".join(f"{k}={json.dumps(json_safe(v))}" for k, v in config.knobs.items()) or "(none)"),
        "  model     " + (", ".join(f"{k}={v}" for k, v in config.model_overrides.items()) or "(defaults)"),
        f"  code      {code}",
        f"  packages  {packages}",
        f"  run       {prov.get('wall_start', '?')} ({prov.get('wall_seconds', float('nan')):.1f} s) on "
        f"{prov.get('host', '?')}",
        f"  command   {prov.get('command_line', '?')}",
        "populations (cells, spikes, spikes per cell)",
    ]
    width = max((len(name) for name in record.populations), default=0)
    for name, n in record.populations.items():
        count = record.spike_counts[name]
        per_cell = f"{count / n:.3g}" if n else "-"
        lines.append(f"  {name:<{width}}  {n:>7}  {count:>9}  {per_cell:>8}")
    lines.append("readouts")
    width = max((len(name) for name in record.readouts), default=0)
    for name, value in record.readouts.items():
        units = record.readout_units.get(name, "")
        lines.append(f"  {name:<{width}}  {_short(value)} {units}".rstrip())
    if record.timeseries:
        lines.append("timeseries")
        for name, ts in record.timeseries.items():
            lines.append(f"  {name}  {len(ts.times)} samples, {ts.units} against {ts.time_units}")
    return "\n".join(lines)


def _cmd_inspect(args: argparse.Namespace) -> int:
    """Summarise a result file (or print it as one JSON object with --json)."""
    record = read_run(args.file)
    if args.json:
        print(json.dumps(inspect_dict(record), sort_keys=False, allow_nan=False))
    else:
        print(_summary(record))
    return EXIT_OK


def _add_bench(parser: argparse.ArgumentParser) -> None:
    from experiments.bench import add_arguments  # imported late: bench imports this module

    add_arguments(parser)


def _cmd_bench(args: argparse.Namespace) -> int:
    """Benchmark the compile-once path against Brian2's runtime mode; write results/bench.json."""
    from experiments.bench import command

    return command(args)


#: command name -> (add_arguments(parser), handler(args) -> exit status); the handler's first
#: docstring line is the command's help
SUBCOMMANDS: dict[str, tuple[AddArguments, Handler]] = {
    "list": (_add_list, _cmd_list),
    "run": (_add_run, _cmd_run),
    "inspect": (_add_inspect, _cmd_inspect),
    "bench": (_add_bench, _cmd_bench),
}


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per entry of :data:`SUBCOMMANDS`."""
    parser = _Parser(prog="python -m experiments", allow_abbrev=False,
                     description="Run the OIH circuit model's protocols and inspect their result files.")
    common = _Parser(add_help=False, allow_abbrev=False)
    common.add_argument("-v", "--verbose", action="store_true", help="more output (tracebacks, progress in logs)")
    common.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (add_arguments, handler) in SUBCOMMANDS.items():
        summary = (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else ""
        sub = commands.add_parser(name, parents=[common], help=summary, description=summary,
                                  allow_abbrev=False)
        add_arguments(sub)
        sub.set_defaults(handler=handler)
    return parser


def _say_error(message: str) -> None:
    print("error: " + " ".join(str(message).split()), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in argv or "--verbose" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "handler", None) is None:
            raise UsageError(f"name a command: {', '.join(SUBCOMMANDS)} (--help for help)")
        args.argv = argv
        return int(args.handler(args) or 0)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    except (UsageError, ConfigError, StorageError) as exc:
        _say_error(str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _say_error("interrupted")
        return 128 + signal.SIGINT
    except RunFailed as exc:
        _say_error(str(exc))
        return EXIT_FAILED
    except Exception as exc:  # a bug or an environment problem: still one line unless -v
        if verbose:
            traceback.print_exc()
        _say_error(f"{type(exc).__name__}: {exc}")
        return EXIT_FAILED
