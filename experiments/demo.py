"""``python -m experiments demo``: the flagship experiment at small scale, with its figure.

Fentanyl-induced hyperalgesia (Celerier et al. 2000): four s.c. boluses of 100 ug/kg 15 min
apart, without and with ketamine 10 mg/kg s.c. before them, followed for 3 days at scale 0.25.
It writes ``<out>/demo_fentanyl.h5`` and ``<out>/demo_fentanyl_ketamine.h5`` and
``<out>/figures/fentanyl.{pdf,png}`` (drawn from the files), and prints a two-line summary.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .cli import SUBCOMMANDS, main
from .figures import fentanyl as fentanyl_figure
from .storage import read_run

DEMO_SETTINGS = ["--scale", "0.25", "--set", "follow_days=3", "--set", "probe_every_h=2", "--set", "stimulus_s=1",
                 "--set", "test_h=[1, 3, 6, 12, 24, 48, 72]", "--set", "morphine_mg_kg=0"]
#: (file name, extra settings) of the two runs
RUNS = (("demo_fentanyl.h5", []), ("demo_fentanyl_ketamine.h5", ["--set", "ketamine_mg_kg=10"]))


def _add_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="results", help="folder for the result files and the figure")


def summary(control: Path, ketamine: Path) -> list[str]:
    """Two lines: the analgesia and delayed hyperalgesia after fentanyl, and the effect of
    ketamine on the hyperalgesia, each beside Celerier et al. 2000."""
    first, second = (read_run(path) for path in (control, ketamine))
    r, k = first.readouts, second.readouts
    return [f"{fentanyl_figure.label(first)}: threshold up to {r['peak_percent']:.0f}% of baseline until "
            f"{r['analgesia_h']:.0f} h, then down to {r['nadir_percent']:.0f}% at {r['nadir_h']:.0f} h "
            f"(Celerier et al. 2000: analgesia 2-5 h, nadir 65-80%)",
            f"{fentanyl_figure.label(second)}: nadir {k['nadir_percent']:.0f}% of baseline "
            f"(Celerier et al. 2000: hyperalgesia prevented)"]


def _cmd_demo(args: argparse.Namespace) -> int:
    """Run the flagship experiment at small scale; write HDF5 files and a figure."""
    out = Path(args.out)
    flags = ["--quiet"] if args.quiet else []
    paths = []
    for name, extra in RUNS:
        paths.append(out / name)
        status = main(["run", "fentanyl_oih", *DEMO_SETTINGS, *extra, "--out", str(paths[-1]), "--force", *flags])
        if status:
            return status
    figures = fentanyl_figure.make(*paths, out / "figures")
    if not args.quiet:
        print("\n".join(summary(*paths)))
        print(f"figure: {figures[1]}")
    return 0


SUBCOMMANDS["demo"] = (_add_demo, _cmd_demo)
