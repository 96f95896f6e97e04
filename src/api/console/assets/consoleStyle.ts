// The console's style sheet.
// Kept as a string module so the compiled service (dist/) serves it with no copy step.
export const CONSOLE_STYLE = String.raw`:root { --fg: #1d2330; --muted: #667085; --line: #d9dee7; --bg: #f6f7f9; --accent: #1f5fbf; --bad: #b42318; --warn: #b54708; --ok: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 24px; padding: 10px 20px; background: #101828; color: #fff; flex-wrap: wrap; }
header a { color: #d0d5dd; text-decoration: none; }
header .brand { color: #fff; font-weight: 600; font-size: 16px; }
nav { display: flex; gap: 16px; flex-wrap: wrap; }
nav a.active { color: #fff; border-bottom: 2px solid #84adff; }
header .muted { color: #98a2b3; margin-left: auto; font-size: 12px; }
main { padding: 16px 20px 40px; max-width: 1400px; }
h1 { font-size: 20px; margin: 4px 0 14px; word-break: break-all; }
h2 { font-size: 16px; margin: 22px 0 8px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: #475467; }
td.empty { color: var(--muted); text-align: center; }
.muted { color: var(--muted); }
.error { color: var(--bad); }
.note { background: #fffaeb; border: 1px solid #fedf89; padding: 6px 10px; }
.missing { color: var(--bad); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #eaecf0; color: #344054; margin-right: 4px; }
.state-watching, .state-synced, .state-completed { background: #dcfae6; color: var(--ok); }
.state-syncing, .state-following, .state-started { background: #d1e9ff; color: #175cd3; }
.state-stale, .state-degraded { background: #fef0c7; color: var(--warn); }
.state-unreachable, .state-failed, .state-failed_retryable { background: #fee4e2; color: var(--bad); }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 120px; }
.card.bad { border-color: var(--bad); }
.card .big { font-size: 24px; font-weight: 600; }
ul.types, ul.keys { list-style: none; padding: 0; margin: 0; background: #fff; border: 1px solid var(--line); }
ul.types li, ul.keys li { padding: 4px 10px; border-bottom: 1px solid var(--line); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
.key { font-family: ui-monospace, Menlo, Consolas, monospace; background: #fff; border: 1px solid var(--line); padding: 6px 10px; word-break: break-all; }
.rel ul, .history { background: #fff; border: 1px solid var(--line); margin: 0; padding: 6px 10px 6px 28px; }
.rel li { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
pre.json { background: #fff; border: 1px solid var(--line); padding: 10px; overflow: auto; max-height: 600px; font-size: 12px; }
form.inline { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
input, select, button { font: inherit; padding: 5px 8px; border: 1px solid #98a2b3; border-radius: 4px; background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button[disabled] { opacity: .6; }
ul.filters { margin: 0; padding-left: 16px; }
ul.filters li.excludes { color: var(--bad); }
ul.filters li.passes { color: var(--muted); }
.pager a { margin-right: 12px; }
progress { vertical-align: middle; }
`;
