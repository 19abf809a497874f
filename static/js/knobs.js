// knobs.js: a widget's option controls, made from its kind's option table.
// The server puts the table's fields on the lesson page as JSON (the
// article's data-knobs attribute: kind → [{name, label, title, control,
// default, min, max, step, choices}]), made from the same table that checks every
// set request; the page adds nothing of its own. Each control has
// data-testid hyper-<name> and sends its option when the learner commits
// a value (a select at once, a number on Enter or when it loses focus).
// The server is the judge: when it refuses a value, its error names the
// option (field), and the reason shows beside that control
// (hyper-<name>-error, linked by aria-describedby), until the learner
// changes the value again. The widget stays live.

import { h } from "./dom.js";

let tables = null; // kind → fields, read once from the page

/** knobFields returns the option fields of kind from the page, or []. */
export function knobFields(kind) {
  if (tables === null) {
    const el = document.querySelector("[data-knobs]");
    try {
      tables = el ? JSON.parse(el.dataset.knobs) : {};
    } catch {
      tables = {};
    }
  }
  return tables[kind] || [];
}

export class Knobs {
  /**
   * kind names the table; widget is the widget's id (it makes the
   * elements' ids unique on the page); options are the widget block's
   * options, shown until the server says what it built; onSet(name,
   * value) sends one option. skip lists options the widget sets by other
   * means.
   */
  constructor(kind, widget, options, onSet, { skip = [] } = {}) {
    this.onSet = onSet;
    this.controls = new Map(); // name → control
    this.errors = new Map(); // name → its message element
    this.values = {}; // the value of each option the server last accepted
    const fields = knobFields(kind).filter((f) => !skip.includes(f.name));
    this.el = h("div", { class: "sgw-controls sgw-knobs" }, ...fields.map((f) => this.field(f, widget, options)));
  }

  // field builds the labelled control of one option and its message.
  field(f, widget, options) {
    const id = `sgw-${widget}-${f.name}`;
    const current = String(options[f.name] ?? f.default);
    const attrs = { id, name: f.name, "data-testid": `hyper-${f.name}`, "data-default": f.default, title: f.title };
    let control;
    if (f.control === "select") {
      control = h(
        "select",
        { ...attrs, class: "select" },
        ...(f.choices || []).map((c) => h("option", { value: c.value, selected: c.value === current }, c.label)),
      );
    } else if (f.control === "switch") {
      control = h("input", { ...attrs, type: "checkbox", checked: current === "true" });
    } else if (f.control === "number" || f.control === "seed") {
      control = h("input", { ...attrs, type: "number", class: "input sgw-knob__number", value: current, min: f.min, max: f.max, step: f.step || "1", inputmode: "decimal" });
    } else {
      control = h("input", { ...attrs, type: "text", class: "input sgw-knob__text", value: current, spellcheck: "false" });
    }
    control.addEventListener("change", () => this.commit(f.name));
    control.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this.commit(f.name);
      }
    });
    const message = h("p", { class: "sgw-knob__error", id: `${id}-error`, "data-testid": `hyper-${f.name}-error`, role: "alert", hidden: true });
    this.controls.set(f.name, control);
    this.errors.set(f.name, message);
    return h("div", { class: "sgw-knob" }, h("label", { class: "sgw-field", for: id }, h("span", {}, f.label)), control, message);
  }

  /** value returns a control's value as option text. */
  value(name) {
    const el = this.controls.get(name);
    return el.type === "checkbox" ? String(el.checked) : el.value.trim();
  }

  // commit sends a control's value unless the model has it already.
  commit(name) {
    const v = this.value(name);
    const el = this.controls.get(name);
    if (v === this.values[name] && !el.hasAttribute("aria-invalid")) return;
    this.clear(name);
    this.onSet(name, v);
  }

  /**
   * accept records the options the server built (a graph message's
   * options) and shows them, except in the control the learner is typing
   * into or whose value the server refused.
   */
  accept(options) {
    for (const [name, v] of Object.entries(options || {})) {
      const el = this.controls.get(name);
      if (!el) continue;
      this.values[name] = v;
      if (document.activeElement === el || el.hasAttribute("aria-invalid")) continue;
      if (el.type === "checkbox") el.checked = v === "true";
      else el.value = v;
    }
  }

  /**
   * refuse shows the reasons of an error message beside the controls of
   * the options it names (its field, and each of its errors). It returns
   * whether every reason found its control, so that the widget need not
   * show it again elsewhere.
   */
  refuse(msg) {
    const faults = msg.errors && msg.errors.length ? msg.errors : [{ field: msg.field, message: msg.message }];
    let all = true;
    for (const e of faults) {
      const el = this.controls.get(e.field);
      if (!el) {
        all = false;
        continue;
      }
      const message = this.errors.get(e.field);
      message.textContent = e.message;
      message.hidden = false;
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", message.id);
    }
    return all;
  }

  /** clear takes away the reason shown beside option name's control. */
  clear(name) {
    const el = this.controls.get(name);
    const message = this.errors.get(name);
    if (!el) return;
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
    message.hidden = true;
    message.textContent = "";
  }
}
