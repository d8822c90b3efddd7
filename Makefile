# Make targets for the OIH circuit model. `make help` lists them.
# The interpreter must be Python >= 3.12 (brian2 >= 2.10). Name one with `make PYTHON=/path/to/python3`;
# otherwise the first suitable python3.13, python3.12, python3 or pyenv-installed 3.12+ is used.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; exit 0; }; done; \
	  root=$$(pyenv root 2>/dev/null) && for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[2-9]' | sort -V -r); do \
	  [ -x $$root/versions/$$v/bin/python3 ] && { echo $$root/versions/$$v/bin/python3; exit 0; }; done)
VENV   ?= .venv
PY      = $(VENV)/bin/python
RESULTS ?= results
SCALE  ?= 0.5
JOBS   ?= 2

.DEFAULT_GOAL := help
.PHONY: help venv demo test test-fast docs list sweep figures validate bench clean distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.12 found; run make PYTHON=/path/to/python3.12" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(VENV)/.installed  ## create .venv with the project and its test dependencies

demo: $(VENV)/.installed  ## run the flagship experiment at small scale: HDF5 file and figure in results/
	$(PY) -m experiments demo --out $(RESULTS)

test: $(VENV)/.installed  ## run the whole test suite (science and software), one module per core
	$(PY) -m pytest -q -n auto --dist loadscope --no-loadscope-reorder

test-fast: $(VENV)/.installed  ## run the tests that build no network (seconds)
	$(PY) -m pytest -q -m "not slow"

docs: $(VENV)/.installed  ## regenerate docs/model.md from the parameter source and equations
	$(PY) -m experiments docs

figures: $(VENV)/.installed  ## figures in results/figures/ from HDF5 results, simulating missing ones (QUICK=1: small scale)
	$(PY) -m experiments figures --run-missing $(if $(QUICK),--quick --results $(RESULTS)/quick,--results $(RESULTS))

validate: $(VENV)/.installed  ## validation scorecard: every literature target against the model, results/validation.md (QUICK=1: the quick set CI runs)
	$(PY) -m experiments validate --jobs $(JOBS) $(if $(QUICK),--quick --results $(RESULTS)/quick,--results $(RESULTS))

list: $(VENV)/.installed  ## list the protocols
	$(PY) -m experiments list

sweep: $(VENV)/.installed  ## run a sweep: make sweep SPEC=file.toml [BACKEND=slurm] [OUT=dir] (docs/hpc.md)
	@test -n "$(SPEC)" || { echo "error: name the spec: make sweep SPEC=file.toml" >&2; exit 2; }
	$(PY) -m experiments sweep $(SPEC) $(if $(BACKEND),--backend $(BACKEND)) $(if $(OUT),--out $(OUT))

bench: $(VENV)/.installed  ## benchmark: compile-once path against Brian2 runtime mode, table and results/bench.json (QUICK=1: smoke test)
	$(PY) -m experiments bench $(if $(QUICK),--quick --out $(RESULTS)/quick/bench.json,--out $(RESULTS)/bench.json)

clean:  ## remove compiled builds (.build/), keep results
	rm -rf .build

distclean: clean  ## also remove the virtual environment and generated results
	rm -rf $(VENV) $(RESULTS)/*.h5 $(RESULTS)/figures
