/**
 * One stylesheet for every manager page and for the standalone export. Colours meet WCAG AA
 * (text ≥ 4.5:1 on its background, chart marks and focus rings ≥ 3:1).
 */
export const STYLES = `
:root{--ink:#1a1d21;--muted:#4d5560;--line:#c9ced6;--soft:#f3f5f8;--paper:#fff;--accent:#0b57a4;--accent-ink:#fff;
--pass:#186a35;--pass-bg:#e3f4e8;--concern:#7a4d00;--concern-bg:#fff1d6;--fail:#a3201a;--fail-bg:#fde7e5;--unknown:#4d5560;--unknown-bg:#eceff3;
--focus:#b35c00}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:16px;line-height:1.45;color:var(--ink);background:var(--soft)}
body{margin:0}
a{color:var(--accent)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--paper);padding:.5rem 1rem;z-index:2}
.skip:focus{left:.5rem}
header.top{background:#14263d;color:#fff}
header.top .bar{max-width:1200px;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center}
header.top .brand{font-weight:700;color:#fff;text-decoration:none;margin-right:auto}
header.top nav ul{list-style:none;margin:0;padding:0;display:flex;gap:.2rem 1rem;flex-wrap:wrap;align-items:center}
header.top nav a{color:#fff;text-decoration:none;padding:.25rem .1rem;border-bottom:3px solid transparent}
header.top nav a[aria-current=page]{border-bottom-color:#8cc4ff}
header.top nav a:hover{border-bottom-color:#fff}
header.top :focus-visible{outline-color:#ffb870}
header.top form{margin:0}
header.top .who{color:#d6dde6;font-size:.9rem}
header.top button{font:inherit;font-size:.9rem;background:transparent;color:#fff;border:1px solid #9fb0c4;border-radius:4px;padding:.15rem .6rem;cursor:pointer}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.4rem 0 .8rem}
h2{font-size:1.25rem;margin:0 0 .6rem}
h3{font-size:1.05rem;margin:.8rem 0 .4rem}
section.panel{background:var(--paper);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem;min-width:0}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,340px),1fr))}
.grid>section.panel{margin:0}
main>.grid{margin-bottom:1rem}
p.actions{display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:center}
.stack>*+*{margin-top:1rem}
.note{color:var(--muted);font-size:.9rem}
.banner{border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;border:2px solid}
.banner.info{background:#e6f0fb;border-color:#0b57a4}
.banner.error{background:var(--fail-bg);border-color:var(--fail)}
.banner p{margin:.2rem 0}
.totals{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));margin:0}
.totals div{background:var(--soft);border-radius:6px;padding:.6rem .8rem}
.totals dt{color:var(--muted);font-size:.85rem}
.totals dd{margin:0;font-size:1.5rem;font-weight:700;font-variant-numeric:tabular-nums}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem 1rem;align-items:flex-end}
form.filters label,form.stacked label{display:flex;flex-direction:column;font-size:.9rem;gap:.2rem;color:var(--muted)}
input,select,button{font:inherit;color:var(--ink)}
input,select{border:1px solid #8a929c;border-radius:4px;padding:.35rem .5rem;background:#fff;min-height:2.2rem}
textarea{font:.85rem/1.4 ui-monospace,Menlo,Consolas,monospace;color:var(--ink);border:1px solid #8a929c;border-radius:4px;padding:.4rem .5rem;width:100%}
progress{width:100%;height:1rem}
button.primary,a.button{background:var(--accent);color:var(--accent-ink);border:0;border-radius:4px;padding:.45rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:var(--accent);border:1px solid var(--accent);border-radius:4px;padding:.4rem .9rem;cursor:pointer}
.chart{overflow-x:auto;margin:.4rem 0}
.chart svg{display:block;width:100%}
.chart svg text{font-family:inherit}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1rem;padding:0;margin:.2rem 0 .3rem;font-size:.85rem}
.legend .swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;margin-right:.35rem;vertical-align:-.12rem}
.legend.heat{font-size:.8rem;gap:.15rem .7rem}
.legend .caption{color:var(--muted)}
.jump{display:flex;flex-wrap:wrap;gap:.3rem .9rem;padding:0;margin:0 0 .5rem;list-style:none}
.multiples{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,480px),1fr))}
.multiples figure{margin:0;scroll-margin-top:1rem}
figure figcaption{font-weight:600;margin-bottom:.2rem}
details{margin:.4rem 0}
details summary{cursor:pointer;color:var(--accent)}
.table-wrap{overflow-x:auto}
p.table-caption{margin:.4rem 0 .2rem}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:.3rem .55rem;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}
thead th{background:var(--soft);font-weight:600}
td.text,th.text{text-align:left}
td{white-space:nowrap}
tbody th{min-width:8rem}
table.textual th,table.textual td{text-align:left;white-space:normal}
th .note{font-weight:400}
.csv{font-size:.85rem}
.badge{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.8rem;font-weight:700;letter-spacing:.02em;border:1px solid}
.badge.pass,.badge.go,.badge.running{color:var(--pass);background:var(--pass-bg);border-color:var(--pass)}
.badge.concern,.badge.extend,.badge.paused{color:var(--concern);background:var(--concern-bg);border-color:var(--concern)}
.badge.fail,.badge.stop{color:var(--fail);background:var(--fail-bg);border-color:var(--fail)}
.badge.unknown,.badge.draft,.badge.ended,.badge.not_started{color:var(--unknown);background:var(--unknown-bg);border-color:var(--unknown)}
.recommendation{display:flex;gap:1rem;align-items:flex-start;flex-wrap:wrap}
.recommendation .verdict{font-size:1.6rem;font-weight:800;padding:.4rem 1.1rem;border-radius:8px;border:2px solid}
.recommendation ul{margin:.2rem 0;padding-left:1.2rem}
.cards{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,330px),1fr))}
.card{border:1px solid var(--line);border-left-width:6px;border-radius:8px;padding:.8rem 1rem;background:#fff}
.card.pass{border-left-color:var(--pass)}.card.concern{border-left-color:#c27c00}.card.fail{border-left-color:var(--fail)}.card.unknown{border-left-color:var(--unknown)}
.card h3{margin:0 0 .2rem;display:flex;justify-content:space-between;gap:.5rem;align-items:center}
.card .question{margin:0 0 .5rem;color:var(--muted)}
.card ul{padding-left:1.1rem;margin:.3rem 0}
.card li{margin:.25rem 0}
.card ul.evidence{list-style:none;padding-left:0}
.stars{color:#8a5a00;font-size:1.1rem;letter-spacing:.1em}
dl.definition{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
dl.definition dt{color:var(--muted)}
dl.definition dd{margin:0}
@media (max-width:600px){dl.definition{grid-template-columns:1fr}dl.definition dd{margin-bottom:.4rem}h1{font-size:1.35rem}main{padding:.6rem}section.panel{padding:.75rem}}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer.generated{max-width:1200px;margin:0 auto;padding:1rem;color:var(--muted);font-size:.9rem}
@media print{header.top,.no-print{display:none}section.panel{break-inside:avoid}html{background:#fff}}
`;
