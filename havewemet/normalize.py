"""Identifiers as comparable keys: e-mail addresses, phone numbers, social handles and
LinkedIn profile addresses (the one ``profile_slug``).

The ground floor: importers, the store and the matcher all read these, and this
module imports nothing of havewemet's.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote, urlsplit

#: A plain profile URL: what :func:`profile_slug` returns is the lower-cased slug.
_PLAIN_PROFILE = re.compile(
    r"(?:https?://)?(?:www\.)?linkedin\.com/(?:comm/)?(?:in|pub)/([A-Za-z0-9_-]+)(?:/[?#]?)?"
)
# /in/ and /pub/, as linked from mail (/comm/), LinkedIn Lite (/mwlite/) and the old
# mobile site (/m/).
_LINKEDIN_PATH = re.compile(r"^/(?:comm/|mwlite/|m/)?(?:in|pub)/([^/?#]+)", re.I)


def profile_slug(url: str) -> str:
    """The LinkedIn public profile slug of a URL, lower-cased, or ``""``.

    Examples:
        >>> profile_slug("https://www.linkedin.com/in/Jane-Doe-4a1b2c3/?trk=x")
        'jane-doe-4a1b2c3'
        >>> profile_slug("https://www.linkedin.com/comm/in/rjsmith-lib")
        'rjsmith-lib'
        >>> profile_slug("linkedin.com/in/r%C3%A9mi")
        'rémi'
    """
    url = (url or "").strip()
    if not url:
        return ""
    fast = _PLAIN_PROFILE.fullmatch(url)
    if fast:  # the common shape, without urlsplit (same result)
        return fast.group(1).lower()
    if "linkedin" not in url.lower():  # no LinkedIn host (a name, another site)
        return ""
    return _slug_of_url(url)


def _slug_of_url(url: str) -> str:
    """:func:`profile_slug` of a stripped URL, read by :func:`urlsplit` (the general
    way, which the shortcuts before it must agree with)."""
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return ""
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return ""
    m = _LINKEDIN_PATH.match(parts.path)
    return unquote(m.group(1)).lower().strip() if m else ""


def normalize_email(email: str) -> str:
    """Lower-cased address with whitespace, ``mailto:`` and ``<>`` removed, or ``""``.

    Examples:
        >>> normalize_email(" Mailto:<Jane.Doe@Example.ORG> ")
        'jane.doe@example.org'
    """
    email = (email or "").strip().lower()
    if email.startswith("mailto:"):
        email = email[7:]
    email = email.strip("<> ")
    local, at, domain = email.rpartition("@")
    return email if at and local and "." in domain and " " not in email else ""


def normalize_phone(raw: str, *, region: str | None = None, keep_raw: bool = False) -> str:
    """A phone number in E.164 (``+442079460000``), or ``""`` when it cannot be read.

    Numbers without a ``+`` (or ``00``) need ``region`` (an ISO country code such
    as ``"GB"``). A ``tel:`` URI is read too. With ``keep_raw``, a number that
    cannot be read comes back as its text (whitespace collapsed) rather than
    ``""``: address books keep local numbers such as ``555 1234``, which still
    compare by :func:`phone_key`.

    Examples:
        >>> normalize_phone("020 7946 0000", region="GB")
        '+442079460000'
        >>> normalize_phone("+1 (415) 555-0100")
        '+14155550100'
        >>> normalize_phone("tel:+49-30-1234567"), normalize_phone("0049 30 1234567")
        ('+49301234567', '+49301234567')
        >>> normalize_phone("555 1234"), normalize_phone("555 1234", keep_raw=True)
        ('', '555 1234')
    """
    text = " ".join((raw or "").split())
    if text.lower().startswith("tel:"):
        text = text[4:].split(";")[0]
    if not text:
        return ""
    kept = text if keep_raw else ""
    candidate = "+" + text[2:] if region is None and text.startswith("00") else text
    if region is None and not candidate.startswith("+"):
        return kept
    import phonenumbers  # 50 ms to load: only where a phone number is read (startup)

    try:
        num = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return kept
    if not phonenumbers.is_possible_number(num):
        return kept
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def social_handle(value: str, service: str = "") -> str:
    """A comparable social handle (``@jdoe``, ``@jdoe@mastodon.social``) or ``""``.

    Accepts a profile URL (X/Twitter, any Mastodon-style ``/@user`` URL, Bluesky)
    or a bare handle, with ``service`` naming the network when the value is bare.

    Examples:
        >>> social_handle("http://twitter.com/JDoe")
        '@jdoe'
        >>> social_handle("https://mastodon.social/@jdoe")
        '@jdoe@mastodon.social'
        >>> social_handle("jdoe", "twitter")
        '@jdoe'
        >>> social_handle("https://x.com/i/user/12")
        'x:12'
        >>> social_handle("https://example.com/about")
        ''
    """
    value = (value or "").strip()
    if not value:
        return ""
    if re.fullmatch(r"@?[\w.]+@[\w.-]+\.\w+", value) and not value.startswith("mailto"):
        if "@" in value.lstrip("@") and (service or value.startswith("@")):
            return "@" + value.lstrip("@").lower()
    if "://" in value or value.lower().startswith(("twitter.com", "x.com", "bsky.app")):
        try:
            parts = urlsplit(value if "://" in value else "https://" + value)
            host = (parts.hostname or "").lower().removeprefix("www.")
        except ValueError:
            return ""
        segs = [s for s in parts.path.split("/") if s]
        if host in ("twitter.com", "x.com", "mobile.twitter.com") and segs:
            # An account named by its id (x.com/i/user/<id>, intent/user?user_id=<id>):
            # the X archive's own handle for it, so the two sources agree (issue 13).
            if [s.lower() for s in segs[:2]] == ["i", "user"] and segs[2:3] and segs[2].isdigit():
                return f"x:{segs[2]}"
            if m := re.fullmatch(r"(?:.*&)?user_id=(\d+)(?:&.*)?", parts.query):
                return f"x:{m.group(1)}" if segs[0].lower() == "intent" else ""
            if segs[0].lower() not in ("intent", "share", "home", "i", "search", "hashtag"):
                return "@" + segs[0].lstrip("@").lower()
            return ""
        if host == "bsky.app" and len(segs) >= 2 and segs[0] == "profile":
            return "@" + segs[1].lower()
        if segs and segs[0].startswith("@") and len(segs[0]) > 1 and host:
            return f"{segs[0].lower()}@{host}"
        return ""
    if service.lower() in ("twitter", "x", "bluesky", "mastodon", "") and re.fullmatch(
        r"@?[\w.]{1,50}", value
    ):
        return "@" + value.lstrip("@").lower() if service else ""
    return ""


def phone_key(raw: str) -> str:
    """A region-free comparison key: the last 9 digits (``+44 20 7946 0000`` = ``020 7946 0000``).

    Examples:
        >>> phone_key("+44 20 7946 0000") == phone_key("(020) 7946-0000")
        True
    """
    digits = re.sub(r"\D", "", raw or "")
    return digits[-9:] if len(digits) >= 7 else ""


_BIRTHDAY = re.compile(r"(\d{4}|--|-)-?(\d{2})-?(\d{2})(?:T.*)?")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def normalize_birthday(raw: str) -> str:
    """A birthday as ``YYYY-MM-DD``, or ``--MM-DD`` without its year, or ``""``.

    Reads what address books write: vCard's ``BDAY`` (``1985-06-06``, ``19850606``,
    ``--0606`` without the year, a time after the date), Google Contacts' CSV
    (``1985-06-06``, `` --06-06``) and a slashed date when its order is beyond
    doubt (``24/6/1985``, ``6/24/1985``, ``1/1/1985``; ``6/7/1985`` could be either
    and is left out). A date that does not exist (``1985-02-30``) or a year before 1900 (an
    address book's placeholder, ``1604``) is no birthday.

    Examples:
        >>> normalize_birthday("19850606"), normalize_birthday(" --06-06")
        ('1985-06-06', '--06-06')
        >>> normalize_birthday("6/7/1985"), normalize_birthday("1985-02-30")
        ('', '')
    """
    text = (raw or "").strip()
    m = _BIRTHDAY.fullmatch(text)
    if m:
        year, month, day = m.groups()
    else:
        s = _SLASHED.fullmatch(text)
        if not s:
            return ""
        a, b, year = s.groups()
        if int(a) > 12 >= int(b) or a.zfill(2) == b.zfill(2):
            day, month = a, b
        elif int(b) > 12 >= int(a):
            month, day = a, b
        else:
            return ""  # 6/7/1985: June 7 in the US, 6 July elsewhere
    month, day = month.zfill(2), day.zfill(2)
    try:
        date(2000 if year.startswith("-") else int(year), int(month), int(day))
    except ValueError:
        return ""
    if year.startswith("-"):
        return f"--{month}-{day}"
    return f"{year}-{month}-{day}" if int(year) >= 1900 else f"--{month}-{day}"


def own_identifier(text: str) -> tuple[str, str]:
    """What one of the user's own identifiers is, and its comparable form: an e-mail
    address, a LinkedIn profile (its slug) or a phone number in international form;
    ``("", "")`` when it is none of them (``havewemet me --add``, issue 12).

    Examples:
        >>> own_identifier(" Ruth.Calloway@Westmere.gov.uk ")
        ('email', 'ruth.calloway@westmere.gov.uk')
        >>> own_identifier("https://www.linkedin.com/in/ruth-calloway/")
        ('profile', 'ruth-calloway')
        >>> own_identifier("+44 20 7946 0000"), own_identifier("ruth")
        (('phone', '+442079460000'), ('', ''))
    """
    if email := normalize_email(text):
        return "email", email
    if slug := profile_slug(text):
        return "profile", slug
    if any(c.isdigit() for c in text) and (phone := normalize_phone(text)):
        return "phone", phone
    return "", ""
