// exports.js: the lab's Export menu. Each item asks the server for a file
// (weights, trace, graph; the inspector's maps ask for heatmaps), and the
// server's export message becomes a download; a line under the stepper
// says what was saved. "Copy link" copies the address, which holds the
// whole view.

import { save } from "./download.js";

export class Exports {
  /**
   * menu is the Export menu, status the line that reports, request(what,
   * fields) sends an export request.
   */
  constructor(menu, status, request) {
    this.status = status;
    this.request = request;
    for (const b of menu.querySelectorAll("[data-export]")) {
      b.addEventListener("click", () => {
        menu.open = false;
        this.ask(b.dataset.export);
      });
    }
    menu.querySelector('[data-testid="copy-link"]').addEventListener("click", async () => {
      menu.open = false;
      try {
        await navigator.clipboard.writeText(location.href);
        this.say("Copied the link to this view.");
      } catch {
        this.say("Copy the address bar's link to share this view.");
      }
    });
  }

  /** ask requests a file: what is weights, trace, graph or heatmap. */
  ask(what, fields = {}) {
    this.say(`Preparing the ${what}…`);
    this.request(what, fields);
  }

  /** saved offers the file of an export message as a download. */
  saved(msg) {
    save(msg);
    this.status.dataset.filename = msg.filename;
    this.say(`Downloading ${msg.filename}: your browser saves it.`);
  }

  say(text) {
    this.status.hidden = false;
    this.status.textContent = text;
  }
}
