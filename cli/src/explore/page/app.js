// topsdk explore: plain JavaScript, no dependencies. Talks only to this server's /api/.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};
const post = (path, body) =>
  fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

const state = { api: null, searchSeq: 0, feed: null, sessions: [] };
// For the browser test: how long the last keystroke took to show its results.
window.__explore = { lastSearchMs: null, searches: 0, times: [] };

async function init() {
  const envs = await (await fetch("/api/environments")).json();
  for (const e of envs.environments) $("env").append(new Option(e, e));
  const s = await (await fetch("/api/sessions")).json();
  state.sessions = s.sessions || [];
  $("search").addEventListener("input", () => search($("search").value));
  $("tab-apis").addEventListener("click", () => tab("apis"));
  $("tab-messages").addEventListener("click", () => tab("messages"));
  $("publish").addEventListener("submit", publish);
  if (!envs.messages) $("tab-messages").disabled = true;
  search("");
}

async function search(q) {
  const seq = ++state.searchSeq;
  const t0 = performance.now();
  const r = await (await fetch("/api/search?limit=50&q=" + encodeURIComponent(q))).json();
  if (seq !== state.searchSeq) return; // a later keystroke answers instead
  const ul = $("results");
  ul.replaceChildren();
  for (const row of r.rows) {
    const b = el("button");
    b.type = "button";
    b.dataset.method = row.method;
    b.append(el("span", "method", row.method));
    b.append(el("span", "title", row.title + (row.category ? " · " + row.category : "")));
    if (row.deprecated) b.append(el("span", "deprecated", "deprecated"));
    b.addEventListener("click", () => openApi(row.method));
    const li = el("li");
    li.append(b);
    ul.append(li);
  }
  $("count").textContent = r.total + " API(s)" + (r.total > r.rows.length ? ", first " + r.rows.length + " shown" : "");
  window.__explore.lastSearchMs = performance.now() - t0;
  window.__explore.times.push(window.__explore.lastSearchMs);
  window.__explore.searches++;
}

function tab(which) {
  $("apis-view").hidden = which !== "apis";
  $("messages-view").hidden = which !== "messages";
  $("tab-apis").classList.toggle("active", which === "apis");
  $("tab-messages").classList.toggle("active", which === "messages");
  if (which === "messages" && !state.feed) openFeed();
}

function constraintText(f) {
  const c = f.constraints || {};
  const parts = [];
  if (c.max_length != null) parts.push("max length " + c.max_length);
  if (c.max_list_size != null) parts.push("at most " + c.max_list_size + " items");
  if (c.min_value != null) parts.push("min " + c.min_value);
  if (c.max_value != null) parts.push("max " + c.max_value);
  if (c.default != null) parts.push("default " + c.default);
  return parts.join(", ");
}

function input(f) {
  const kind = f.kind || "String";
  let i;
  if (kind === "Boolean") {
    i = el("select");
    for (const v of ["", "true", "false"]) i.append(new Option(v || "—", v));
  } else if (kind === "File") {
    i = el("input");
    i.type = "file";
  } else if (kind === "Object" || kind === "Json") {
    i = el("textarea");
    i.rows = 3;
    i.placeholder = "JSON";
  } else {
    i = el("input");
    i.placeholder = kind === "Date" ? "yyyy-MM-dd HH:mm:ss" : f.list ? kind + "[] (comma-separated)" : kind;
  }
  i.name = f.name;
  i.id = "param-" + f.name;
  if (f.example) i.placeholder = f.example;
  return i;
}

// A request object's fields as a nested form; sent as the JSON the param takes.
function objectForm(f) {
  const set = el("fieldset", "object");
  set.dataset.object = f.name;
  set.id = "param-" + f.name;
  for (const sub of f.fields) {
    const row = el("div", "params");
    const l = el("label", sub.required ? "req" : null, sub.name);
    let i;
    if (sub.kind === "Object" && !sub.list && (sub.fields || []).length) {
      i = objectForm(sub);
    } else {
      i = input(sub);
      i.removeAttribute("name");
      i.id = "";
      i.dataset.field = sub.name;
      i.dataset.kind = sub.kind || "String";
      if (sub.list) i.dataset.list = "1";
      if (sub.decimal) i.dataset.decimal = "1";
    }
    i.dataset.field = sub.name;
    row.append(l, i);
    set.append(row);
  }
  return set;
}

// The JSON value of an object form; null when nothing in it is filled.
function objectValue(set) {
  const out = {};
  for (const row of set.children) {
    const i = row.children[1];
    if (!i) continue;
    let v;
    if (i.tagName === "FIELDSET") {
      v = objectValue(i);
      if (v === null) continue;
    } else {
      if (i.value === "") continue;
      const kind = i.dataset.kind;
      const one = (t) =>
        kind === "Number" && !i.dataset.decimal && /^-?\d+$/.test(t.trim()) ? Number(t) :
        kind === "Boolean" ? t === "true" : t;
      v = i.dataset.list ? i.value.split(",").map((t) => one(t.trim())) : one(i.value);
    }
    out[i.dataset.field] = v;
  }
  return Object.keys(out).length ? out : null;
}

async function openApi(method) {
  for (const b of document.querySelectorAll("#results button")) b.classList.toggle("current", b.dataset.method === method);
  const r = await fetch("/api/apis/" + encodeURIComponent(method));
  const api = await r.json();
  const box = $("api");
  box.replaceChildren();
  if (!r.ok) {
    box.append(el("p", "error", api.error));
    return;
  }
  state.api = api;
  box.append(el("h2", "method", api.method));
  box.append(el("p", null, api.title || ""));
  const meta = [api.package, api.category, api.idempotent ? "read-only (idempotent)" : "may change data"];
  box.append(el("p", "muted", meta.filter(Boolean).join(" · ")));
  if (api.deprecated) box.append(el("p", "error", "Deprecated: " + (api.deprecated.note || api.deprecated.replacement || "")));
  if (api.doc_text) box.append(el("div", "doc", api.doc_text));
  const ex = api.examples || {};
  const errorSample = ex.error_json || ex.error_xml;
  if (errorSample) {
    const d = el("details");
    d.append(el("summary", "muted", "Documented error answer"), el("pre", null, errorSample));
    box.append(d);
  }
  const form = el("form");
  form.id = "call-form";
  const grid = el("div", "params");
  const fields = (api.request || []).slice().sort((a, b) => (b.required ? 1 : 0) - (a.required ? 1 : 0));
  for (const f of fields) {
    const l = el("label", f.required ? "req" : null, f.name);
    l.htmlFor = "param-" + f.name;
    const nested = f.kind === "Object" && !f.list && (f.fields || []).length;
    grid.append(l, nested ? objectForm(f) : input(f));
    const hint = [f.ty || f.kind, constraintText(f), f.description].filter(Boolean).join(" — ");
    grid.append(el("span"), el("span", "hint muted", hint));
  }
  if (!fields.length) grid.append(el("p", "muted", "No params."));
  form.append(grid);
  const sw = el("div", "switches");
  const sel = (id, opts) => {
    const s = el("select");
    s.id = id;
    for (const o of opts) s.append(new Option(o || "default", o));
    return s;
  };
  const labelled = (text, ctl) => {
    const l = el("label", null, text + " ");
    l.append(ctl);
    return l;
  };
  sw.append(labelled("sign", sel("sign_method", ["", "md5", "hmac", "hmac-sha256"])));
  sw.append(labelled("format", sel("format", ["", "json", "xml"])));
  const simplify = el("input");
  simplify.type = "checkbox";
  simplify.id = "simplify";
  sw.append(labelled("simplify", simplify));
  const session = el("select");
  session.id = "session";
  session.append(new Option("no session", ""));
  for (const s of state.sessions) {
    const label = s.shop + " " + (s.nick || "") + " — " + (s.expired ? "EXPIRED " : "until ") + (s.expires_at || "?");
    const o = new Option(label, String(s.shop));
    if (s.expired) o.className = "error";
    session.append(o);
  }
  sw.append(labelled("session", session));
  const reveal = el("input");
  reveal.type = "checkbox";
  reveal.id = "reveal";
  sw.append(labelled("reveal secrets", reveal));
  form.append(sw);
  const call = el("button", "primary", "Call");
  call.type = "submit";
  call.id = "call";
  const curl = el("button", "secondary", "Copy as curl");
  curl.type = "button";
  curl.id = "copy-curl";
  curl.addEventListener("click", copyCurl);
  form.append(call, " ", curl);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    doCall(false);
  });
  box.append(form);
  const out = el("div", "result");
  out.id = "result";
  box.append(out);
}

async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

async function callBody(confirm) {
  const params = {};
  const files = {};
  for (const set of document.querySelectorAll("#call-form fieldset.object")) {
    if (set.parentElement.closest("fieldset.object")) continue; // a nested one: its parent's
    const v = objectValue(set);
    if (v !== null) params[set.dataset.object] = JSON.stringify(v);
  }
  for (const i of document.querySelectorAll("#call-form .params [name]")) {
    if (i.type === "file") {
      if (i.files.length) files[i.name] = { name: i.files[0].name, base64: await base64Of(i.files[0]) };
    } else if (i.value !== "") params[i.name] = i.value;
  }
  const body = {
    method: state.api.method,
    env: $("env").value,
    params,
    sign_method: $("sign_method").value || null,
    format: $("format").value || null,
    simplify: $("simplify").checked,
    reveal: $("reveal").checked,
    confirm,
  };
  if (Object.keys(files).length) body.files = files;
  if ($("session").value) body.shop = Number($("session").value);
  return body;
}

function kvTable(pairs) {
  const t = el("table", "kv");
  for (const [k, v] of pairs) {
    const tr = el("tr");
    tr.append(el("td", null, k), el("td", v === "***" ? "masked" : null, v));
    t.append(tr);
  }
  return t;
}

function tree(value, key) {
  if (value !== null && typeof value === "object") {
    const d = el("details");
    d.open = true;
    const s = el("summary");
    if (key !== undefined) s.append(el("span", "key", key), ": ");
    s.append(Array.isArray(value) ? "[" + value.length + "]" : "{" + Object.keys(value).length + "}");
    d.append(s);
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [k, v] of entries) d.append(tree(v, k));
    return d;
  }
  const div = el("div", "leaf");
  if (key !== undefined) div.append(el("span", "key", key), ": ");
  div.append(el("span", value === "***" ? "masked" : "value", JSON.stringify(value)));
  return div;
}

function banText(b) {
  const parts = [];
  if (b.app_secs) parts.push("app banned " + b.app_secs + " s more");
  if (b.api_secs) parts.push("this API banned " + b.api_secs + " s more");
  if (b.session_secs) parts.push("this shop banned " + b.session_secs + " s more");
  return parts.length ? " · " + parts.join(", ") : " · no ban";
}

async function doCall(confirm) {
  const out = $("result");
  out.replaceChildren(el("p", "muted", "Calling…"));
  const r = await post("/api/call", await callBody(confirm));
  const res = await r.json();
  if (r.status === 409 && res.confirm_needed) {
    out.replaceChildren(el("p", "error", res.error));
    if (window.confirm(res.error)) return doCall(true);
    return;
  }
  out.replaceChildren();
  if (!r.ok) {
    out.append(el("p", "error", res.error));
    out.id = "result";
    out.dataset.state = "refused";
    return;
  }
  out.dataset.state = res.ok ? "ok" : "error";
  const head = el("p", res.ok ? "ok" : "error",
    (res.http_status ? "HTTP " + res.http_status + " · " : "") + (res.ok ? "answered" : "failed") +
    " in " + res.elapsed_ms + " ms · quota: " + res.quota.waits + " waits, " + res.quota.refused + " refused" +
    banText(res.bans));
  head.id = "status";
  out.append(head);
  out.append(el("h3", null, "Signed request"));
  out.append(el("p", "method", res.request.http_method + " " + res.request.url));
  out.append(el("p", "muted", "query (system params, sign; the secret is never sent):"), kvTable(res.request.query));
  if (Array.isArray(res.request.form)) out.append(el("p", "muted", "form:"), kvTable(res.request.form));
  if (res.ok) {
    out.append(el("h3", null, "Response" + (res.masked ? " (sensitive fields masked)" : "")));
    const t = el("div", "tree");
    t.id = "tree";
    t.append(tree(res.response));
    out.append(t);
  } else {
    const e = el("pre", "error", JSON.stringify(res.error, null, 2));
    e.id = "call-error";
    out.append(el("h3", null, "Error"), e);
  }
  if (res.rust) {
    out.append(el("h3", null, "Copy as Rust"));
    const pre = el("pre", null, res.rust);
    pre.id = "rust";
    const b = el("button", "secondary", "Copy");
    b.type = "button";
    b.addEventListener("click", () => copy(res.rust));
    out.append(b, pre);
  }
}

async function copyCurl() {
  const r = await post("/api/curl", await callBody(false));
  const res = await r.json();
  let pre = $("curl");
  if (!pre) {
    pre = el("pre");
    pre.id = "curl";
    $("api").append(pre);
  }
  pre.textContent = r.ok ? res.curl : "error: " + res.error;
  if (r.ok) copy(res.curl);
}

function copy(text) {
  if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
}

function openFeed() {
  state.feed = new EventSource("/api/messages/feed");
  state.feed.onopen = () => ($("feed-status").textContent = "(live)");
  state.feed.onerror = () => ($("feed-status").textContent = "(reconnecting…)");
  state.feed.addEventListener("message", (ev) => {
    const m = JSON.parse(ev.data);
    const li = el("li");
    li.dataset.id = String(m.id);
    li.append(el("strong", "method", m.topic), " ", el("span", "muted", "id " + m.id + " · " + (m.outgoing_time || "")));
    li.append(" ", el("span", "muted", m.typed ? "typed" : "untyped"));
    const typed = el("pre", null, JSON.stringify(m.content, null, 2));
    const b = el("button", "secondary", "Confirm");
    b.type = "button";
    b.addEventListener("click", async () => {
      const r = await post("/api/messages/confirm", { id: m.id });
      if (r.ok) {
        li.classList.add("confirmed");
        b.disabled = true;
        b.textContent = "Confirmed";
      }
    });
    li.append(typed, b);
    $("messages").prepend(li);
  });
}

async function publish(e) {
  e.preventDefault();
  const r = await post("/api/messages/publish", { topic: $("pub-topic").value, content: $("pub-content").value });
  const res = await r.json();
  $("pub-status").textContent = r.ok ? "published, id " + res.published : res.error;
  if (!state.feed) openFeed();
}

init();
