#!/bin/bash
# Slurm job array: shard K of N of `stochgrad verify` per array task. Submit with
#   sbatch --array=1-16 examples/slurm/verify-array.sh
# (or examples/slurm/submit.sh, which also queues the merge). Every task writes
# $PARTS/verify-part-K-of-N.json on a shared file system; the merge job joins them.
#SBATCH --job-name=stochgrad-verify
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail
: "${SLURM_ARRAY_TASK_ID:?run this as a job array (sbatch --array=1-N)}"
N=${SHARDS:-${SLURM_ARRAY_TASK_COUNT:?}}
K=$SLURM_ARRAY_TASK_ID        # --array=1-N numbers tasks from 1, as --shard does
PARTS=${PARTS:-$PWD/verify-parts}
SEED=${SEED:-stochgrad}
# the same flags on every task: parts of another seed, selection or version are refused by merge
# (STOCHGRAD: the command that runs the CLI, default npx stochgrad in a project that depends on it)
${STOCHGRAD:-npx stochgrad} verify --seed "$SEED" --workers "${SLURM_CPUS_PER_TASK:-1}" --shard "$K/$N" --out "$PARTS"
