// protocol.js mirrors version 1 of Stepgraph's websocket protocol for the
// browser. docs/protocol.md is the reference and cmd/web/protocol the
// server's side: change the three together.
//
// A page opens one Client. Each widget attaches a Channel to it, under its
// widget id, and sends its requests through the channel; the client routes
// every server message to the channel of its "widget" field.

/** The protocol version this page speaks; hello announces the server's. */
export const VERSION = 1;

/** Message types a page sends. */
export const ClientType = Object.freeze({
  CONFIGURE: "configure", // create or replace a widget: kind, options
  STEP: "step", // dir: "forward" (Next step) | "backward" (Backprop step), count
  BACK: "back", // Undo: back in time, count
  RUN: "run", // to: "end" | "forward"
  RESET: "reset", // cursor to the start
  SET: "set", // one hyperparameter: name, value
  SELECT: "select", // inspect a node: node
  TRAIN: "train", // action: "start" | "stop"; a start's rate (steps a second, 0 full speed) and steps (a new run's length)
  SEEK: "seek", // lab: move the cursor to index
  EXPORT: "export", // lab: ask for a file: what, node, tensor
  OPTIMIZE: "optimize", // one optimizer step on the stepped example: node (the parameter shown), optional
  CHECK: "check", // a gradient check at the cursor: node, or all: true (every parameter)
  MASK: "mask", // lab, attention: edit an attention's mask: attention, and preset ("causal" | "padding" with length | "none") or row, col, allowed
});

/** Message types the server sends. */
export const ServerType = Object.freeze({
  HELLO: "hello", // version, limits, kinds: always the first message
  GRAPH: "graph", // nodes, edges, scopes, layout and the drawn svg
  NODE: "node", // the cursor and the highlighted node's value and gradient
  ATTENTION: "attention", // attention maps per layer and head
  METRICS: "metrics", // named numbers at a training step
  PLOT: "plot", // a chart as SVG text
  ERROR: "error", // code, message, and the id and type of the refused request
  EXPORT: "export", // lab: a file: filename, mime, encoding, data
  MAPS: "maps", // cnn: the stepped image, the class probabilities and the highlighted node's feature maps
  OPTIMIZER: "optimizer", // what one optimizer step did to a parameter: before, grad, delta, after; Adam's m, v; SGD's velocity
  GRADCHECK: "gradcheck", // a check's autograd next to numeric per entry, worst, tolerance, match; with all, progress and a final one
  NEURONS: "neurons", // mlp: one map per neuron of the highlighted hidden layer, its activation over the plane
  QUANT_ERROR: "quantError", // quant: every node's SQNR (dB) and band, and the highlighted node's float, quantized and error maps
});

/** Error codes of an error message. */
export const ErrorCode = Object.freeze({
  BAD_JSON: "bad_json",
  UNKNOWN_TYPE: "unknown_type",
  MISSING_FIELD: "missing_field",
  BAD_FIELD: "bad_field",
  OUT_OF_RANGE: "out_of_range",
  UNKNOWN_WIDGET: "unknown_widget",
  UNKNOWN_KIND: "unknown_kind",
  TOO_MANY_WIDGETS: "too_many_widgets",
  UNKNOWN_PARAM: "unknown_param",
  UNKNOWN_NODE: "unknown_node",
  BUSY: "busy",
  UNSUPPORTED: "unsupported",
  TOO_MANY_REQUESTS: "too_many_requests",
  INTERNAL: "internal",
  BLOCKED_ROW: "blocked_row", // a mask edit would block every key of a query row
  // Admission: the error's limit field holds the limit that refused.
  SERVER_FULL: "server_full",
  TOO_MANY_CONNECTIONS: "too_many_connections",
  TOO_MANY_TRAINERS: "too_many_trainers",
  OVER_BUDGET: "over_budget",
  // The weights upload's own codes (it answers over HTTP, see UPLOAD_PATH).
  CROSS_ORIGIN: "cross_origin",
  BAD_MEDIA_TYPE: "bad_media_type",
  TOO_LARGE: "too_large",
  BAD_FILE: "bad_file",
  UNKNOWN_SESSION: "unknown_session",
  BAD_WEIGHTS: "bad_weights",
  TOO_MANY_UPLOADS: "too_many_uploads",
  // An export link's own codes (it answers over HTTP, see EXPORT_PATH).
  UNKNOWN_EXPORT: "unknown_export",
  TOO_MANY_DOWNLOADS: "too_many_downloads",
  // A gradient check of a node without a complete gradient.
  NO_GRADIENT: "no_gradient",
});

/** The limits of version 1; hello sends the server's own. */
export const Limits = Object.freeze({
  maxMessageBytes: 65536, // 64 KiB; a larger frame closes the socket with 1009
  maxWidgets: 8,
  maxStepCount: 1000,
  maxOptions: 32,
  maxStringBytes: 256,
  maxWidgetIdBytes: 32,
  maxRequestId: 9007199254740992, // 2^53
  maxPendingRequests: 32, // requests waiting for an answer; one more is refused at once
  maxQueuedMessages: 256,
  maxQueuedBytes: 8388608, // 8 MiB of messages may wait for a slow client
  maxUploadBytes: 16777216, // 16 MiB: the largest weights file an upload may send
  maxUploadsPerIp: 1, // uploads of one address read at once
  maxTrainRate: 1000, // training steps a second a train request may ask for; 0 is full speed
  maxRunSteps: 100000, // the longest run of training a request may ask for
  maxPendingExports: 4, // export links of a connection not fetched yet; a newer drops the oldest
  exportLinkSeconds: 60, // an export link works once, within this time
  maxDownloadsPerIp: 2, // export files of one address sent at once
  maxCheckEntries: 64, // entries of one node a gradient check looks at; more is a seeded sample
  maxCheckPasses: 4096, // forward passes of one check request, two an entry
  // Admission: the defaults; a server's flags change them, and its hello
  // sends its own (0: no limit).
  maxConns: 4096,
  maxConnsPerIp: 256,
  maxServerWidgets: 16384,
  maxTrainersPerConn: 3,
  maxTrainersPerIp: 64,
  maxSessionBytes: 167772160, // 160 MiB of models a connection, estimated before they are built
  maxServerBytes: 4294967296, // 4 GiB over all connections
});

export const Dir = Object.freeze({ FORWARD: "forward", BACKWARD: "backward" });

/** Lab: what an export request asks for (cmd/web/protocol/lab.go). */
export const Export = Object.freeze({
  WEIGHTS: "weights", // the model's parameters, .safetensors
  TRACE: "trace", // every node's value and gradient in the current pass, JSON
  GRAPH: "graph", // the graph as drawn, SVG
  HEATMAP: "heatmap", // one node's value or gradient, SVG: node, tensor
});
/** Lab: the tensor a heatmap export draws. */
export const Tensor = Object.freeze({
  VALUE: "value",
  GRAD: "grad",
});
/** Where an export message's file is fetched: its url is this path and a one-time token. */
export const EXPORT_PATH = "/export/";
/** Lab: the largest seek index the server reads; a widget refuses one past its timeline. */
export const MAX_SEEK_INDEX = 1048576; // 2^20

/**
 * Lab: a weights upload posts a .safetensors file's bytes, with this
 * content type, to UPLOAD_PATH?session=<hello.session>&widget=<id>, and
 * gets JSON back: {ok, tensors, params} or {ok: false, code, error}.
 */
export const UPLOAD_PATH = "/lab/weights";
export const UPLOAD_MEDIA_TYPE = "application/octet-stream";

/** The websocket address of this page's server. */
export function defaultURL(loc = window.location) {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${loc.host}/ws`;
}

/** Connection states a channel is told about. */
export const Status = Object.freeze({
  CONNECTING: "connecting",
  OPEN: "open",
  CLOSED: "closed",
});

/**
 * Client is one websocket for the whole page. It queues requests until the
 * socket is open, numbers them, routes answers to channels by widget id, and
 * reconnects after a lost connection, configuring every widget again.
 */
export class Client {
  constructor(url = defaultURL()) {
    this.url = url;
    this.ws = null;
    this.nextID = 1;
    this.queue = []; // frames waiting for the socket to open
    this.channels = new Map(); // widget id -> Channel
    this.hello = null;
    this.everOpened = false;
    this.retry = 0;
    this.refusal = null; // the error a refused connection got before its close
    this.closedByPage = false;
    window.addEventListener("pagehide", () => this.close());
    // A page restored from the back-forward cache gets a new socket; the
    // server configures its widgets again from the start.
    window.addEventListener("pageshow", (ev) => {
      if (ev.persisted) this.connect();
    });
  }

  /** Opens the socket (again). */
  connect() {
    this.closedByPage = false;
    this.setStatus(Status.CONNECTING);
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener("message", (ev) => this.receive(ev.data));
    ws.addEventListener("close", (ev) => this.closed(ev));
  }

  /** Closes the socket for good (the page is going away). */
  close() {
    this.closedByPage = true;
    if (this.ws) this.ws.close(1000, "page closed");
  }

  /** Returns the channel of a widget, creating it. */
  channel(widgetID, onMessage, onStatus = () => {}) {
    if (this.channels.has(widgetID)) throw new Error(`widget id ${widgetID} used twice on the page`);
    const ch = new Channel(this, widgetID, onMessage, onStatus);
    this.channels.set(widgetID, ch);
    return ch;
  }

  /** Sends one request and returns its id. */
  send(widgetID, type, fields = {}) {
    const id = this.nextID++;
    const frame = JSON.stringify({ type, widget: widgetID, id, ...fields });
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.hello) {
      this.ws.send(frame);
    } else {
      this.queue.push(frame);
    }
    return id;
  }

  receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      console.warn("stepgraph: unreadable server message");
      return;
    }
    if (msg.type === ServerType.HELLO) {
      this.opened(msg);
      return;
    }
    if (msg.type === ServerType.ERROR && !this.hello && !msg.widget) {
      // Admission refused the connection (server_full,
      // too_many_connections): the close follows.
      this.refusal = msg;
      return;
    }
    const ch = this.channels.get(msg.widget);
    if (ch) {
      ch.onMessage(msg);
    } else if (msg.type === ServerType.ERROR) {
      console.warn(`stepgraph: ${msg.code}: ${msg.message}`);
    }
  }

  opened(hello) {
    this.hello = hello;
    this.retry = 0;
    if (hello.version !== VERSION) {
      console.warn(`stepgraph: server speaks protocol ${hello.version}, this page ${VERSION}`);
    }
    // After a reconnect the server knows no widget: configure them again,
    // before anything queued meanwhile.
    const pending = this.queue;
    this.queue = [];
    if (this.everOpened) {
      for (const ch of this.channels.values()) ch.reconfigure();
    }
    this.everOpened = true;
    for (const frame of pending) this.ws.send(frame);
    this.setStatus(Status.OPEN);
  }

  closed(ev) {
    this.hello = null;
    const refusal = this.refusal;
    this.refusal = null;
    this.setStatus(Status.CLOSED, ev.code, refusal ? refusal.message : "");
    if (this.closedByPage) return;
    // Back off: 0.5 s, 1 s, 2 s ... up to 15 s; a full server is asked
    // again after about a minute, as its refusal says.
    let delay = Math.min(15000, 500 * 2 ** this.retry++);
    if (refusal) delay = 45000 + Math.random() * 30000;
    setTimeout(() => this.connect(), delay);
  }

  /** setStatus tells every channel the socket's status, the close code and
   * a refusal's message (for CLOSED). */
  setStatus(status, code, reason = "") {
    for (const ch of this.channels.values()) ch.onStatus(status, code, reason);
  }
}

/** Channel is one widget's view of the client. */
export class Channel {
  constructor(client, widgetID, onMessage, onStatus) {
    this.client = client;
    this.widget = widgetID;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.configuration = null;
  }

  /** Creates (or replaces) the widget on the server. */
  configure(kind, options = {}) {
    this.configuration = { kind, options };
    return this.send(ClientType.CONFIGURE, this.configuration);
  }

  reconfigure() {
    if (this.configuration) this.send(ClientType.CONFIGURE, this.configuration);
  }

  /** step runs count steps: Dir.FORWARD is the page's Next step, Dir.BACKWARD its Backprop step. */
  step(dir = Dir.FORWARD, count = 1) {
    return this.send(ClientType.STEP, { dir, count });
  }
  /** back moves count steps back in time: the page's Undo. */
  back(count = 1) {
    return this.send(ClientType.BACK, { count });
  }
  run(to = "end") {
    return this.send(ClientType.RUN, { to });
  }
  reset() {
    return this.send(ClientType.RESET);
  }
  set(name, value) {
    if (this.configuration) this.configuration.options = { ...this.configuration.options, [name]: String(value) };
    return this.send(ClientType.SET, { name, value });
  }
  select(node) {
    return this.send(ClientType.SELECT, { node });
  }
  /** train starts or stops ("start", "stop") training; fields are a start's rate and steps. */
  train(action, fields = {}) {
    return this.send(ClientType.TRAIN, { action, ...fields });
  }
  seek(index) {
    return this.send(ClientType.SEEK, { index });
  }
  export(what, fields = {}) {
    return this.send(ClientType.EXPORT, { what, ...fields });
  }
  /** optimize takes one optimizer step; node names the parameter to show (optional). */
  optimize(node) {
    return this.send(ClientType.OPTIMIZE, node ? { node } : {});
  }
  /** check asks for a gradient check of node at the cursor; checkAll of every parameter. */
  check(node) {
    return this.send(ClientType.CHECK, { node });
  }
  checkAll() {
    return this.send(ClientType.CHECK, { all: true });
  }
  /** Edits an attention's mask: { preset, length } or { row, col, allowed }. */
  mask(attention, edit) {
    return this.send(ClientType.MASK, { attention, ...edit });
  }

  send(type, fields = {}) {
    return this.client.send(this.widget, type, fields);
  }
}
