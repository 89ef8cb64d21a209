"""Address-book evidence (issue 12): the birthday an address book holds and an e-mail
address typed with a slip, from the file to the matcher's kept records, each with its
near miss."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from havewemet.evaluate.identity import pair_probability
from havewemet.identity.compare import birthday_level, compare, email_slip, make_rec
from havewemet.identity.prepared import load_matcher
from havewemet.models import Identity, ImportBatch, stable_id
from havewemet.normalize import normalize_birthday
from havewemet.store import Store


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985-06-24", "1985-06-24"),  # vCard 3, Google Contacts
        ("19850624", "1985-06-24"),  # vCard 4 basic form
        ("--0624", "--06-24"),  # vCard 4 without a year
        (" --06-24", "--06-24"),  # Google Contacts without a year
        ("1604-06-24", "--06-24"),  # Apple's placeholder year
        ("1985-06-24T00:00:00Z", "1985-06-24"),
        ("24/6/1985", "1985-06-24"),
        ("6/24/1985", "1985-06-24"),
        ("6/7/1985", ""),  # June 7 or 6 July: not read
        ("1985-02-30", ""),
        ("0/0/00", ""),  # Outlook's empty birthday
        ("", ""),
    ],
)
def test_birthdays_as_address_books_write_them(raw: str, expected: str) -> None:
    assert normalize_birthday(raw) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_every_written_form_of_a_date_reads_as_the_date(d: date) -> None:
    iso = d.isoformat()
    assert normalize_birthday(iso) == normalize_birthday(d.strftime("%Y%m%d")) == iso
    assert normalize_birthday(d.strftime("--%m%d")) == iso.replace(str(d.year), "-", 1)
    slashed = normalize_birthday(f"{d.day}/{d.month}/{d.year}")
    assert slashed == (iso if d.day > 12 or d.day == d.month else "")
    us = normalize_birthday(f"{d.month}/{d.day}/{d.year}")  # the other order, when clear
    assert us == slashed


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1985-06-24", "1985-06-24", "exact"),
        ("--06-24", "1985-06-24", "day"),
        ("1985-06-24", "1985-07-24", "close"),  # one character
        ("1985-06-12", "1985-12-06", "close"),  # day and month swapped
        ("1985-06-24", "1986-06-24", "close"),
        ("1985-06-24", "1985-03-02", "year"),
        ("1985-06-24", "1990-01-01", "decade"),
        ("1985-06-24", "2003-06-25", "none"),
        ("--06-24", "1985-06-25", "decade"),  # no year: nothing more to tell
        ("", "1985-06-24", "missing"),
    ],
)
def test_birthday_levels(a: str, b: str, level: str) -> None:
    assert birthday_level(a, b) == birthday_level(b, a) == level


def test_a_birthday_tells_a_surname_alone_and_a_namesake_apart() -> None:
    # Splink's fake_1000 cluster: "Dean" alone and "Evie Dean", born the same day.
    mail = {"right_email": "evihd56@earris-bailey.net"}
    same = pair_probability("Dean", "Evie Dean", left_birthday="2015-03-03",
                            right_birthday="2015-03-03", **mail)  # fmt: skip
    assert same[0] >= 0.5 and "same birthday (2015-03-03)" in same[1]
    assert pair_probability("Dean", "Evie Dean", **mail)[0] < 0.5
    # Near miss: the same name, born twenty years apart, is another person.
    other = pair_probability("Evie Dean", "Evie Dean", left_birthday="1995-03-03",
                             right_birthday="2015-03-03")  # fmt: skip
    assert other[0] < 0.5 < 0.99 < pair_probability("Evie Dean", "Evie Dean")[0]
    assert "but another birthday (1995-03-03, 2015-03-03)" in other[1]


def test_an_address_typed_with_a_slip() -> None:
    p, why = pair_probability(
        "eTheodroe", "Theodore Morris",
        left_email="t.m39@brooks-sawer.com", right_email="t.m39@brooks-sawyer.com",
    )  # fmt: skip
    assert p >= 0.5
    assert "e-mail t.m39@brooks-sawer.com is a slip of t.m39@brooks-sawyer.com" in why
    assert pair_probability("eTheodroe", "Theodore Morris")[0] < 0.5


@pytest.mark.parametrize(
    ("a", "b", "ea", "eb"),
    [
        # A couple at one domain: the initial that differs is the given name's.
        ("Mark Jones", "Kate Jones", "mjones@gmail.com", "kjones@gmail.com"),
        # Two numbered accounts.
        ("John Smith", "John Smith", "john.smith1@gmail.com", "john.smith2@gmail.com"),
        # Short user names a letter apart are other addresses.
        ("Ann Lee", "Anna Lee", "ann@x.io", "anna@x.io"),
    ],
)
def test_near_addresses_that_are_not_a_slip(a: str, b: str, ea: str, eb: str) -> None:
    sc = compare(make_rec("a", name=a, emails=[ea]), make_rec("b", name=b, emails=[eb]))
    assert sc.parts["email"] < 0
    assert not any("slip" in r for r in sc.reasons)
    assert email_slip(frozenset({ea}), frozenset({eb})) is None or a.split()[0] != b.split()[0]


def _contacts(birthday: str) -> ImportBatch:
    b = ImportBatch("vcard:friends", "friends.vcf", "vcard")
    for key, name, bday in (("uid:1", "Evie Dean", birthday), ("uid:2", "Evie Dean", "")):
        extra: dict[str, object] = {"birthday": bday} if bday else {}
        b.identities.append(
            Identity("vcard:friends", key, name, file="friends.vcf", line=1, extra=extra)
        )
    return b


def test_the_kept_records_carry_the_birthday_and_follow_its_change() -> None:
    store = Store.open(":memory:")
    store.save(_contacts("2015-03-03"))
    evie = stable_id("vcard:friends", "uid:1")
    assert load_matcher(store).recs[evie].birthday == "2015-03-03"
    assert load_matcher(store).recs[evie].birthday == "2015-03-03"  # read back, not prepared
    store.save(_contacts("1995-03-03"))  # the card's birthday corrected
    assert load_matcher(store).recs[evie].birthday == "1995-03-03"
    store.save(_contacts(""))
    assert load_matcher(store).recs[evie].birthday == ""
