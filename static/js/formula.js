// formula.js: how the inspectors (the step widgets' and the lab's) show a
// node's formula.

import { h, parseMathML } from "./dom.js";

/**
 * formulaBox returns a <div> of class cls with node view n's formula: the
 * server's MathML, else its TeX as code, else a note (in a span of class
 * muted) that an input or a parameter is not computed.
 */
export function formulaBox(n, cls, muted) {
  const box = h("div", { class: cls });
  const math = n.formulaHtml ? parseMathML(n.formulaHtml) : null;
  if (math) box.append(math);
  else if (n.formula) box.append(h("code", {}, n.formula));
  else box.append(h("span", { class: muted }, n.kind === "input" ? "Data fed in from outside." : "A parameter: learned, not computed."));
  return box;
}
