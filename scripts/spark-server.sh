#!/usr/bin/env bash
# spark-server.sh start|stop|status: a local Spark Connect server for itersql's
# Spark tests and for people trying the Spark backend.
#
# Spark comes from the pinned pyspark wheel on PyPI, which bundles Spark's jars
# (the Connect server included), so nothing is fetched by a download script.
# The venv lives in a cache folder shared by every clone on the machine (it is
# ~500 MB and takes a minute or two to install); the server's pid and log live
# in .spark/ in this repository, which the script owns.
#
# Environment:
#   ITERSQL_SPARK_PORT       port to bind on 127.0.0.1 (default 15002)
#   ITERSQL_SPARK_VENV       where pyspark is installed
#                            (default $XDG_CACHE_HOME or ~/.cache, then
#                            itersql/pyspark-$PYSPARK_VERSION)
#   ITERSQL_SPARK_MEMORY     driver memory (default 1g; local[2] runs in the driver)
#   ITERSQL_SPARK_WAIT       seconds to wait for the port (default 180)
set -euo pipefail

PYSPARK_VERSION=4.0.1
repo=$(cd "$(dirname "$0")/.." && pwd)
state_dir=$repo/.spark
pid_file=$state_dir/server.pid
log_file=$state_dir/server.log
port=${ITERSQL_SPARK_PORT:-15002}
venv=${ITERSQL_SPARK_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/itersql/pyspark-$PYSPARK_VERSION}
memory=${ITERSQL_SPARK_MEMORY:-1g}
wait_seconds=${ITERSQL_SPARK_WAIT:-180}

say() { echo "spark-server: $*" >&2; }

# port_open answers whether something accepts TCP connections on the port.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running_pid() {
	[[ -f $pid_file ]] || return 1
	local pid
	pid=$(<"$pid_file")
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

install_pyspark() {
	local marker=$venv/.itersql-pyspark-$PYSPARK_VERSION
	[[ -f $marker ]] && return 0
	say "installing pyspark==$PYSPARK_VERSION into $venv (once per machine)"
	mkdir -p "$(dirname "$venv")"
	python3 -m venv "$venv"
	"$venv/bin/pip" install --quiet --disable-pip-version-check "pyspark==$PYSPARK_VERSION"
	touch "$marker"
}

spark_home() {
	"$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

start() {
	if pid=$(running_pid); then
		say "already running (pid $pid) on 127.0.0.1:$port"
		return 0
	fi
	if port_open; then
		say "port $port is taken by another process; set ITERSQL_SPARK_PORT"
		return 1
	fi
	command -v java >/dev/null || { say "java not found (Spark 4 needs Java 17 or 21)"; return 1; }
	install_pyspark
	local home
	home=$(spark_home)
	local jar
	jar=$(ls "$home"/jars/spark-connect_*.jar 2>/dev/null | head -n1)
	[[ -n $jar ]] || { say "no spark-connect jar in $home/jars"; return 1; }
	mkdir -p "$state_dir"
	echo '*' >"$state_dir/.gitignore"
	local started=$SECONDS
	# setsid: the server gets its own process group, so stop can end spark-submit's
	# JVM and nothing else. The warehouse and scratch dirs sit in .spark/ so tables
	# made by tests never land in the caller's working directory.
	SPARK_HOME=$home SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR=$state_dir \
		setsid "$home/bin/spark-submit" \
		--class org.apache.spark.sql.connect.service.SparkConnectServer \
		--master 'local[2]' \
		--driver-memory "$memory" \
		--conf spark.driver.host=127.0.0.1 \
		--conf spark.driver.bindAddress=127.0.0.1 \
		--conf spark.connect.grpc.binding.address=127.0.0.1 \
		--conf "spark.connect.grpc.binding.port=$port" \
		--conf spark.ui.enabled=false \
		--conf spark.sql.shuffle.partitions=2 \
		--conf "spark.sql.warehouse.dir=$state_dir/warehouse" \
		--conf "spark.local.dir=$state_dir/tmp" \
		--conf "spark.driver.extraJavaOptions=-Dderby.system.home=$state_dir/derby" \
		"$jar" </dev/null >"$log_file" 2>&1 &
	echo $! >"$pid_file"
	while ! port_open; do
		if ! running_pid >/dev/null; then
			say "server exited during start; last lines of $log_file:"
			tail -n 30 "$log_file" >&2
			rm -f "$pid_file"
			return 1
		fi
		if ((SECONDS - started > wait_seconds)); then
			say "port $port did not answer within ${wait_seconds}s; stopping"
			stop
			return 1
		fi
		sleep 0.5
	done
	say "started (pid $(<"$pid_file")) on sc://127.0.0.1:$port in $((SECONDS - started))s; log $log_file"
}

stop() {
	local pid
	if ! pid=$(running_pid); then
		say "not running"
		rm -f "$pid_file"
		return 0
	fi
	# The pid is spark-submit's, and with setsid it leads its own process group.
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	local i
	for ((i = 0; i < 60; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "still alive after 30s; killing"
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$pid_file"
	say "stopped (pid $pid)"
}

status() {
	if pid=$(running_pid); then
		if port_open; then
			say "running (pid $pid) on sc://127.0.0.1:$port"
		else
			say "starting (pid $pid), port $port not answering yet"
		fi
	else
		say "not running"
		return 1
	fi
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
*)
	echo "usage: $0 start|stop|status" >&2
	exit 2
	;;
esac
