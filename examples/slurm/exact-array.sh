#!/bin/bash
# Slurm job array: an exact enumeration beyond 24 binary units (`exact --max-units`), shard K of N
# per array task. Each task prints the cost (configurations in all and in its shard, its Gray-code
# blocks, and the wall time estimated from a rate it measures) to its log before it starts.
#   PROBLEM=net30.json MAX_UNITS=30 sbatch --array=1-64 examples/slurm/exact-array.sh
# then, once every task succeeded (or use --dependency=afterok:<array job id>):
#   npx stochgrad merge exact-parts/exact-part-*-of-64.json --out exact-out    # → exact-out/exact.json
#SBATCH --job-name=stochgrad-exact
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=1-00:00:00
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail
: "${SLURM_ARRAY_TASK_ID:?run this as a job array (sbatch --array=1-N)}"
: "${PROBLEM:?set PROBLEM to the problem file (on a shared file system)}"
N=${SHARDS:-${SLURM_ARRAY_TASK_COUNT:?}}
K=$SLURM_ARRAY_TASK_ID        # --array=1-N numbers tasks from 1, as --shard does
PARTS=${PARTS:-$PWD/exact-parts}
# the same flags on every task (ESTIMATORS: comma-separated ids; merge refuses parts of other flags)
${STOCHGRAD:-npx stochgrad} exact "$PROBLEM" --max-units "${MAX_UNITS:?set MAX_UNITS: at least the binary units of the net, at most 40}" \
  --estimators "${ESTIMATORS:-correlation,straight-through}" --shard "$K/$N" --out "$PARTS"
