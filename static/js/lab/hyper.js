// hyper.js: the lab's hyperparameter form. A control sends its option when
// the learner commits a new value (a select or the switch at once, a number
// or text field on Enter or when it loses focus). When the server refuses
// a value, the reason shows beside the control that caused it; a link
// with several bad options shows each reason beside its own control.
// Escape puts back the value the model has, and takes its reason away.

export class HyperForm {
  /** form is the <form>; onSet(name, value) sends one option. */
  constructor(form, onSet) {
    this.form = form;
    this.onSet = onSet;
    this.error = form.querySelector('[data-testid="hyper-error"]');
    this.error.id = "lab-hyper-error";
    this.home = this.error.parentElement; // where the message sits when no control is to blame
    this.controls = new Map();
    for (const el of form.querySelectorAll("[name]")) this.controls.set(el.name, el);
    this.values = {}; // the value of each option the server last accepted
    this.sent = new Map(); // option -> value sent and not yet answered
    this.more = []; // the messages besides this.error, of a refusal with several faults
    this.errors = 0; // numbers the ids of those messages

    form.addEventListener("change", (ev) => {
      if (ev.target.name) this.commit(ev.target);
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (document.activeElement && document.activeElement.name) this.commit(document.activeElement);
    });
    form.addEventListener("keydown", (ev) => {
      // Escape puts back the value the model has, and with it the reason
      // the server refused the one typed.
      if (ev.key === "Escape" && ev.target.name && this.controls.has(ev.target.name)) {
        this.write(ev.target.name, this.values[ev.target.name]);
        this.clearError(ev.target.name);
      }
    });
    const dice = form.querySelector('[data-testid="new-seed"]');
    dice.addEventListener("click", () => {
      const seed = String(crypto.getRandomValues(new Uint32Array(1))[0]);
      this.write("seed", seed);
      this.commit(this.controls.get("seed"));
    });
  }

  /** names lists the options that have a control, in form order. */
  names() {
    return [...this.controls.keys()];
  }

  /** value returns a control's value as option text. */
  value(name) {
    const el = this.controls.get(name);
    if (!el) return undefined;
    return el.type === "checkbox" ? String(el.checked) : el.value.trim();
  }

  // commit sends a control's value, unless the model has it already or
  // it is on its way (Enter in a field fires both change and submit).
  commit(el) {
    const v = this.value(el.name);
    if (v === this.values[el.name] && !el.hasAttribute("aria-invalid")) return;
    if (el.name === "tokens" && v === "" && !this.values.tokens) return;
    if (this.sent.get(el.name) === v) return;
    this.sent.set(el.name, v);
    this.onSet(el.name, v);
  }

  /** write sets a control's value without sending it. */
  write(name, value) {
    const el = this.controls.get(name);
    if (!el || value === undefined) return;
    if (el.type === "checkbox") el.checked = value === "true";
    else el.value = value;
  }

  /**
   * accept records options the server runs with, and shows them in the
   * controls, except the one the learner is typing into.
   */
  accept(options) {
    for (const [name, v] of Object.entries(options)) {
      if (!this.controls.has(name)) continue;
      this.values[name] = v;
      this.sent.delete(name);
      const el = this.controls.get(name);
      // Without tokens of the learner's, the field shows the seed's example.
      if (document.activeElement !== el) this.write(name, name === "tokens" && !v ? el.placeholder : v);
    }
    const encoder = this.values.arch === "encoder";
    const causal = this.controls.get("causal");
    causal.disabled = encoder;
    causal.closest("label").title = encoder
      ? "An encoder lets every token see every other token: it has no causal mask."
      : "Hide future tokens from decoder self-attention. Without it, the decoder-only model can read the answer.";
  }

  /** showTokens shows the stepped input when the learner has set none. */
  showTokens(text) {
    const el = this.controls.get("tokens");
    el.placeholder = text;
    if (!this.values.tokens && document.activeElement !== el) el.value = text;
  }

  /** forget drops the value of option name that was on its way. */
  forget(name) {
    this.sent.delete(name);
  }

  /** showError puts message beside the control of option field, and takes any other message away. */
  showError(field, message) {
    this.showErrors([{ field, message }]);
  }

  /**
   * showErrors puts each of errors ({field, message}) beside the control of
   * its option, or under the form when no control is to blame, and takes
   * the earlier messages away (unless keep is set: a second refusal of the
   * same link adds its reasons to the first's).
   */
  showErrors(errors, keep = false) {
    if (!keep) this.clearError();
    for (const e of errors) {
      if (keep) this.clearError(e.field || "");
      let el = this.error;
      if (!el.hidden) {
        el = this.error.cloneNode(false);
        el.id = `lab-hyper-error-${++this.errors}`;
        this.more.push(el);
      }
      this.place(el, e.field, e.message);
    }
  }

  // place shows the message element el about option field.
  place(el, field, message) {
    this.sent.delete(field);
    const control = this.controls.get(field);
    el.textContent = message;
    el.hidden = false;
    el.dataset.field = field || "";
    if (control) {
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", el.id);
      control.closest(".lab-field").after(el);
    } else {
      this.home.append(el);
    }
  }

  /** clearError removes the messages (only the one about field, when given). */
  clearError(field) {
    for (const el of [this.error, ...this.more]) {
      if (field !== undefined && el.dataset.field !== field) continue;
      const control = this.controls.get(el.dataset.field);
      if (control) {
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
      }
      if (el === this.error) {
        el.hidden = true;
        el.textContent = "";
        el.dataset.field = "";
      } else {
        el.remove();
        this.more = this.more.filter((x) => x !== el);
      }
    }
    if (field === undefined) {
      for (const el of this.controls.values()) {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
      }
    }
  }

  /** focusFirst moves the focus to the first control. */
  focusFirst() {
    this.controls.values().next().value.focus();
  }
}
