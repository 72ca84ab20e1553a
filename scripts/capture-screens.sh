#!/usr/bin/env bash
# Captures llmtop's screens under tmux, fed by --demo traffic (real OTLP/HTTP to the receiver),
# into docs/screens/*.txt. Usage: scripts/capture-screens.sh   (after npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screens
mkdir -p "$out"

capture() { # name cols rows keys...
  local name=$1 cols=$2 rows=$3; shift 3
  local s="llmtop-capture-$$-$name"
  local t="tmux -L $s"
  local port=$((20000 + RANDOM % 20000))
  $t new-session -d -s "$s" -x "$cols" -y "$rows" -e TZ=UTC "node bin/llmtop.js --grpc-port 0 --demo --db :memory: --budget ${BUDGET:-5/h} ${EXTRA:-} --port $port"
  sleep "${WAIT:-25}" # let the demo fill the window
  # One key at a time: Esc followed at once by a letter would read as Alt+letter.
  for k in "$@"; do $t send-keys -t "$s" "$k"; sleep 0.6; done
  sleep 1
  $t capture-pane -p -t "$s" > "$out/$name.txt"
  $t kill-server
  echo "wrote $out/$name.txt"
}

# In parallel: each capture waits 25 s for the demo to fill its window.
capture dashboard-140x45 140 45 &
capture dashboard-80x24 80 24 &
capture by-service-140x45 140 45 g g g &
capture detail-140x45 140 45 Tab j Enter &
capture help-80x24 80 24 '?' &
wait
capture runs-80x24 80 24 r &
capture run-tree-140x45 140 45 r Enter &
capture errors-140x45 140 45 e &
# Compare needs a previous window with calls: a 1m window, after 75 s.
WAIT=75 EXTRA='--window 1m' capture compare-80x24 80 24 c &
capture blurred-80x24 80 24 b &
capture sources-140x45 140 45 o &
BUDGET=0.2/h capture budget-80x24 80 24 &
wait
