"""Replies: templates the user edits, filled per request.

The defaults ship as ``data/replies.toml``; the user's own file (``--templates``,
``$HAVEWEMET_REPLIES``, else ``replies.toml`` in the user's config folder)
replaces templates by name and adds new ones. Fields: ``{first_name}``,
``{name}``, ``{my_first_name}``, ``{context}`` (what you share, from the
strongest evidence) and ``{mutual}`` (your closest mutual connection).
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from platformdirs import user_config_dir

from havewemet.errors import HaveWeMetError, PolicyError
from havewemet.identity.names import parse_name
from havewemet.triage.evidence import LEVELS, Evidence

FIELDS = ("first_name", "name", "my_first_name", "context", "mutual")


@dataclass(slots=True)
class Templates:
    texts: dict[str, str]
    default_for: dict[str, str]


def user_templates_path() -> Path:
    """``$HAVEWEMET_REPLIES``, else ``replies.toml`` in the user's config folder."""
    env = os.environ.get("HAVEWEMET_REPLIES")
    if env:
        return Path(env).expanduser()
    return Path(user_config_dir("havewemet", appauthor=False)) / "replies.toml"


def _parse(text: str, where: str) -> Templates:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"{where}: not valid TOML ({e}); fix that line") from e
    texts: dict[str, str] = {}
    for name, t in (data.get("templates") or {}).items():
        if not isinstance(t, dict) or not isinstance(t.get("text"), str):
            raise PolicyError(
                f"{where}, key 'templates.{name}': write it as "
                f'[templates.{name}] with text = "..."'
            )
        bad = [f for _, f, _, _ in string.Formatter().parse(t["text"]) if f and f not in FIELDS]
        if bad:
            raise PolicyError(
                f"{where}, key 'templates.{name}': unknown field {{{bad[0]}}}; "
                f"use: {', '.join('{' + f + '}' for f in FIELDS)}"
            )
        texts[name] = t["text"]
    defaults = {k: str(v) for k, v in (data.get("default_for") or {}).items()}
    return Templates(texts, defaults)


def load_templates(path: str | Path | None = None) -> Templates:
    """The shipped templates overridden by the user's file (if it exists)."""
    shipped = resources.files("havewemet.triage").joinpath("data/replies.toml")
    out = _parse(shipped.read_text(encoding="utf-8"), "replies.toml (built in)")
    user = Path(path) if path else user_templates_path()
    if path and not user.exists():
        raise HaveWeMetError(f"{user}: no such templates file")
    if user.exists():
        mine = _parse(user.read_text(encoding="utf-8"), str(user))
        out.texts.update(mine.texts)
        out.default_for.update(mine.default_for)
    return out


_MATCHED = re.compile(r"\s*\[matched:[^\]]*\]")


def shared_context(evidence: list[Evidence], mutuals: list | None = None) -> str:
    """A short phrase naming what the user shares with someone, strongest first.

    Examples:
        >>> shared_context([Evidence("met", "event", "also at X", "Events.csv",
        ...                          "2025-06-12", "Open Data in Libraries")])
        'we were both at Open Data in Libraries in June 2025'
        >>> shared_context([])
        ''
    """
    for e in sorted(evidence, key=lambda e: -LEVELS[e.level]):
        when = _month(e.at)
        in_when = f" in {when}" if when else ""
        if e.kind == "event" and e.detail:
            return f"we were both at {e.detail}{in_when}"
        if e.kind == "meeting":
            return f"we met at {e.detail or 'a meeting'}{in_when}"
        if e.kind in ("message", "mail"):
            verb = "wrote" if e.kind == "message" else "e-mailed"
            return f"we last {verb}{in_when}" if when else f"we have {verb} before"
        if e.kind == "recommendation":
            return (
                f"you recommended me{in_when}"
                if "recommended you" in e.text
                else f"I recommended you{in_when}"
            )
        if e.kind == "colleague" and e.detail:
            return f"we both worked at {e.detail}"
        if e.kind == "endorsement":
            skill = f" for {e.detail}" if e.detail else ""
            return (
                f"you endorsed me{skill}" if "endorsed you" in e.text else f"I endorsed you{skill}"
            )
        if e.kind == "member" and e.detail:
            return f"we are both on {e.detail}"
        if e.kind == "follow":
            return "I follow your work"
    close = [m for m in (mutuals or []) if getattr(m, "resolved", "") and m.strength >= 0.1]
    if close:
        best = max(close, key=lambda m: m.strength)
        return f"we both know {best.resolved}"
    return ""


def _month(at: str | None) -> str:
    from datetime import date

    try:
        d = date.fromisoformat((at or "")[:10])
    except ValueError:
        return ""
    return f"{d:%B %Y}"


_TITLES = {"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"}


def first_name(name: str) -> str:
    """The given name as written (titles skipped): ``Dr. Ana López`` -> ``Ana``; a
    name whose given name is an initial is greeted whole (``D. Okafor``: "Hi D." reads
    as a slip)."""
    words = [w for w in name.split() if w.lower().strip(".") not in _TITLES]
    if not words:
        return name.strip()
    if len(words[0].strip(".")) <= 1:
        return " ".join(words)
    return words[0] if parse_name(name).first else name.strip()


def fill(template: str, triage, *, me: str = "") -> str:
    """A template filled for one triaged request (a :class:`Triage`)."""
    name = triage.request.name
    first = first_name(name)
    mutuals = [m for m in triage.mutuals if m.resolved]
    best = max(mutuals, key=lambda m: m.strength).resolved if mutuals else "a colleague"
    values = {
        "first_name": first,
        "name": name,
        "my_first_name": (me.split() or [""])[0],
        "context": shared_context(triage.evidence, triage.mutuals),
        "mutual": best,
    }
    text = template.format(**values)
    # An empty field leaves "here: ." or "()" behind: tidy the punctuation.
    text = re.sub(r"[:,]\s*([.!?])", r"\1", re.sub(r"\(\s*\)", "", text))
    return re.sub(r"\s+([,.])", r"\1", text).strip()


def reply_for(
    triage, *, template: str | None = None, templates: Templates | None = None, me: str = ""
) -> tuple[str, str]:
    """(template name, filled text) for a triaged request: the named template, else
    the default for its recommendation."""
    tpl = templates or load_templates()
    name = template or tpl.default_for.get(triage.action, "where_did_we_meet")
    if (
        not template
        and triage.action == "ask"
        and "mutual" in tpl.texts
        and any(m.resolved and m.strength >= 0.1 for m in triage.mutuals)
    ):
        name = "mutual"  # "we both know X" is a better question than "where did we meet?"
    if name not in tpl.texts:
        raise HaveWeMetError(
            f"no reply template named {name!r}; templates: {', '.join(sorted(tpl.texts))}"
        )
    return name, fill(tpl.texts[name], triage, me=me)


__all__ = [
    "Templates",
    "fill",
    "first_name",
    "load_templates",
    "reply_for",
    "shared_context",
    "user_templates_path",
]
