// dom.js: tiny helpers to build elements without innerHTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** h builds an HTML element: h("button", {class: "x", onclick: f}, "Go"). */
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** s builds an SVG element. */
export function s(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** parseSVG turns SVG text from the server into a node of this document. */
export function parseSVG(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const root = doc.documentElement;
  if (root.nodeName !== "svg") throw new Error("stepgraph: the server sent an SVG that does not parse");
  return document.importNode(root, true);
}

/** parseMathML turns MathML text from the server into a node of this document. */
export function parseMathML(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  const root = doc.documentElement;
  if (root.localName !== "math") return null;
  return document.importNode(root, true);
}

/** fmt writes a number compactly for a table or a tooltip. */
export function fmt(x) {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2);
  return x.toPrecision(4).replace(/\.?0+$/, "");
}

/** pct writes a fraction as a percentage with one decimal, or "—" when it is missing. */
export function pct(x) {
  return x === undefined ? "—" : `${(100 * x).toFixed(1)}%`;
}
