#!/usr/bin/env bash
# A throwaway Redis Cluster on loopback: 3 masters, 3 replicas (one per master), no persistence.
# Environment: CLUSTER_NODE_TIMEOUT_MS (default 15000).
#   scripts/redis-cluster.sh start <dir> <port> × 6   start the six nodes, create the cluster, wait until it serves every slot
#   scripts/redis-cluster.sh stop <dir>               stop every node started in <dir>, then remove <dir>
# Each node also uses <port>+10000 (the cluster bus). Used by `npm run test:cluster` and the cluster bench.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start <dir> <port>×6 | stop <dir>" >&2; exit 2; }

case "$cmd" in
start)
  shift 2
  [ $# -eq 6 ] || { echo "start needs 6 ports, got $#" >&2; exit 2; }
  mkdir -p "$dir"
  for port in "$@"; do
    mkdir -p "$dir/$port"
    # CLUSTER_NODE_TIMEOUT_MS: how long a silent node may be before it counts as failed (Redis's
    # default 15 s). The failover scenario sets 2 s so a killed master is replaced within seconds;
    # other runs keep the default, so a busy machine's slow pings never fail a master over.
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout "${CLUSTER_NODE_TIMEOUT_MS:-15000}" \
      --dir "$dir/$port" --save '' --appendonly no \
      --daemonize yes --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log"
  done
  for port in "$@"; do
    for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  done
  nodes=()
  for port in "$@"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log"
  # Every node must agree the cluster is up before clients connect.
  for port in "$@"; do
    for i in $(seq 200); do
      redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' && break
      [ "$i" -eq 200 ] && { echo "node $port: cluster not ok" >&2; exit 1; }
      sleep 0.05
    done
  done
  echo "cluster up: ${nodes[*]}"
  ;;
stop)
  # Read every pid first: a node removes its pidfile as it exits.
  pids=()
  for pidfile in "$dir"/*/redis.pid; do
    [ -f "$pidfile" ] && pids+=("$(cat "$pidfile" 2>/dev/null || true)")
  done
  for pid in "${pids[@]}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  done
  rm -rf "$dir"
  ;;
*)
  echo "unknown command '$cmd'" >&2
  exit 2
  ;;
esac
