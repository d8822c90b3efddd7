"""``python -m experiments demo``: the flagship experiment at small scale, with its figure.

Until the OIH protocols land, the flagship is the drug-free heat-trial experiment: RVM ON cells
burst and OFF cells pause before withdrawal from a heat ramp. It writes
``<out>/demo_heat_trials.h5`` and ``<out>/figures/heat_trials.{pdf,png}`` (drawn from the file).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .cli import SUBCOMMANDS, main
from .figures import heat_trials as heat_trials_figure
from .storage import read_run

DEMO_SETTINGS = ["--scale", "0.25", "--set", "n_trials=5", "--set", "spontaneous_s=20"]


def _add_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="results", help="folder for the result file and figure")


def _cmd_demo(args: argparse.Namespace) -> int:
    """Run the flagship experiment at small scale; write an HDF5 file and a figure."""
    out = Path(args.out)
    result = out / "demo_heat_trials.h5"
    flags = ["--quiet"] if args.quiet else []
    status = main(["run", "heat_trials", *DEMO_SETTINGS, "--out", str(result), "--force", *flags])
    if status:
        return status
    figures = heat_trials_figure.make(result, out / "figures")
    readouts = read_run(result).readouts
    if not args.quiet:
        print(f"withdrawal latency {readouts['withdrawal_latency_s'].mean():.2f} s; ON burst leads withdrawal by "
              f"{readouts['on_burst_lead_ms']:.0f} ms, OFF pause by {readouts['off_pause_lead_ms']:.0f} ms")
        print(f"figure: {figures[1]}")
    return 0


SUBCOMMANDS["demo"] = (_add_demo, _cmd_demo)
