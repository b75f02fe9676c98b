# The two set-up commands: `make run` (install and start the app) and `make test`
# (install and run every test). Both need only Python 3.11+ and make.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test bench clean docker-test screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# No access log by default (it costs ~15% of a small request; errors are still logged):
# `make run ACCESS_LOG=true` turns it on. app.serve is uvicorn with the bounds of
# docs/deployment.md; WEB_CONCURRENCY worker processes (default 2).
ACCESS_LOG ?= false
run: $(VENV)/.installed
	UVICORN_ACCESS_LOG=$(ACCESS_LOG) $(BIN)/python -m app.serve --host $(HOST) --port $(PORT)

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest

# Build and run the Docker image with podman (root; see docs/deployment.md).
docker-test:
	bash scripts/docker_build_test.sh

# Retake docs/screenshot.png (Playwright + Debian's Chromium).
screenshot: $(VENV)/.test-installed
	$(BIN)/python scripts/screenshot.py

# Benchmarks (issue 7): prints a Markdown table (see docs/performance.md).
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, set on some machines for old OpenBLAS builds, slow a
# current numpy: they are unset for this command only.
$(VENV)/.bench-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache
