#!/usr/bin/env bash
# Submits a casevac study to Slurm: a job array of one task per shard, then the merge, which
# starts only once every task has succeeded (--dependency=afterok).
#
#   scripts/slurm/submit.sh SCENARIO TRIALS SHARDS OUT [SEED]
#
# CASEVAC (the binary, default casevac on the PATH) and REPORT=1 (also write the HTML report)
# are passed through; so are sbatch's own variables, such as SBATCH_PARTITION or SBATCH_ACCOUNT.
# Prints the two job ids.
set -euo pipefail

if [[ $# -lt 4 || $# -gt 5 ]]; then
    echo "usage: $0 SCENARIO TRIALS SHARDS OUT [SEED]" >&2
    exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
# Absolute paths: the jobs may start in another folder on another node.
SCENARIO="$(realpath "$1")"
TRIALS="$2"
SHARDS="$3"
mkdir -p "$4/logs"
OUT="$(realpath "$4")"
SEED="${5:-1012}"
export SCENARIO TRIALS SHARDS OUT SEED

# --parsable prints "jobid" or "jobid;cluster".
array="$(sbatch --parsable --array="1-$SHARDS" --output="$OUT/logs/shard-%a.out" "$here/casevac-array.sbatch")"
array="${array%%;*}"
merge="$(sbatch --parsable --dependency="afterok:$array" --output="$OUT/logs/merge.out" "$here/casevac-array.sbatch")"
merge="${merge%%;*}"
echo "array job $array ($SHARDS shards), merge job $merge; results in $OUT"
