# Shared by the bench scripts (source it): one gazette server at a time on 127.0.0.1,
# stopped on exit, and a scratch directory removed on exit.
#   use_binary              BIN stays when set (another build to measure); otherwise
#                           `make build` and BIN=build/gazette, the Release build
#   bench_setup PREFIX      WORK=a fresh /tmp/PREFIX-XXXXXX; trap to clean up
#   start_server DB ARGS... starts $BIN serve on a free port (PORT), waits for /healthz;
#                           under the command in the LAUNCHER array when set (valgrind)
#   stop_server             stops it (also done on exit)

SERVER_PID=

use_binary() {
  if [[ -z ${BIN:-} ]]; then
    make --no-print-directory build >/dev/null
    BIN=$PWD/build/gazette
  fi
}

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

bench_setup() {
  WORK=$(mktemp -d "/tmp/$1-XXXXXX")
  trap 'stop_server; rm -rf "$WORK"' EXIT
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {
  local db=$1
  shift
  PORT=$(free_port)
  ${LAUNCHER[@]+"${LAUNCHER[@]}"} "$BIN" serve --db "$db" --host 127.0.0.1 --port "$PORT" \
    --log-level warn "$@" 2>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "gazette did not start:" >&2
  cat "$WORK/server.log" >&2
  exit 1
}
