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
fake_profile        1 / 2     what the profile shows adds up to a fake or automated
                              account (:mod:`havewemet.triage.profile`; 2 when strong)
link                1 / 2     the note holds a link (2: a shortened link)
contact_bait        1         the note asks to move elsewhere: "DM me", WhatsApp, a
                              phone number or e-mail address (``[contact_bait]``)
personal_note       0         the note names a shared context (for context)
declined_before     2 / 3     you ignored (2) or reported (3) them before
repeat_request      1         they asked again after an earlier invitation or
                              after you ignored them
decided_before      0         you accepted or asked them before (for context)
namesake            2         same name as someone in your data with another
                              profile (added by the engine)
==================  ========  ===================================================

The phrase lists are joined by the note reader (:mod:`havewemet.triage.notes_model`),
a small model that reads a note the way the lists cannot (other words, other
languages): ``pitch``, ``job_seeking``, ``recruiter``, ``open_networker`` and a stock
note (``template``) fire on a phrase of the lists or on the reader's score, and say
which words weighed most and how strongly (``strength``). A reading below
:data:`STRONG_READING` counts as severity 1 at most.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from havewemet.identity.names import fold, parse_name
from havewemet.models import PendingRequest
from havewemet.triage import notes_model
from havewemet.triage.profile import STRONG, facts_of, profile_score


@dataclass(slots=True)
class Signal:
    name: str
    text: str
    severity: int = 1
    """1 = worth knowing, 2 = a reason to decline, 3 = a reason to report."""
    strength: float | None = None
    """How sure the reader or the profile score is (0 to 1); None for a plain fact."""
    reasons: list[str] = field(default_factory=list)
    """The words, phrases or facts behind it, as the user reads them."""

    def why(self) -> str:
        """Its first reasons in brackets (``' ("book a call", 'platform')'``), or ``""``."""
        return f" ({', '.join(self.reasons[:2])})" if self.reasons else ""

    def brief(self) -> str:
        """The signal in words with its first reasons, for a recommendation's rule."""
        return label(self.name) + self.why()


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
    "namesake": "a namesake",
    "fake_profile": "a fake-looking profile",
    "link": "a link in the note",
    "contact_bait": "contact bait",
    "personal_note": "a personal note",
}


def label(name: str) -> str:
    """A signal's name in words (a signal without an entry: its name, spaced)."""
    return LABELS.get(name, name.replace("_", " "))


SECTIONS = (
    "pitch",
    "job",
    "recruiter",
    "open_networker",
    "generic_headline",
    "template",
    "contact_bait",
)

#: A reader's score from which a signal counts at its full severity.
STRONG_READING = 0.8

#: For each phrase section read by the note reader: the signal, the reader's label,
#: the severity, what the lists' hit says, and whether the headline is read too.
_READ: tuple[tuple[str, str, str, int, str, bool], ...] = (
    ("pitch", "pitch", "pitch", 2, "the note is a sales pitch", False),
    ("job", "job_seeking", "job_seeking", 1, "job seeking", True),
    ("recruiter", "recruiter", "recruiter", 1, "a recruiter", True),
    (
        "open_networker",
        "open_networker",
        "collector",
        2,
        "an open networker collecting connections",
        True,
    ),
)


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
    data = resources.files("havewemet.triage").joinpath("data")
    for f in sorted(data.iterdir(), key=lambda f: f.name):
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


_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|dear|greetings|good (?:morning|afternoon|evening|day)|"
    r"bonjour|salut|coucou|hallo|moin|servus|guten (?:tag|morgen|abend)|hola|"
    r"buen(?:os|as) (?:dias|tardes|noches)|ciao|buongiorno|ola|hej)"
    r"(?:\s+(?:there|all|everyone))?(?:\s+[\w.'-]+){0,2}$"
)


def bare_greeting(note: str) -> bool:
    """A note that is only a greeting, perhaps with a name: "Hi!", "Hello", "Hi Ruth",
    "Bonjour Marie" (issue 12). It says nothing about why they want to connect.

    Examples:
        >>> bare_greeting("Hi!"), bare_greeting("Hi Ruth"), bare_greeting("Hi Ruth, we met")
        (True, True, False)
    """
    text = _norm_note(note)
    return bool(text) and len(text) <= 40 and bool(_GREETING.match(text))


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
    today: date | None = None,
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
        today: for an account's age, where the request knows when it was created.

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
    reading = notes_model.read_note(note) if note else None
    head_reading = notes_model.read_note(headline, kind="headline") if headline else None
    names = [request.name, *request.mutuals]
    for section, name, label, severity, said, with_headline in _READ:
        hits = _hits(section, note, lists)
        if with_headline:
            hits = (
                (_hits(section, headline, lists) + hits)
                if section != "job"
                else (hits + _hits(section, headline, lists))
            )
        sig = _read_signal(
            name,
            label,
            severity,
            hits,
            said,
            reading,
            head_reading if with_headline else None,
            names,
        )
        if sig:
            out.append(sig)
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
    elif bare_greeting(note):
        out.append(Signal("template", f'a bare greeting ("{note}"), nothing personal', 1))
    elif len(note) < 120 and (tmpl or (reading and reading.scores["stock"] >= STRONG_READING)):
        out.append(_stock_signal(tmpl, reading, names))
    out += _link_signals(note, lists)
    if request.reminders:
        n = request.reminders
        out.append(Signal("reminders", f"{n} reminder{'s' * (n > 1)} sent", 1))
    slug = request.slug
    fits = not slug or slug.startswith("aco") or slug_fits_name(slug, request.name)
    if not fits:
        out.append(
            Signal("slug_mismatch", f"the profile address ({slug}) does not fit the name", 2)
        )
    profile = profile_score(
        facts_of(request),
        today=today,
        slug_fits=fits,
        generic_headline=any(s.name == "generic_headline" for s in out),
    )
    if profile.fake:
        out.append(
            Signal(
                "fake_profile",
                f"looks like a fake or automated profile: {'; '.join(profile.reasons)} "
                f"(score {profile.score:.2f})",
                2 if profile.score >= STRONG else 1,
                round(profile.score, 3),
                profile.reasons,
            )
        )
    if reading and reading.scores["personal"] >= reading.thresholds["personal"]:
        words = reading.why("personal", skip=names)
        if words:
            out.append(
                Signal(
                    "personal_note",
                    f"the note names a shared context ({', '.join(words)}), "
                    f"strength {reading.scores['personal']:.2f}",
                    0,
                    round(reading.scores["personal"], 3),
                    words,
                )
            )
    out += _history_signals(request, earlier or [], earlier_invitations)
    return out


def _read_signal(
    name: str,
    label: str,
    severity: int,
    hits: list[str],
    said: str,
    reading: notes_model.NoteReading | None,
    head: notes_model.NoteReading | None,
    names: list[str],
) -> Signal | None:
    """One signal from the lists' hits and the reader's scores of the note and headline.

    The lists' hits alone keep their plain text; a reading above its threshold says
    which words weighed most and how strongly.
    """
    read = [
        (r, prefix)
        for r, prefix in ((reading, ""), (head, "headline "))
        if r and _reads_as(r, label)
    ]
    if not read:
        if not hits:
            return None
        return Signal(name, f'{said} ("{hits[0]}")', severity, None, [f'"{h}"' for h in hits[:3]])
    strength = max(r.scores[label] for r, _ in read)
    # "quick call" says nothing "book a quick call" did not.
    hits = [h for h in dict.fromkeys(hits) if not any(h != o and h in o for o in hits)]
    reasons = [f'"{h}"' for h in hits][:2]
    seen = {h.lower() for h in hits}
    for r, prefix in sorted(read, key=lambda x: -x[0].scores[label]):
        for w in r.why(label, skip=names, n=3 if not prefix else 1):
            if w.strip("'").lower() not in seen:
                seen.add(w.strip("'").lower())
                reasons.append(prefix + w)
    reasons = reasons[:4]
    sev = severity if hits or strength >= STRONG_READING else min(severity, 1)
    text = f"reads like {notes_model.DESCRIPTIONS[label]} ({', '.join(reasons)})"
    return Signal(name, f"{text}, strength {strength:.2f}", sev, round(strength, 3), reasons)


def _reads_as(reading: notes_model.NoteReading, label: str) -> bool:
    """Whether the reader says the text is ``label``: above the label's threshold, and
    either the text's likeliest label or strong (a bare "Let's connect!" is a stock
    note, not a collector's, though it reads a little like one)."""
    score = reading.scores[label]
    if score < reading.thresholds[label]:
        return False
    return score >= STRONG_READING or reading.top() == label


def _stock_signal(
    hits: list[str], reading: notes_model.NoteReading | None, names: list[str]
) -> Signal:
    if reading is None or reading.scores["stock"] < STRONG_READING:
        return Signal("template", f'a stock note ("{hits[0]}")', 1, None, [f'"{hits[0]}"'])
    words = reading.why("stock", skip=names) or [f'"{h}"' for h in hits[:1]]
    strength = reading.scores["stock"]
    return Signal(
        "template",
        f"a stock note ({', '.join(words)}), strength {strength:.2f}",
        1,
        round(strength, 3),
        words,
    )


def _link_signals(note: str, lists: dict[str, list[re.Pattern]]) -> list[Signal]:
    """Links and contact bait in a note: each is a signal of its own."""
    out: list[Signal] = []
    links = [m.group(0).rstrip(".,;:!?)") for m in notes_model.URL.finditer(note)]
    short = [u for u in links if notes_model.is_short_link(u)]
    if short:
        out.append(
            Signal(
                "link",
                f"a shortened link in the note ({short[0]}) hides where it goes",
                2,
                None,
                [short[0]],
            )
        )
    elif links:
        out.append(Signal("link", f"a link in the note ({links[0]})", 1, None, [links[0]]))
    bait = [f'"{h}"' for h in _hits("contact_bait", note, lists)]
    bait += ["a phone number" for m in notes_model.PHONE.finditer(note) if _digits(m.group(0)) >= 8]
    bait += ["an e-mail address" for _ in notes_model.EMAIL.finditer(note)]
    if bait:
        bait = list(dict.fromkeys(bait))
        out.append(
            Signal(
                "contact_bait",
                f"asks to be contacted elsewhere: {', '.join(bait[:3])}",
                1,
                None,
                bait[:3],
            )
        )
    return out


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


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
