#!/usr/bin/env bash
# A real Slurm test of the cluster workflow, on this machine alone: starts a one-node Slurm
# (munged, slurmctld, slurmd) in a temporary folder, submits a 4-shard study through
# submit.sh and casevac-array.sbatch, waits for the array and its dependent merge, and checks
# that the merged JSON is byte-identical to a single-process `casevac run`. Everything it
# starts is stopped, by pid, and its folder removed, whether it succeeds or fails.
#
#   scripts/slurm/local-cluster.sh        (as root; CASEVAC defaults to target/release/casevac)
#
# Installs slurm-wlm and munge with apt-get if they are missing. Uses its own munge socket and
# key and its own ports, so it does not disturb a munged or Slurm already on the machine.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
CASEVAC="$(realpath "${CASEVAC:-$repo/target/release/casevac}")"
scenario="$repo/scenarios/sahel-north.toml"
trials=2000
seed=4242
shards=4
timeout_s=90
started_at=$SECONDS

if [[ ! -x "$CASEVAC" ]]; then
    echo "local-cluster: no casevac binary at $CASEVAC (build it with cargo build --release)" >&2
    exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

tmp="$(mktemp -d /tmp/casevac-slurm.XXXXXX)"
pids=()
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        # Bounded: a daemon that ignores TERM for 10 s is killed.
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [[ $rc -ne 0 ]]; then
        echo "local-cluster: FAILED; the logs:" >&2
        for f in "$tmp"/log/* "$tmp"/out/logs/*; do
            [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
        done
    fi
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/log" "$tmp/state" "$tmp/spool" "$tmp/out"

# A free port pair, so another Slurm on the machine (or another run of this script) is left alone.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 50); do
    ctld_port=$((20000 + RANDOM % 20000))
    slurmd_port=$((ctld_port + 1))
    port_free "$ctld_port" && port_free "$slurmd_port" && break
done

# munge: our own key and socket.
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 600 "$tmp/munge.key"
munged --foreground --force --socket="$tmp/munge.sock" --key-file="$tmp/munge.key" \
    --pid-file="$tmp/munged.pid" --log-file="$tmp/log/munged.log" --seed-file="$tmp/munged.seed" \
    >>"$tmp/log/munged.out" 2>&1 &
pids+=($!)

# The node as slurmd sees it (CPUs, sockets, cores, memory), named localhost.
node="$(slurmd -C | head -n 1 | sed -E 's/^NodeName=[^ ]+/NodeName=localhost NodeAddr=127.0.0.1/')"
cat >"$tmp/slurm.conf" <<CONF
ClusterName=casevac-local
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
$node State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"

for _ in $(seq 50); do [[ -S "$tmp/munge.sock" ]] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >>"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)

# Wait for the node to be up.
deadline=$((SECONDS + 30))
until sinfo -h -n localhost -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; do
    if ((SECONDS > deadline)); then
        echo "local-cluster: the node did not come up within 30 s" >&2
        exit 1
    fi
    sleep 0.5
done

# The real submission path: submit.sh and the sbatch script.
submitted="$(CASEVAC="$CASEVAC" "$repo/scripts/slurm/submit.sh" "$scenario" "$trials" "$shards" "$tmp/out" "$seed")"
echo "local-cluster: $submitted"
read -r array merge < <(sed -E 's/^array job ([0-9]+) .* merge job ([0-9]+).*/\1 \2/' <<<"$submitted")

# The reference, in one process, while the cluster works.
"$CASEVAC" run "$scenario" --trials "$trials" --seed "$seed" --threads 1 --json "$tmp/single.json" -q

deadline=$((started_at + timeout_s))
while :; do
    state="$(scontrol -o show job "$merge" 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2 || true)"
    reason="$(scontrol -o show job "$merge" 2>/dev/null | grep -oE 'Reason=[A-Za-z_]+' | cut -d= -f2 || true)"
    case "$state" in
        COMPLETED) break ;;
        FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE)
            echo "local-cluster: the merge job ended $state" >&2
            exit 1
            ;;
    esac
    if [[ "$reason" == DependencyNeverSatisfied ]]; then
        echo "local-cluster: a shard failed, so the merge job can never run" >&2
        scontrol -o show job "$array" >&2 || true
        exit 1
    fi
    if ((SECONDS > deadline)); then
        echo "local-cluster: the jobs did not finish within $timeout_s s (merge job $state, $reason)" >&2
        exit 1
    fi
    sleep 0.5
done

if ! cmp "$tmp/single.json" "$tmp/out/results.json"; then
    echo "local-cluster: the merged JSON differs from the single-process run" >&2
    exit 1
fi
echo "local-cluster: OK: $shards Slurm array tasks and the dependent merge gave JSON byte-identical to one process ($trials trials, seed $seed) in $((SECONDS - started_at)) s"
