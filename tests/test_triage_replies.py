"""Reply templates: shipped defaults, the user's overrides, filling, errors, CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from havewemet.cli.app import app
from havewemet.errors import HaveWeMetError, PolicyError
from havewemet.store import Store
from havewemet.triage.engine import Triager
from havewemet.triage.replies import first_name, load_templates, reply_for
from tests.fixtures_triage import TODAY, batch, did, li, person, request


@pytest.fixture
def known(store):
    b = batch()
    k = person(b, "in/ann-lee", "Ann Lee", url=li("ann-lee"))
    did(b, k, "event", "2025-06-12", "both", detail="Open Data Day", file="Events.csv")
    did(b, k, "contact", None, "out", file="contacts.vcf")
    store.save(b)
    return Triager(store, today=TODAY).triage(request(store, "Ann Lee", url=li("ann-lee")))


def test_default_template_per_recommendation(known, store):
    assert reply_for(known, me="Ruth Calloway") == (
        "thanks",
        "Hi Ann, thanks for the invitation, good to connect here: we were both at "
        "Open Data Day in June 2025. Ruth",
    )
    stranger = Triager(store, today=TODAY).triage(request(store, "Zed Kay", url=li("zed-kay")))
    assert reply_for(stranger)[0] == "decline"


def test_named_template_and_unknown_name(known):
    name, text = reply_for(known, template="where_did_we_meet")
    assert text == (
        "Hi Ann, thanks for the invitation. I only connect with people I know: where did we meet?"
    )
    with pytest.raises(HaveWeMetError, match="no reply template named 'nope'; templates: "):
        reply_for(known, template="nope")


def test_user_file_overrides_and_adds(tmp_path, known, monkeypatch):
    f = tmp_path / "replies.toml"
    f.write_text(
        '[templates.thanks]\ntext = "Hello {first_name}! ({context})"\n'
        '[templates.short]\ntext = "Hi {name}"\n',
        encoding="utf-8",
    )
    tpl = load_templates(f)
    assert reply_for(known, templates=tpl)[1] == (
        "Hello Ann! (we were both at Open Data Day in June 2025)"
    )
    assert reply_for(known, template="short", templates=tpl)[1] == "Hi Ann Lee"
    assert "decline" in tpl.texts  # shipped ones stay
    monkeypatch.setenv("HAVEWEMET_REPLIES", str(f))
    assert "short" in load_templates().texts


def test_template_errors(tmp_path):
    f = tmp_path / "replies.toml"
    f.write_text('[templates.bad]\ntext = "Hi {nickname}"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match=r"key 'templates.bad': unknown field \{nickname\}"):
        load_templates(f)
    f.write_text('[templates.bad]\ntxt = "Hi"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="write it as"):
        load_templates(f)
    with pytest.raises(HaveWeMetError, match="no such templates file"):
        load_templates(tmp_path / "missing.toml")


def test_first_name():
    assert first_name("Dr. Ana López") == "Ana"
    assert first_name("Grace Liang") == "Grace"
    assert first_name("D. Okafor") == "D. Okafor"  # not "Hi D.,"
    assert first_name("Dr. D Okafor") == "D Okafor"
    assert first_name("Di Okafor") == "Di"  # near miss: a two-letter given name


def test_cli_reply(db_path):
    s = Store.open(db_path)
    request(s, "Zed Kay", url=li("zed-kay"))
    s.close()
    res = CliRunner().invoke(app, ["reply", "Zed Kay", "--template", "where_did_we_meet"])
    assert res.exit_code == 0, res.output
    assert res.output.strip() == (
        "Hi Zed, thanks for the invitation. I only connect with people I know: where did we meet?"
    )
    res = CliRunner().invoke(app, ["reply", "Nobody"])
    assert res.exit_code == 1 and res.output.startswith("Error: no request matches 'Nobody'")
