// main.js is the lab page's entry module: it opens the page's websocket and
// starts the lab on the page's .lab element.

import { Client } from "../protocol.js";
import { Lab } from "./app.js";

const root = document.querySelector("[data-lab-widget]");
if (root) {
  const client = new Client();
  new Lab(root, client);
  client.connect();
}
