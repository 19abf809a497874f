# Stepgraph. `make help` lists the targets.
GO ?= go
ADDR ?= :8080

.PHONY: help run test generate bench lint

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: ## start the app on http://localhost:8080
	$(GO) run ./cmd/web -addr $(ADDR)

test: ## run every test (browser tests need Chromium)
	$(GO) test -race ./...

generate: ## regenerate templ components
	$(GO) tool templ generate

bench: ## run the engine benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./engine/...

lint: ## vet the code and check formatting
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
