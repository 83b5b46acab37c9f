# TAP VPC developer commands. The README's two commands: `make local` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
CHECKOV_VENV := .venv-checkov
PY := $(VENV)/bin/python
# Node 22 from the pinned npm package `node` comes first: the machine's Node 20 is end-of-life.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export CDK_DISABLE_CLI_TELEMETRY := true
export PYTHONDONTWRITEBYTECODE := 1
# The machine's pip config names extra local indexes that may not exist; hide only that noise.
PIP_QUIET := { grep -v "^WARNING: Location '" || true; }
SUFFIX ?= $(or $(ENVIRONMENT_SUFFIX),dev)
# Graphviz comes from Debian's packages; root installs it directly, anyone else through sudo.
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: help setup graphviz lint unit test synth synth-fleet docs cost local local-down diff deploy golden clean bench empty-archive access-analysis

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: $(VENV)/.installed node_modules/.installed $(CHECKOV_VENV)/.installed graphviz ## Install pinned Python and npm dependencies, and Graphviz

graphviz:
	@command -v dot >/dev/null || { \
	  echo "setup: installing Graphviz from Debian's packages (apt-get), for the network diagram"; \
	  $(APT_GET) install -y -qq graphviz >/dev/null 2>&1 \
	  || { $(APT_GET) update -qq >/dev/null && $(APT_GET) install -y -qq graphviz >/dev/null; }; }

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@echo "setup: installing pinned Python packages into $(VENV)"
	@python3 -m venv $(VENV)
	@$(VENV)/bin/pip install -q -r requirements-dev.txt -c constraints.txt 2>&1 | $(PIP_QUIET)
	@touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt constraints-checkov.txt
	@echo "setup: installing pinned checkov into $(CHECKOV_VENV) (it pins its own boto3 and pytest)"
	@python3 -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/pip install -q -r requirements-checkov.txt -c constraints-checkov.txt 2>&1 | $(PIP_QUIET)
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "setup: installing the pinned CDK CLI and Node 22 into node_modules"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: setup ## ruff (lint + format check) and mypy --strict
	ruff check .
	ruff format --check .
	mypy

unit: setup ## Unit tests only (no emulator)
	pytest tests --ignore=tests/integration

test: setup lint ## Everything CI runs: lint, unit, static checks, emulator deploy + integration
	pytest

synth: $(VENV)/.installed node_modules/.installed ## cdk synth into the cloud assembly cdk.<suffix>.out (deployed by make deploy ASSEMBLY=...)
	@rm -rf cdk.$(SUFFIX).out
	@cdk synth --quiet --output cdk.$(SUFFIX).out -c environmentSuffix=$(SUFFIX)
	@echo "wrote cdk.$(SUFFIX).out/TapVpcStack-$(SUFFIX).template.json"

docs: setup ## Regenerate docs/network.dot, docs/network.svg and the generated sections of README.md and docs/*.md
	$(PY) -m tools.docs

cost: setup ## Print the monthly cost of every profile (prices: docs/prices.json)
	@$(PY) -m tools.docs.cost

local: setup ## Start the local AWS emulator, deploy the declared fleet (waves, 2 regions) and the consumer
	@$(PY) -m tools.local up --environments "$(ENVIRONMENTS)" $(foreach pair,$(CONTEXT),-c $(pair))

local-down: setup ## Stop the local emulator
	@$(PY) -m tools.local down

diff: setup ## cdk diff of every declared stack against what `make local` deployed
	@$(PY) -m tools.local diff --environments "$(ENVIRONMENTS)" $(foreach pair,$(CONTEXT),-c $(pair))

synth-fleet: $(VENV)/.installed node_modules/.installed ## cdk synth of every declared environment into cdk.fleet.out (the deploy workflow's assembly)
	@rm -rf cdk.fleet.out
	@env -u ENVIRONMENT_SUFFIX cdk synth --quiet --output cdk.fleet.out
	@echo "wrote cdk.fleet.out: $$(ls cdk.fleet.out | sed -n 's/\.template\.json$$//p' | tr '\n' ' ')"

deploy: $(VENV)/.installed node_modules/.installed ## Synth once, diff (destructive changes refused), deploy TapVpcStack-$(SUFFIX) (or ENVIRONMENTS="a b", one account)
	@$(PY) -m tools.deploy $(foreach env,$(or $(ENVIRONMENTS),$(SUFFIX)),--environment $(env)) $(if $(APPROVAL),--require-approval $(APPROVAL)) \
	  $(if $(APPROVE_DESTRUCTIVE),--approve-destructive) $(if $(ASSEMBLY),--assembly $(ASSEMBLY)) \
	  $(if $(EMULATOR_PORT),--emulator-port $(EMULATOR_PORT)) $(foreach pair,$(CONTEXT),-c $(pair))

empty-archive: $(VENV)/.installed ## Empty the archive buckets of a non-retained environment (SUFFIX=pr-N) before cdk destroy
	@$(PY) -m tools.empty_archive --environment $(SUFFIX) $(if $(EMULATOR_PORT),--emulator-port $(EMULATOR_PORT))

access-analysis: $(VENV)/.installed ## Run Network Access Analyzer on the matrix's deny scopes of a deployed stack (SUFFIX=prod)
	@$(PY) -m tools.access_analysis --environment $(SUFFIX)

bench: $(VENV)/.installed node_modules/.installed ## Synth time as ratios to a bare CDK app, against docs/bench-budgets.json
	@$(PY) -m tools.bench

clean: ## Remove build output (not the virtualenvs)
	rm -rf cdk.out cdk.*.out .pytest_cache .mypy_cache .ruff_cache .coverage coverage.xml build dist *.egg-info

golden: setup ## Accept a deliberate change of exports or logical IDs: rewrite contract/*.json (review the diff!)
	$(PY) -m tools.golden
