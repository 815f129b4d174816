# make demo   set everything up, then build the example campaign into build/
# make test   set everything up, then lint, type-check and run the whole test suite
# make docs   set everything up, then build the docs site into site/ (mkdocs, strict)
# make bench  set everything up, then time the benchmarks in bench/
# make fuzz   set everything up, then fuzz for longer (ten times the examples, random ones)
# make lock   refresh requirements.lock from pyproject.toml (newest versions its ranges allow)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Exact versions, with hashes, of everything `make` installs into .venv (the package's
# dependencies and the dev tools). `pip install .` for users keeps pyproject's ranges.
LOCK := requirements.lock
PIP_VERSION := 26.3
STAMP := $(VENV)/.installed-$(shell cat $(LOCK) setup.cfg | cksum | cut -d' ' -f1)

# What WeasyPrint, PyICU and the tests need from Debian: Pango, HarfBuzz's subsetter
# (without it WeasyPrint is many times slower), fonts for Latin, Japanese and Korean,
# poppler-utils to read PDFs back, ICU's headers to build PyICU, Chromium with its
# driver for the tests that drive `campaign preview` and the sign-on page in a real
# browser, and PostgreSQL's server, which the sign-on tests and bench start themselves.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
	fonts-noto-core fonts-noto-cjk fonts-liberation2 \
	poppler-utils pkg-config libicu-dev g++ chromium chromium-driver postgresql

.PHONY: demo test docs lint bench fuzz lock check-system venv clean

demo: venv
	$(BIN)/campaign build

test: venv lint
	$(BIN)/pytest -q

# The docs site (docs/, mkdocs.yml): every warning is an error, and tables are made
# from the code (scripts/docs_hooks.py). tests/project/test_docs.py builds it too, so
# `make test` fails on a warning.
docs: venv
	$(BIN)/mkdocs build --strict

# The fuzz tests of tests/unit/test_fuzz.py and the fit and shared-pages property tests,
# with hypothesis's 'long' profile (see conftest.py);
# failing examples are kept in .hypothesis/ and tried first next time.
fuzz: venv
	HYPOTHESIS_PROFILE=long $(BIN)/pytest -q tests/unit/test_fuzz.py tests/unit/test_fit_property.py \
		tests/unit/test_shared_property.py \
		--hypothesis-show-statistics

# Benchmarks: figures from one run on this machine, with ratios against the naive way
# and against the peer, KOMA-Script scrlttr2 set by pdflatex (bench/latexpeer.py), whose
# TeX packages only the benchmark needs.
BENCH_PACKAGES := texlive-latex-recommended texlive-fonts-recommended lmodern

bench: venv
	@PYTHON=$(PYTHON) sh scripts/install-system-packages.sh $(BENCH_PACKAGES)
	$(BIN)/python bench/run.py

lint: venv
	$(BIN)/ruff check campaign tests bench scripts
	$(BIN)/ruff format --check campaign tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

check-system:
	@PYTHON=$(PYTHON) sh scripts/install-system-packages.sh $(APT_PACKAGES)

venv: check-system $(STAMP) $(VENV)/.package

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "pip==$(PIP_VERSION)"
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	rm -rf .setuptools-build
	$(BIN)/pip install --quiet --no-deps --no-build-isolation .
	rm -f $(VENV)/.installed-* && touch $@ $(VENV)/.package

# A plain (non-editable) install, so the tests exercise what users get; reinstalled
# whenever the package's files change.
# setuptools' build folder keeps files of earlier builds: a module moved or deleted would
# still be shipped from it, so each install starts without one.
$(VENV)/.package: $(shell find campaign templates letters signatories campaign.yaml -type f -not -path '*/__pycache__/*' -not -path '*.egg-info*')
	rm -rf .setuptools-build
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --force-reinstall .
	touch $@

# pip-tools resolves pyproject's ranges (with the dev extra) to exact versions and the
# hashes of every file PyPI has for them; tests/project/test_lock.py fails when the two disagree.
lock:
	$(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet "pip==$(PIP_VERSION)" pip-tools
	.lockenv/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --extra dev -o $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .lockenv build .setuptools-build *.egg-info site
