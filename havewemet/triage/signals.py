"""Risk signals read from a request: the note, the headline, the history.

Phrase lists are data files (``data/signals_<lang>.txt``, English, German, French
and Spanish) that the user can extend with ``signals_*.txt`` files of their own
(the policy's ``signal_files`` folders); every signal explains itself in one line.

==================  ========  ===================================================
signal              severity  fires when
==================  ========  ===================================================
no_note             1         the request came without a note
template            2 / 1     the same or nearly the same note came from other
                              requesters (2), or a stock phrase is the note (1)
pitch               2         the note sells something (``[pitch]`` phrases)
job_seeking         1         the note or headline asks for a job (``[job]``)
recruiter           1         a recruiter (``[recruiter]``)
open_networker      2         LION / open networker (``[open_networker]``)
generic_headline    1         the headline is only a generic word (``CEO``)
reminders           1         LinkedIn sent reminders for the request
slug_mismatch       2         the profile address does not fit the name
declined_before     2 / 3     you ignored (2) or reported (3) them before
repeat_request      1         they asked again after an earlier invitation or
                              after you ignored them
decided_before      0         you accepted or asked them before (for context)
namesake            2         same name as someone in your data with another
                              profile (added by the engine)
==================  ========  ===================================================
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from havewemet.identity.names import fold, parse_name
from havewemet.models import PendingRequest


@dataclass(slots=True)
class Signal:
    name: str
    text: str
    severity: int = 1
    """1 = worth knowing, 2 = a reason to decline, 3 = a reason to report."""


#: Each signal in a few words, as the rule line names it (never the internal name).
LABELS: dict[str, str] = {
    "no_note": "no note",
    "pitch": "a sales pitch",
    "job_seeking": "job seeking",
    "recruiter": "a recruiter",
    "open_networker": "an open networker",
    "generic_headline": "a generic headline",
    "template": "a stock or repeated note",
    "reminders": "reminders",
    "slug_mismatch": "a profile address that does not fit the name",
    "declined_before": "declined before",
    "decided_before": "decided before",
    "repeat_request": "asked again",
}


def label(name: str) -> str:
    """A signal's name in words (a signal without an entry: its name, spaced)."""
    return LABELS.get(name, name.replace("_", " "))


SECTIONS = ("pitch", "job", "recruiter", "open_networker", "generic_headline", "template")


def _parse_phrase_file(text: str, into: dict[str, list[str]]) -> None:
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            into.setdefault(section, [])
            continue
        if section:
            into[section].append(line)


@lru_cache(maxsize=8)
def phrase_lists(extra_dirs: tuple[str, ...] = ()) -> dict[str, list[re.Pattern]]:
    """The compiled phrase lists: built-in files plus ``signals_*.txt`` in extra_dirs."""
    raw: dict[str, list[str]] = {}
    for f in sorted(resources.files("havewemet.triage").joinpath("data").iterdir()):
        if f.name.startswith("signals_") and f.name.endswith(".txt"):
            _parse_phrase_file(f.read_text(encoding="utf-8"), raw)
    for d in extra_dirs:
        for f in sorted(Path(d).expanduser().glob("signals_*.txt")):
            _parse_phrase_file(f.read_text(encoding="utf-8"), raw)
    compiled: dict[str, list[re.Pattern]] = {}
    for section, phrases in raw.items():
        pats = []
        for p in phrases:
            if section == "generic_headline":
                pats.append(re.compile(r"^\W*" + re.escape(p.lower()) + r"\W*$"))
                _NEEDLES[pats[-1]] = p.lower()
                continue
            flags = 0 if (p.isupper() and len(p) > 1) else re.I
            literal = p[:-1].strip() if p.endswith("*") else p
            body = re.escape(literal) + r"\w*" if p.endswith("*") else re.escape(p)
            pats.append(re.compile(r"(?<!\w)" + body + r"(?!\w)", flags))
            _NEEDLES[pats[-1]] = literal.lower()
        compiled[section] = pats
    return compiled


#: Each phrase pattern's literal text, lower-cased: a pattern can only match an
#: ASCII text that contains it, which a substring test finds 40 times faster.
_NEEDLES: dict[re.Pattern, str] = {}


def _hits(section: str, text: str, lists: dict[str, list[re.Pattern]]) -> list[str]:
    pats = lists.get(section, [])
    if text.isascii():
        low = text.lower()
        pats = [p for p in pats if _NEEDLES.get(p, "") in low]
    return [m.group(0) for p in pats if (m := p.search(text))]


def _norm_note(note: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(note)).split())


def template_groups(notes: Iterable[tuple[str, str]]) -> dict[str, int]:
    """For (request id, note) pairs: how many *other* requests sent the same or
    nearly the same note (names and greetings aside)."""
    items = [(rid, _norm_note(n)) for rid, n in notes if n and len(n.strip()) >= 20]
    if len(items) < 2:
        return {}
    # Each distinct text compared once (a template is many copies of one text).
    copies = Counter(t for _, t in items)
    texts = list(copies)
    # One vectorised pass (rapidfuzz cdist) instead of a Python double loop.
    scores = process.cdist(texts, texts, scorer=fuzz.token_set_ratio, score_cutoff=88)
    # Near the same length too (token_set_ratio forgives a note inside a longer one).
    lengths = np.array([len(t) for t in texts])
    close = np.abs(lengths[:, None] - lengths[None, :]) < 0.3 * np.maximum.outer(lengths, lengths)
    # The copies of every similar text, itself included, less the request's own note.
    similar = (scores > 0) & close
    others = similar @ np.array(list(copies.values())) - similar.diagonal()
    count = dict(zip(texts, others.tolist(), strict=True))
    return {rid: count[t] for rid, t in items if count[t]}


def slug_fits_name(slug: str, name: str) -> bool:
    """Whether a profile slug plausibly belongs to the name (``jdoe84`` fits Jane Doe)."""
    if not slug:
        return True
    pn = parse_name(name)
    tokens = [t for t in re.split(r"[^a-z]+", fold(slug)) if t]
    if not tokens:
        return False
    first, last = pn.first, pn.last.replace(" ", "").replace("-", "")
    joined = "".join(tokens)
    if not (first or last):
        return True
    if (last and last[:4] in joined) or (first and len(first) > 2 and first[:4] in joined):
        return True
    initials = (first[:1] + last[:1]) if first and last else ""
    return bool(initials) and joined.startswith(initials) and len(joined) <= 4


def read_signals(
    request: PendingRequest,
    *,
    template_count: int = 0,
    earlier: list[dict] | None = None,
    earlier_invitations: int = 0,
    extra_dirs: tuple[str, ...] = (),
) -> list[Signal]:
    """Every risk signal in a request, each with its one-line explanation.

    Args:
        request: the request (``name``, ``profile_url``/``slug``, ``headline``,
            ``note``, ``reminders``, ``sent_at``).
        template_count: how many other requesters sent the same note.
        earlier: the user's earlier decisions on this person (dicts with
            ``decision``, ``decided_at``, ``reason``).
        earlier_invitations: earlier invitations from them found in the user's data.
        extra_dirs: folders with the user's own ``signals_*.txt``.

    Examples:
        >>> ann = PendingRequest("r1", "Ann Lee", headline="LION | open networker")
        >>> [s.name for s in read_signals(ann)]
        ['no_note', 'open_networker']
    """
    lists = phrase_lists(extra_dirs)
    note = request.note.strip()
    headline = request.headline.strip()
    out: list[Signal] = []
    if not note:
        out.append(Signal("no_note", "sent no note", 1))
    pitch = _hits("pitch", note, lists)
    if pitch:
        out.append(Signal("pitch", f'the note is a sales pitch ("{pitch[0]}")', 2))
    job = _hits("job", note, lists) + _hits("job", headline, lists)
    if job:
        out.append(Signal("job_seeking", f'job seeking ("{job[0]}")', 1))
    rec = _hits("recruiter", headline, lists) + _hits("recruiter", note, lists)
    if rec:
        out.append(Signal("recruiter", f'a recruiter ("{rec[0]}")', 1))
    lion = _hits("open_networker", headline, lists) + _hits("open_networker", note, lists)
    if lion:
        out.append(
            Signal("open_networker", f'an open networker collecting connections ("{lion[0]}")', 2)
        )
    if headline and _hits("generic_headline", headline.lower(), lists):
        out.append(Signal("generic_headline", f'a very generic headline ("{headline}")', 1))
    tmpl = _hits("template", note, lists)
    if template_count:
        out.append(
            Signal(
                "template",
                f"the same note came from {template_count} other "
                f"requester{'s' * (template_count > 1)}",
                2,
            )
        )
    elif tmpl and len(note) < 120:
        out.append(Signal("template", f'a stock note ("{tmpl[0]}")', 1))
    if request.reminders:
        n = request.reminders
        out.append(Signal("reminders", f"{n} reminder{'s' * (n > 1)} sent", 1))
    slug = request.slug
    if slug and not slug.startswith("aco") and not slug_fits_name(slug, request.name):
        out.append(
            Signal("slug_mismatch", f"the profile address ({slug}) does not fit the name", 2)
        )
    out += _history_signals(request, earlier or [], earlier_invitations)
    return out


_VERB = {"ignore": "ignored", "report": "reported", "accept": "accepted", "ask": "asked"}


def _history_signals(
    request: PendingRequest, earlier: list[dict], invitations: int
) -> list[Signal]:
    out: list[Signal] = []
    declined = [d for d in earlier if d["decision"] in ("ignore", "report")]
    if declined:
        d = declined[-1]
        why = f" ({d['reason']})" if d.get("reason") else ""
        out.append(
            Signal(
                "declined_before",
                f"declined before: you {_VERB[d['decision']]} them on {d['decided_at'][:10]}{why}",
                3 if any(x["decision"] == "report" for x in declined) else 2,
            )
        )
    elif earlier:
        d = earlier[-1]
        out.append(
            Signal(
                "decided_before",
                f"you {_VERB.get(d['decision'], d['decision'])} them on {d['decided_at'][:10]}",
                0,
            )
        )
    sent = (request.sent_at or "")[:10]
    after_ignore = [d for d in declined if sent and d["decided_at"][:10] <= sent]
    if after_ignore or invitations:
        text = (
            f"asked again after you ignored them on {after_ignore[-1]['decided_at'][:10]}"
            if after_ignore
            else f"asked again: {invitations} earlier invitation"
            f"{'s' * (invitations > 1)} in your data"
        )
        out.append(Signal("repeat_request", text, 1))
    return out
