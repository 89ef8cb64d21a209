"""Grouping on every import (issue 12), end to end on generated files: an address-book
contact, a mail thread with the same address under another display name and a
LinkedIn invitation from that person make them *known* right after the imports, in
any order; forgetting the mail brings them back to *met*."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.demo import linkedin_export as lx
from havewemet.identity.cluster import group_new
from havewemet.models import Identity, ImportBatch
from havewemet.store import Store

ME = "ruth.calloway@westmere.gov.uk"
runner = CliRunner()


def run(*args: object) -> str:
    res = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def vcard(path: Path) -> Path:
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Daniel;;;\r\nFN:Daniel Okafor\r\n"
        "EMAIL;type=INTERNET;type=WORK:daniel.okafor@eastvale.example\r\n"
        "ORG:Eastvale Library\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    return path


def mbox(path: Path) -> Path:
    def msg(frm: str, to: str, date: str, subject: str, mid: str) -> str:
        return "\n".join(
            [
                f"From {mid}@xxx {date}",
                f"From: {frm}",
                f"To: {to}",
                f"Subject: {subject}",
                f"Date: {date}",
                f"Message-ID: <{mid}@mail.example>",
                "Content-Type: text/plain; charset=utf-8",
                "",
                "Thanks, see you then.",
                "",
            ]
        )

    them = '"Okafor, D." <Daniel.Okafor@eastvale.example>'
    path.write_text(
        msg(them, f"Ruth <{ME}>", "Mon, 02 Mar 2026 10:00:00 +0000", "Archive day", "a1")
        + msg(f"Ruth <{ME}>", them, "Tue, 03 Mar 2026 09:00:00 +0000", "Re: Archive day", "a2"),
        encoding="utf-8",
    )
    return path


def export(root: Path, *, name: str = "Dan Okafor") -> Path:
    """A LinkedIn export holding one incoming invitation, from ``name``."""
    li = "https://www.linkedin.com/in/"
    row = [name, "Ruth Calloway", "11/18/26, 9:00 AM", "", "INCOMING",
           f"{li}dan-okafor-lib", f"{li}ruth-calloway"]  # fmt: skip
    return lx.write_export(
        root, {"Invitations.csv": lx.csv_text(lx.INVITATIONS_HEADER_2023, [row])},
        exported=datetime(2026, 11, 20),
    )  # fmt: skip


def verdict(name: str) -> str:
    (item,) = [i for i in json.loads(run("inbox", "--json")) if i["name"] == name]
    return item["verdict"]


@pytest.mark.parametrize("order", list(itertools.permutations(["vcard", "mail", "linkedin"])))
def test_known_right_after_the_imports_in_any_order(db_path, tmp_path, order):
    files = {
        "vcard": [vcard(tmp_path / "contacts.vcf")],
        "mail": [mbox(tmp_path / "mail.mbox"), "--me", ME],
        "linkedin": [export(tmp_path / "li")],
    }
    for what in order:
        run("import", *files[what])
    assert verdict("Dan Okafor") == "known"
    run("forget", "mbox:mail.mbox")
    assert verdict("Dan Okafor") == "met"


def _ident(source: str, key: str, name: str, *, email: str = "", url: str = "") -> Identity:
    first, _, last = name.partition(" ")
    return Identity(source, key, name, first, last, emails=[email] if email else [],
                    urls=[url] if url else [], file=f"{source}.csv", line=2)  # fmt: skip


def _people(store: Store) -> list[set[str]]:
    by: dict[str, set[str]] = {}
    for ident in store.identities():
        by.setdefault(ident["person_id"], set()).add(ident["name"])
    return sorted(by.values(), key=sorted)


def test_same_address_groups_and_a_different_profile_keeps_apart(store):
    b = ImportBatch("book", "test", "t")
    b.identities += [
        _ident("book", "a", "Daniel Okafor", email="d@x.example", url="linkedin.com/in/dan-1"),
        _ident("book", "b", "D Okafor", email="d@x.example"),
        # Near miss: same address but another LinkedIn profile: a conflicting identifier.
        _ident("book", "c", "Dan Okafor", email="d@x.example", url="linkedin.com/in/dan-2"),
    ]
    store.save(b)
    assert group_new(store) == 3
    people = _people(store)
    assert {"Daniel Okafor", "D Okafor"} in [p - {"Dan Okafor"} for p in people]
    assert not any({"Daniel Okafor", "Dan Okafor"} <= p for p in people)
    assert group_new(store) == 0  # nothing new: nothing regrouped


def test_unlink_keeps_apart_across_reimports(store):
    from havewemet.identity.cluster import unlink

    b = ImportBatch("book", "test", "t")
    b.identities += [
        _ident("book", "a", "Daniel Okafor", email="d@x.example"),
        _ident("book", "b", "Dan Okafor", email="d@x.example"),
    ]
    store.save(b)
    group_new(store)
    assert len(_people(store)) == 1
    ids = sorted(i["id"] for i in store.identities())
    unlink(store, *ids)
    assert len(_people(store)) == 2
    c = ImportBatch("mail", "test", "t")
    c.identities.append(_ident("mail", "z", "Daniel Okafor", email="d@x.example"))
    store.save(c)
    group_new(store)
    assert len(_people(store)) == 2  # the newcomer joins one side, never both


def _book(*idents: Identity, source: str = "book") -> ImportBatch:
    b = ImportBatch(source, "test", "t")
    b.identities += list(idents)
    return b


def _phone(ident: Identity, phone: str) -> Identity:
    ident.phones = [phone]
    return ident


def test_an_identity_whose_address_changed_is_grouped_again(store):
    from havewemet.identity.cluster import save_and_group

    save_and_group(store, _book(_ident("book", "a", "Daniel Okafor", email="d@x.example")))
    save_and_group(store, _book(_ident("mail", "m", "Okafor D", email="d@x.example"),
                                source="mail"))  # fmt: skip
    assert {"Daniel Okafor", "Okafor D"} in _people(store)
    # Near miss first: the same card again changes nothing, and regroups nothing.
    res = save_and_group(store, _book(_ident("book", "a", "Daniel Okafor", email="d@x.example")))
    assert res.updated["identities"] == 0 and {"Daniel Okafor", "Okafor D"} in _people(store)
    # The card now has another address: the mail thread's is no longer his.
    save_and_group(store, _book(_ident("book", "a", "Daniel Okafor", email="dan@y.example")))
    assert _people(store) == [{"Daniel Okafor"}, {"Okafor D"}]
    # And back: grouped again.
    save_and_group(store, _book(_ident("book", "a", "Daniel Okafor", email="d@x.example")))
    assert _people(store) == [{"Daniel Okafor", "Okafor D"}]


def test_forgetting_the_source_that_joined_two_identities_parts_them(store):
    from havewemet.identity.cluster import forget_and_regroup, save_and_group

    # A card with an address; a mail thread with that address and a phone; a second
    # card with only the phone. The mail thread is what makes them one person.
    save_and_group(store, _book(_ident("book", "a", "Daniel Okafor", email="d@x.example")))
    save_and_group(store, _book(_phone(_ident("mail", "m", "D Okafor", email="d@x.example"),
                                       "+441632960001"), source="mail"))  # fmt: skip
    save_and_group(store, _book(_phone(_ident("phone", "p", "Dan O"), "+441632960001"),
                                source="phone"))  # fmt: skip
    assert _people(store) == [{"D Okafor", "Dan O", "Daniel Okafor"}]
    # Near miss: forgetting a source with nothing to do with him keeps him whole.
    save_and_group(store, _book(_ident("other", "o", "Amira Haddad", email="a@h.example"),
                                source="other"))  # fmt: skip
    forget_and_regroup(store, "other")
    assert _people(store) == [{"D Okafor", "Dan O", "Daniel Okafor"}]
    forget_and_regroup(store, "mail")
    assert _people(store) == [{"Dan O"}, {"Daniel Okafor"}]
    assert all(i["person_id"] for i in store.identities())  # every one placed again


def test_a_link_survives_a_change_of_address(store):
    from havewemet.identity.cluster import link, save_and_group

    ngozi = _ident("book", "b", "Ngozi Bello", email="n@b.example")
    save_and_group(store, _book(_ident("book", "a", "Daniel Okafor", email="d@x.example"), ngozi))
    ids = sorted(i["id"] for i in store.identities())
    link(store, *ids)  # the user says these two are one person (a married name, say)
    save_and_group(store, _book(_ident("book", "a", "Daniel Okafor", email="new@x.example"), ngozi))
    assert _people(store) == [{"Daniel Okafor", "Ngozi Bello"}]


@pytest.mark.parametrize("bulk", [1, 10**9])
def test_many_grouped_at_once_are_written_the_same(store, monkeypatch, bulk):
    """A first import's thousands of identities are written through a temporary table
    (``_BULK``); a few, one by one: the people are the same either way."""
    import havewemet.store.people as people

    monkeypatch.setattr(people, "_BULK", bulk)
    b = _book(*(_ident("book", f"k{i}", f"Ada{i} Byron", email=f"a{i % 3}@b.example")
                for i in range(9)))  # fmt: skip
    b.identities.append(_ident("book", "alone", "Grace Hopper", email="g@h.example"))
    assert group_new(store) == 0 and store.save(b) and group_new(store) == 10
    sizes = sorted(len(p) for p in _people(store))
    assert sizes == [1, 3, 3, 3]


def test_namesakes_at_two_places_are_not_grouped_by_name(store):
    """Danny Okafor of Eastvale Library (a card) and Daniel Okafor of Northgate Council
    (a mail thread), each with his own address: the names agree (Danny is a form of
    Daniel), but a name is not enough to make them one person."""
    from havewemet.identity.cluster import save_and_group

    def person(source: str, name: str, email: str, company: str) -> Identity:
        ident = _ident(source, name, name, email=email)
        ident.company = company
        return ident

    save_and_group(store, _book(person("book", "Danny Okafor", "danny@eastvale.example",
                                       "Eastvale Library")))  # fmt: skip
    save_and_group(store, _book(person("mail", "Daniel Okafor", "d.okafor@northgate.example",
                                       "Northgate Council"), source="mail"))  # fmt: skip
    assert _people(store) == [{"Daniel Okafor"}, {"Danny Okafor"}]
    # Near miss: at the same organisation (another address of his), the name groups them.
    save_and_group(store, _book(person("crm", "Daniel Okafor", "dokafor@eastvale.example",
                                       "Eastvale Library"), source="crm"))  # fmt: skip
    assert {"Danny Okafor", "Daniel Okafor"} in _people(store)


def _born(ident: Identity, birthday: str) -> Identity:
    ident.extra["birthday"] = birthday
    return ident


def test_a_birthday_parts_namesakes_and_its_change_regroups(store):
    """Issue 12: two address books' Evie Dean are one person until one of them is
    born twenty years earlier; the changed birthday alone regroups them."""
    from havewemet.identity.cluster import save_and_group

    save_and_group(store, _book(_born(_ident("book", "a", "Evie Dean"), "2015-03-03")))
    phone = _born(_ident("phone", "p", "Evie Dean"), "2015-03-03")
    save_and_group(store, _book(phone, source="phone"))
    assert len(_people(store)) == 1
    phone = _born(_ident("phone", "p", "Evie Dean"), "1995-03-03")
    save_and_group(store, _book(phone, source="phone"))
    assert len(_people(store)) == 2
    phone = _born(_ident("phone", "p", "Evie Dean"), "2015-03-03")
    save_and_group(store, _book(phone, source="phone"))
    assert len(_people(store)) == 1
