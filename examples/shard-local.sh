#!/bin/sh
# Run a long stochgrad command as N shards in parallel on one machine, then merge the parts.
# The merged folder is byte-identical to what the unsharded command writes.
#
#   examples/shard-local.sh N OUT COMMAND [FLAGS...]
#   examples/shard-local.sh 4 verify-out verify --quick
#   examples/shard-local.sh 3 spsa-out spsa optimize --function skewed-quartic --seeds 200
#   examples/shard-local.sh 4 compare-out compare problem.json --estimators rloo,arm,disarm --exact
#   examples/shard-local.sh 2 eval-out rbm eval model.json --workers 1       # → eval-out/rbm-eval.json
#   examples/shard-local.sh 2 exact-out exact net26.json --max-units 26      # → exact-out/exact.json
#
# Uses GNU parallel when it is installed, else xargs -P (the same shards either way). Set
# STOCHGRAD to the command that runs the CLI (default: npx stochgrad). Flag values must not
# contain spaces (both tools split the command line on them).
set -eu
N=$1
OUT=$2
shift 2
STOCHGRAD=${STOCHGRAD:-npx stochgrad}
PARTS="$OUT.parts"
if command -v parallel >/dev/null 2>&1 && [ -z "${NO_GNU_PARALLEL:-}" ]; then
  # the GNU parallel line: one job per shard, stop everything if one fails
  parallel --halt now,fail=1 -j "$N" $STOCHGRAD "$@" --shard {}/"$N" --out "$PARTS" ::: $(seq 1 "$N")
else
  # the same with xargs: -P runs N processes at once; a failing shard makes xargs exit non-zero
  seq 1 "$N" | xargs -P "$N" -I{} $STOCHGRAD "$@" --shard {}/"$N" --out "$PARTS"
fi
$STOCHGRAD merge "$PARTS"/*-part-*-of-"$N".json --out "$OUT"
