"""Who may do what to which district: one table of roles, read against the role assignments.

Deny by default: an action a role does not list is refused, and a scope
is a district's plan id or every district. A district user (*bydel*) is
CISO Assistant's respondent: they upload their own district's drafts, see
the machine's result of them and what an advisor has published to them,
and answer with comments; they never see an advisor's unpublished
decisions or another district's plans.
"""

from __future__ import annotations

from ..records import ALL_DISTRICTS, ROLES, Principal, RoleAssignment

ROLE_LABELS = {"rådgiver": "Rådgiver i KoRus", "bydel": "Bydel", "admin": "Administrator"}

# Every action the web app checks, and the roles that may take it (in their scope).
PERMISSIONS: dict[str, frozenset[str]] = {
    "se_plan": frozenset({"rådgiver", "bydel"}),  # the plan exists for them: its drafts and the machine's result
    "se_vurdering": frozenset({"rådgiver"}),  # the advisor's unpublished decisions, the cards, the history
    "vurdere": frozenset({"rådgiver"}),  # save, undo, import a review file, add or refuse measures, remove
    "publisere": frozenset({"rådgiver"}),
    "laste_opp": frozenset({"rådgiver", "bydel"}),
    "kommentere": frozenset({"rådgiver", "bydel"}),
    "se_publisert": frozenset({"rådgiver", "bydel"}),
    "administrere": frozenset({"admin"}),  # users, role assignments, the audit log
}
ACTIONS = tuple(PERMISSIONS)
assert all(role in ROLES for roles in PERMISSIONS.values() for role in roles)


def may(principal: Principal | None, action: str, scope: str | None = None) -> bool:
    """Whether `principal` may take `action` on the district `scope` (None: on some district at all)."""
    if principal is None or action not in PERMISSIONS:
        return False
    roles = PERMISSIONS[action]
    return any(a.role in roles and (scope is None or a.scope in (ALL_DISTRICTS, scope)) for a in principal.assignments)


def scopes(principal: Principal | None, action: str) -> set[str] | None:
    """The districts `principal` may take `action` on: None for all of them."""
    if principal is None:
        return set()
    found = {a.scope for a in principal.assignments if a.role in PERMISSIONS.get(action, ())}
    return None if ALL_DISTRICTS in found else found


def owner() -> Principal:
    """The single-user workbench's one user: an advisor for every district (who has the link's key)."""
    return Principal("", (RoleAssignment("", "rådgiver", ALL_DISTRICTS),))
