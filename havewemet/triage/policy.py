"""The user's policy: which verdicts to accept, ask about or ignore, and when to report.

A policy is a TOML file (``havewemet policy init`` writes one) starting from a
preset: ``gatekeeper`` (accept only people you know or met; ask when connected
through or known of; ignore strangers) or ``networker`` (also accept relevant
strangers without risk signals, by keywords for industry, place or topic).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from havewemet.errors import PolicyError
from havewemet.models import Action, PendingRequest
from havewemet.triage.evidence import CONNECTED, KNOWN, KNOWN_OF, LEVELS, MET, STRANGER
from havewemet.triage.signals import Signal, label

#: The actions' names (``accept``, ``ask``, ``ignore``, ``report``), to check a word.
ACTIONS: tuple[str, ...] = tuple(a.value for a in Action)


@dataclass(slots=True)
class Lists:
    domains: list[str] = field(default_factory=list)
    employers: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Policy:
    preset: str = "gatekeeper"
    accept: list[str] = field(default_factory=lambda: [KNOWN, MET])
    ask: list[str] = field(default_factory=lambda: [KNOWN_OF, CONNECTED])
    strangers: str = "ignore"
    """``ignore``, ``ask`` or ``accept_relevant`` (networker)."""
    relevant: list[str] = field(default_factory=list)
    report_at: int = 4
    """Report when the risk signals' severities add up to this (or one is 3)."""
    decline_on: list[str] = field(
        default_factory=lambda: ["pitch", "open_networker", "template", "slug_mismatch"]
    )
    """Signals that stop a stranger being accepted under ``accept_relevant``."""
    allow: Lists = field(default_factory=Lists)
    deny: Lists = field(default_factory=Lists)
    signal_files: list[str] = field(default_factory=list)


PRESETS: dict[str, dict] = {
    "gatekeeper": {},
    "networker": {
        "strangers": "accept_relevant",
        "accept": [KNOWN, MET, KNOWN_OF, CONNECTED],
        "ask": [],
        "report_at": 4,
        "decline_on": [
            "pitch",
            "open_networker",
            "template",
            "slug_mismatch",
            "no_note",
            "namesake",
            "fake_profile",
            "contact_bait",
        ],
        "relevant": [
            "event",
            "events",
            "venue",
            "society",
            "association",
            "conference",
            "library",
            "librarian",
            "archive",
            "museum",
        ],
    },
}


def preset(name: str) -> Policy:
    if name not in PRESETS:
        raise PolicyError(f"unknown preset {name!r}; use one of: {', '.join(PRESETS)}")
    p = Policy(preset=name)
    for k, v in PRESETS[name].items():
        setattr(p, k, list(v) if isinstance(v, list) else v)
    return p


def _line_of(text: str, key: str, table: str = "") -> int:
    """The line where ``key`` is set (inside ``[table]`` when given), else 0."""
    current = ""
    for i, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped.strip("[] ")
            if not table and current == key:
                return i
            continue
        if current == table and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return i
        if (
            table
            and current == ""
            and re.match(
                rf"\s*{re.escape(table)}\.{re.escape(key)}"
                r"\s*=",
                line,
            )
        ):
            return i
    return 0


#: The signal names a policy may list in ``decline_on``.
SIGNAL_NAMES = (
    "no_note",
    "template",
    "pitch",
    "job_seeking",
    "recruiter",
    "open_networker",
    "generic_headline",
    "reminders",
    "slug_mismatch",
    "declined_before",
    "repeat_request",
    "namesake",
    "fake_profile",
    "link",
    "contact_bait",
)


def load_policy(path: str | Path | None = None, *, preset_name: str | None = None) -> Policy:
    """A preset, or a TOML policy file (its ``preset`` key sets the starting point).

    Errors are collected and reported together, each with its line and key.
    """
    if path is None:
        return preset(preset_name or "gatekeeper")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError as e:
        raise PolicyError(
            f"{p}: no such policy file; create one with `havewemet policy init {p}`"
        ) from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        m = re.search(r"line (\d+)", str(e))
        where = f"{p}, line {m.group(1)}" if m else str(p)
        raise PolicyError(
            f"{where}: not valid TOML ({e}); fix that line (strings in double quotes, lists in [ ])"
        ) from e
    name = preset_name or data.get("preset", "gatekeeper")
    if name not in PRESETS:
        raise PolicyError(
            f"{p}, line {_line_of(text, 'preset')}, key 'preset': unknown "
            f"preset {name!r}; use one of: {', '.join(PRESETS)}"
        )
    pol = preset(str(name))
    errors: list[str] = []
    names = {f.name for f in fields(Policy)}
    verdicts = set(LEVELS)
    for key, value in data.items():
        where = f"{p}, line {_line_of(text, key)}, key {key!r}"
        if key == "preset":
            continue
        if key not in names:
            errors.append(f"{where}: unknown key; known keys: {', '.join(sorted(names))}")
            continue
        if key in ("allow", "deny"):
            if not isinstance(value, dict):
                errors.append(
                    f"{where}: must be a table like [{key}] with domains, employers, people"
                )
                continue
            lists = Lists()
            for sub, items in value.items():
                if (
                    sub not in ("domains", "employers", "people")
                    or not isinstance(items, list)
                    or not all(isinstance(i, str) for i in items)
                ):
                    errors.append(
                        f"{p}, line {_line_of(text, sub, key)}, key '{key}.{sub}': "
                        "expected one of domains, employers, people, each a list of "
                        "strings"
                    )
                    continue
                setattr(lists, sub, [i.strip() for i in items if i.strip()])
            setattr(pol, key, lists)
        elif key in ("accept", "ask"):
            bad = [v for v in value if v not in verdicts] if isinstance(value, list) else [value]
            if bad:
                errors.append(f"{where}: {bad} are not verdicts; use: {', '.join(LEVELS)}")
            else:
                setattr(pol, key, list(value))
        elif key == "strangers":
            if value not in ("ignore", "ask", "accept_relevant"):
                errors.append(f'{where}: must be "ignore", "ask" or "accept_relevant"')
            else:
                pol.strangers = value
        elif key == "report_at":
            if not isinstance(value, int) or value < 1:
                errors.append(f"{where}: must be a whole number of at least 1")
            else:
                pol.report_at = value
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(f"{where}: must be a list of strings")
        elif key == "decline_on" and (bad := [v for v in value if v not in SIGNAL_NAMES]):
            errors.append(f"{where}: {', '.join(bad)} not signals; use: {', '.join(SIGNAL_NAMES)}")
        elif key == "signal_files":
            # Folders relative to the policy file, so a policy travels with its lists.
            dirs = [p.parent / Path(v).expanduser() for v in value]
            if bad := [str(d) for d in dirs if not d.is_dir()]:
                errors.append(f"{where}: no such folder: {', '.join(bad)}")
            pol.signal_files = [str(d) for d in dirs]
        else:
            setattr(pol, key, list(value))
    if errors:
        raise PolicyError("\n".join(errors))
    return pol


def policy_toml(pol: Policy) -> str:
    """The policy as a commented TOML file (what ``policy init`` writes)."""

    def lst(xs: list[str]) -> str:
        return "[" + ", ".join(f'"{x}"' for x in xs) + "]"

    return f"""# havewemet policy. Verdicts: known, met, known of, connected through, stranger.
preset = "{pol.preset}"
accept = {lst(pol.accept)}
ask = {lst(pol.ask)}
# strangers: "ignore", "ask" or "accept_relevant" (accept when a relevant keyword
# is in their headline or note and no signal in decline_on fired)
strangers = "{pol.strangers}"
relevant = {lst(pol.relevant)}
decline_on = {lst(pol.decline_on)}
# report when risk signals' severities add up to this
report_at = {pol.report_at}
# folders with extra signals_*.txt phrase files
signal_files = {lst(pol.signal_files)}

[allow]
domains = {lst(pol.allow.domains)}
employers = {lst(pol.allow.employers)}
people = {lst(pol.allow.people)}

[deny]
domains = {lst(pol.deny.domains)}
employers = {lst(pol.deny.employers)}
people = {lst(pol.deny.people)}
"""


def _listed(lists: Lists, request: PendingRequest, emails: list[str], companies: list[str]) -> str:
    """Which entry of an allow or deny list the request hits, or ``""``.

    People are names, profile slugs or profile URLs; employers are matched as
    whole words in the headline and in the employers your data gives them;
    domains against their e-mail addresses (subdomains included).
    """
    from havewemet.normalize import profile_slug

    name = " ".join(request.name.lower().split())
    slug = request.slug
    text = " | ".join([request.headline, *companies]).lower()
    for person in lists.people:
        p = " ".join(person.lower().split())
        if p == name or (slug and (p == slug or profile_slug(person) == slug)):
            return f"person {person}"
    for emp in lists.employers:
        if re.search(rf"(?<!\w){re.escape(emp.lower())}(?!\w)", text):
            return f"employer {emp}"
    for dom in lists.domains:
        d = dom.lower().lstrip("@")
        for e in emails:
            host = e.lower().rpartition("@")[2]
            if host == d or host.endswith("." + d):
                return f"domain {dom}"
    return ""


def recommend(
    verdict: str,
    signals: list[Signal],
    request: PendingRequest,
    pol: Policy,
    *,
    emails: list[str] | None = None,
    companies: list[str] | None = None,
) -> tuple[Action, str]:
    """(action, the rule that fired) for one triaged request.

    The deny list wins over everything, then the allow list, then risk (report),
    then the verdict under the preset.
    """
    emails = emails or []
    companies = companies or []
    if hit := _listed(pol.deny, request, emails, companies):
        return Action.IGNORE, f"deny list: {hit}"
    if hit := _listed(pol.allow, request, emails, companies):
        return Action.ACCEPT, f"allow list: {hit}"
    risk = sum(s.severity for s in signals)
    worst = max((s.severity for s in signals), default=0)
    if verdict not in (KNOWN, MET) and (worst >= 3 or risk >= pol.report_at):
        return Action.REPORT, _report_rule(signals, risk, worst, pol.report_at)
    repeat = any(s.name == "declined_before" for s in signals)
    if verdict in pol.accept:
        if repeat:
            return Action.ASK, f"{verdict}, but you declined them before"
        return Action.ACCEPT, f"{pol.preset}: accept {verdict}"
    if verdict in pol.ask:
        return Action.ASK, f'{pol.preset}: ask "have we met?" when {verdict}'
    if verdict == STRANGER and pol.strangers == "accept_relevant":
        blocking = [s for s in signals if s.name in pol.decline_on or s.severity >= 2]
        text = f"{request.headline} {request.note}"
        hits = [k for k in pol.relevant if re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text, re.I)]
        if blocking:
            return Action.IGNORE, f"{pol.preset}: a stranger, with {_words(blocking)}"
        if hits:
            return Action.ACCEPT, f"{pol.preset}: relevant stranger ({', '.join(hits[:3])})"
        return Action.ASK, f"{pol.preset}: stranger, nothing relevant in headline or note"
    if verdict == STRANGER and pol.strangers == "ask":
        return Action.ASK, f"{pol.preset}: ask strangers"
    if serious := [s for s in signals if s.severity >= 2]:
        return Action.IGNORE, f"{pol.preset}: ignore {verdict}, with {_words(serious)}"
    return Action.IGNORE, f"{pol.preset}: ignore {verdict}"


def _words(signals: list[Signal]) -> str:
    """Signals in words, each with its first reasons: ``no note and a sales pitch
    ("book a call")``."""
    words = [s.brief() for s in signals]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _report_rule(signals: list[Signal], risk: int, worst: int, report_at: int) -> str:
    """Why a request is reported, in words: every counted signal with its weight and
    the threshold that applied (one signal of weight 3, or the sum reaching
    ``report_at``)."""
    counted = [s for s in signals if s.severity > 0]
    weights = ", ".join(f"{label(s.name)} {s.severity}{s.why()}" for s in counted)
    if risk >= report_at:
        return f"the risk signals add up to {risk} ({weights}); {report_at} or more reports"
    worst_one = next(s for s in counted if s.severity == worst)
    return (
        f"{label(worst_one.name)} weighs {worst}, enough to report on its own "
        f"(all risk signals: {weights}; adding up reports at {report_at})"
    )
