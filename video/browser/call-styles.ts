// The look of the consultation page and the advisor console: phone first, large targets,
// text at 4.5:1 contrast or better, a visible focus ring for keyboard users.

export const CALL_STYLES = `
:root { color-scheme: light; --ink: #1b1b1f; --muted: #4a4a55; --line: #c9c9d3; --bg: #f6f6f9;
  --accent: #0b57d0; --accent-ink: #ffffff; --danger: #b3261e; --ok: #146c2e; --warn-bg: #fff4d6; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 1rem 0 .5rem; }
p { margin: .25rem 0 .75rem; }
.muted { color: var(--muted); }
.card { background: #fff; border: 1px solid var(--line); border-radius: .75rem; padding: 1rem; margin: .75rem 0; }
button, .button { font: inherit; min-height: 2.75rem; padding: .5rem 1rem; border-radius: .5rem; border: 1px solid var(--ink);
  background: #fff; color: var(--ink); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
button[aria-pressed="true"] { background: var(--ink); color: #fff; }
button:disabled { opacity: .6; cursor: not-allowed; }
:focus-visible { outline: 3px solid #ffb300; outline-offset: 2px; }
select, input, textarea { font: inherit; padding: .5rem; border: 1px solid var(--muted); border-radius: .5rem; background: #fff; color: var(--ink); max-width: 100%; }
label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
.row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.notice { background: var(--warn-bg); border: 1px solid #8a6d00; border-radius: .5rem; padding: .75rem; }
.error { color: var(--danger); font-weight: 600; }
.ok { color: var(--ok); font-weight: 600; }
video { width: 100%; background: #000; border-radius: .5rem; display: block; aspect-ratio: 4 / 3; object-fit: cover; }
.preview { max-width: 28rem; }
.stage { position: relative; }
.stage .remote { aspect-ratio: 16 / 10; object-fit: contain; }
.stage .self { position: absolute; right: .5rem; bottom: .5rem; width: 28%; min-width: 6rem; border: 2px solid #fff; }
.screen { margin-top: .5rem; aspect-ratio: 16 / 9; object-fit: contain; }
.controls { margin: .75rem 0; }
.status-line:empty { display: none; }
.chat-log { list-style: none; margin: 0; padding: 0; max-height: 14rem; overflow-y: auto; }
.chat-log li { padding: .25rem 0; border-bottom: 1px solid var(--line); }
.chat-log .who { font-weight: 600; margin-right: .5rem; }
.call-layout { display: grid; gap: 1rem; }
@media (min-width: 52rem) { .call-layout { grid-template-columns: 2fr 1fr; } }
fieldset { border: 1px solid var(--line); border-radius: .5rem; margin: .75rem 0; }
legend { font-weight: 600; padding: 0 .25rem; }
.scale { display: flex; flex-wrap: wrap; gap: .25rem; }
.scale label { display: inline-flex; font-weight: 400; margin: 0; }
.scale input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.scale span { display: inline-block; min-width: 2.75rem; min-height: 2.75rem; padding: .5rem; text-align: center; border: 1px solid var(--muted); border-radius: .5rem; background: #fff; }
.scale input:checked + span { background: var(--accent); color: var(--accent-ink); border-color: var(--accent); }
.scale input:focus-visible + span { outline: 3px solid #ffb300; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.waiting { background: #fff4d6; border-color: #8a6d00; animation: pulse 1.5s ease-in-out infinite; }
@keyframes pulse { 50% { box-shadow: 0 0 0 .35rem rgba(255, 179, 0, .45); } }
@media (prefers-reduced-motion: reduce) { .waiting { animation: none; outline: 3px solid #8a6d00; } }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; background: var(--ink); color: #fff; font-size: .875rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
