// download.js turns the server's export message {filename, mime, url}
// into a file the browser saves: a temporary link to the message's url
// with a download attribute, clicked by the script. The browser fetches
// the file itself, from the page's own origin, and streams it to disk;
// it never passes through the page's memory.

import { h } from "../dom.js";

/** save offers the file of export message msg as a download. */
export function save(msg) {
  const a = h("a", { href: msg.url, download: msg.filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

/** size writes a byte count for people: "812 B", "4.1 kB", "1.2 MB". */
export function size(n) {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}
