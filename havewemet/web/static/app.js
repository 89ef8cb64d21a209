// Decision buttons: post the form in the background and update the card in place.
// Without this script the form still works (the server answers with a redirect).
"use strict";

const LABELS = {accept: "Accepted", ask: "Marked to ask \u201chave we met?\u201d",
                ignore: "Ignored", report: "Reported"};

async function decide(form, decision) {
  const card = form.closest(".card");
  const msg = form.querySelector(".decided-msg");
  const body = new URLSearchParams(new FormData(form));
  body.set("decision", decision);
  form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  msg.textContent = "Saving\u2026";
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
    const count = document.getElementById("pending-count");
    if (count) count.textContent = String(data.pending);
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
