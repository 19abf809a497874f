// download.js turns the server's export message {filename, mime,
// encoding, data} into a file the browser saves: a Blob behind a temporary
// link with a download attribute, clicked by the script (no inline script,
// nothing leaves the page's origin).

import { h } from "../dom.js";
import { Encoding } from "../protocol.js";

/** save offers the file of export message msg as a download and returns its size in bytes. */
export function save(msg) {
  const bytes = msg.encoding === Encoding.BASE64 ? decodeBase64(msg.data) : new TextEncoder().encode(msg.data);
  const blob = new Blob([bytes], { type: msg.mime || "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: msg.filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the click; the URL is not needed after.
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return bytes.length;
}

function decodeBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** size writes a byte count for people: "812 B", "4.1 kB", "1.2 MB". */
export function size(n) {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}
