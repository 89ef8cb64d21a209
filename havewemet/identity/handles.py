"""Profile URLs, social handles and e-mail addresses, as comparable keys."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_LINKEDIN_PATH = re.compile(r"^/(?:comm/)?(?:in|pub)/([^/?#]+)", re.I)


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
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return ""
    m = _LINKEDIN_PATH.match(parts.path)
    return unquote(m.group(1)).lower() if m else ""


def normalize_email(email: str) -> str:
    """Lower-cased address with whitespace and a ``mailto:`` prefix removed."""
    email = (email or "").strip().lower()
    if email.startswith("mailto:"):
        email = email[7:]
    return email if "@" in email else ""
