#!/usr/bin/env bash
# Fails when the generated code committed under proto/ differs from what
# `make generate` produces now: every generated file must be byte for byte
# the same, and no generated file may be missing or left over.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
buf generate -o "$out"

generated() { (cd "$1" && find proto -type f \( -name '*.pb.go' -o -name '*.pb.gw.go' -o -name '*.swagger.json' \) -not -path 'proto/third_party/*' | sort); }

status=0
if ! diff <(generated "$out") <(generated .) >/dev/null; then
  echo "generated files differ in number or names:" >&2
  diff <(generated "$out") <(generated .) >&2 || true
  status=1
fi
while read -r f; do
  if [ -f "$f" ] && ! cmp -s "$out/$f" "$f"; then
    echo "stale generated file: $f" >&2
    status=1
  fi
done < <(generated "$out")
if [ $status -ne 0 ]; then
  echo "run 'make generate' and commit the result" >&2
  exit 1
fi
echo "generated code is up to date ($(generated . | wc -l) files)"
