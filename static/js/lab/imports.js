// imports.js: the lab's "Load weights" control. The learner picks a
// .safetensors file (one the Export menu saved, say); the page posts its
// bytes over HTTP, not the socket, since a file may be megabytes. The
// address names this connection by the session token of its hello, and
// the lab by its widget id. The server answers JSON, which the status line
// shows; on success the new views arrive over the socket as usual.

import { Limits, UPLOAD_MEDIA_TYPE, UPLOAD_PATH } from "../protocol.js";
import { size } from "./download.js";

export class Imports {
  /**
   * input is the file input, status the line that reports, target()
   * returns {session, widget, maxBytes} of the live connection, or null
   * while there is none.
   */
  constructor(input, status, target) {
    this.status = status;
    this.target = target;
    input.addEventListener("change", () => {
      const file = input.files[0];
      input.value = ""; // so that picking the same file again loads it again
      if (file) this.load(file);
    });
  }

  /** load uploads one file and reports the server's answer. */
  async load(file) {
    const t = this.target();
    if (!t) {
      this.say(`Cannot load ${file.name} while the lab is offline; try again once it is live.`, "error");
      return;
    }
    const max = t.maxBytes || Limits.maxUploadBytes;
    if (file.size > max) {
      this.say(`Cannot load ${file.name}: it has ${size(file.size)}, more than the ${size(max)} an upload may have.`, "error");
      return;
    }
    this.say(`Loading ${file.name}…`, "busy");
    const url = `${UPLOAD_PATH}?session=${encodeURIComponent(t.session)}&widget=${encodeURIComponent(t.widget)}`;
    let res, answer;
    try {
      res = await fetch(url, { method: "POST", headers: { "Content-Type": UPLOAD_MEDIA_TYPE }, body: file });
      answer = await res.json();
    } catch {
      this.say(`Could not load ${file.name}: the server did not answer.`, "error");
      return;
    }
    if (res.ok && answer.ok) {
      this.say(`Loaded ${file.name}: ${answer.tensors} tensors, ${answer.params.toLocaleString("en")} parameters.`, "ok");
    } else {
      this.say(`Could not load ${file.name}: ${answer.error || res.statusText}`, "error");
    }
  }

  say(text, state) {
    this.status.hidden = false;
    this.status.dataset.state = state;
    this.status.textContent = text;
  }
}
