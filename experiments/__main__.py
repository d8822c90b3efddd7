"""``python -m experiments``: see :mod:`experiments.cli`."""

from experiments import demo, model_docs, validation  # noqa: F401  (register the demo, docs and validate commands)
from experiments import sweep  # noqa: F401  (register the sweep and sweep-task commands)
from experiments.figures import pipeline  # noqa: F401  (register the figures and circuit commands)
from experiments.cli import main

raise SystemExit(main())
