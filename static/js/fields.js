// fields.js: the option fields under a widget's graph, each sending a set
// request when the learner changes it.

import { h } from "./dom.js";

/**
 * selects builds one labelled <select> per choice (name → {label, values,
 * def}), with data-testid set-<name>. The current value of each comes from
 * options, else its def; onSet(name, value) is called on a change.
 */
export function selects(choices, options, onSet) {
  return Object.entries(choices).map(([name, c]) => {
    const current = String(options[name] ?? c.def);
    const sel = h(
      "select",
      { class: "select", "data-testid": `set-${name}`, onchange: (ev) => onSet(name, ev.target.value) },
      ...c.values.map((v) => h("option", { value: v, selected: v === current }, v)),
    );
    return h("label", { class: "sgw-field" }, h("span", {}, c.label), sel);
  });
}
