/// The one stylesheet and the one script the pages load (served from `/static`, the only sources the
/// Content-Security-Policy allows).
enum StaticFiles {
    /// `/static/app.css`.
    static let stylesheet = """
        :root { --fg: #1d2126; --muted: #5d6670; --line: #d9dee3; --bg: #f6f7f9; --card: #fff; --accent: #3558c8;
          --ok: #1f7a3a; --warn: #9a6700; --bad: #b3261e; font-family: system-ui, sans-serif; color: var(--fg); }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); }
        a { color: var(--accent); }
        header.top { display: flex; gap: 1rem; align-items: baseline; padding: .6rem 1.2rem; background: #20252b;
          color: #fff; }
        header.top a { color: #fff; text-decoration: none; }
        header.top .brand { font-weight: 700; font-size: 1.15rem; }
        header.top .folder { color: #b8c0c8; font-family: ui-monospace, monospace; font-size: .85rem; flex: 1;
          overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        header.top nav a { margin-left: 1rem; }
        main { padding: 1rem 1.2rem 3rem; max-width: 1400px; margin: 0 auto; }
        form.search { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: .8rem; }
        form.search input[type=search] { flex: 1 1 20rem; padding: .45rem .6rem; font-size: 1rem; }
        select, button, input, textarea { font: inherit; }
        button, .button { padding: .4rem .9rem; border: 1px solid var(--accent); background: var(--accent);
          color: #fff; border-radius: 4px; text-decoration: none; cursor: pointer; display: inline-block; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: .9rem; }
        .tile { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .6rem; }
        .tile .avatar img { width: 100%; height: auto; aspect-ratio: 1; object-fit: cover; border-radius: 4px;
          background: #e8ebef; }
        .tile h2 { font-size: 1rem; margin: .4rem 0 .2rem; overflow-wrap: anywhere; }
        .meta, .tags { margin: .2rem 0; font-size: .8rem; }
        .badge { display: inline-block; padding: 0 .4rem; border-radius: 3px; background: #e4e7eb; color: var(--fg);
          font-size: .78rem; }
        .badge.strict, .badge.ok { background: #dcefe1; color: var(--ok); }
        .badge.lenient, .badge.warn { background: #f6ecd2; color: var(--warn); }
        .badge.invalid, .badge.unreadable, .badge.bad { background: #f7dcda; color: var(--bad); }
        .chip { display: inline-block; padding: 0 .45rem; margin: .1rem 0; border-radius: 999px; background: #e6ecfb;
          color: var(--accent); text-decoration: none; font-size: .78rem; }
        .notice { background: #fff8e1; border: 1px solid #f0d890; padding: .5rem .8rem; border-radius: 4px; }
        .notice.saved { background: #e6f4ea; border-color: #a8d5b5; }
        .problem { color: var(--bad); }
        .pager { display: flex; gap: 1rem; justify-content: center; margin: 1.2rem 0; }
        .tagcloud { margin-top: 1.5rem; }
        .tagcloud h2 { font-size: 1rem; }
        .cardhead { display: flex; gap: 1.2rem; align-items: flex-start; }
        .cardhead .portrait { width: 220px; max-width: 40vw; border-radius: 6px; border: 1px solid var(--line); }
        .cardhead h1 { margin: 0 0 .5rem; overflow-wrap: anywhere; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        section { margin-top: 1.6rem; }
        section > h2 { border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
        table { border-collapse: collapse; width: 100%; background: var(--card); font-size: .88rem; }
        th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top;
          overflow-wrap: anywhere; }
        tr.error td:first-child { color: var(--bad); }
        tr.warning td:first-child { color: var(--warn); }
        .field { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .2rem .9rem .8rem;
          margin-bottom: .8rem; }
        .field h3 small { color: var(--muted); font-weight: 400; }
        .text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.45; max-width: 80ch; }
        .text.long { max-height: 28rem; overflow: auto; }
        mark.macro { background: #e3dcff; color: #3f2a99; border-radius: 3px; padding: 0 .15rem; }
        ul.downloads { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; }
        ul.downloads a { display: inline-block; padding: .25rem .6rem; border: 1px solid var(--line); border-radius: 4px;
          background: var(--card); text-decoration: none; }
        .platform { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .2rem .9rem;
          margin-bottom: .8rem; }
        pre.json { max-height: 32rem; overflow: auto; background: #1d2126; color: #e6e6e6; padding: .8rem; }
        form.edit { display: grid; gap: .35rem; max-width: 60rem; }
        form.edit label { margin-top: .6rem; font-weight: 600; }
        form.edit label.check { font-weight: 400; }
        form.edit textarea, form.edit input:not([type=checkbox]) { width: 100%; padding: .4rem; }
        fieldset.entry { border: 1px solid var(--line); border-radius: 6px; background: var(--card); }
        .sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
        pre.linediff .add { background: #e6f4ea; display: block; }
        pre.linediff .del { background: #fbe9e7; display: block; }
        form.diffpick { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; }
        form.diffpick select { max-width: 28rem; }
        """

    /// `/static/app.js`: filters that apply on change, `/` to search, and a warning before leaving unsaved edits.
    static let script = """
        "use strict";
        document.addEventListener("DOMContentLoaded", () => {
          for (const select of document.querySelectorAll("select.autosubmit")) {
            select.addEventListener("change", () => select.form.submit());
          }
          const search = document.getElementById("search");
          if (search) {
            document.addEventListener("keydown", (event) => {
              if (event.key === "/" && document.activeElement !== search) {
                event.preventDefault();
                search.focus();
              }
            });
          }
          const form = document.getElementById("edit-form");
          if (form) {
            let dirty = false;
            form.addEventListener("input", () => { dirty = true; });
            form.addEventListener("submit", () => { dirty = false; });
            window.addEventListener("beforeunload", (event) => {
              if (dirty) { event.preventDefault(); event.returnValue = ""; }
            });
          }
        });
        """
}
