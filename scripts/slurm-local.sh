#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for tests and for trying the
# tuner's job arrays: munged with a key and socket of its own, slurmctld and
# slurmd on localhost, every file (configuration, state, logs) in DIR.
# Needs root and Debian's slurm-wlm and munge (scripts/setup.sh installs
# them).
# Usage: scripts/slurm-local.sh start DIR   then SLURM_CONF=DIR/slurm.conf sbatch ...
#        scripts/slurm-local.sh stop DIR    stops everything it started
#        scripts/slurm-local.sh run DIR COMMAND...   start, run COMMAND with
#          SLURM_CONF set, stop whatever happens; exits with COMMAND's status
set -euo pipefail
command=${1:-} dir=${2:-}
if [[ -z $command || -z $dir ]]; then
  echo "usage: slurm-local.sh start|stop|run DIR [COMMAND...]" >&2
  exit 2
fi
if [[ $command == run ]]; then
  shift 2
  self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
  trap '"$self" stop "$dir"' EXIT
  "$self" start "$dir"
  export SLURM_CONF=$(cd "$dir" && pwd)/slurm.conf
  "$@"
  exit $?
fi

stop() {
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munged.pid"; do
    if [[ -f $pidfile ]]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2> /dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2> /dev/null || true
      rm -f "$pidfile"
    fi
  done
}

if [[ $command == stop ]]; then
  stop
  exit 0
fi
[[ $command == start ]] || { echo "slurm-local: unknown command $command" >&2; exit 2; }
for tool in munged mungekey slurmctld slurmd sbatch sinfo; do
  command -v "$tool" > /dev/null || {
    echo "slurm-local: $tool is missing: run scripts/setup.sh (slurm-wlm, munge)" >&2
    exit 1
  }
done
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
dir=$(cd "$dir" && pwd)
chmod 700 "$dir" "$dir/munge"
# Ports of this cluster's own, away from a real one's (6817, 6818).
port=$((20000 + RANDOM % 20000))
mungekey --create --keyfile "$dir/munge/munge.key" --force 2> /dev/null ||
  mungekey -c -k "$dir/munge/munge.key" -f
chmod 600 "$dir/munge/munge.key"
munged --key-file "$dir/munge/munge.key" --socket "$dir/munge/munge.sock" \
  --pid-file "$dir/munged.pid" --log-file "$dir/munge/munged.log" \
  --seed-file "$dir/munge/munged.seed" --force
cat > "$dir/slurm.conf" <<CONF
ClusterName=effnet-local
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
SchedulerType=sched/builtin
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -f "$dir/slurm.conf"
slurmd -f "$dir/slurm.conf" -N localhost
# Ready when the node takes jobs.
for _ in $(seq 100); do
  if sinfo -h -o '%T' 2> /dev/null | grep -q idle; then
    exit 0
  fi
  sleep 0.2
done
echo "slurm-local: the node did not come up; logs in $dir" >&2
stop
exit 1
