/** `llmtop --help`: the reference for every verb and option. */
export const HELP = `
  Usage
    $ llmtop [options]                      receiver + live view (in a terminal)
    $ llmtop summary [--json] [--window 5m] [--model M] [--service S]
                                            a running llmtop's summary once (snapshot: the same)
    $ llmtop calls [--last 20] [--model M] [--service S] [--errors] [--q TEXT] [--json]
                                            the newest calls, or those whose prompt, response or
                                            error match TEXT (words, "a phrase", refund*, AND/OR/NOT)
    $ llmtop call ID [--json]               one call with its whole prompt and response
    $ llmtop runs [--window 5m] [--sort time|cost|calls|duration] [--last 20] [--json]
    $ llmtop run TRACE_ID [--json]          one run: its tree of spans and LLM calls
    $ llmtop sessions [--window 5m] [--sort time|cost|calls|context] [--last 20] [--json]
                                            conversations and agent sessions, many runs each
    $ llmtop session ID [--json]            one session's turns, with the cost so far
    $ llmtop errors [--window 5m] [--model M] [--service S] [--json]
                                            errors, truncations and near-context calls, by model
        these read a running llmtop (--url URL, default http://127.0.0.1:4318; --token) or a
        db file (--db PATH: read only, left as it is)
    $ llmtop mcp [--url URL | --db PATH]    an MCP server over stdio, for coding agents (see README)
    $ llmtop export [--since 1h] [--format jsonl|csv|otlp] [--out FILE] [--db PATH]
                                            write stored calls, for a spreadsheet or a bug report;
                                            otlp: OTLP/JSON that any OTLP tool, or llmtop, loads again
    $ llmtop [options] -- CMD ARGS...       run CMD pointed at llmtop and watch it; exit with its
                                            status (its output goes to a log file, or stays on
                                            the terminal with --headless)
    $ llmtop check [limits] -- CMD ARGS...  for CI: run CMD headless, print cost, P95 and TTFT by
                                            model and run, exit 1 when a limit is broken
        --max-cost <usd>  --max-p95 <d>  --max-ttft-p95 <d>  --max-error-rate <pct>
        --max-tokens <n>  --min-calls <n>  --max-loops <n>  --report <file.md|.json>  --grace <d>  default 2s
    $ llmtop prices [MODEL...] [--json]     the price each model is billed at (per 1M tokens, tiers,
                                            context window) and its source; no MODEL: the models
                                            in the db, unpriced first. MODEL: gpt-4o or openai/gpt-4o

  Options
    -p, --port <n>        OTLP/HTTP port                      default 4318
        --host <addr>     address to listen on                default 127.0.0.1
        --db <path>       SQLite file, or :memory:            default <user cache dir>/llmtop/llmtop.db
        --max-calls <n>   ring buffer capacity, in calls      default 100000
        --retention <d>   drop calls older than this          default 7d
        --window <d>      live window (1m 5m 15m 1h 24h)      default 5m
        --pricing <file>  prices of your own, before the bundled ones: {"models": {"<model>" or
                          "<provider>/<model>": {"input", "output", "cacheRead", "cacheWrite" (USD
                          per 1M tokens), "contextWindow"}}}
        --no-content      store no prompt or response text
        --headless        no TUI: receiver, store and API only
        --grpc-port <n>   OTLP/gRPC port, 0 for none           default 4317
        --demo            feed synthetic traffic, to try llmtop without an app
        --forward <url>   relay every accepted OTLP request to this OTLP/HTTP endpoint
        --slow <d>        calls slower than this are shown in red   default 10s
        --max-tokens-per-call <n>  calls with more tokens are red    default 1000
        --token <t>       require Authorization: Bearer <t> on OTLP and API routes (or LLMTOP_TOKEN)
        --cors <origins>  allow these browser origins (comma-separated, or *)   default: CORS off
        --budget <usd>    spending limit: 5 (per day), 2/h, 5/d or 20/session; a gauge, a bell at 80% and 100%
        --loop <n/d>      flag n near-identical calls (same service, model, prompt) within d, and
                          bursts of n failures of one kind                   default 5/2m
        --stop-on-loop    with -- CMD: stop CMD when a loop is flagged; llmtop exits 120
        --stop-on-budget  with -- CMD: stop CMD when the budget is spent; llmtop exits 121
        --proxy           run the provider proxy (on by default with -- CMD): OpenAI, Anthropic and
                          Gemini calls made through it are recorded with no instrumentation
        --no-proxy        with -- CMD: leave the SDKs' base URLs alone, record OTLP only
        --proxy-port <n>  the proxy's loopback port (implies --proxy)   default: a free port
    -h, --help  -v, --version

  Point an OpenTelemetry SDK at it:
    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
  Or, with --proxy, an SDK's base URL (what llmtop -- CMD sets for the command):
    OPENAI_BASE_URL=http://127.0.0.1:<proxy port>/openai   (ANTHROPIC_BASE_URL .../anthropic,
    GOOGLE_GEMINI_BASE_URL .../gemini); a base URL already set is where the proxy relays to
`;
