// training-widget.js: the step widget of a model that the server trains.
// It adds the button that starts and stops training, and keeps the
// stepping buttons off while the model trains (the server refuses steps
// then). The attention, mlp (and so cnn) and distill widgets extend it.

import { h } from "./dom.js";
import { StepWidget } from "./step-widget.js";

export class TrainingWidget extends StepWidget {
  /**
   * makeTrainButton returns the button that starts and stops training,
   * labelled label while the model does not train. A subclass calls it
   * once, from extra, and places the button.
   */
  makeTrainButton(label = "Train") {
    this.training = false;
    this.trainLabel = label;
    this.trainButton = h("button", { type: "button", class: "btn", "data-testid": "train", onclick: () => this.toggleTraining() }, label);
    return this.trainButton;
  }

  /** toggleTraining asks the server to start or stop training. */
  toggleTraining() {
    this.channel.train(this.training ? "stop" : "start");
    this.setTraining(!this.training);
  }

  /** setTraining shows whether the model trains; stepping is off while it does. */
  setTraining(on) {
    this.training = on;
    this.trainButton.textContent = on ? "Stop training" : this.trainLabel;
    this.trainButton.classList.toggle("is-running", on);
    for (const b of Object.values(this.buttons)) if (on) b.disabled = true;
    if (!on && this.state) this.showNode(this.state);
  }

  /**
   * followTraining takes from metrics message m whether the server trains:
   * training also ends by itself, at the widget's budget of steps.
   */
  followTraining(m) {
    if (this.training !== m.running) this.setTraining(m.running);
  }

  showNode(msg) {
    super.showNode(msg);
    if (this.training) for (const b of Object.values(this.buttons)) b.disabled = true;
  }
}
