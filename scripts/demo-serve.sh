#!/usr/bin/env bash
# `make demo`'s last step: the web server, and the job queue's worker (`nestguard worker`)
# beside it. Both stop together: when the server exits, on Ctrl+C, or on SIGTERM.
set -uo pipefail
BIN=${BIN:-.venv/bin}
ADDRESS=${1:-127.0.0.1:8000}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-nestguard.settings.demo}

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM

"$BIN/nestguard" worker --verbosity 1 &
pids+=($!)
"$BIN/nestguard" runserver "$ADDRESS" &
server=$!
pids+=("$server")
# Returns when the server exits, or at once when a signal arrives (then the trap stops both).
wait "$server"
