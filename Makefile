# The two commands of the README: `make run` and `make test`. Both create what is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-installed-stamp
BUNDLE := dist/aapdesk
# What the bundle is made of: `make test-bundle` rebuilds when one of them is newer than the bundle.
BUNDLE_INPUTS := $(shell find src resources -type f -not -path '*/__pycache__/*' 2>/dev/null) \
                 packaging/aapdesk.spec packaging/windows/aapdesk.ico pyproject.toml

.PHONY: run test bench demo clean-venv bundle test-bundle

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "aapdesk demande Python 3.11 ou plus récent")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/aapdesk $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

demo: $(STAMP)
	$(BIN)/aapdesk-cli --data-dir data-dev demo

# Windows bundle tooling (PyInstaller, the `dev` extra), installed on demand, never by `make test`.
$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $(DEV_STAMP)

# One folder, dist/aapdesk/, with `aapdesk` (windowed) and `aapdesk-cli` (console); work files in build/.
bundle: $(DEV_STAMP)
	@start=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build packaging/aapdesk.spec || exit 1; \
	echo "Bundle built in $$(( $$(date +%s) - start )) s: $(BUNDLE) ($$(du -sh $(BUNDLE) | cut -f1))"

$(BUNDLE)/aapdesk-cli: $(BUNDLE_INPUTS) | $(DEV_STAMP)
	$(MAKE) bundle

# Runs the frozen programs themselves (not the venv) in a temporary data folder; slow, so not in `make test`.
test-bundle: $(BUNDLE)/aapdesk-cli
	$(BIN)/python packaging/smoke_test.py $(BUNDLE)

clean-venv:
	rm -rf $(VENV)
