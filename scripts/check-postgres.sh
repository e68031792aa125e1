#!/usr/bin/env bash
# PostgreSQL tests need a server. Under CI (CI=true) an unreachable one is a failure,
# never a silent skip; elsewhere the PostgreSQL half of the suite skips with a notice.
set -u
url="${HUIJI_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if psql "$url" -qAtc 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL reachable at $url"
  exit 0
fi
if [ "${CI:-}" = "true" ] || [ "${HUIJI_REQUIRE_PG:-}" = "1" ]; then
  echo "ERROR: PostgreSQL is required (CI=true) but not reachable at $url" >&2
  exit 1
fi
echo "WARNING: PostgreSQL not reachable at $url: its tests will be skipped" >&2
