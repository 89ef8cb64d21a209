// havewemet's service worker (issue 17): the one door to the local program. It keeps
// one native messaging port to havewemet (the host keeps its triage loaded while the
// port is open) and passes the content script's questions through it. No request to
// any server: the extension has no permission to make one.
"use strict";

const HOST = "havewemet";
const INSTALL = "havewemet extension install";
let port = null;
let nextId = 1;
const waiting = new Map();

/** What a failed connection means, and the one command that fixes it. */
function hostError(text) {
  const t = text || "";
  if (/not found|forbidden|invalid/i.test(t)) {
    return { code: "no_host", message: "havewemet is not set up for this browser", command: INSTALL };
  }
  if (/exited|communicating/i.test(t)) {
    return { code: "host_exited", message: "havewemet stopped (was it upgraded or removed?)", command: INSTALL };
  }
  return { code: "host_error", message: `havewemet did not answer (${t})`, command: INSTALL };
}

function connect() {
  const p = chrome.runtime.connectNative(HOST);
  p.onMessage.addListener((msg) => {
    const w = waiting.get(msg.id);
    if (w) {
      waiting.delete(msg.id);
      w(msg);
    }
  });
  p.onDisconnect.addListener(() => {
    const error = hostError(chrome.runtime.lastError?.message || "disconnected");
    if (port === p) port = null;
    for (const w of waiting.values()) w({ error });
    waiting.clear();
  });
  return p;
}

function askHost(msg) {
  return new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    try {
      port = port || connect();
      port.postMessage({ ...msg, id });
    } catch (e) {
      waiting.delete(id);
      port = null;
      resolve({ error: hostError(String(e && e.message)) });
    }
  });
}

function toolbar(tabId, unreadable) {
  if (tabId === undefined) return;
  chrome.action.setBadgeText({ tabId, text: unreadable ? "!" : "" });
  chrome.action.setBadgeBackgroundColor?.({ tabId, color: "#b7892b" });
  chrome.action.setTitle({
    tabId,
    title: unreadable ? `havewemet cannot read this page (${unreadable} invitations)` : "havewemet",
  });
}

chrome.runtime.onMessage.addListener((message, sender, respond) => {
  if (sender.id !== chrome.runtime.id) return false;
  if (message && message.to === "host") {
    askHost(message.msg).then(respond);
    return true; // answers later
  }
  if (message && message.to === "toolbar") {
    toolbar(sender.tab?.id, message.unreadable);
  }
  return false;
});
