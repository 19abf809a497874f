// stepper.js: the lab's stepping controls. Buttons step forward, backward
// (backprop), back in time, reset and run to the end; play sends one step
// at a time at the chosen speed, each after the answer to the last; the
// timeline scrubber seeks, sending at most one seek at a time while it is
// dragged.

const FOLLOW_MS = 50; // the shortest pause between two played steps
const STALL_MS = 2000; // resend a played step whose answer never came

export class Stepper {
  /**
   * root holds the controls (by data-testid). act has the requests:
   * forward(count), backward(), back(count), reset(), run(), seek(index);
   * each returns its request id. nameOf(id) names a node.
   */
  constructor(root, act, nameOf) {
    this.act = act;
    this.nameOf = nameOf;
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.b = { reset: q("reset"), back: q("step-back"), forward: q("step-forward"), backward: q("step-backward"), play: q("play"), run: q("run") };
    this.speed = q("speed");
    this.range = q("timeline");
    this.where = q("cursor");
    this.track = this.range.parentElement;
    this.state = null; // the last node message
    this.playing = false;
    this.waiting = 0; // id of the step play waits for
    this.timer = 0;
    this.seeking = 0; // id of the seek in flight
    this.seekWanted = -1;

    this.b.reset.addEventListener("click", () => this.user(() => act.reset()));
    this.b.back.addEventListener("click", () => this.user(() => act.back(1)));
    this.b.forward.addEventListener("click", () => this.user(() => act.forward(1)));
    this.b.backward.addEventListener("click", () => this.user(() => act.backward()));
    this.b.run.addEventListener("click", () => this.user(() => act.run()));
    this.b.play.addEventListener("click", () => this.togglePlay());
    this.range.addEventListener("input", () => {
      this.pause();
      this.seek(Number(this.range.value));
    });
  }

  // user runs a request the learner asked for, pausing play first.
  user(request) {
    this.pause();
    request();
  }

  seek(index) {
    this.seekWanted = index;
    if (!this.seeking) this.seeking = this.act.seek(index);
  }

  togglePlay() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (!this.state) return;
    this.playing = true;
    this.showPlaying();
    if (this.state.step.done) this.act.reset();
    this.tick();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    clearTimeout(this.timer);
    this.showPlaying();
  }

  tick() {
    if (!this.playing) return;
    const speed = Number(this.speed.value) || 4;
    const count = speed > 20 ? Math.ceil(speed / 20) : 1;
    this.waiting = this.act.forward(count);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), STALL_MS);
  }

  showPlaying() {
    const b = this.b.play;
    b.setAttribute("aria-pressed", String(this.playing));
    b.classList.toggle("is-on", this.playing);
    b.querySelector(".btn__label").textContent = this.playing ? "Pause" : "Play";
    b.querySelector("path").setAttribute("d", this.playing ? "M3 2h4v12H3zM9 2h4v12H9z" : "M4 2v12l10-6z");
  }

  /** update shows a node message: the cursor, the buttons, the timeline. */
  update(msg) {
    this.state = msg;
    const st = msg.step;
    const b = this.b;
    b.reset.disabled = st.index === 0;
    b.back.disabled = st.index === 0;
    b.forward.disabled = st.done;
    b.backward.disabled = st.done;
    b.run.disabled = st.done;
    b.play.disabled = st.total === 0;

    // The timeline: forward steps first, then as many backward steps.
    const split = st.total ? 50 : 0;
    this.track.style.setProperty("--split", `${split}%`);
    this.track.style.setProperty("--pos", `${st.total ? (100 * st.index) / st.total : 0}%`);
    this.track.dataset.phase = st.index === 0 ? "ready" : st.phase;
    this.range.max = String(st.total);
    this.range.disabled = st.total === 0;
    const answered = msg.id && this.seeking && msg.id >= this.seeking;
    if (answered) {
      this.seeking = 0;
      if (this.seekWanted >= 0 && this.seekWanted !== st.index) this.seek(this.seekWanted);
      else this.seekWanted = -1;
    }
    if (!this.seeking) this.range.value = String(st.index);
    this.range.setAttribute("aria-valuetext", this.text(st));
    this.where.textContent = this.text(st);
    this.where.title = this.where.textContent;
    this.where.dataset.index = String(st.index);
    this.where.dataset.phase = st.phase;

    if (this.playing && (!msg.id || msg.id >= this.waiting)) {
      clearTimeout(this.timer);
      if (st.done) this.pause();
      else this.timer = setTimeout(() => this.tick(), Math.max(FOLLOW_MS, 1000 / (Number(this.speed.value) || 4)));
    }
  }

  text(st) {
    const head = `Step ${st.index} of ${st.total}`;
    if (st.index === 0) return `${head} · ready`;
    const phase = st.done ? "done" : `${st.phase} pass`;
    return `${head} · ${phase} · ${this.nameOf(st.node)}`;
  }

  /** disable turns every control off (no model yet, or offline). */
  disable() {
    this.pause();
    for (const b of Object.values(this.b)) b.disabled = true;
    this.range.disabled = true;
  }
}
