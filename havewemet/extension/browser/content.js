// havewemet on linkedin.com (issue 17): finds the invitation cards (read.js), asks the
// local havewemet (through worker.js and native messaging) and shows each verdict in
// the card. LinkedIn's own scripts share this DOM: the only things it can see are the
// badge's host element and its two data attributes; every word from the user's data
// is drawn inside a closed shadow root. Text from anyone is set with textContent only.
"use strict";

(() => {
  const read = globalThis.havewemetRead;
  const PAGES = /^\/(mynetwork(\/|$)|in\/[^/]+\/?)/;
  const cards = new WeakMap(); // card element -> {url, host, data}
  const options = { save: true, recordDecisions: true };
  let timer = 0;
  let nextKey = 1;
  let banner = null;
  let outreachHost = null;
  let outreachUrl = "";

  chrome.storage?.local?.get(["save", "recordDecisions"]).then((o) => Object.assign(options, o));
  chrome.storage?.onChanged?.addListener((changes) => {
    for (const [k, v] of Object.entries(changes)) if (k in options) options[k] = v.newValue;
  });

  function ask(msg) {
    return chrome.runtime
      .sendMessage({ to: "host", msg })
      .catch((e) => ({ error: { code: "no_worker", message: String(e), command: "" } }));
  }

  // -- drawing (inside closed shadow roots only) ---------------------------------------

  const CSS = `
    :host { all: initial; display: block; margin: 6px 0; font: 13px/1.4 system-ui, sans-serif; }
    .badge { display: inline-flex; gap: 6px; align-items: center; border: 1px solid #999;
      border-radius: 12px; padding: 2px 10px; background: #f3f3f3; color: #222; cursor: pointer;
      font: inherit; }
    .badge b { font-weight: 600; }
    .mark { font-weight: 700; letter-spacing: .02em; }
    .accept { background: #e3f4e6; border-color: #3c8a4a; }
    .ask { background: #fff4d6; border-color: #b7892b; }
    .ignore { background: #eef0f2; border-color: #8a939c; }
    .report { background: #fbe4e4; border-color: #b03a3a; }
    .problem { background: #fbe4e4; border-color: #b03a3a; }
    .panel { margin-top: 6px; padding: 8px 10px; border: 1px solid #ccc; border-radius: 6px;
      background: #fff; color: #222; max-width: 560px; }
    .panel[hidden] { display: none; }
    h4 { margin: 8px 0 2px; font-size: 12px; text-transform: uppercase; color: #555; }
    ul { margin: 0; padding-left: 18px; }
    li { margin: 1px 0; }
    .dim { color: #666; }
    textarea { width: 100%; box-sizing: border-box; font: inherit; min-height: 54px; }
    code { background: #f0f0f0; padding: 1px 4px; border-radius: 3px; user-select: all; }
    button.small { font: inherit; font-size: 12px; margin-top: 4px; cursor: pointer; }
    .banner { position: fixed; top: 0; left: 0; right: 0; z-index: 2147483647;
      background: #fff4d6; border-bottom: 2px solid #b7892b; padding: 8px 14px; color: #222; }
  `;

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else if (k === "hidden") e.hidden = !!v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c) e.append(c);
    return e;
  }

  function shadowHost(tag) {
    const host = document.createElement(tag);
    const root = host.attachShadow({ mode: "closed" });
    root.append(el("style", { text: CSS }));
    return { host, root };
  }

  const VERDICT = {
    known: "Known",
    met: "Met",
    "known of": "Known of",
    "connected through": "Connected through",
    stranger: "Stranger",
  };
  const ACTION = {
    accept: "accept",
    ask: "ask “have we met?”",
    ignore: "ignore",
    report: "report",
  };

  function list(title, items, line) {
    if (!items || !items.length) return null;
    return el("div", {}, el("h4", { text: title }), el("ul", {}, ...items.map((i) => el("li", {}, ...line(i)))));
  }

  function copyButton(text) {
    const b = el("button", { class: "small", type: "button", text: "Copy" });
    b.addEventListener("click", (ev) => {
      ev.stopPropagation();
      navigator.clipboard?.writeText(text).then(() => (b.textContent = "Copied"));
    });
    return b;
  }

  function evidenceLine(e) {
    return [
      el("span", { class: "dim", text: (e.at || "undated").slice(0, 10) + " · " }),
      document.createTextNode(e.text),
      el("span", { class: "dim", text: e.source ? ` (${e.source})` : "" }),
    ];
  }

  function mutualLine(m) {
    const who = m.resolved && m.resolved !== m.name ? `${m.name} (${m.resolved})` : m.name;
    const tie = m.resolved ? `tie ${Math.round(m.strength * 100)}%` : "not in your data";
    return [document.createTextNode(who), el("span", { class: "dim", text: ` · ${tie}` })];
  }

  function errorPanel(err) {
    return el(
      "div",
      { class: "panel", hidden: true },
      el("div", { text: err.message || "havewemet did not answer" }),
      err.command ? el("div", {}, document.createTextNode("Run: "), el("code", { text: err.command }), copyButton(err.command)) : null,
    );
  }

  function resultPanel(r) {
    const parts = [
      el("div", {}, el("b", { text: `${VERDICT[r.verdict] || r.verdict}: ` }), document.createTextNode(r.rule || "")),
      list("Evidence", r.evidence, evidenceLine),
      list("Signals", r.signals, (s) => [document.createTextNode(s.text)]),
      list("Mutual connections", r.mutuals, mutualLine),
    ];
    if (r.reply) {
      const ta = el("textarea", { readonly: "", text: r.reply });
      parts.push(el("div", {}, el("h4", { text: "Reply" }), ta, copyButton(r.reply)));
    }
    const seen = [["Name", r.name], ["Headline", r.headline], ["Note", r.note]].filter(([, v]) => v);
    parts.push(list("Read from the page", seen, ([k, v]) => [el("span", { class: "dim", text: `${k}: ` }), document.createTextNode(v)]));
    return el("div", { class: "panel", hidden: true }, ...parts);
  }

  /** The badge in a card: words first, then the panel on click. */
  function drawBadge(state, answer) {
    const { host } = state;
    const root = state.root;
    root.replaceChildren(root.firstChild); // keep the style
    let button;
    let panel;
    host.removeAttribute("data-havewemet-verdict");
    host.removeAttribute("data-havewemet-recommendation");
    if (!answer) {
      button = el("span", { class: "badge" }, el("span", { class: "mark", text: "havewemet" }), document.createTextNode("…"));
    } else if (answer.error) {
      const e = answer.error;
      button = el(
        "button",
        { class: "badge problem", type: "button" },
        el("span", { class: "mark", text: "havewemet" }),
        document.createTextNode(e.command ? `${e.message} — run: ${e.command}` : e.message),
      );
      panel = errorPanel(e);
    } else {
      host.setAttribute("data-havewemet-verdict", answer.verdict_code);
      host.setAttribute("data-havewemet-recommendation", answer.recommendation);
      button = el(
        "button",
        { class: `badge ${answer.recommendation}`, type: "button" },
        el("span", { class: "mark", text: "havewemet" }),
        el("b", { text: VERDICT[answer.verdict] || answer.verdict }),
        document.createTextNode(`· ${ACTION[answer.recommendation] || answer.recommendation}`),
      );
      panel = resultPanel(answer);
    }
    root.append(button);
    if (panel) {
      root.append(panel);
      button.addEventListener("click", (ev) => {
        ev.preventDefault();
        ev.stopPropagation();
        panel.hidden = !panel.hidden;
      });
    }
  }

  // -- cards ---------------------------------------------------------------------------

  /** Puts the badge under the name (its link, or a profile's heading), else before
   * the Accept/Ignore pair. */
  function place(card, host) {
    const under = card.link || card.anchor;
    if (under) {
      under.insertAdjacentElement("afterend", host);
      return;
    }
    let actions = card.accept.parentElement;
    while (actions && !actions.contains(card.ignore)) actions = actions.parentElement;
    const anchor = actions && actions !== card.el ? actions : card.accept;
    anchor.parentElement.insertBefore(host, anchor);
  }

  async function annotate(found) {
    const batch = [];
    for (const card of found) {
      const old = cards.get(card.el);
      if (old && old.url === card.profile_url && old.host.isConnected) continue;
      const { host, root } = shadowHost("havewemet-badge");
      const state = { url: card.profile_url, host, root, card, key: String(nextKey++) };
      cards.set(card.el, state);
      if (old) old.host.remove();
      place(card, host);
      drawBadge(state, null);
      batch.push(state);
    }
    if (!batch.length) return;
    const answer = await ask({
      type: "triage",
      save: options.save,
      cards: batch.map((s) => payload(s.card, s.key)),
    });
    const byKey = new Map((answer.results || []).map((r) => [r.key, r]));
    for (const s of batch) {
      s.data = answer.error ? answer : byKey.get(s.key) || { error: { message: "no answer for this card" } };
      drawBadge(s, s.data);
    }
  }

  function payload(card, key) {
    return {
      key,
      name: card.name,
      profile_url: card.profile_url,
      headline: card.headline,
      note: card.note,
      mutuals: card.mutuals,
      mutual_count: card.mutual_count,
      profile_facts: card.profile_facts,
    };
  }

  // -- a profile page with no invitation: the outreach check ---------------------------

  async function outreach(profile) {
    if (outreachHost?.isConnected && outreachUrl === profile.profile_url) return;
    outreachHost?.remove();
    const { host, root } = shadowHost("havewemet-outreach");
    outreachUrl = profile.profile_url;
    outreachHost = host;
    profile.anchor.insertAdjacentElement("afterend", host);
    const box = el("div", { class: "panel" }, el("span", { class: "mark", text: "havewemet …" }));
    root.append(box);
    const show = (answer) => {
      box.replaceChildren();
      if (answer.error) {
        box.append(el("span", { class: "mark", text: "havewemet " }), errorPanel(answer.error));
        box.lastChild.hidden = false;
        return;
      }
      const o = answer.outreach;
      box.append(
        el("div", {}, el("span", { class: "mark", text: "havewemet " }), el("b", { text: `${VERDICT[o.verdict] || o.verdict}. ` }), document.createTextNode(`Send a request? ${o.advice}`)),
        list("What you share", o.evidence, evidenceLine),
        list("Mutual connections", o.mutuals, mutualLine),
      );
      if (o.opening) box.append(el("h4", { text: "An opening" }), el("div", { text: o.opening }));
      const ta = el("textarea", { placeholder: "Your note, to check before you send it" });
      const check = el("button", { class: "small", type: "button", text: "Check the note" });
      const problems = el("ul");
      check.addEventListener("click", async () => {
        const a = await ask({ type: "outreach", profile: payload(profile, "profile"), note: ta.value });
        problems.replaceChildren(
          ...(a.error ? [a.error.message] : a.outreach.note_problems.length ? a.outreach.note_problems : ["fine"]).map((t) => el("li", { text: t })),
        );
      });
      box.append(el("h4", { text: "Your note" }), ta, check, problems);
    };
    show(await ask({ type: "outreach", profile: payload(profile, "profile") }));
  }

  // -- a page havewemet cannot read ----------------------------------------------------

  function showBanner(unread) {
    chrome.runtime.sendMessage({ to: "toolbar", unreadable: unread.length }).catch(() => {});
    if (!unread.length) {
      banner?.remove();
      banner = null;
      return;
    }
    if (banner?.isConnected) {
      banner.unread = unread;
      return;
    }
    const { host, root } = shadowHost("havewemet-banner");
    banner = host;
    banner.unread = unread;
    const save = el("button", { class: "small", type: "button", text: "Save the unread markup" });
    const close = el("button", { class: "small", type: "button", text: "Close" });
    save.addEventListener("click", () => saveMarkup(banner.unread, root));
    close.addEventListener("click", () => host.remove());
    root.append(
      el(
        "div",
        { class: "banner", role: "alert" },
        el("b", { text: "havewemet cannot read this page" }),
        document.createTextNode(
          ` — ${unread.length} invitation(s) have an Accept button havewemet cannot pair with a name and a profile. LinkedIn may have changed its page. `,
        ),
        save,
        document.createTextNode(" (names and notes removed; attach it to a bug report) "),
        close,
      ),
    );
    document.documentElement.append(host);
  }

  function saveMarkup(unread, root) {
    const regions = [...new Set(unread.map(read.unreadRegion))];
    const html =
      `<!-- havewemet: LinkedIn markup it could not read, names and notes removed. ` +
      `${new Date().toISOString()} ${location.pathname.replace(/\/in\/[^/]+/, "/in/slug")} -->\n` +
      regions.map(read.sanitize).join("\n");
    const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
    const a = el("a", { href: url, download: "havewemet-unread-linkedin-markup.html" });
    root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
  }

  // -- the page's own Accept and Ignore: the decision is kept --------------------------

  document.addEventListener(
    "click",
    (ev) => {
      if (!options.recordDecisions) return;
      const b = ev.target instanceof Element && ev.target.closest("button, [role='button']");
      if (!b) return;
      for (let n = b.parentElement; n; n = n.parentElement) {
        const s = cards.get(n);
        if (!s) continue;
        const decision = b === s.card.accept ? "accept" : b === s.card.ignore ? "ignore" : "";
        if (decision) ask({ type: "decide", decision, card: payload(s.card, s.key) });
        return;
      }
    },
    true,
  );

  // -- following the single-page app ---------------------------------------------------

  function scan() {
    timer = 0;
    if (!PAGES.test(location.pathname)) return;
    const { cards: found, unread } = read.findCards(document);
    let rest = unread;
    if (/^\/in\//.test(location.pathname)) {
      const profile = read.readProfile(document);
      if (profile) {
        rest = unread.filter((a) => !profile.el.contains(a));
        if (profile.accept && profile.ignore) found.push(profile);
        else outreach(profile);
      }
    }
    annotate(found);
    showBanner(rest);
  }

  function later() {
    if (!timer) timer = setTimeout(scan, 150);
  }

  new MutationObserver((records) => {
    // Our own elements changing is no reason to read the page again.
    if (records.every((r) => /^HAVEWEMET-/.test(r.target.nodeName) || [...r.addedNodes].every((n) => /^HAVEWEMET-/.test(n.nodeName)))) return;
    later();
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("popstate", later);
  scan();
})();
