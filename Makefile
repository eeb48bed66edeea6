# The two commands of the quick start: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIGURATION ?= Release

.PHONY: run test build restore bench clean tools

# The chain tools from npm (anvil, forge, solc-js, OpenZeppelin), at the versions package-lock.json pins.
# `npm install`, not `npm ci`: the lock cannot list the other platforms' binary packages of anvil and
# forge (the registry here does not serve them all), and `npm ci` refuses such a lock; `npm install`
# installs what the lock names and leaves it unchanged.
node_modules/.package-lock.json: package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

tools: node_modules/.package-lock.json

restore: tools
	$(DOTNET) restore Ledger.sln

build: restore
	$(DOTNET) build Ledger.sln -c $(CONFIGURATION) --no-restore -nologo

# The embedded node: API and silo in one process over SQLite in $${LEDGER_DATA_DIR:-./data}.
run: build
	$(DOTNET) run --project api/Ledger.Api -c $(CONFIGURATION) --no-build

# Every test project; the last line is the runner's summary across all of them.
test: build
	bash scripts/test.sh $(CONFIGURATION)

# The load generator; prints one JSON line last. BENCH_ARGS passes options through (see bench/README.md).
bench: build
	$(DOTNET) run --project bench/Ledger.Bench -c $(CONFIGURATION) --no-build -- $(BENCH_ARGS)

clean:
	$(DOTNET) clean Ledger.sln -nologo
