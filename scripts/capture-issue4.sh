#!/usr/bin/env bash
# Captures the issue 4 screens (breakdowns, filter, sort by cost, error rate, latency distribution,
# trends) under tmux, fed by --demo traffic (real OTLP/HTTP from several services and
# environments to the receiver), into docs/screens/issue4-*.txt. Referenced from docs/PANELS.md.
# Usage: scripts/capture-issue4.sh   (after npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli.js ] || { echo "dist/ is missing: run npm run build first" >&2; exit 2; }
out=docs/screens
mkdir -p "$out"
cols=140 rows=45

# True when one of the newest $2 calls of the llmtop on port $1 failed.
recent_error() {
  node -e '
    fetch(`http://127.0.0.1:${process.argv[1]}/api/v1/calls?limit=${process.argv[2]}`)
      .then((r) => r.json())
      .then((j) => process.exit(j.calls.some((c) => c.status === "error") ? 0 : 1))
      .catch(() => process.exit(1));' "$1" "$2"
}

# Posts a week of backdated calls (OTLP/JSON spans, three services, three models, every 2 hours
# over the last 7 days, hourly over the last day, users user-0 to user-4) to the llmtop on port
# $1, so the trends view has history beyond the seconds of demo traffic. Their service names end
# in "-history"; all are older than an hour, so the live window never shows them.
backfill() {
  node -e '
    const port = process.argv[1];
    const HOUR = 3_600_000, now = Date.now();
    const models = [["openai", "gpt-4o-mini"], ["anthropic", "claude-sonnet-4-5-20250929"], ["google", "gemini-2.5-flash"]];
    const services = ["support-bot-history", "rag-api-history", "batch-history"];
    const hex = (n) => [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const resourceSpans = services.map((service, si) => {
      const spans = [];
      for (let h = 1; h < 7 * 24; h += h < 24 ? 1 : 2) {
        const [provider, model] = models[(h + si) % models.length];
        const start = now - h * HOUR - si * 60_000;
        const input = 500 + ((h * 37 + si * 101) % 3000), output = 50 + ((h * 13 + si * 7) % 600);
        const attrs = { "gen_ai.system": provider, "gen_ai.request.model": model, "gen_ai.operation.name": "chat",
          "gen_ai.usage.input_tokens": input, "gen_ai.usage.output_tokens": output, "user.id": `user-${(h + si) % 5}` };
        spans.push({ traceId: hex(16), spanId: hex(8), name: `chat ${model}`, kind: 3,
          startTimeUnixNano: String(BigInt(start) * 1_000_000n), endTimeUnixNano: String(BigInt(start + 1500 + (h % 7) * 400) * 1_000_000n),
          attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: typeof v === "number" ? { intValue: v } : { stringValue: v } })) });
      }
      return { resource: { attributes: [{ key: "service.name", value: { stringValue: service } },
        { key: "deployment.environment", value: { stringValue: si === 2 ? "staging" : "production" } }] },
        scopeSpans: [{ scope: { name: "openlit.otel.tracing" }, spans }] };
    });
    fetch(`http://127.0.0.1:${port}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ resourceSpans }) })
      .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));' "$1"
}

# name keys...   A key "@error" waits until a failed call is among the 12 newest (the log shows
# about 27); "@backfill" posts a week of backdated calls (see backfill).
capture() {
  local name=$1; shift
  local s="llmtop-issue4-$$-$name"
  local t="tmux -L $s"
  local port=$port
  $t new-session -d -s "$s" -x "$cols" -y "$rows" -e TZ=UTC "node bin/llmtop.js --grpc-port 0 --demo --port $port"
  sleep 25 # let the demo fill the window: five services, three environments
  for k in "$@"; do
    if [ "$k" = "@error" ]; then
      for _ in $(seq 1 120); do recent_error "$port" 12 && break; sleep 1; done
      continue
    fi
    if [ "$k" = "@backfill" ]; then backfill "$port" || echo "backfill failed on port $port" >&2; sleep 1; continue; fi
    $t send-keys -t "$s" "$k"
    sleep 0.6
  done
  sleep 1.5
  $t capture-pane -p -t "$s" > "$out/$name.txt"
  $t kill-server
  echo "wrote $out/$name.txt"
}

# Each capture runs its own llmtop (on its own port) on its own tmux server, side by side.
pids=()
port=$((20000 + RANDOM % 20000))
run() { port=$((port + 1)); capture "$@" & pids+=($!); }
# g cycles provider/model → provider → model → service → environment → operation → user.
run issue4-by-service-$cols"x"$rows g g g
run issue4-by-environment-$cols"x"$rows g g g g
run issue4-by-operation-$cols"x"$rows g g g g g
run issue4-by-user-$cols"x"$rows g g g g g g
# / then text then Enter: table, totals, sparklines and log keep only matching calls.
run issue4-filter-prod-$cols"x"$rows / prod Enter
# s cycles requests → P50 → P95 → P95 TTFT → tokens → cache hit → cost → error %.
run issue4-sort-cost-$cols"x"$rows s s s s s s
run issue4-top-providers-by-cost-$cols"x"$rows g s s s s s s
# Errors: group by service, sort by error %, then wait for a failed call among the newest.
run issue4-errors-$cols"x"$rows g g g s s s s s s s @error
run issue4-distribution-$cols"x"$rows d
run issue4-trends-$cols"x"$rows t
# Trends read the store: with a week of backdated calls besides the demo's live ones.
run issue4-trends-by-service-$cols"x"$rows @backfill t g g g
run issue4-trends-week-$cols"x"$rows @backfill t w
run issue4-trends-by-user-week-$cols"x"$rows @backfill t w g g g g g g
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
