/** The widget's styles, inside its shadow root: nothing of the page's reaches it. Phones first. */
export const WIDGET_STYLES = `
:host { all: initial; font: 16px/1.4 system-ui, sans-serif; color: #1b1b1b; }
* { box-sizing: border-box; }
button, textarea { font: inherit; }
button:focus-visible, textarea:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
.launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; padding: 12px 18px;
  border: 0; border-radius: 24px; background: #1a5fb4; color: #fff; cursor: pointer; }
[role='dialog'] { position: fixed; inset: auto 0 0 0; z-index: 2147483001; display: flex;
  flex-direction: column; width: 100%; height: min(85vh, 640px); background: #fff;
  border: 1px solid #9a9a9a; border-radius: 12px 12px 0 0; box-shadow: 0 4px 24px rgb(0 0 0 / 25%); }
[role='dialog'][hidden] { display: none; }
@media (min-width: 480px) {
  [role='dialog'] { inset: auto 16px 16px auto; width: 390px; border-radius: 12px; }
}
header { display: flex; align-items: center; justify-content: space-between; padding: 8px 12px;
  background: #1a5fb4; color: #fff; border-radius: inherit; border-bottom-left-radius: 0;
  border-bottom-right-radius: 0; }
h2 { margin: 0; font-size: 1.05rem; }
.close { border: 0; background: transparent; color: #fff; font-size: 1.5rem; min-width: 44px; min-height: 44px; cursor: pointer; }
.status { margin: 0; padding: 4px 12px; min-height: 1.4em; font-size: 0.9rem; color: #4a4a4a; }
.log { flex: 1; overflow-y: auto; margin: 0; padding: 8px 12px; list-style: none; }
.log li { margin: 6px 0; padding: 8px 10px; border-radius: 10px; max-width: 85%; white-space: pre-wrap;
  overflow-wrap: anywhere; background: #eef1f5; }
.log li.visitor { margin-left: auto; background: #dbe8fb; }
.log li.system { max-width: 100%; background: transparent; color: #4a4a4a; font-style: italic; text-align: center; }
.read-mark { display: block; font-size: 0.75rem; color: #3d3d3d; text-align: right; }
.who { display: block; font-size: 0.75rem; font-weight: 600; color: #3d3d3d; }
.quick { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px; }
.quick button { min-height: 44px; padding: 6px 12px; border: 1px solid #1a5fb4; border-radius: 18px;
  background: #fff; color: #1a5fb4; cursor: pointer; }
.typing { margin: 0; padding: 2px 12px; min-height: 1.2em; font-size: 0.85rem; color: #4a4a4a; }
form { display: flex; gap: 8px; padding: 8px 12px; }
form[hidden] { display: none; }
textarea { flex: 1; resize: none; padding: 8px; border: 1px solid #767676; border-radius: 8px; }
form button, .end { min-height: 44px; padding: 0 14px; border: 0; border-radius: 8px; background: #1a5fb4; color: #fff; cursor: pointer; }
.end { margin: 0 12px 12px; background: #e9e9e9; color: #1b1b1b; }
.survey { margin: 0 12px 8px; padding: 8px; border: 1px solid #9a9a9a; border-radius: 8px; }
.survey[hidden], .transcript[hidden] { display: none; }
.survey legend { padding: 0 4px; }
.survey button { min-width: 44px; min-height: 44px; margin: 2px; border: 1px solid #1a5fb4; border-radius: 8px;
  background: #fff; color: #1a5fb4; cursor: pointer; }
.scale { margin: 4px 0 0; font-size: 0.8rem; color: #4a4a4a; }
.transcript { margin: 0 12px 6px; min-height: 44px; border: 1px solid #1a5fb4; border-radius: 8px;
  background: #fff; color: #1a5fb4; cursor: pointer; }
.hidden-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
