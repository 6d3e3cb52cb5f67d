"""The role table: deny by default, scopes per district."""

from alignment.records import Principal, RoleAssignment
from alignment.team.access import ACTIONS, PERMISSIONS, may, scopes


def principal(*assignments):
    return Principal("p", tuple(RoleAssignment("p", role, scope) for role, scope in assignments))


def test_nobody_and_no_role_may_do_nothing():
    for action in ACTIONS:
        assert not may(None, action) and not may(principal(), action, "bydel-frogner")
    assert not may(principal(("rådgiver", "*")), "en handling som ikke finnes")


def test_an_advisor_may_everything_on_plans_in_every_district_but_not_administer():
    advisor = principal(("rådgiver", "*"))
    assert all(may(advisor, a, "bydel-alna") for a in ACTIONS if a != "administrere")
    assert not may(advisor, "administrere") and scopes(advisor, "vurdere") is None


def test_a_district_user_acts_in_their_own_district_only_and_never_decides():
    district = principal(("bydel", "bydel-frogner"))
    assert may(district, "laste_opp", "bydel-frogner") and not may(district, "laste_opp", "bydel-alna")
    assert may(district, "kommentere", "bydel-frogner") and may(district, "se_publisert", "bydel-frogner")
    for action in ("se_vurdering", "vurdere", "publisere", "administrere"):
        assert not may(district, action, "bydel-frogner")
    assert scopes(district, "se_plan") == {"bydel-frogner"}


def test_every_action_names_only_known_roles():
    assert set(PERMISSIONS) == set(ACTIONS)
    assert all(roles <= {"rådgiver", "bydel", "admin"} for roles in PERMISSIONS.values())
