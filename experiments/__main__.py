"""``python -m experiments``: see :mod:`experiments.cli`."""

from experiments import demo, model_docs  # noqa: F401  (register the demo and docs commands)
from experiments import sweep  # noqa: F401  (register the sweep and sweep-task commands)
from experiments.figures import pipeline  # noqa: F401  (register the figures and circuit commands)
from experiments.cli import main

raise SystemExit(main())
