"""Which addresses of a mailbox or a calendar are the user's (issue 12).

The user's own addresses come from three places, in this order: ``--me`` given with
this import, the addresses the store remembers from earlier imports (LinkedIn's
``Email Addresses.csv``, an earlier ``--me``, an earlier mail import's guess), and,
when neither appears in the source, a guess from the source itself. The import's
summary says which it took and from where; ``--me`` and a confident guess are
remembered for later imports (``batch.own``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from havewemet.models import ImportBatch, OwnIdentifier
from havewemet.normalize import normalize_email

#: A guess of the owner: the addresses and whether it is sure enough to remember.
Guess = Callable[[], tuple[set[str], bool]]


def who_is_me(
    batch: ImportBatch,
    file: str,
    *,
    given: Iterable[str],
    known: Iterable[str],
    seen: set[str],
    guess: Guess,
    none_fix: str,
    refused: Iterable[str] = (),
) -> set[str]:
    """The user's addresses for this import, with a note (or a warning) on ``batch``.

    Args:
        batch: the import's batch: notes, warnings and ``own`` are added to it.
        file: how the notes name the source.
        given: the addresses given with ``--me`` (kept as the user's).
        known: the addresses the store remembers as the user's.
        seen: every address the source holds (a remembered one that is not there
            says nothing about this source, so the owner is guessed).
        guess: the source's own guess, run only when needed.
        none_fix: what the warning tells the user to do when nothing fits.
        refused: addresses the user said are not theirs (``havewemet me --remove``):
            never guessed.
    """
    mine = {e for e in map(normalize_email, given) if e}
    for email in sorted(mine):
        batch.own.append(OwnIdentifier("email", email, how="--me"))
    remembered = {e for e in map(normalize_email, known) if e} - mine
    here = remembered & seen
    if here:
        also = "also " if mine else ""
        batch.notes.append(
            f"{file}: {also}taken as you, as remembered from earlier imports: "
            f"{', '.join(sorted(here))} (havewemet me lists them; --me ADDRESS adds one)"
        )
    if mine or here:
        return mine | remembered
    guessed, sure = guess()
    guessed -= remembered | {e for e in map(normalize_email, refused) if e}
    if guessed:
        shown = ", ".join(sorted(guessed))
        if sure:
            for email in sorted(guessed):
                batch.own.append(OwnIdentifier("email", email, file, how="guessed"))
            batch.notes.append(
                f"{file}: taken as your address: {shown} (guessed; remembered for later "
                f"imports: havewemet me --remove {sorted(guessed)[0]} if it is not yours)"
            )
        else:
            batch.notes.append(
                f"{file}: taken as your address: {shown} (guessed; --me ADDRESS chooses another)"
            )
    elif seen:
        batch.warnings.append(f"{file}: could not tell which address is yours{none_fix}")
    return guessed | remembered
