# Stepgraph. `make help` lists the targets.
GO ?= go
# ADDR, when set, is passed as -addr; otherwise the server listens on
# $PORT, or on :8080.
ADDR ?=
FUZZTIME ?= 30s
# axe-core, which the browser tests run on every page (package.json pins
# it; it is a tool of the tests and never served).
AXE := node_modules/axe-core/axe.min.js

.PHONY: help run dev test axe generate docs bench fuzz loadtest lint ci clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: ## start the app on http://localhost:8080 (ADDR=:9000 or PORT=9000 to move it)
	$(GO) run ./cmd/web $(if $(ADDR),-addr $(ADDR))

dev: ## start the app serving static/ and content/ from disk, reloading lessons
	$(GO) run ./cmd/web $(if $(ADDR),-addr $(ADDR)) -dev

test: | $(AXE) ## run every test under the race detector (browser tests need Chromium, their accessibility checks axe-core)
	$(GO) test -race -timeout 30m ./...

axe: ## install axe-core for the browser tests' accessibility checks (npm ci, from package-lock.json)
	npm ci --no-audit --no-fund --ignore-scripts

# Without npm the accessibility checks skip (and fail with REQUIRE_BROWSER=1).
$(AXE):
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts; fi

generate: ## regenerate the templ components (commit the *_templ.go files)
	$(GO) tool templ generate

docs: ## rewrite the option tables of docs/protocol.md from the exhibits' option tables
	$(GO) test ./exhibit -run TestProtocolDocOptions -update

bench: ## run the benchmarks of the engine, viz and the web layer
	$(GO) test -run '^$$' -bench . -benchmem ./engine/... ./viz/... ./cmd/web/...

fuzz: ## fuzz the websocket decoder for FUZZTIME (default 30s)
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME) ./cmd/web/protocol

loadtest: ## load a server on loopback as a school would: 2000 steppers; 200 beside 50 trainers; a victim beside the largest trainers (docs/perf.md)
	GO=$(GO) ./tools/loadtest/run.sh

lint: ## vet the code and check formatting
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

ci: ## what CI runs: install Chromium if missing and axe-core, check generated code, test with REQUIRE_BROWSER=1
	./.ci/run

clean: ## remove test artifacts (browser screenshots)
	rm -rf testdata-artifacts
