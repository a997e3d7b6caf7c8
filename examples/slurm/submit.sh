#!/bin/bash
# Queue N verify shards as a Slurm job array, and a merge that runs once all of them succeeded.
#   examples/slurm/submit.sh 16
set -euo pipefail
N=${1:-16}
export SHARDS=$N PARTS=${PARTS:-$PWD/verify-parts}
ARRAY=$(sbatch --parsable --export=ALL --array=1-"$N" "$(dirname "$0")/verify-array.sh")
sbatch --dependency=afterok:"$ARRAY" --job-name=stochgrad-merge --export=ALL \
  --wrap "npx stochgrad merge $PARTS/verify-part-*-of-$N.json --out $PWD/verify-out"
echo "queued array $ARRAY ($N shards) and its merge into verify-out/"
