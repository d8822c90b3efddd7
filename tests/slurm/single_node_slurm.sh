#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for the test of the sweep's slurm backend
# (tests/experiments/test_slurm.py). Debian 12's Slurm 22.05 packages; munged, slurmctld and
# slurmd run as root, with every file (config, state, spool, logs, munge key and socket) under
# $BASE; nothing is written to /etc and no system service is started.
#
#   bash tests/slurm/single_node_slurm.sh start   # install if needed, start, wait until the node
#                                                 # is idle; prints "export SLURM_CONF=..."
#   bash tests/slurm/single_node_slurm.sh stop    # cancel its jobs, stop the daemons 'start'
#                                                 # recorded (by PID, nothing else), delete $BASE
#
# Needs: root (the daemons and apt-get), and either the packages slurmctld, slurmd,
# slurm-client and munge already installed or apt-get with a reachable Debian mirror (about 11 s
# for the 8 packages). When one of these is missing, 'start' exits 3 with a last line
# "cannot start: <reason>" on stderr (the test skips on it); any other failure exits 1.
#
# Settings (environment):
#   BASE=/tmp/oih-slurm            where everything goes (keep it short: the munge socket path
#                                  must fit in 108 bytes)
#   CTLD_PORT=6817 SLURMD_PORT=6818
#   READY_TIMEOUT=30               seconds for the node to come up
# Clients (sbatch, squeue, scontrol, scancel) need SLURM_CONF=$BASE/etc/slurm.conf. There is no
# accounting (no sacct). Finished jobs stay visible to 'scontrol show job' for 5 minutes.
#
# Adapted from the verified recipe in shared/tools/single_node_slurm.sh (its 'selftest' mode is
# replaced here by the pytest test, which runs a real sweep).
set -euo pipefail

MODE=${1:-}
BASE=${BASE:-/tmp/oih-slurm}
CTLD_PORT=${CTLD_PORT:-6817}
SLURMD_PORT=${SLURMD_PORT:-6818}
export SLURM_CONF="$BASE/etc/slurm.conf"
PIDFILE="$BASE/daemons.pids"

log() { echo "[slurm] $*" >&2; }
cannot() { echo "cannot start: $*" >&2; exit 3; }

# Stop only the daemons whose PIDs 'start' recorded and whose command line names $BASE.
stop_daemons() {
  set +e
  [ -f "$PIDFILE" ] || return 0
  local pids=() p end alive
  for p in $(cat "$PIDFILE"); do
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$BASE/" && pids+=("$p")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    # cancel this cluster's jobs first, so no job outlives slurmd (only if slurmctld answers:
    # a client talking to a dead controller blocks for seconds per call)
    if timeout 5 scontrol ping 2>/dev/null | grep -q UP; then
      timeout 5 scancel --quiet --user=root >/dev/null 2>&1
      end=$((SECONDS + 10))
      while [ $SECONDS -lt $end ] && [ -n "$(timeout 5 squeue -h -o %i 2>/dev/null)" ]; do sleep 0.2; done
    fi
    kill -TERM "${pids[@]}" 2>/dev/null
    end=$((SECONDS + 10))          # a slurmd retrying its registration ignores TERM for long
    while [ $SECONDS -lt $end ]; do
      alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break; sleep 0.1
    done
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && kill -KILL "$p"; done
    log "stopped daemons ${pids[*]}"
  fi
  rm -f "$PIDFILE"
}

case "$MODE" in
  stop) stop_daemons; rm -rf "$BASE"; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

# ---------------------------------------------------------------- install
[ "$(id -u)" = 0 ] || cannot "not root (slurmd, slurmctld and munged run as root here)"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
   || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || cannot "Slurm is not installed and there is no apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # --no-install-recommends: 8 packages instead of 42. Their postinst scripts try to start the
  # services; policy-rc.d (or the absence of systemd) stops that, and nothing here needs it.
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge; } \
    >"/tmp/oih-slurm-apt.$$.log" 2>&1 \
    || cannot "apt-get install slurmctld slurmd slurm-client munge failed: $(tail -n 1 "/tmp/oih-slurm-apt.$$.log")"
  rm -f "/tmp/oih-slurm-apt.$$.log"
  log "installed slurm $(dpkg-query -W -f='${Version}' slurmctld)"
fi

# ---------------------------------------------------------------- config
if [ -f "$PIDFILE" ]; then stop_daemons; fi        # a previous 'start' left it running
for port in "$CTLD_PORT" "$SLURMD_PORT"; do     # slurmctld would die with EADDRINUSE
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is in use (another cluster?): set CTLD_PORT and SLURMD_PORT"; exit 1
  fi
done
rm -rf "$BASE"
mkdir -p "$BASE"/{etc,state,spool,log,munge}
H=$(hostname -s)
# the node line from slurmd's own probe, so the node is never "smaller" than configured (that
# would leave it INVALID or DRAINED)
HW=$(slurmd -C | head -n1 | grep -oE '(CPUs|SocketsPerBoard|CoresPerSocket|ThreadsPerCore)=[0-9]+' \
     | sed 's/SocketsPerBoard/Sockets/' | tr '\n' ' ')
: > "$BASE/etc/plugstack.conf"        # keeps /etc/slurm/plugstack.conf out of it
cat > "$SLURM_CONF" <<EOF
ClusterName=oihtest
SlurmctldHost=${H}(127.0.0.1)
SlurmctldPort=${CTLD_PORT}
SlurmdPort=${SLURMD_PORT}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/munge/munge.socket.2
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/slurmctld.pid
SlurmdPidFile=$BASE/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$BASE/etc/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
SchedulerType=sched/builtin
# the default batch_sched_delay=3 holds each batch scheduling pass back ~3 s
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
KillWait=2
NodeName=${H} NodeAddr=127.0.0.1 ${HW}State=UNKNOWN
PartitionName=debug Nodes=${H} Default=YES MaxTime=INFINITE State=UP
EOF

# ---------------------------------------------------------------- start
trap 'rc=$?; [ $rc = 0 ] || { stop_daemons; rm -rf "$BASE"; }' EXIT   # undo a failed start
trap 'exit 130' INT TERM
: > "$PIDFILE"
chmod 755 "$BASE/munge"        # munged: the socket folder must be a+x, not group/other-writable
mungekey --create --keyfile="$BASE/munge/munge.key"
munged -F --socket="$BASE/munge/munge.socket.2" --key-file="$BASE/munge/munge.key" \
       --pid-file="$BASE/munge/munged.pid" --log-file="$BASE/munge/munged.log" \
       --seed-file="$BASE/munge/munged.seed" >"$BASE/log/munged.out" 2>&1 </dev/null &
echo $! >>"$PIDFILE"
for _ in $(seq 50); do [ -S "$BASE/munge/munge.socket.2" ] && break; sleep 0.1; done
munge -n -S "$BASE/munge/munge.socket.2" | unmunge -S "$BASE/munge/munge.socket.2" >/dev/null
# -D: stay in the foreground, so $! is the daemon's own PID
slurmctld -D -f "$SLURM_CONF" >"$BASE/log/slurmctld.out" 2>&1 </dev/null &
echo $! >>"$PIDFILE"
slurmd -D -f "$SLURM_CONF" -N "$H" >"$BASE/log/slurmd.out" 2>&1 </dev/null &
echo $! >>"$PIDFILE"
state=
end=$((SECONDS + ${READY_TIMEOUT:-30}))
while [ $SECONDS -lt $end ]; do
  for p in $(cat "$PIDFILE"); do                     # a daemon that died will not come back
    kill -0 "$p" 2>/dev/null || { log "daemon $p exited during startup"; tail -n 20 "$BASE"/log/* >&2; exit 1; }
  done
  state=$(timeout 5 sinfo -h -n "$H" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
if [ "$state" != idle ]; then
  log "the node did not come up (state: '${state:-none}')"; tail -n 30 "$BASE"/log/*.log >&2; exit 1
fi
log "up: daemons $(tr '\n' ' ' <"$PIDFILE")"
echo "export SLURM_CONF=$SLURM_CONF"
