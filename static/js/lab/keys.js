// keys.js: the lab's keyboard shortcuts, documented on the page under
// "Keyboard". They never take a key from a field being typed in (there,
// Escape leaves the field), from a button or link (where Enter and Space
// press it), from a key held with Ctrl, Alt or Meta (the browser's own
// shortcuts), or from a key a component has taken (the graph's and the
// phone's tabs' arrow keys, which prevent its default).

const TYPING = new Set(["INPUT", "SELECT", "TEXTAREA"]);

/**
 * bindKeys calls the action named by each shortcut: next, undo, next10,
 * undo10, nextBackward (the Backprop step), play, reset, end, train,
 * search, model, fit, zoomIn, zoomOut.
 */
export function bindKeys(actions) {
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.defaultPrevented) return;
    const t = ev.target;
    if (ev.key === "Escape") {
      for (const d of document.querySelectorAll("details.menu[open]")) d.open = false;
      if (t && (TYPING.has(t.tagName) || t.isContentEditable)) t.blur();
      return;
    }
    if (t && (TYPING.has(t.tagName) || t.isContentEditable)) return;
    const pressable = t && t.closest && t.closest("button, a, summary, [role=button]");
    if (pressable && (ev.key === " " || ev.key === "Enter")) return;
    const name = action(ev);
    if (!name) return;
    ev.preventDefault();
    actions[name]();
  });
}

function action(ev) {
  switch (ev.key) {
    case "ArrowRight":
      return ev.shiftKey ? "next10" : "next";
    case "ArrowLeft":
      return ev.shiftKey ? "undo10" : "undo";
    case " ":
      return "play";
  }
  if (ev.shiftKey && ev.key !== "+" && ev.key !== "?") return null;
  switch (ev.key.toLowerCase()) {
    case "b":
      return "nextBackward";
    case "r":
      return "reset";
    case "e":
      return "end";
    case "t":
      return "train";
    case "/":
      return "search";
    case "m":
      return "model";
    case "f":
      return "fit";
    case "+":
    case "=":
      return "zoomIn";
    case "-":
      return "zoomOut";
  }
  return null;
}
