// Decision buttons: post the form in the background, update the card and the counts in
// place, and say what LinkedIn still needs. Copy buttons put a reply on the clipboard.
// Without this script the forms still work (the server answers with a redirect).
// Text from the server is set with textContent only, never as HTML.
"use strict";

const LABELS = {accept: "Accepted", ask: "Marked to ask \u201chave we met?\u201d",
                ignore: "Ignored", report: "Reported"};

function setText(selector, value) {
  document.querySelectorAll(selector).forEach((el) => { el.textContent = String(value); });
}

function updateCounts(data) {
  setText("#pending-count", data.pending);
  for (const [action, n] of Object.entries(data.counts || {})) {
    setText(`[data-count="${action}"]`, `${n} ${action}`);
    setText(`[data-group-count="${action}"]`, n);
  }
  setText("#decided-count", data.decided);
  const decided = document.getElementById("decided");
  if (decided && data.decided) decided.hidden = false;
}

function showLinkedIn(form, linkedin) {
  const p = form.parentElement.querySelector(".linkedin-next");
  if (!p || !linkedin) return;
  p.replaceChildren();
  const url = String(linkedin.url || "");
  const text = String(linkedin.text || "");
  p.append(document.createTextNode(url && text.endsWith(url) ? text.slice(0, -url.length) : text));
  if (url && text.endsWith(url) && new URL(url).hostname === "www.linkedin.com") {
    const a = document.createElement("a");
    a.href = url;
    a.rel = "noreferrer noopener";
    a.target = "_blank";
    a.textContent = url;
    p.append(a);
  }
}

async function decide(form, decision) {
  const card = form.closest(".card");
  const msg = form.querySelector(".decided-msg");
  const body = new URLSearchParams(new FormData(form));
  body.set("decision", decision);
  form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  msg.textContent = "Saving\u2026";
  msg.classList.remove("failed");
  try {
    const resp = await fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json"},
    });
    const data = await resp.json();
    if (!resp.ok || !data.ok) throw new Error(data.error || resp.statusText);
    msg.textContent = LABELS[decision] + " \u2713";
    card.classList.add("decided", "decided-" + decision);
    card.dataset.decision = decision;
    updateCounts(data);
    showLinkedIn(form, data.linkedin);
  } catch (err) {
    msg.textContent = "Not saved: " + err.message;
    msg.classList.add("failed");
    form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList.contains("decide")) return;
  event.preventDefault();
  const button = event.submitter;
  if (button && button.value) decide(form, button.value);
});

async function copyReply(button) {
  const box = document.getElementById(button.dataset.copy);
  const msg = button.parentElement.querySelector(".copy-msg");
  if (!box) return;
  box.focus();
  box.select();
  let done = false;
  try {
    await navigator.clipboard.writeText(box.value);
    done = true;
  } catch (err) {
    done = document.execCommand && document.execCommand("copy");
  }
  if (msg) msg.textContent = done ? "Copied \u2713" : "Selected: press Ctrl+C to copy";
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (button) copyReply(button);
});
