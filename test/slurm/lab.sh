#!/usr/bin/env bash
# A real Slurm "cluster" on one machine, daemons in the foreground (no systemd), for tests.
# Debian: apt-get install slurm-wlm munge [slurmrestd] [mariadb-server slurmdbd]; needs root.
# Usage: [NODES=2] [GPUS=4] [CPUS=2] [ACCT=1] [REST=1] bash lab.sh start|stop
#   then: export SLURM_CONF=$LAB/etc/slurm.conf; sbatch/srun/squeue/scancel as usual
set -euo pipefail
LAB=${LAB:-${TMPDIR:-/tmp}/tunekit-slurm-lab}
CPUS=${CPUS:-2}
ACCT=${ACCT:-0}   # 1: MariaDB + slurmdbd, so sacct works
REST=${REST:-0}   # 1: slurmrestd on a Unix socket, $LAB/run/rest/slurmrestd.sock (rest_auth/local)
GPUS=${GPUS:-4}
NODES=${NODES:-1}
if [ "$NODES" = 1 ]; then NODE=localhost; NODELIST=localhost; else NODE=n1; NODELIST="n[1-$NODES]"; fi
export SLURM_CONF=$LAB/etc/slurm.conf
case "${1:-}" in
start)
  mkdir -p "$LAB"/{etc,state,spool,log,dev,run}
  # fake GPU device files, so gres has File= entries and Slurm sets CUDA_VISIBLE_DEVICES
  # (Slurm wants character devices; major 195 is NVIDIA's, nothing opens them)
  for i in $(seq 0 $((GPUS-1))); do [ -c "$LAB/dev/nvidia$i" ] || { rm -f "$LAB/dev/nvidia$i"; mknod "$LAB/dev/nvidia$i" c 195 "$i"; }; done
  cat > "$LAB/etc/slurm.conf" <<CONF
ClusterName=tunekit-lab
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$LAB/state
SlurmdSpoolDir=$LAB/spool/%n
SlurmctldPidFile=$LAB/run/slurmctld.pid
SlurmdPidFile=$LAB/run/slurmd.pid
SlurmctldLogFile=$LAB/log/slurmctld.log
SlurmdLogFile=$LAB/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
$(if [ "$ACCT" = 1 ]; then printf 'AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=localhost\nAccountingStoragePort=6819\nAccountingStorageTRES=gres/gpu'; else echo AccountingStorageType=accounting_storage/none; fi)
JobCompType=jobcomp/filetxt
JobCompLoc=$LAB/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
SchedulerParameters=sched_interval=1
GresTypes=gpu
$(if [ "$NODES" = 1 ]; then echo "NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS Gres=gpu:$GPUS State=UNKNOWN"; else for k in $(seq $NODES); do echo "NodeName=n$k NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 Port=$((17000+k)) CPUs=$CPUS Gres=gpu:$GPUS State=UNKNOWN"; done; fi)
PartitionName=debug Nodes=$NODELIST Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  cat > "$LAB/etc/gres.conf" <<CONF
AutoDetect=off
NodeName=$NODELIST Name=gpu File=$LAB/dev/nvidia[0-$((GPUS-1))]
CONF
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge
  [ -s /etc/munge/munge.key ] || { mungekey --create 2>/dev/null || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key; }
  setpriv --reuid=munge --regid=munge --clear-groups /usr/sbin/munged -F > "$LAB/log/munged.out" 2>&1 & echo $! > "$LAB/run/munged.bgpid"
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
  if [ "$ACCT" = 1 ]; then
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    if [ ! -d "$LAB/mysql/mysql" ]; then
      mkdir -p "$LAB/mysql" && chown mysql:mysql "$LAB/mysql"
      mariadb-install-db --user=mysql --datadir="$LAB/mysql" --auth-root-authentication-method=socket > "$LAB/log/mariadb-install.out" 2>&1
    fi
    /usr/sbin/mariadbd --user=mysql --datadir="$LAB/mysql" --socket=/run/mysqld/mysqld.sock --skip-networking \
      --pid-file=/run/mysqld/mariadbd.pid > "$LAB/log/mariadbd.out" 2>&1 & echo $! > "$LAB/run/mariadbd.bgpid"
    for _ in $(seq 100); do mariadb -e 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
    mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'lab-only'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
    cat > "$LAB/etc/slurmdbd.conf" <<CONF
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=lab-only
StorageLoc=slurm_acct_db
LogFile=$LAB/log/slurmdbd.log
PidFile=$LAB/run/slurmdbd.pid
CONF
    chmod 600 "$LAB/etc/slurmdbd.conf"
    /usr/sbin/slurmdbd -D > "$LAB/log/slurmdbd.out" 2>&1 & echo $! > "$LAB/run/slurmdbd.bgpid"
    for _ in $(seq 100); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.1; done
    sacctmgr -i add cluster tunekit-lab >/dev/null 2>&1 || true
  fi
  /usr/sbin/slurmctld -D -i > "$LAB/log/slurmctld.out" 2>&1 & echo $! > "$LAB/run/slurmctld.bgpid"
  if [ "$NODES" = 1 ]; then names=localhost; else names=$(seq -f 'n%g' $NODES); fi
  for n in $names; do
    # Debian's build has no multiple-slurmd support (%n is not expanded): give each slurmd
    # its own copy of slurm.conf that differs only in its pid file, log and spool dir
    mkdir -p "$LAB/spool/$n"
    sed -e "s|^SlurmdPidFile=.*|SlurmdPidFile=$LAB/run/slurmd-$n.pid|" -e "s|^SlurmdLogFile=.*|SlurmdLogFile=$LAB/log/slurmd-$n.log|" \
        -e "s|^SlurmdSpoolDir=.*|SlurmdSpoolDir=$LAB/spool/$n|" "$LAB/etc/slurm.conf" > "$LAB/etc/slurm-$n.conf"
    SLURM_CONF="$LAB/etc/slurm-$n.conf" /usr/sbin/slurmd -D -N $n > "$LAB/log/slurmd-$n.out" 2>&1 & echo $! > "$LAB/run/slurmd-$n.bgpid"
  done
  for _ in $(seq 100); do
    kill -0 "$(cat "$LAB/run/slurmctld.bgpid")" 2>/dev/null || { echo "slurmctld died:"; tail -3 "$LAB/log/slurmctld.out"; exit 1; }
    [ "$(timeout 2 sinfo -h -N -o %T 2>/dev/null | grep -c idle)" = "$NODES" ] && break; sleep 0.1; done
  if [ "$REST" = 1 ]; then
    mkdir -p "$LAB/run/rest" && chown nobody "$LAB/run/rest"
    setpriv --reuid=nobody --regid=nogroup --clear-groups env SLURM_CONF="$SLURM_CONF" /usr/sbin/slurmrestd -a rest_auth/local \
      -s "openapi/v0.0.38$([ "$ACCT" = 1 ] && echo ,openapi/dbv0.0.38)" unix:"$LAB/run/rest/slurmrestd.sock" > "$LAB/log/slurmrestd.out" 2>&1 & echo $! > "$LAB/run/slurmrestd.bgpid"
    for _ in $(seq 50); do [ -S "$LAB/run/rest/slurmrestd.sock" ] && break; sleep 0.1; done
  fi
  sinfo
  for f in "$LAB"/run/*.bgpid; do echo "$(basename "$f" .bgpid) pid $(cat "$f")"; done
  ;;
stop)
  for f in "$LAB"/run/slurmrestd.bgpid "$LAB"/run/slurmd-*.bgpid "$LAB"/run/slurmctld.bgpid "$LAB"/run/slurmdbd.bgpid "$LAB"/run/mariadbd.bgpid "$LAB"/run/munged.bgpid; do
    [ -f "$f" ] || continue; d=$(basename "$f" .bgpid)
    pid=$(cat "$f"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" || true
    rm -f "$f"; echo "stopped $d ($pid)"
  done ;;
*) echo "usage: $0 start|stop"; exit 2 ;;
esac
