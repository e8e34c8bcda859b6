#!/usr/bin/env bash
# Packaging check: packs every publishable package (packages/*) as it would be published, installs
# the tarballs with npm into a fresh project outside the repository (their dependencies come from
# the registry), checks what was installed, runs a small ESM program that records spans through the
# stdout, OTLP and fan-out tracers, and type-checks a file against the published declarations.
# Usage: bash .ci/pack-check.sh [NODE_BINARY...]  (the program also runs on each binary given)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

work=$(mktemp -d "${TMPDIR:-/tmp}/x-tracing-pack-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

npm run --silent build
npx --yes pnpm@10 --silent -r --filter './packages/*' pack --pack-destination "$work/tarballs" >/dev/null
echo "packed:" $(cd "$work/tarballs" && ls)

mkdir "$work/project"
cp .ci/pack-check/*.mjs .ci/pack-check/types.ts .ci/pack-check/tsconfig.json "$work/project"
cd "$work/project"
echo '{ "name": "pack-check", "private": true, "type": "module" }' > package.json
# The type checker at the versions the repository builds with.
dev() { node -p "require('$repo/package.json').devDependencies['$1']"; }
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz \
  "typescript@$(dev typescript)" "@types/node@$(dev @types/node)"

node manifests.mjs
for node in node "$@"; do "$node" spans.mjs; done
# Not `tsc && echo`: set -e does not stop at a failure on the left of &&, and this one went unseen.
npx tsc -p tsconfig.json
echo "types.ts type-checks against the published declarations"
# The x-tracing command as a user runs it, from the installed @x/tracing-config.
printf '[observability.traces]\nsample_rate = 0.1\nalways_sample = ["errors"]\n\n[observability.export]\nstdout = "json"\n' > tracing.toml
plan=$(npx --no-install x-tracing check tracing.toml --load)
grep -q 'tail sampling, always keeping errors' <<<"$plan"
echo "npx x-tracing check prints the plan"
node serve.mjs
