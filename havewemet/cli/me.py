"""``havewemet me``: who the user is, as the store remembers it, and how to correct it."""

from __future__ import annotations

from typing import Annotated

import typer

from havewemet.cli import render
from havewemet.cli.app import JsonOpt, _print_json, command, console, open_store
from havewemet.errors import InputError

AddressOpt = Annotated[
    list[str] | None,
    typer.Option(
        metavar="ADDRESS",
        help="An e-mail address, LinkedIn profile address or phone (+44 ...); repeat for each.",
    ),
]


@command()
def me(add: AddressOpt = None, remove: AddressOpt = None, as_json: JsonOpt = False) -> None:
    """Who you are: your own addresses, phones and profile, remembered from your LinkedIn
    export and --me, and used by mail and calendar imports; --add and --remove correct it."""
    from havewemet.normalize import own_identifier

    store = open_store()
    done = []
    for option, values in (("--add", add), ("--remove", remove)):
        for text in values or []:
            kind, value = own_identifier(text)
            if not kind:
                raise InputError(
                    option,
                    f"{text!r} is not an e-mail address, a LinkedIn profile address or a "
                    "phone number",
                    fix=f"Give one, e.g. {option} you@example.com, {option} "
                    f"https://www.linkedin.com/in/your-name or {option} +44 20 7946 0000",
                )
            change = store.add_own if option == "--add" else store.remove_own
            done.append((option, kind, value, change(kind, value)))
    rows, own = store.own_identifiers(), len(store.own_identity_ids())
    if as_json:
        return _print_json({"identifiers": rows, "identities_that_are_you": own})
    render.me(console, rows, own, done)
