// app.js is the page's entry module: it mounts every widget placeholder
// and opens the one websocket they share, and lets the keyboard scroll a
// lesson's wide formulas, tables and code.

import { Client } from "./protocol.js";
import { mount } from "./widgets.js";
import { scrollBoxes } from "./scroll-boxes.js";

function start() {
  for (const prose of document.querySelectorAll(".prose")) scrollBoxes(prose);
  const placeholders = document.querySelectorAll(".sg-widget[data-widget][data-kind]");
  if (placeholders.length === 0) return;
  const client = new Client();
  for (const el of placeholders) mount(el, client);
  client.connect();
}

start();
