# Two commands do everything on a fresh machine:
#   make report   set up, then run the 2021-T1 reports on the sample data
#   make test     set up, then run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PERIOD ?= 2021-T1
DATA   ?= data/sample
OUT    ?= outputs
JOBS   ?= 2

# uv installs packages without their bytecode; where the environment also sets
# PYTHONDONTWRITEBYTECODE, every process would compile every module it imports from source,
# every time. Commands run from here write it once (scripts/warm_bytecode.py at set-up).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup report report-units pdf metrics test test-fast sample notebooks-sync bench lab lock wheel-check clean

setup: $(VENV)/.installed

# Reproducible: the exact versions of requirements.lock (made by `make lock` from the
# ranges in pyproject.toml), then the package itself without resolving again. Installed
# with uv (the machine's, else the lock's own uv, bootstrapped by the standard library's
# venv and pip): the same lock, in a fraction of pip's time.
UV_PIN := $(shell grep -m1 '^uv==' requirements.lock)
# The environment gets no pip of its own (ensurepip is a few seconds of every set-up): uv
# is installed into it by the interpreter's pip (`pip --python`, pip 22.3 and later), or,
# where that fails, by a pip the environment is then given.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv --without-pip $(VENV)
	@if command -v uv >/dev/null 2>&1; then uv=uv; else \
	  { $(PYTHON) -m pip --python $(BIN)/python install --quiet --disable-pip-version-check "$(UV_PIN)" 2>/dev/null \
	    || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet --disable-pip-version-check "$(UV_PIN)"; }; } \
	  && uv=$(BIN)/uv; fi; \
	  echo "installing requirements.lock with $$uv"; \
	  $$uv pip install --quiet --python $(BIN)/python -r requirements.lock && \
	  $$uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	$(BIN)/python scripts/warm_bytecode.py
	touch $@

# Pin every dependency again from pyproject.toml's ranges (newest versions that fit).
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra test --extra bench --extra dask --extra pdf \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --upgrade -o requirements.lock

# Build the wheel, install it into a fresh environment and run a batch from another folder.
wheel-check: setup
	bash scripts/check_wheel.sh

report: setup
	$(BIN)/regionanalytics run --period $(PERIOD) --data $(DATA) --out $(OUT) --jobs $(JOBS)

# The same reports plus one per unit of every division.
report-units: setup
	$(BIN)/regionanalytics run --period $(PERIOD) --data $(DATA) --out $(OUT) --jobs $(JOBS) --units

# The same reports, also as tagged PDF (one per report and the whole tertial); needs Chromium.
pdf: setup
	$(BIN)/regionanalytics run --period $(PERIOD) --data $(DATA) --out $(OUT) --jobs $(JOBS) --pdf

metrics: setup
	$(BIN)/regionanalytics metrics --period $(PERIOD) --data $(DATA)

# Three test processes on 2 cores: the batch tests wait on kernels, subprocesses and locks
# for part of their time, which a third process fills (a fresh clone, idle machine:
# pytest 230 s with 3 or 4, 260 s with 2; benchmarks/RESULTS.md section 14).
TEST_PROCESSES ?= 3
test: setup
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadgroup --no-loadscope-reorder

test-fast: setup
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) -m "not slow and not browser"

sample: setup
	$(BIN)/python scripts/make_sample.py data/sample

notebooks-sync: setup
	$(BIN)/jupytext --sync notebooks/*.py

lab: setup
	$(BIN)/jupyter lab notebooks/

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .cache outputs/*/
