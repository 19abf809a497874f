// options.js: the lab's options and the query string that holds them.
//
// The page's form is the list of options: every control with a name is one
// option of the "lab" widget, with its default in data-default. Two more
// options have no control of their own: "collapsed" (the folded scopes of
// the graph) and "step" (the cursor). The query string holds all of them,
// so that a link reproduces the view.

// Options that live in the URL but have no form control.
const EXTRA_OPTIONS = ["collapsed", "step"];

/** readDefaults returns {name: default} for every control of form. */
export function readDefaults(form) {
  const out = {};
  for (const el of form.querySelectorAll("[name][data-default]")) out[el.name] = el.dataset.default;
  return out;
}

/**
 * fromQuery returns the options a query string asks for: only names the
 * page knows (known), with the value as text. Empty values are dropped.
 */
export function fromQuery(search, known) {
  const q = new URLSearchParams(search);
  const out = {};
  for (const [k, v] of q) {
    if ((known.includes(k) || EXTRA_OPTIONS.includes(k)) && v !== "") out[k] = v;
  }
  return out;
}

/**
 * toQuery writes options as a query string in a fixed order (the order of
 * names), skipping empty values, so that the same view gives the same link.
 */
export function toQuery(options, names) {
  const q = new URLSearchParams();
  for (const k of [...names, ...EXTRA_OPTIONS]) {
    const v = options[k];
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString().replaceAll("%2C", ",");
  return s ? `?${s}` : "";
}

/** splitList reads a comma-separated option ("a,b") as a list. */
export function splitList(text) {
  return (text || "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** describe writes a one-line summary of a model's options. */
export function describe(o) {
  const arch = { decoder: "Decoder-only", encoder: "Encoder-only", encdec: "Encoder–decoder" }[o.arch] || o.arch;
  const n = Number(o.n);
  const seq = o.arch === "decoder" ? `${2 * n} tokens` : `${n} tokens`;
  const layers = Number(o.layers) === 1 ? "1 layer" : `${o.layers} layers`;
  const vocab = o.arch === "encoder" ? Number(o.k) : Number(o.k) + 1;
  return `${arch} · ${layers} · d_model ${o.d} · ${o.heads} heads · ${seq} · vocabulary ${vocab} · learning to ${o.task}`;
}
