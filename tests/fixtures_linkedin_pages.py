"""LinkedIn's pages as the extension meets them, written by our own code (issue 17).

The shapes follow LinkedIn's invitation manager (``/mynetwork/invitation-manager/
received/``), the invitations on ``/mynetwork/`` and a profile page (``/in/<slug>/``):
each card a list item with a photo link and a name link to ``/in/<slug>`` (with the
``miniProfileUrn`` query LinkedIn adds), the headline under the name, the
mutual-connection line ("Amira Haddad and 12 other mutual connections"), a time
badge, the note with a *Reply* button, and an Ignore / Accept pair whose aria-labels
name the person. Class names mix LinkedIn's readable ones with generated-looking ones,
as the real page does, so that nothing may depend on them.

Like the real single-page app, the page's own script loads a second batch of cards
after the first is shown and moves between views with ``history.pushState`` when an
``app-aware-link`` is clicked. ``unreadable=True`` gives the markup a changed page
would have (the name is a ``div role=link`` with no address), which the extension
must report rather than skip silently. Every text is escaped here as LinkedIn
escapes it: a hostile name is text in the page.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from havewemet.extension.icons import png

#: The words of each language's page.
WORDS = {
    "en": {
        "accept": "Accept",
        "ignore": "Ignore",
        "accept_label": "Accept {name}’s invitation",
        "ignore_label": "Ignore an invitation to connect from {name}",
        "reply": "Reply to {first}",
        "one": "{a} is a mutual connection",
        "many": "{a} and {n} other mutual connection{s}",
        "ago": "{d} days ago",
        "title": "Invitations",
        "received": "Received",
        "show_all": "Show all",
        "connections": "{n} connections",
        "followers": "{n} followers",
        "connect": "Connect",
        "see_more": "see more",
        "lang": "en",
    },
    "fr": {
        "accept": "Accepter",
        "ignore": "Ignorer",
        "accept_label": "Accepter l’invitation de {name}",
        "ignore_label": "Ignorer l’invitation de {name}",
        "reply": "Répondre à {first}",
        "one": "{a} est une relation en commun",
        "many": "{a} et {n} autre{s} relation{s} en commun",
        "ago": "il y a {d} jours",
        "title": "Invitations",
        "received": "Reçues",
        "show_all": "Tout afficher",
        "connections": "{n} relations",
        "followers": "{n} abonnés",
        "connect": "Se connecter",
        "see_more": "voir plus",
        "lang": "fr",
    },
    "de": {
        "accept": "Annehmen",
        "ignore": "Ignorieren",
        "accept_label": "Einladung von {name} annehmen",
        "ignore_label": "Einladung von {name} ignorieren",
        "reply": "{first} antworten",
        "one": "{a} ist ein gemeinsamer Kontakt",
        "many": "{a} und {n} weitere gemeinsame Kontakte",
        "ago": "vor {d} Tagen",
        "title": "Einladungen",
        "received": "Erhalten",
        "show_all": "Alle anzeigen",
        "connections": "{n} Kontakte",
        "followers": "{n} Follower",
        "connect": "Vernetzen",
        "see_more": "mehr anzeigen",
        "lang": "de",
    },
}


@dataclass
class Card:
    """One invitation as the page shows it."""

    name: str
    slug: str
    headline: str = ""
    note: str = ""
    mutuals: list[str] = field(default_factory=list)
    days: int = 3
    photo: bool = True


def avatar_png(size: int = 8) -> bytes:
    """A plain grey square, served for every profile photo."""
    return png(size, [b"\x00" + b"\x9a\xa4\xae\xff" * size] * size)


def mutual_text(mutuals: list[str], lang: str = "en") -> str:
    """LinkedIn's line: "A is a mutual connection", "A and 3 other mutual connections"."""
    w = WORDS[lang]
    if not mutuals:
        return ""
    if len(mutuals) == 1:
        return w["one"].format(a=mutuals[0])
    n = len(mutuals) - 1
    return w["many"].format(a=mutuals[0], n=n, s="" if n == 1 else "s")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def card_html(c: Card, lang: str = "en", *, unreadable: bool = False, i: int = 0) -> str:
    w = WORDS[lang]
    first = c.name.split()[0] if c.name.split() else c.name
    url = f"https://www.linkedin.com/in/{c.slug}?miniProfileUrn=urn%3Ali%3Afs_miniProfile%3AACoAAB{i:06d}"
    photo = (
        f'<img class="presence-entity__image EntityPhoto-circle-5 _3kq9z" width="56" '
        f'height="56" alt="{_e(c.name)}" src="https://media.licdn.com/dms/image/v2/D4E03AQ{i:05d}/'
        f'profile-displayphoto-shrink_100_100/0/1?e=2147483647">'
        if c.photo
        else '<img class="EntityPhoto-circle-5 ghost-person _3kq9z" width="56" height="56" '
        'alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    )
    if unreadable:  # a changed page: no link to the profile anywhere in the card
        picture = f'<div class="_p8x1" role="img">{photo}</div>'
        name = (
            f'<div class="_n2v7q" role="link" tabindex="0" data-view-name="invitee">'
            f'<strong class="_t4s8">{_e(c.name)}</strong>'
            f'<p class="_h9k2">{_e(c.headline)}</p></div>'
        )
    else:
        picture = (
            f'<a class="app-aware-link invitation-card__picture _p8x1" href="{_e(url)}" '
            f'aria-label="{_e(c.name)}">{photo}</a>'
        )
        name = (
            f'<a class="app-aware-link invitation-card__link _n2v7q" href="{_e(url)}">'
            f'<strong class="invitation-card__title t-16 t-black t-bold">{_e(c.name)}</strong>'
            f'<p class="invitation-card__subtitle t-14 t-black--light t-normal">'
            f"{_e(c.headline)}</p></a>"
        )
    insight = (
        f'<div class="member-insights _m3c1"><span class="member-insights__reason '
        f'text-body-small">{_e(mutual_text(c.mutuals, lang))}</span></div>'
        if c.mutuals
        else ""
    )
    note = (
        f'<div class="invitation-card__custom-message-container _q1w8">'
        f'<div class="invitation-card__custom-message t-14 t-black--light t-normal">'
        f"{_e(c.note)}</div>"
        f'<button class="artdeco-button artdeco-button--tertiary _r5t2" type="button" '
        f'aria-label="{_e(w["reply"].format(first=c.name))}">'
        f'<span class="artdeco-button__text">{_e(w["reply"].format(first=first))}</span>'
        f"</button></div>"
        if c.note
        else ""
    )
    return (
        f'<li class="invitation-card artdeco-list__item _8f3kq{i % 7}" data-x="card">'
        f'<div class="invitation-card__container _c0d3">'
        f'<div class="invitation-card__details _a93jf">{picture}'
        f'<div class="_d7e1">{name}{insight}'
        f'<span class="time-badge t-12 t-black--light">{_e(w["ago"].format(d=c.days))}</span>'
        f"</div></div>{note}"
        f'<div class="invitation-card__action-container _x2b4">'
        f'<button class="artdeco-button artdeco-button--2 artdeco-button--tertiary" '
        f'type="button" aria-label="{_e(w["ignore_label"].format(name=c.name))}">'
        f'<span class="artdeco-button__text">{_e(w["ignore"])}</span></button>'
        f'<button class="artdeco-button artdeco-button--2 artdeco-button--secondary" '
        f'type="button" aria-label="{_e(w["accept_label"].format(name=c.name))}">'
        f'<span class="artdeco-button__text">{_e(w["accept"])}</span></button>'
        f"</div></div></li>"
    )


def _cards_html(cards: list[Card], lang: str, unreadable: bool, start: int = 0) -> str:
    return "".join(
        card_html(c, lang, unreadable=unreadable, i=start + i) for i, c in enumerate(cards)
    )


def profile_html(
    c: Card,
    lang: str = "en",
    *,
    connections: str = "500+",
    followers: str = "1,204",
    invitation: bool = False,
) -> str:
    """A profile's top card; with ``invitation`` it shows their pending invitation."""
    w = WORDS[lang]
    actions = (
        f'<button class="artdeco-button artdeco-button--secondary" type="button" '
        f'aria-label="{_e(w["ignore_label"].format(name=c.name))}"><span>{_e(w["ignore"])}'
        f'</span></button><button class="artdeco-button artdeco-button--primary" type="button"'
        f' aria-label="{_e(w["accept_label"].format(name=c.name))}"><span>{_e(w["accept"])}'
        f"</span></button>"
        if invitation
        else f'<button class="artdeco-button artdeco-button--primary" type="button">'
        f"<span>{_e(w['connect'])}</span></button>"
    )
    mutual = (
        f'<a class="app-aware-link _mm1" href="/search/results/people/?network=%5B%22F%22%5D">'
        f"<span>{_e(mutual_text(c.mutuals, lang))}</span></a>"
        if c.mutuals
        else ""
    )
    return (
        f'<section class="artdeco-card _pv9 pv-top-card" data-member-id="ACoAAB">'
        f'<div class="_ph1"><img class="pv-top-card-profile-picture__image _i1" width="160" '
        f'height="160" alt="{_e(c.name)}" src="https://media.licdn.com/dms/image/v2/P/0/1">'
        f'</div><div class="_pt2"><h1 class="text-heading-xlarge inline t-24">{_e(c.name)}</h1>'
        f'<div class="text-body-medium break-words">{_e(c.headline)}</div>'
        f'<span class="text-body-small t-black--light">Eastvale · <a href="#">Contact info</a>'
        f"</span>"
        f'<ul class="_pl3"><li class="text-body-small"><span class="t-bold">'
        f"{_e(followers)}</span> {_e(w['followers'].format(n='').strip())}</li>"
        f'<li class="text-body-small"><span class="t-bold">{_e(connections)}</span> '
        f"{_e(w['connections'].format(n='').strip())}</li></ul>"
        f"{mutual}"
        f'<div class="_pa4 pvs-profile-actions">{actions}</div></div></section>'
    )


STYLE = """
body { margin: 0; background: #f4f2ee; font: 14px/1.4 -apple-system, system-ui, sans-serif;
  color: rgba(0,0,0,.9); }
header.global-nav { background: #fff; height: 52px; border-bottom: 1px solid #ddd;
  display: flex; align-items: center; padding: 0 24px; gap: 16px; }
header .logo { background: #0a66c2; color: #fff; font-weight: 700; border-radius: 4px;
  padding: 2px 6px; }
main { max-width: 720px; margin: 24px auto; }
section.artdeco-card { background: #fff; border-radius: 8px; box-shadow: 0 0 0 1px #e0dfdc;
  margin-bottom: 12px; padding: 0; }
h2 { font-size: 16px; font-weight: 600; margin: 0; padding: 12px 16px;
  border-bottom: 1px solid #e8e8e8; }
ul.invitation-list { list-style: none; margin: 0; padding: 0; }
li.invitation-card { border-bottom: 1px solid #e8e8e8; padding: 12px 16px; }
.invitation-card__container { display: grid; grid-template-columns: 1fr auto; gap: 4px; }
.invitation-card__details { display: flex; gap: 12px; }
.invitation-card__details img { border-radius: 50%; background: #ccc; }
.invitation-card__link { text-decoration: none; color: inherit; display: block; }
.invitation-card__title { display: block; font-size: 16px; }
.invitation-card__subtitle { margin: 0; color: rgba(0,0,0,.6); }
.member-insights, .time-badge { font-size: 12px; color: rgba(0,0,0,.6); display: block; }
.invitation-card__custom-message-container { grid-column: 1; background: #f3f6f8;
  border-radius: 6px; padding: 6px 10px; margin-left: 68px; }
.invitation-card__action-container { grid-column: 2; grid-row: 1; display: flex; gap: 8px;
  align-items: start; }
.artdeco-button { border-radius: 16px; padding: 4px 14px; font-weight: 600;
  border: 1px solid #0a66c2; background: #fff; color: #0a66c2; }
.artdeco-button--tertiary { border-color: transparent; color: rgba(0,0,0,.6); }
.pv-top-card { padding: 16px 24px !important; }
.pv-top-card h1 { font-size: 24px; margin: 8px 0 0; }
._pl3 { list-style: none; padding: 0; display: flex; gap: 12px; }
.pvs-profile-actions { display: flex; gap: 8px; margin-top: 8px; }
"""

SCRIPT = """
(() => {
  const views = JSON.parse(document.getElementById('views').textContent);
  const main = document.querySelector('main');
  function show(path) {
    const v = views[path];
    if (v === undefined) return false;
    main.innerHTML = v.html;
    document.title = v.title;
    if (v.later) setTimeout(() => {
      const list = main.querySelector('ul.invitation-list');
      if (list) list.insertAdjacentHTML('beforeend', v.later);
    }, 600);
    return true;
  }
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest('a.app-aware-link');
    if (!a) return;
    const path = new URL(a.href, location.href).pathname.replace(/\\/?$/, '/');
    if (!(path in views)) return;
    ev.preventDefault();
    history.pushState({}, '', path);
    show(path);
  });
  window.addEventListener('popstate', () => show(location.pathname));
  show(location.pathname);
  // What any script of linkedin.com can do: search the whole DOM, open shadow roots
  // included, for text (and attribute values).
  window.__searchDom = (needles) => {
    const seen = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        seen.push(el.textContent || '');
        for (const a of el.attributes) seen.push(a.value);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    const all = seen.join('\\n');
    return needles.filter((n) => all.includes(n));
  };
})();
"""


def app_page(views: dict[str, dict], *, lang: str = "en") -> str:
    """The single-page app: ``views`` maps a path to its ``html`` (and ``title``,
    ``later``: cards added 0.6 s after the view is shown). The server sends this one
    page for every path; the page's script shows the view of the current path."""
    data = json.dumps(views).replace("</", "<\\/")
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>LinkedIn</title><style>{STYLE}</style></head><body>"
        f'<header class="global-nav"><span class="logo">in</span>'
        f'<a class="app-aware-link" href="/mynetwork/">My Network</a></header>'
        f'<main class="scaffold-layout__main" id="main"></main>'
        f'<script type="application/json" id="views">{data}</script>'
        f"<script>{SCRIPT}</script></body></html>"
    )


def invitations_view(
    cards: list[Card],
    *,
    lang: str = "en",
    later: list[Card] | None = None,
    unreadable: bool = False,
) -> dict:
    """The invitation manager's view: the first cards now, ``later`` ones 0.6 s after."""
    w = WORDS[lang]
    n = len(cards) + len(later or [])
    body = (
        f'<section class="artdeco-card _iv2"><h2>{_e(w["title"])} ({n})</h2>'
        f'<div class="_tabs" role="tablist"><button role="tab" type="button">'
        f"{_e(w['received'])}</button></div>"
        f'<ul class="invitation-list artdeco-list">'
        f"{_cards_html(cards, lang, unreadable)}</ul></section>"
    )
    return {
        "title": f"{w['title']} | LinkedIn",
        "html": body,
        "later": _cards_html(later or [], lang, unreadable, start=len(cards)),
    }


def mynetwork_view(cards: list[Card], *, lang: str = "en", total: int = 0) -> dict:
    """``/mynetwork/``: the first invitations and a link to the manager."""
    w = WORDS[lang]
    return {
        "title": "My Network | LinkedIn",
        "html": (
            f'<section class="artdeco-card"><h2>{_e(w["title"])} ({total or len(cards)})'
            f' <a class="app-aware-link" href="/mynetwork/invitation-manager/received/">'
            f"{_e(w['show_all'])}</a></h2>"
            f'<ul class="invitation-list">{_cards_html(cards, lang, False)}</ul></section>'
        ),
        "later": "",
    }


def profile_view(c: Card, lang: str = "en", **kw) -> dict:
    return {"title": f"{c.name} | LinkedIn", "html": profile_html(c, lang, **kw), "later": ""}
