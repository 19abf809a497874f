// stepper-bar.js: the stepper bar component, the controls that move a
// widget's cursor over its timeline (every op of the forward pass, then
// every op of the backward pass). Its buttons use the engine's words:
// Reset, Undo (back in time: the values are kept, so it only moves the
// cursor), Next step (the next step of the timeline, whichever pass it is
// in), Backprop step (the next step of the backward pass, finishing the
// forward pass first), Play or Pause at a chosen speed, and Run to end.
// Under them the cursor's text and the timeline: a scrubber that seeks
// where the host can seek, else a bar that shows the position; the pass
// the cursor is in (data-testid phase: forward, or backward from the seed
// step on, as the server's node message says), with the timeline coloured
// for the forward steps, the seed and the backward steps in their true
// proportions: a graph of n op nodes has n forward steps, the seed and n
// backward steps (docs/protocol.md, step).
//
// Play sends one step at a time, each after the answer to the last (the
// node message that carries its request id), so a slow server is never
// flooded; a dragged scrubber likewise keeps at most one seek in flight.

import { h, s } from "./dom.js";

const FOLLOW_MS = 50; // the shortest pause between two played steps
const STALL_MS = 2000; // resend a played step whose answer never came
const SPEEDS = [1, 2, 4, 8, 16, 40]; // steps per second while playing
const SPEED = 4;

// Button icons, 16×16 paths.
const ICONS = {
  reset: "M3 2h2v12H3zM14 2v12L6 8z", // a bar and a back triangle: the start
  undo: "M6 1.5 1 6l5 4.5V7.6c3.7 0 6.2 1.4 8 5.1C14 8 11 4.6 6 4.4z", // a curved back arrow
  next: "M3 2v12l8-6zM11.5 2h2v12h-2z", // a triangle to a bar: one step on
  backprop: "M1 2.5h14L8 14.5zM4.3 4.5 8 11l3.7-6.5z", // ∇: the gradient's nabla
  play: "M4 2v12l10-6z",
  pause: "M3 2h4v12H3zM9 2h4v12H9z",
  run: "M1 2v12l7-6zM8 2v12l6-6zM14 2h2v12h-2z",
};

export class StepperBar {
  /**
   * el is the element the bar fills. act sends the requests, each
   * returning its request id: next(count), nextBackward(), undo(count),
   * reset(), run() and, where the host can seek, seek(index); without seek
   * the timeline only shows the position. nameOf(id) names the node of a
   * step for the cursor's text. keyHints adds the Lab's keyboard shortcuts
   * to the buttons' titles.
   */
  constructor(el, { act, nameOf, keyHints = false }) {
    this.act = act;
    this.nameOf = nameOf;
    this.state = null; // the last node message
    this.forwardSteps = -1; // steps of the forward pass, from the graph message (-1: not known yet)
    this.held = false; // the host keeps every control off (the model trains)
    this.playing = false;
    this.waiting = 0; // id of the step play waits for
    this.timer = 0;
    this.seeking = 0; // id of the seek in flight
    this.seekWanted = -1;

    const key = (k) => (keyHints ? ` (${k})` : "");
    const button = (testid, icon, label, title, onclick, cls = "") =>
      h(
        "button",
        { type: "button", class: `btn ${cls}`.trim(), "data-testid": testid, title, disabled: true, onclick },
        s("svg", { viewBox: "0 0 16 16", "aria-hidden": "true" }, s("path", { d: ICONS[icon] })),
        h("span", { class: "btn__label" }, label),
      );
    this.b = {
      reset: button("reset", "reset", "Reset", `Back to the start of the run${key("R")}`, () => this.reset()),
      undo: button("step-back", "undo", "Undo", `Undo the last step; the values are kept, so this only moves the cursor${key("←")}`, () => this.undo()),
      next: button("step-forward", "next", "Next step", `Run the next step of the timeline${key("→")}`, () => this.next(), "btn--primary"),
      backprop: button("step-backward", "backprop", "Backprop step", `Run the next step of the backward pass, finishing the forward pass first${key("B")}`, () => this.nextBackward(), "btn--grad"),
      play: button("play", "play", "Play", `Play the steps at the chosen speed, or pause${key("Space")}`, () => this.togglePlay()),
      run: button("run", "run", "Run to end", `Run every remaining step${key("E")}`, () => this.run()),
    };
    this.b.play.setAttribute("aria-pressed", "false");
    this.speed = h(
      "select",
      { class: "select select--small", "data-testid": "speed" },
      ...SPEEDS.map((v) => h("option", { value: String(v), selected: v === SPEED }, `${v}/s`)),
    );
    this.where = h("output", { class: "timeline__where", "data-testid": "cursor", "aria-live": "polite" }, "Step 0 of 0");
    if (act.seek) {
      this.range = h("input", { type: "range", class: "timeline__range", "data-testid": "timeline", min: 0, max: 0, value: 0, step: 1, "aria-label": "Step on the timeline", disabled: true });
      this.range.addEventListener("input", () => {
        this.pause();
        this.seek(Number(this.range.value));
      });
    } else {
      this.range = h("div", { class: "timeline__bar", "data-testid": "timeline", role: "progressbar", "aria-label": "Position on the timeline", "aria-valuemin": 0, "aria-valuemax": 0, "aria-valuenow": 0 });
    }
    this.phase = h("span", { class: "timeline__phase", "data-testid": "phase", title: "The pass the cursor is in" }, "forward");
    this.track = h("div", { class: "timeline" }, this.range, h("span", { class: "timeline__text" }, this.phase, this.where));
    const b = this.b;
    el.classList.add("stepper");
    el.replaceChildren(
      h(
        "div",
        { class: "stepper__buttons", role: "toolbar", "aria-label": "Stepping" },
        b.reset,
        b.undo,
        b.next,
        b.backprop,
        b.play,
        h("label", { class: "stepper__speed", title: "Steps per second while playing" }, h("span", { class: "visually-hidden" }, "Speed"), this.speed),
        b.run,
      ),
      this.track,
    );
  }

  // The learner's requests: each pauses play first. The keyboard of the
  // Lab calls them too.

  /** next runs count steps of the timeline. */
  next(count = 1) {
    this.pause();
    this.act.next(count);
  }

  /** nextBackward runs the next step of the backward pass. */
  nextBackward() {
    this.pause();
    this.act.nextBackward();
  }

  /** undo goes count steps back in time. */
  undo(count = 1) {
    this.pause();
    this.act.undo(count);
  }

  /** reset moves the cursor to the start. */
  reset() {
    this.pause();
    this.act.reset();
  }

  /** run runs every remaining step. */
  run() {
    this.pause();
    this.act.run();
  }

  seek(index) {
    this.seekWanted = index;
    if (!this.seeking) this.seeking = this.act.seek(index);
  }

  /** togglePlay plays, or pauses. */
  togglePlay() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (!this.state || this.held) return;
    this.playing = true;
    this.showPlaying();
    if (this.state.step.done) this.act.reset();
    this.tick();
  }

  /** pause stops playing. */
  pause() {
    if (!this.playing) return;
    this.playing = false;
    clearTimeout(this.timer);
    this.showPlaying();
  }

  tick() {
    if (!this.playing) return;
    const speed = Number(this.speed.value) || SPEED;
    const count = speed > 20 ? Math.ceil(speed / 20) : 1;
    this.waiting = this.act.next(count);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), STALL_MS);
  }

  showPlaying() {
    const b = this.b.play;
    b.setAttribute("aria-pressed", String(this.playing));
    b.classList.toggle("is-on", this.playing);
    b.querySelector(".btn__label").textContent = this.playing ? "Pause" : "Play";
    b.querySelector("path").setAttribute("d", this.playing ? ICONS.pause : ICONS.play);
  }

  /**
   * setGraph reads the timeline's parts from graph message msg: its steps
   * are every op node forward, then, when the graph has a loss, the seed
   * and every op node backward (2n + 1 in all).
   */
  setGraph(msg) {
    const loss = msg.nodes.some((n) => n.kind === "loss") || (msg.scopes || []).some((sc) => sc.kind === "loss");
    this.forwardSteps = loss ? (msg.steps - 1) / 2 : msg.steps;
    if (this.state) this.update(this.state);
  }

  /** update shows node message msg: the cursor, the buttons, the timeline. */
  update(msg) {
    this.state = msg;
    const st = msg.step;
    this.enable();

    // The timeline: the forward steps, the seed, the backward steps.
    const forward = this.forwardSteps >= 0 && this.forwardSteps <= st.total ? this.forwardSteps : st.total / 2;
    const pc = (x) => `${st.total ? (100 * x) / st.total : 0}%`;
    this.track.style.setProperty("--split", pc(forward));
    this.track.style.setProperty("--seed", pc(Math.min(forward + 1, st.total)));
    this.track.style.setProperty("--pos", pc(st.index));
    this.track.dataset.phase = st.index === 0 ? "ready" : st.phase;
    this.phase.textContent = st.phase;
    this.phase.dataset.step = String(st.index);
    this.phase.dataset.phase = st.phase;
    this.phase.classList.toggle("is-backward", st.phase === "backward");
    const text = this.text(st);
    if (this.act.seek) {
      this.range.max = String(st.total);
      const answered = msg.id && this.seeking && msg.id >= this.seeking;
      if (answered) {
        this.seeking = 0;
        if (this.seekWanted >= 0 && this.seekWanted !== st.index) this.seek(this.seekWanted);
        else this.seekWanted = -1;
      }
      if (!this.seeking) this.range.value = String(st.index);
      this.range.setAttribute("aria-valuetext", text);
    } else {
      this.range.setAttribute("aria-valuemax", String(st.total));
      this.range.setAttribute("aria-valuenow", String(st.index));
      this.range.setAttribute("aria-valuetext", text);
    }
    this.where.textContent = text;
    this.where.title = text;
    this.where.dataset.index = String(st.index);
    this.where.dataset.phase = st.phase;

    if (this.playing && (!msg.id || msg.id >= this.waiting)) {
      clearTimeout(this.timer);
      if (st.done) this.pause();
      else this.timer = setTimeout(() => this.tick(), Math.max(FOLLOW_MS, 1000 / (Number(this.speed.value) || SPEED)));
    }
  }

  // enable turns on the buttons that can act at the last cursor.
  enable() {
    if (!this.state || this.held) return;
    const st = this.state.step;
    const b = this.b;
    b.reset.disabled = st.index === 0;
    b.undo.disabled = st.index === 0;
    b.next.disabled = st.done;
    b.backprop.disabled = st.done;
    b.run.disabled = st.done;
    b.play.disabled = st.total === 0;
    if (this.act.seek) this.range.disabled = st.total === 0;
  }

  // text is the cursor's line, in the words of the node message: its
  // pass, and the node of the last step, or the seed.
  text(st) {
    const head = `Step ${st.index} of ${st.total}`;
    if (st.index === 0) return `${head} · ready`;
    const phase = st.done ? "done" : `${st.phase} pass`;
    const what = st.seed ? "seed ∂L/∂L = 1" : this.nameOf(st.node);
    return `${head} · ${phase} · ${what}`;
  }

  /**
   * hold keeps every control off while on is true (a lesson's model
   * trains, and its server refuses steps meanwhile), and gives them back
   * after.
   */
  hold(on) {
    this.held = on;
    if (on) this.disable();
    else this.enable();
  }

  /** disable turns every control off until the next node message (no model yet, or offline). */
  disable() {
    this.pause();
    for (const b of Object.values(this.b)) b.disabled = true;
    if (this.act.seek) this.range.disabled = true;
  }
}
