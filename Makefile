# The README's commands. Each sets itself up on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)
export HUIJI_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test bench bench-qr server setup ui build e2e fmt lint clean

setup:
	@./scripts/setup.sh

## The web UI the app embeds (ui/dist).
ui: setup
	cd ui && npm run build

build: ui
	$(CARGO) build --workspace

## Start the central server on its embedded SQLite default with demo data, and open
## the desktop app against it. Closing the app stops the server.
run: ui
	$(CARGO) build -p huiji-server -p huiji-app
	@mkdir -p data
	@./target/debug/huiji-server --demo --dev --data ./data > data/server.log 2>&1 & echo $$! > data/server.pid
	@for i in $$(seq 1 50); do curl -sf http://127.0.0.1:8686/healthz >/dev/null && break; sleep 0.2; done
	@grep -A20 '演示账号' data/server.log || true
	@echo "Server: http://127.0.0.1:8686 (log: data/server.log). Opening the app…"
	-HUIJI_SERVER_URL=http://127.0.0.1:8686 ./target/debug/huiji-app
	@kill $$(cat data/server.pid) 2>/dev/null || true

## The server alone (DATABASE_URL=postgres://… selects PostgreSQL).
server:
	$(CARGO) run --release -p huiji-server -- --demo --dev

## Every test: Rust unit and integration tests (server on SQLite and PostgreSQL),
## UI tests, and the WebDriver end-to-end tests of the real app.
test: ui
	@./scripts/check-postgres.sh
	@./scripts/setup-e2e.sh
	cd ui && npm test
	$(CARGO) build --workspace --all-targets
	$(CARGO) test --workspace --no-fail-fast

bench: ui
	$(CARGO) build --release -p huiji-server -p huiji-tests
	$(CARGO) build --profile app -p huiji-app
	./target/release/huiji-bench
	./scripts/qr-bench/run.sh

## QR decoding alone: ours vs zxing-cpp vs zbar on the same degraded frames.
bench-qr:
	./scripts/qr-bench/run.sh

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npm run check

clean:
	$(CARGO) clean
	rm -rf ui/dist
