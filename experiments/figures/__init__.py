"""Figures, one module per figure, drawn from result files alone (never from a simulation).

Each module has ``make(record_paths, out_dir) -> list[Path]`` writing a PDF and a PNG under
fixed names; ``STYLE`` is the shared matplotlib style.
"""

from pathlib import Path

STYLE = Path(__file__).with_name("style.mplstyle")
