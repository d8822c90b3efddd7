"""``python -m experiments``: see :mod:`experiments.cli`."""

from experiments import demo  # noqa: F401  (registers the demo command)
from experiments.cli import main

raise SystemExit(main())
