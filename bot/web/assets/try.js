// The simulator's page script: send a message, show the replies, offer the
// current choices as quick replies, poll for staff updates, and leave in a
// hurry ("Leave now" or Escape twice).
"use strict";
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("compose");
  const text = document.getElementById("text");
  const choices = document.getElementById("choices");
  const status = document.getElementById("status");
  let lastID = 0;
  let poller = null;

  // leave is the quick exit: clear the screen first (someone may be
  // looking), ask the server to erase the conversation, and replace this
  // page in the history with a neutral one so Back does not return here.
  function leave() {
    if (poller) clearInterval(poller);
    log.replaceChildren();
    choices.replaceChildren();
    text.value = "";
    status.textContent = "";
    document.title = "New Tab";
    try {
      fetch("/try/exit", { method: "POST", credentials: "same-origin", keepalive: true });
    } catch (e) { /* leaving matters more than the answer */ }
    window.location.replace(document.body.dataset.exit || "https://www.google.com/");
  }
  document.getElementById("leave").addEventListener("submit", function (e) {
    e.preventDefault();
    leave();
  });
  let lastEscape = 0;
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    const now = Date.now();
    if (now - lastEscape < 1000) { leave(); return; }
    lastEscape = now;
  });

  function bubble(dir, body) {
    const li = document.createElement("li");
    li.className = dir;
    li.textContent = body; // never innerHTML: messages are text
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function showChoices(list) {
    choices.replaceChildren();
    (list || []).forEach(function (c) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = c.key + " " + c.label;
      b.addEventListener("click", function () { send(c.key); });
      choices.appendChild(b);
    });
  }

  async function load(after) {
    const res = await fetch("/try/messages" + (after ? "?after=" + after : ""), { credentials: "same-origin" });
    if (!res.ok) return;
    const msgs = await res.json();
    msgs.forEach(function (m) {
      if (m.id > lastID) lastID = m.id;
      bubble(m.dir, m.text);
    });
  }

  async function send(body) {
    if (!body.trim() && body !== "") return;
    status.textContent = "";
    bubble("in", body);
    try {
      const res = await fetch("/try/messages", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: body }),
      });
      const data = await res.json();
      if (!res.ok) { status.textContent = data.error || "Could not send."; return; }
      let first = null;
      data.replies.forEach(function (r) { const li = bubble("out", r.text); if (!first) first = li; });
      showChoices(data.choices);
      // A long answer or list: show it from its start (the question),
      // not its last line.
      if (first && log.scrollHeight - first.offsetTop > log.clientHeight) {
        log.scrollTop = first.offsetTop - 8;
      }
      if (data.lang) document.documentElement.lang = data.lang;
      // Move lastID past what we just saw so polling does not repeat it.
      const res2 = await fetch("/try/messages?after=" + lastID, { credentials: "same-origin" });
      if (res2.ok) { (await res2.json()).forEach(function (m) { if (m.id > lastID) lastID = m.id; }); }
    } catch (e) {
      status.textContent = "Network error: your message may not have been sent.";
    }
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    const body = text.value;
    text.value = "";
    send(body);
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("reset").addEventListener("submit", async function (e) {
    e.preventDefault();
    await fetch("/try/reset", { method: "POST", credentials: "same-origin" });
    log.replaceChildren();
    showChoices([]);
    lastID = 0;
  });

  load(0).then(function () {
    if (lastID === 0) bubble("out", "Send any message to start, for example: hi");
  });
  // Staff updates to this conversation arrive as new stored messages.
  poller = setInterval(function () { load(lastID); }, 5000);
})();
