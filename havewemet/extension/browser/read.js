// havewemet: reading LinkedIn's pages (issue 17). Pure functions over the DOM, no
// messaging: content.js calls them. Everything here finds things by structure and
// text (a link to /in/..., an Accept/Ignore pair, the words LinkedIn writes), never by
// LinkedIn's generated class names. When LinkedIn changes its page, this is the file
// to change (docs/extension.md says which function reads what).
"use strict";

globalThis.havewemetRead = (() => {
  // Button labels, in English, French, German and Spanish (visible text or aria-label).
  const ACCEPT = ["accept", "accepter", "annehmen", "aceptar"];
  const IGNORE = ["ignore", "ignorer", "ignorieren", "ignorar"];
  // "Amira Haddad and 12 other mutual connections", "12 relations en commun", ...
  const MUTUAL_LINE =
    /mutual connection|relations? en commun|gemeinsame[rn]? (?:Kontakt|Verbindung)|en común/i;
  const MUTUAL_OTHERS =
    /\s+(?:and|et|und|y)\s+(\d[\d.,\u00a0\u202f ]*)\s*(?:other|others|autres?|weitere|más|contactos|conexiones)\b.*$/i;
  const MUTUAL_TAIL =
    /\s+(?:is|are|est|sont|ist|sind|es|son)\s+(?:a|an|une?|ein(?:e[rn]?)?|gemeinsame[rn]?|)\s*.*$/i;
  const NAME_JOIN = /\s*,\s*|\s+(?:and|et|und|y)\s+/i;
  // Lines that are neither the headline nor the note.
  const SKIP_LINE = new RegExp(
    [
      "^(?:see more|see less|voir plus|voir moins|mehr anzeigen|weniger anzeigen|ver más|ver menos|…more|\\.\\.\\.more)$",
      "invited you to connect|is inviting you|vous invite|lädt sie|hat sie eingeladen|te ha invitado|te invita",
      "^(?:\\d+\\s*(?:s|m|h|d|w|mo|yr|j|sem|t|wk)|yesterday|today|hier|aujourd’hui|gestern|heute|ayer|hoy)$",
      "\\b(?:ago|il y a|vor \\d|hace \\d)\\b",
      "^(?:·\\s*)?(?:1st|2nd|3rd\\+?|1er|2e|3e\\+?|1\\.|2\\.|3\\.\\+?)$",
      "^(?:status is|statut|status:)",
      "profile (?:photo|picture)|photo de profil|profilbild|foto del perfil",
    ].join("|"),
    "i",
  );
  const CONNECTIONS = /([\d.,\u00a0\u202f ]+)(\+?)\s*(?:connections|relations|Kontakte|contactos|conexiones)\b/i;
  const FOLLOWERS = /([\d.,\u00a0\u202f ]+)\s*(?:followers|abonnés|Follower(?:innen)?|seguidores)\b/i;

  const words = (s) => (s || "").toLowerCase().replace(/[’']s\b/g, "").split(/[^\p{L}]+/u);

  function buttonLabel(b) {
    return (b.innerText || b.textContent || "").trim().toLowerCase();
  }

  /** Whether a button is one of ``vocab`` (its visible text, else its aria-label). */
  function isButton(b, vocab) {
    const text = buttonLabel(b);
    if (text) return vocab.includes(text);
    return words(b.getAttribute("aria-label")).some((w) => vocab.includes(w));
  }

  function buttons(root, vocab) {
    return [...root.querySelectorAll("button, [role='button']")].filter((b) => isButton(b, vocab));
  }

  /** The profile slug of a link to /in/<slug>, else "". */
  function profileSlug(href) {
    try {
      const u = new URL(href, "https://www.linkedin.com/");
      if (!/(^|\.)linkedin\.com$/.test(u.hostname)) return "";
      const m = u.pathname.match(/^\/in\/([^/?#]+)\/?/);
      return m ? decodeURIComponent(m[1]) : "";
    } catch {
      return "";
    }
  }

  function profileLinks(el) {
    return [...el.querySelectorAll("a[href]")].filter((a) => profileSlug(a.getAttribute("href")));
  }

  function lines(el, exclude) {
    const out = [];
    for (const raw of (el.innerText || "").split("\n")) {
      const line = raw.replace(/\s+/g, " ").trim();
      if (line && !exclude.has(line)) out.push(line);
    }
    return out;
  }

  /** Names and count from LinkedIn's mutual-connection line. */
  function parseMutuals(line) {
    let s = (line || "").replace(/\s+/g, " ").trim();
    if (!s) return { names: [], count: 0 };
    let others = 0;
    const m = s.match(MUTUAL_OTHERS);
    if (m) {
      others = parseInt(m[1].replace(/\D/g, ""), 10) || 0;
      s = s.slice(0, m.index);
    } else {
      s = s.replace(MUTUAL_TAIL, "");
    }
    if (/^\d/.test(s)) {
      // "12 mutual connections": a count, no names
      return { names: [], count: parseInt(s.replace(/\D/g, ""), 10) || 0 };
    }
    const names = s
      .split(NAME_JOIN)
      .map((n) => n.trim())
      .filter((n) => n && !MUTUAL_LINE.test(n));
    return { names, count: names.length + others };
  }

  function photoOf(el) {
    const img = el.querySelector("img");
    if (!img) return false;
    const src = img.getAttribute("src") || "";
    return !!src && !src.startsWith("data:") && !/ghost/i.test(img.className + " " + src);
  }

  function count(text, re) {
    const m = (text || "").match(re);
    return m ? parseInt(m[1].replace(/\D/g, ""), 10) || 0 : null;
  }

  function cleanUrl(slug) {
    return slug ? `https://www.linkedin.com/in/${encodeURIComponent(slug)}/` : "";
  }

  /** What a card says: name, profile address, headline, note, mutuals, facts. */
  function readCard(card, accept, ignore) {
    const exclude = new Set(
      [...card.querySelectorAll("button, [role='button']")].flatMap((b) =>
        (b.innerText || "").split("\n").map((t) => t.replace(/\s+/g, " ").trim()),
      ),
    );
    const links = profileLinks(card);
    const named = links.find((a) => (a.innerText || "").trim()) || links[0];
    const slug = named ? profileSlug(named.getAttribute("href")) : "";
    let name = named ? lines(named, exclude)[0] || "" : "";
    if (!name) {
      // Only a photo link: the Accept button's label names them ("Accept Jane Doe’s invitation").
      const label = accept.getAttribute("aria-label") || "";
      const m = label.match(/^\S+\s+(.+?)[’']s\b/);
      name = m ? m[1].trim() : "";
    }
    const all = lines(card, exclude);
    const mutualLine = all.find((l) => MUTUAL_LINE.test(l)) || "";
    const rest = all.filter((l) => l !== name && l !== mutualLine && !SKIP_LINE.test(l));
    // The headline is in the name's link or right after the name; the note after that.
    const inLink = named ? lines(named, exclude).filter((l) => l !== name && !SKIP_LINE.test(l)) : [];
    const headline = inLink[0] || rest[0] || "";
    const note = rest.filter((l) => l !== headline).join("\n");
    const mutuals = parseMutuals(mutualLine);
    return {
      name,
      profile_url: cleanUrl(slug),
      headline,
      note,
      mutuals: mutuals.names,
      mutual_count: mutuals.count,
      profile_facts: {
        has_photo: photoOf(card),
        mutual_count: mutuals.count,
      },
      link: named,
      accept,
      ignore,
    };
  }

  /**
   * The invitation cards under ``root``: for each Accept button, the smallest element
   * around it that also holds an Ignore button and a link to a profile, and no other
   * Accept button. Accept buttons with no such card are returned as ``unread``.
   */
  function findCards(root) {
    const accepts = buttons(root, ACCEPT);
    const cards = [];
    const unread = [];
    for (const accept of accepts) {
      let el = accept.parentElement;
      let found = null;
      while (el && el !== document.documentElement) {
        if (accepts.some((a) => a !== accept && el.contains(a))) break;
        if (buttons(el, IGNORE).length && profileLinks(el).length) {
          found = el;
          break;
        }
        el = el.parentElement;
      }
      const card = found && readCard(found, accept, buttons(found, IGNORE)[0]);
      if (card && card.name && card.profile_url) cards.push({ el: found, ...card });
      else unread.push(accept);
    }
    return { cards, unread };
  }

  /** A profile page (/in/<slug>/): its name, headline, counts and mutuals. */
  function readProfile(doc) {
    const slug = profileSlug(doc.location.href);
    const h1 = doc.querySelector("main h1") || doc.querySelector("h1");
    if (!slug || !h1) return null;
    // The top card: the nearest block around the name that shows the counts too.
    let top = h1.parentElement;
    for (let i = 0; i < 5 && top.parentElement; i++) {
      if (CONNECTIONS.test(top.innerText || "") || FOLLOWERS.test(top.innerText || "")) break;
      top = top.parentElement;
    }
    const exclude = new Set(
      [...top.querySelectorAll("button, [role='button']")].map((b) => (b.innerText || "").trim()),
    );
    const name = (h1.innerText || "").trim();
    const all = lines(top, exclude);
    const at = all.indexOf(name);
    const text = top.innerText || "";
    const mutualLine = all.find((l) => MUTUAL_LINE.test(l)) || "";
    const headline =
      all
        .slice(at + 1)
        .find(
          (l) =>
            !SKIP_LINE.test(l) &&
            !/^\(.*\)$/.test(l) &&
            !CONNECTIONS.test(l) &&
            !FOLLOWERS.test(l) &&
            l !== mutualLine,
        ) || "";
    const mutuals = parseMutuals(mutualLine);
    const accept = buttons(top, ACCEPT)[0] || null;
    const ignore = buttons(top, IGNORE)[0] || null;
    return {
      el: top,
      anchor: h1,
      name,
      profile_url: cleanUrl(slug),
      headline,
      note: "",
      mutuals: mutuals.names,
      mutual_count: mutuals.count,
      profile_facts: {
        has_photo: photoOf(top),
        mutual_count: mutuals.count,
        connections: count(text, CONNECTIONS),
        connections_more: /\d\s*\+\s*(?:connections|relations|Kontakte|contactos)/i.test(text),
        followers: count(text, FOLLOWERS),
      },
      accept,
      ignore,
    };
  }

  /** The region around an unread Accept button that a bug report needs. */
  function unreadRegion(accept) {
    let el = accept;
    for (let i = 0; i < 6 && el.parentElement && el.parentElement !== document.body; i++) {
      el = el.parentElement;
      if (/^(LI|ARTICLE|SECTION)$/.test(el.tagName)) break;
    }
    return el;
  }

  const KEEP_WORDS = new Set([...ACCEPT, ...IGNORE]);

  function blank(text) {
    // Letters to x and digits to 0: the shape stays, the names and notes go.
    return text.replace(/\p{L}/gu, "x").replace(/\p{N}/gu, "0");
  }

  function keepOrBlank(text) {
    return text
      .split(/(\s+)/)
      .map((w) => (KEEP_WORDS.has(w.toLowerCase()) ? w : blank(w)))
      .join("");
  }

  /** A copy of ``el`` for a bug report: its structure, with every name and note removed. */
  function sanitize(el) {
    const copy = el.cloneNode(true);
    const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    const drop = [];
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        n.nodeValue = keepOrBlank(n.nodeValue);
        continue;
      }
      if (/^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|IFRAME)$/.test(n.tagName)) {
        drop.push(n);
        continue;
      }
      for (const attr of [...n.attributes]) {
        const v = attr.value;
        if (attr.name === "href") {
          n.setAttribute("href", profileSlug(v) ? "/in/slug/" : v.startsWith("#") ? v : "#");
        } else if (attr.name === "class" || attr.name === "role" || attr.name === "type") {
          continue;
        } else if (attr.name === "aria-label" || attr.name === "title" || attr.name === "alt") {
          n.setAttribute(attr.name, keepOrBlank(v));
        } else if (attr.name.startsWith("on") || attr.name === "src" || attr.name === "srcset") {
          n.removeAttribute(attr.name);
        } else {
          n.setAttribute(attr.name, /^[a-z-]{0,30}$/i.test(v) ? v : blank(v));
        }
      }
    }
    drop.forEach((n) => n.remove());
    return copy.outerHTML;
  }

  return {
    ACCEPT,
    IGNORE,
    findCards,
    readProfile,
    parseMutuals,
    profileSlug,
    sanitize,
    unreadRegion,
    isButton,
  };
})();
