// tabs.js: the lab's panels on a phone's screen, one at a time. The page
// has a tab per panel (graph, inspector, attention, training; the template
// labTabs); while the screen is narrow (PHONE, the query of lab.css that
// shows the tabs) they are an ARIA tablist: the panels are its tabpanels,
// the one chosen shows, and the arrow keys, Home and End move between the
// tabs and choose the tab they reach. On a wider screen every panel shows
// and neither the tabs nor the panels have those roles.

const PHONE = "(max-width: 720px)"; // as lab.css

export class LabTabs {
  /** root is the lab's element. */
  constructor(root) {
    this.list = root.querySelector('[role="tablist"]');
    this.tabs = [...this.list.querySelectorAll('[role="tab"]')];
    this.panels = new Map(this.tabs.map((t) => [t.dataset.tab, root.querySelector(`[data-panel="${t.dataset.tab}"]`)]));
    this.current = this.tabs.find((t) => t.getAttribute("aria-selected") === "true")?.dataset.tab || this.tabs[0].dataset.tab;
    for (const t of this.tabs) t.addEventListener("click", () => this.show(t.dataset.tab));
    this.list.addEventListener("keydown", (ev) => this.key(ev));
    this.phone = matchMedia(PHONE);
    this.phone.addEventListener("change", () => this.roles());
    this.roles();
    this.show(this.current);
  }

  /** show chooses the tab of panel name ("graph", "inspector", "attention", "training"). */
  show(name, { focus = false } = {}) {
    if (!this.panels.has(name)) return;
    this.current = name;
    for (const t of this.tabs) {
      const on = t.dataset.tab === name;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      if (on && focus) t.focus();
    }
    // lab.css hides the panels not chosen, on a phone's screen only.
    for (const [n, p] of this.panels) p.classList.toggle("is-tab-hidden", n !== name);
  }

  // roles gives the tabs' panels their role while the tabs show.
  roles() {
    for (const [name, p] of this.panels) {
      if (this.phone.matches) {
        p.setAttribute("role", "tabpanel");
        p.setAttribute("aria-labelledby", `lab-tab-${name}`);
      } else {
        p.removeAttribute("role");
        p.removeAttribute("aria-labelledby");
      }
    }
  }

  key(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const i = this.tabs.findIndex((t) => t.dataset.tab === this.current);
    const n = this.tabs.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[ev.key];
    if (to === undefined) return;
    ev.preventDefault(); // the lab's own arrow keys step the model: not here
    this.show(this.tabs[to].dataset.tab, { focus: true });
  }
}
