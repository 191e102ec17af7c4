#!/usr/bin/env bash
# A Spark standalone cluster on this machine (127.0.0.1): a master and N workers, each its own JVM, started from this
# project's own dependencies (no Spark download), for trying <executor>spark</executor> or measuring it.
#
#   tools/spark/loopback-cluster.sh start [WORKERS=2] [CORES_PER_WORKER=1]   # prints the master URL
#   tools/spark/loopback-cluster.sh stop
#
# Needs a build (mvn -B install -DskipTests). The executors the workers start get the library's dependencies from
# SPARK_HOME/jars (links into the local Maven repository) but not the library itself: run with
# -Dtransfer.spark.shipJars=true (or give spark.executor.extraClassPath), as a node without this project would.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${SPARK_LOOPBACK_DIR:-$ROOT/target/spark-loopback}
PORT=${SPARK_LOOPBACK_PORT:-7077}
PROPS=$ROOT/dl4j-transfer/target/classes/io/github/dl4jtransfer/matrix/spark/spark.properties

stop() {
  if [ -d "$STATE/pids" ]; then
    for f in "$STATE"/pids/*; do
      [ -f "$f" ] || continue
      pid=$(cat "$f")
      # the JVM and what it started (executors, cell workers)
      pkill -9 -P "$pid" 2>/dev/null || true
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$f"
    done
  fi
}

case "${1:-}" in
  start)
    workers=${2:-2}
    cores=${3:-1}
    [ -f "$PROPS" ] || { echo "no $PROPS: build first (mvn -B install -DskipTests)" >&2; exit 2; }
    stop
    mkdir -p "$STATE/home/jars" "$STATE/logs" "$STATE/pids"
    (cd "$ROOT" && mvn -q -B dependency:build-classpath -pl dl4j-transfer -Dmdep.outputFile="$STATE/classpath.txt" >/dev/null)
    cp=$(cat "$STATE/classpath.txt")
    rm -f "$STATE"/home/jars/*.jar
    tr ':' '\n' <"$STATE/classpath.txt" | while read -r jar; do ln -sf "$jar" "$STATE/home/jars/"; done
    opens=$(grep '^java17.options=' "$PROPS" | cut -d= -f2-)
    export SPARK_HOME=$STATE/home SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.12
    # shellcheck disable=SC2086
    nohup java $opens -Xmx256m -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" \
      --webui-port $((PORT + 1)) >"$STATE/logs/master.log" 2>&1 &
    echo $! >"$STATE/pids/master"
    for i in $(seq 1 "$workers"); do
      mkdir -p "$STATE/work$i"
      # shellcheck disable=SC2086
      nohup java $opens -Xmx256m -cp "$cp" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
        --cores "$cores" --memory 4g --work-dir "$STATE/work$i" --webui-port $((PORT + 10 + i)) \
        "spark://127.0.0.1:$PORT" >"$STATE/logs/worker$i.log" 2>&1 &
      echo $! >"$STATE/pids/worker$i"
    done
    for _ in $(seq 1 120); do
      alive=$(curl -s "http://127.0.0.1:$((PORT + 1))/json/" | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || true)
      if [ "${alive:-0}" -ge "$workers" ]; then
        echo "spark://127.0.0.1:$PORT ($workers workers × $cores cores; logs in $STATE/logs)"
        exit 0
      fi
      sleep 1
    done
    echo "the master did not see $workers workers in 120 s; logs in $STATE/logs" >&2
    exit 1
    ;;
  stop) stop ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
