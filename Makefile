# The README's commands. Each sets itself up on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
CARGO ?= cargo
export HUIJI_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test bench server setup build fmt lint clean

setup:
	@./scripts/setup.sh

build: setup
	$(CARGO) build --workspace

## Start the central server on its embedded SQLite default with demo data.
run: setup
	$(CARGO) build --release -p huiji-server
	@echo "Huiji server: http://127.0.0.1:8686 (SQLite in ./data). The desktop app is not built yet (issue 3)."
	./target/release/huiji-server --demo --dev --data ./data

## The server alone (same as run; DATABASE_URL=postgres://… selects PostgreSQL).
server: run

## Every test: domain, offline store, server API on SQLite and PostgreSQL, end-to-end.
test: setup
	@./scripts/check-postgres.sh
	$(CARGO) build --workspace --all-targets
	$(CARGO) test --workspace --no-fail-fast

bench: setup
	$(CARGO) run --release -p huiji-tests --bin huiji-bench

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

clean:
	$(CARGO) clean
