# The two commands of the README: `make run` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test test-sqlite test-postgres demo screenshots clean

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/xinfang migrate --no-input
	$(BIN)/xinfang demo --if-empty
	$(BIN)/xinfang serve --host $(HOST) --port $(PORT)

demo: install
	$(BIN)/xinfang migrate --no-input
	$(BIN)/xinfang demo --if-empty

test: install
	bash scripts/ensure-chromium.sh
	bash scripts/test.sh

screenshots: install
	bash scripts/ensure-chromium.sh
	$(BIN)/python tests/browser/screenshots.py

clean:
	rm -rf $(VENV) data staticfiles
