// scroll-boxes.js: the wide parts of a lesson on a narrow screen. Tables,
// code blocks and display math scroll sideways in their own box (app.css,
// ".prose"); a formula in a line of text that is wider than the line is
// marked .sg-wide, which gives it a line and a scrolling box of its own.
// While a box scrolls it takes the keyboard focus, so that the arrow keys
// can scroll it; a box whose content fits takes none, and so adds no Tab
// stop.

const BOXES = ".sg-math, :scope > table, pre";
const INLINE = ":is(p, li) > math";

const watched = new Map(); // element -> [fn], called when its size changes
const observer = new ResizeObserver((entries) => {
  for (const e of entries) for (const fn of watched.get(e.target) || []) fn();
});

function watch(el, fn) {
  if (!watched.has(el)) {
    watched.set(el, []);
    observer.observe(el);
  }
  watched.get(el).push(fn);
  fn();
}

/** scrollBoxes follows the wide parts of prose, a lesson's body. */
export function scrollBoxes(prose) {
  for (const el of prose.querySelectorAll(BOXES)) watch(el, () => focusable(el));
  for (const m of prose.querySelectorAll(INLINE)) {
    const line = m.parentElement;
    watch(line, () => {
      m.classList.toggle("sg-wide", m.scrollWidth > inner(line) + 1);
      focusable(m);
    });
  }
}

// focusable gives el a Tab stop while its content is wider than its box.
function focusable(el) {
  const scrolls = el.scrollWidth > el.clientWidth + 1;
  if (scrolls && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
  else if (!scrolls && el.getAttribute("tabindex") === "0") el.removeAttribute("tabindex");
}

// inner is the width of el's content box.
function inner(el) {
  const cs = getComputedStyle(el);
  return el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
}
