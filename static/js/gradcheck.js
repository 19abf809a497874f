// gradcheck.js: the inspector's gradient check (docs/protocol.md, "check"
// and "gradcheck"). For a node whose gradient is complete, a "Check
// gradient" button asks the server to compare the backward pass's gradient
// (autograd) with central differences (numeric); the result panel shows
// both, entry by entry, the max relative error and a badge, match or
// mismatch at the stated tolerance. In the Lab a "Check every parameter"
// button fills a table of every parameter as the server streams them.

import { h } from "./dom.js";

/** ROWS is how many checked entries the result panel lists. */
export const ROWS = 8;

export class GradCheck {
  /**
   * ctx.check(name) sends a check of one node; ctx.checkAll(), when
   * given, of every parameter (the Lab). heading is the tag of the all
   * table's title. redraw() shows the inspector's node again.
   */
  constructor(ctx, heading, redraw) {
    this.ctx = ctx;
    this.redraw = redraw;
    this.result = null; // the last gradcheck of one node
    this.refusal = null; // {node, step, message}: the last refused check of one node
    this.waiting = null; // {node, step} of the check on its way
    this.msg = null; // the inspector's node message
    this.all = null; // {step, rows: Map name -> row, progress, final, waiting}
    this.allEl = null;
    if (ctx.checkAll) {
      this.allButton = h(
        "button",
        { type: "button", class: "btn btn--grad gc-all__btn", "data-testid": "grad-check-all", onclick: () => this.askAll() },
        "Check every parameter",
      );
      this.allHint = h("p", { class: "gc-all__hint", id: "grad-check-all-hint" });
      this.allButton.setAttribute("aria-describedby", "grad-check-all-hint");
      this.allBody = h("div", { class: "gc-all__body", "aria-live": "polite" });
      this.allEl = h(
        "section",
        { class: "gc-all", "aria-labelledby": "grad-check-all-title" },
        h(heading, { class: "gc-all__title", id: "grad-check-all-title" }, "Gradient check of every parameter"),
        this.allHint,
        this.allButton,
        this.allBody,
      );
      this.showAll();
    }
  }

  /** update takes the inspector's node message (the cursor may have moved). */
  update(msg) {
    this.msg = msg;
    // A result belongs to its cursor: once the cursor moves, the values
    // may be other ones (training, a new input), so it goes.
    const moved = (x) => x && x.step !== msg.step.index;
    if (moved(this.result)) this.result = null;
    if (moved(this.refusal)) this.refusal = null;
    if (this.allEl) this.showAll();
  }

  /** part returns the button and the result of the node of msg, or null. */
  part(msg) {
    const n = msg.node;
    if (!this.ctx.check || !n || !n.grad || !n.gradKnown) return null;
    const here = (x) => x && x.node === n.name && x.step === msg.step.index;
    const waiting = here(this.waiting) || (this.all && this.all.waiting);
    const button = h(
      "button",
      {
        type: "button",
        class: "btn btn--grad gc__btn",
        "data-testid": "grad-check",
        disabled: waiting,
        "aria-busy": waiting ? "true" : null,
        title: "Compare this gradient with central differences of the loss, computed on the server",
        onclick: () => this.ask(n.name, msg.step.index),
      },
      waiting ? "Checking…" : "Check gradient",
    );
    let body = null;
    if (here(this.result)) body = resultPanel(this.result);
    else if (here(this.refusal)) body = h("p", { class: "gc__refused", "data-testid": "grad-check-result" }, this.refusal.message);
    return h("div", { class: "gc" }, button, body);
  }

  ask(name, step) {
    this.waiting = { node: name, step };
    this.refusal = null;
    this.ctx.check(name);
    this.redraw();
  }

  askAll() {
    const step = this.msg ? this.msg.step.index : 0;
    this.all = { step, rows: new Map(), progress: null, final: null, waiting: true };
    this.ctx.checkAll();
    this.showAll();
  }

  /** receive takes a gradcheck message. */
  receive(m) {
    if (m.all) {
      if (!this.all) this.all = { step: m.step, rows: new Map(), progress: null, final: null, waiting: true };
      if (m.final) {
        this.all.final = m;
        this.all.waiting = false;
      } else {
        this.all.rows.set(m.node, m);
      }
      this.all.progress = m.progress;
      this.all.step = m.step;
      this.showAll();
      if (m.final) this.redraw(); // the node's own button is free again
      return;
    }
    this.result = m;
    if (this.waiting && this.waiting.node === m.node) this.waiting = null;
    this.redraw();
  }

  /** refused takes the error that refused a check request. */
  refused(e) {
    if (this.all && this.all.waiting && !this.waiting) {
      this.all.waiting = false;
      this.all.error = e.message;
      this.showAll();
      return;
    }
    if (this.waiting) {
      this.refusal = { ...this.waiting, message: e.message };
      this.waiting = null;
    }
    this.redraw();
  }

  // showAll draws the all panel: the button (free at the end of the
  // backward pass), the progress and the table of the parameters.
  showAll() {
    const msg = this.msg;
    const ready = msg && msg.step.done && msg.step.total > 0;
    const a = this.all;
    this.allButton.disabled = !ready || (a && a.waiting);
    this.allButton.textContent = a && a.waiting ? "Checking…" : "Check every parameter";
    this.allHint.textContent = ready
      ? "Compares the gradient of every parameter with central differences of the loss, one parameter after another."
      : "Run the backward pass to its end (End), then check the gradient of every parameter.";
    if (!a) {
      this.allBody.replaceChildren();
      return;
    }
    const parts = [];
    const p = a.progress;
    if (a.error) parts.push(h("p", { class: "gc__refused" }, a.error));
    if (p) {
      parts.push(
        h(
          "p",
          { class: "gc-all__progress", "data-testid": "grad-check-progress", role: "status" },
          a.final ? `Checked ${p.total} of ${p.total} parameters` : `Checking: ${p.done} of ${p.total} parameters done…`,
        ),
        h("progress", { class: "gc-all__bar", max: String(p.total), value: String(p.done), "aria-label": "parameters checked" }),
      );
    } else if (a.waiting) {
      parts.push(h("p", { class: "gc-all__progress", "data-testid": "grad-check-progress", role: "status" }, "Checking…"));
    }
    if (a.final) {
      const f = a.final;
      parts.push(
        h(
          "p",
          { class: "gc__head" },
          badge(f.match),
          " max relative error ",
          h("strong", {}, sci(f.worst)),
          ` (tolerance ${tol(f.tolerance)}); ${f.note}`,
        ),
      );
    }
    if (msg && msg.step.index !== a.step) {
      parts.push(h("p", { class: "gc-all__stale" }, `Checked at step ${a.step}; the cursor has moved since.`));
    }
    if (a.rows.size) {
      const rows = [...a.rows.values()].map((m) =>
        h(
          "tr",
          { "data-testid": "grad-check-all-row", "data-node": m.node },
          h("th", { scope: "row" }, h("code", {}, m.node)),
          h("td", {}, m.sampled ? `${m.checked} of ${m.size}` : `all ${m.size}`),
          h("td", { class: "gc__num" }, sci(m.worst)),
          h("td", {}, badge(m.match)),
        ),
      );
      parts.push(
        h(
          "table",
          { class: "gc__table", "data-testid": "grad-check-all-result" },
          h("caption", {}, "Every parameter's gradient against central differences"),
          h("thead", {}, h("tr", {}, ...["parameter", "entries", "max rel. error", "result"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, ...rows),
        ),
      );
    }
    this.allBody.replaceChildren(...parts);
  }
}

// resultPanel shows one node's check: the badge and the max relative
// error with the tolerance, how many entries were checked, and the first
// ROWS of them, autograd next to numeric.
function resultPanel(m) {
  const shown = m.entries.slice(0, ROWS);
  const rows = shown.map((e) =>
    h(
      "tr",
      { "data-testid": "grad-check-row", "data-index": String(e.index) },
      h("th", { scope: "row" }, coords(e.index, m.shape)),
      h("td", { class: "gc__num", "data-testid": "grad-check-autograd" }, num(e.autograd)),
      h("td", { class: "gc__num", "data-testid": "grad-check-numeric" }, num(e.numeric)),
      h("td", { class: "gc__num" }, sci(e.error)),
    ),
  );
  const more = m.entries.length - shown.length;
  return h(
    "section",
    { class: "gc__result", "data-testid": "grad-check-result", "aria-label": `gradient check of ${m.node}` },
    h(
      "p",
      { class: "gc__head" },
      badge(m.match),
      " max relative error ",
      h("strong", { "data-testid": "grad-check-worst" }, sci(m.worst)),
      ` (tolerance ${tol(m.tolerance)})`,
    ),
    h("p", { class: "gc__note", "data-testid": "grad-check-note" }, m.note),
    h(
      "div",
      { class: "gc__scroll", "data-label": `gradient check of ${m.node}` },
      h(
        "table",
        { class: "gc__table" },
        h("caption", {}, "Autograd (the backward pass) next to numeric (central differences), per entry"),
        h("thead", {}, h("tr", {}, ...["entry", "autograd", "numeric", "rel. error"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, ...rows),
      ),
    ),
    more > 0 ? h("p", { class: "gc__more" }, `The first ${shown.length} of the ${m.entries.length} checked entries; the max is over all of them.`) : null,
  );
}

// badge says match or mismatch, in words and colour.
function badge(match) {
  return h("span", { class: match ? "gc__badge gc__badge--match" : "gc__badge gc__badge--mismatch", "data-testid": "grad-check-badge" }, match ? "match" : "mismatch");
}

// coords writes a flat index as the entry's coordinates in shape: [3, 17].
function coords(index, shape) {
  if (!shape.length) return "the scalar";
  const at = [];
  let i = index;
  for (let k = shape.length - 1; k >= 0; k--) {
    at.unshift(i % shape[k]);
    i = Math.floor(i / shape[k]);
  }
  return `[${at.join(", ")}]`;
}

/**
 * num writes a gradient with 8 significant digits, so that autograd and
 * numeric can be read against each other: plain from 0.001 to 10000
 * (-0.0071911165), else with an exponent (-9.1331824e-6).
 */
export function num(x) {
  if (typeof x === "string") return x; // "inf", "-inf", "nan"
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? x.toPrecision(8) : x.toExponential(7);
}

/** sci writes a relative error: 4.4e-11. */
export function sci(x) {
  if (typeof x === "string") return x;
  return x === 0 ? "0" : x.toExponential(1);
}

function tol(x) {
  return x.toExponential(0);
}
