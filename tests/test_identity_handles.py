"""Handles, e-mail, phones and profile URLs (issue 3, Build 2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from havewemet.identity.handles import handle_fit, handle_username
from havewemet.normalize import (
    normalize_email,
    normalize_phone,
    phone_key,
    profile_slug,
    social_handle,
)


@pytest.mark.parametrize(
    ("handle", "name", "near_miss"),
    [
        ("https://www.linkedin.com/in/jane-doe-4a1b2c3", "Jane Doe", "Jane Dole"),
        ("@janedoe", "Jane Doe", "Janet Dee"),  # X
        ("@jdoe@mastodon.social", "Jane Doe", "Jane Roe"),  # Mastodon
        ("jane-doe.bsky.social", "Jane Doe", "Joan Dow"),  # Bluesky
        ("jdoe84@example.org", "Jane Doe", "Jane Dow"),
        ("doe.jane@example.org", "Jane Doe", "Jane Dee"),
        ("j_doe", "Jane Doe", "Jane Dae"),
        ("rjsmith-lib", "Robert J. Smith", "Robert J. Smyth"),
        ("bob-smith", "Robert Smith", "Robert Smart"),
        ("jmueller", "José Müller", "José Miller"),
    ],
)
def test_handle_fits_name_and_not_near_miss(handle, name, near_miss):
    assert handle_fit(handle, name)[0] >= 0.8
    assert handle_fit(handle, near_miss)[0] < 0.5


def test_handle_username_forms():
    assert handle_username("@jdoe@mastodon.social") == "jdoe"
    assert handle_username("https://x.com/JaneDoe") == "janedoe"
    assert handle_username("https://bsky.app/profile/jane.bsky.social") == "jane"
    assert handle_username("doe.jane+news@example.org") == "doe.jane"


def test_exact_identifiers():
    assert profile_slug("https://www.linkedin.com/in/Jane-Doe-4a1b2c3/?trk=x") == "jane-doe-4a1b2c3"
    assert profile_slug("https://example.com/in/jane") == ""
    # The same profile as linked from other apps and sites of LinkedIn's.
    for url in (
        "https://www.linkedin.com/mwlite/in/jane-doe-4a1b2c3",
        "https://www.linkedin.com/m/in/Jane-Doe-4a1b2c3/",
        "https://uk.linkedin.com/in/jane-doe-4a1b2c3/en",
        "linkedin.com/in/jane-doe-4a1b2c3?utm_source=share&utm_medium=ios_app",
    ):
        assert profile_slug(url) == "jane-doe-4a1b2c3", url
    assert profile_slug("https://www.linkedin.com/mwlite/feed") == ""
    assert normalize_email("MAILTO:Jane@Example.org") == "jane@example.org"
    assert normalize_email("not an address") == ""
    assert normalize_phone("020 7946 0000", region="GB") == "+442079460000"
    assert normalize_phone("020 7946 0000") == ""  # no region, no +: cannot read
    assert normalize_phone("020 7946 0000", keep_raw=True) == "020 7946 0000"
    assert normalize_phone(" tel:+44-20-7946-0000;ext=1 ") == "+442079460000"
    assert normalize_phone("0044 20 7946 0000") == "+442079460000"
    assert normalize_phone("+1 2") == ""  # too short to be a number
    assert phone_key("+44 20 7946 0000") == phone_key("020 7946 0000")
    assert phone_key("+44 20 7946 0001") != phone_key("020 7946 0000")


@given(st.text(), st.text())
def test_handle_functions_never_raise(h, n):
    score, _ = handle_fit(h, n)
    assert 0.0 <= score <= 1.0
    profile_slug(h)
    normalize_email(h)
    normalize_phone(h)
    normalize_phone(h, keep_raw=True)
    social_handle(h, n)


@pytest.mark.parametrize(
    ("value", "service", "expected"),
    [
        ("https://x.com/SomeOne", "", "@someone"),
        ("http://twitter.com/intent/user", "", ""),
        ("https://bsky.app/profile/ada.bsky.social", "", "@ada.bsky.social"),
        ("@Ada@Hachyderm.io", "mastodon", "@ada@hachyderm.io"),
        ("ada", "", ""),
        ("ada@example.com", "", ""),
    ],
)
def test_social_handle(value: str, service: str, expected: str) -> None:
    assert social_handle(value, service) == expected


_URL_PARTS = st.sampled_from(
    [
        "https://",
        "http://",
        "www.",
        "LinkedIn",
        "linkedin",
        "lin\u212aedin",
        ".com",
        "/in/",
        "/pub/",
        "/comm",
        "jane-doe",
        "%C3%A9",
        "?trk=x",
        "#",
        ":80",
        "@",
        " ",
        "uk.",
        "x.com",
    ]
)


@given(st.lists(st.one_of(_URL_PARTS, st.text(max_size=3)), max_size=8).map("".join))
def test_profile_slug_shortcuts_give_what_urlsplit_gives(url):
    from havewemet.normalize import _slug_of_url

    assert profile_slug(url) == (_slug_of_url(url.strip()) if url.strip() else "")
