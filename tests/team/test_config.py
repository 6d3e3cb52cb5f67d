"""team.toml: read whole, secrets from files only their owner reads, one line for what is wrong."""

import pytest

from alignment.errors import UsageError
from alignment.team.config import district_scope, load_config, parse_role


def write(tmp_path, text):
    path = tmp_path / "team.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_configuration(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("h" * 48 + "\n")
    secret.chmod(0o600)
    config = load_config(write(tmp_path, f"""
[server]
public_url = "https://rusplan.example.no/"
workspace = "data"
secret_file = "{secret}"
trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]
session_hours = 8

[oidc]
issuer = "https://login.example.no/tenant/v2.0/"
client_id = "alignment"
client_secret = "oidc-hemmelighet"
[oidc.groups]
"g-korus" = "rådgiver"
"g-frogner" = "bydel:Bydel Frogner"
"""), environ={})
    assert config.public_url == "https://rusplan.example.no" and config.https and config.public_host == "rusplan.example.no"
    assert config.workspace == (tmp_path / "data").resolve() and config.secret == "h" * 48
    assert config.database == config.workspace / ".team" / "team.sqlite3" and config.session_hours == 8
    assert config.oidc.issuer == "https://login.example.no/tenant/v2.0/"  # as the provider's tokens say it
    assert config.oidc.groups == (("g-frogner", "bydel", "bydel-frogner"), ("g-korus", "rådgiver", "*"))


def test_secrets_from_the_environment_win(tmp_path):
    config = load_config(write(tmp_path, "[server]\n"), environ={"ALIGNMENT_SECRET": "e" * 40})
    assert config.secret == "e" * 40 and config.oidc is None and not config.https


@pytest.mark.parametrize("text, fragment", [
    ("[server]\npublic_url = 'rusplan'\n", "full adresse"),
    ("[server]\ntrusted_proxies = ['nginx']\n", "IP-adresser"),
    ("[server]\nsession_hours = 0\n", "session_hours"),
    ("[server]\nport = 'åtte'\n", "port"),
    ("[oidc]\nissuer = 'https://x'\n", "client_id"),
    ("[oidc]\nissuer='https://x'\nclient_id='a'\nclient_secret='b'\n[oidc.groups]\ng = 'sjef'\n", "Ukjent rolle"),
])
def test_what_is_wrong_is_said(tmp_path, text, fragment):
    with pytest.raises(UsageError, match=fragment):
        load_config(write(tmp_path, text), environ={})


def test_roles_and_districts_are_read_as_people_write_them():
    assert parse_role("Rådgiver") == ("rådgiver", "*") and parse_role("radgiver") == ("rådgiver", "*")
    assert parse_role("bydel:Frogner") == ("bydel", "bydel-frogner")
    assert district_scope("Bydel Søndre Nordstrand") == district_scope("søndre nordstrand") == "bydel-sondre-nordstrand"
    assert district_scope("alle") == "*"
    for wrong in ("bydel", "bydel:*", "bydel:alle", "bydel:Frognerr", "rådgiver:Bydel Atlantis"):
        with pytest.raises(UsageError):
            parse_role(wrong)


def test_the_admins_commands_read_no_secrets(tmp_path):
    """A secret only the service may read (systemd's credentials) does not stop `alignment users` or `backup`."""
    config = load_config(write(tmp_path, "[server]\nsecret_file = '/run/credentials/alignment.service/secret'\n"
                                         "[oidc]\nissuer='https://x'\nclient_id='a'\nclient_secret_file='/nope'\n"),
                         environ={}, with_secrets=False)
    assert config.secret == "" and config.oidc is None
    with pytest.raises(UsageError, match="hemmeligheten"):
        load_config(tmp_path / "team.toml", environ={})
