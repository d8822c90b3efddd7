"""``python -m experiments``: see :mod:`experiments.cli`."""

from experiments import demo, model_docs  # noqa: F401  (register the demo and docs commands)
from experiments.cli import main

raise SystemExit(main())
