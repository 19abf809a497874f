// pan-zoom.js: pan and zoom of the graph view with a pointer. A drag pans
// (a press without movement stays a click on the node under it), two
// pointers pinch to zoom, and Ctrl (or Cmd) with the wheel zooms around
// the pointer. The plain wheel pans the graph, or, in a page that scrolls
// (a lesson), is left to the page, but for a sideways wheel (a trackpad's
// swipe, or Shift with the wheel), which pans the graph sideways.

const DRAG_PX = 4; // movement below which a press is a click, not a drag

/**
 * bindPanZoom listens on el and moves view, which has pan(dx, dy) in
 * pixels and zoom(factor, x, y) around a point of el. With wheelPans
 * false the wheel without Ctrl scrolls the page instead of panning.
 */
export function bindPanZoom(el, view, wheelPans = true) {
  const pointers = new Map(); // pointer id -> last position
  let drag = null;
  let swallow = false;
  const pinch = () => {
    if (pointers.size !== 2) return 0;
    const [a, b] = [...pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  el.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 || ev.target.closest(".sg-fold")) return;
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    drag = { x: ev.clientX, y: ev.clientY, moved: false, pinch: pinch() };
  });
  el.addEventListener("pointermove", (ev) => {
    const p = pointers.get(ev.pointerId);
    if (!p || !drag) return;
    if (!drag.moved && Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) < DRAG_PX) return;
    if (!drag.moved) {
      drag.moved = true;
      el.setPointerCapture(ev.pointerId);
      el.classList.add("is-panning");
    }
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    if (pointers.size === 2) {
      const d = pinch();
      if (drag.pinch) view.zoom(d / drag.pinch);
      drag.pinch = d;
    } else {
      view.pan(p.x - ev.clientX, p.y - ev.clientY);
    }
  });
  const end = (ev) => {
    pointers.delete(ev.pointerId);
    if (drag && drag.moved) swallow = true;
    if (pointers.size === 0) {
      drag = null;
      el.classList.remove("is-panning");
    }
  };
  el.addEventListener("pointerup", end);
  el.addEventListener("pointercancel", end);
  // A drag ends with a click on whatever is under the pointer: ignore it.
  el.addEventListener(
    "click",
    (ev) => {
      if (!swallow) return;
      swallow = false;
      ev.stopPropagation();
      ev.preventDefault();
    },
    true,
  );
  el.addEventListener(
    "wheel",
    (ev) => {
      const zoom = ev.ctrlKey || ev.metaKey;
      const sideways = ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY);
      if (!zoom && !wheelPans && !sideways) return;
      ev.preventDefault();
      const r = el.getBoundingClientRect();
      if (zoom) view.zoom(Math.exp(-ev.deltaY * 0.0025), ev.clientX - r.left, ev.clientY - r.top);
      else if (!wheelPans) view.pan(ev.shiftKey ? ev.deltaY || ev.deltaX : ev.deltaX, 0);
      else view.pan(ev.shiftKey ? ev.deltaY : ev.deltaX, ev.shiftKey ? 0 : ev.deltaY);
    },
    { passive: false },
  );
}
