"""OAuth scopes timeledger grants, and which one each kind of access needs.

Named as FreshBooks names them (``user:<object>:read|write``); an app gets those its client was
registered with. Write implies read: a token that may change time entries may also see them.
"""

from __future__ import annotations

PROFILE_READ = "user:profile:read"
PROFILE_WRITE = "user:profile:write"
TIME_ENTRIES_READ = "user:time_entries:read"
TIME_ENTRIES_WRITE = "user:time_entries:write"
PROJECTS_READ = "user:projects:read"
PROJECTS_WRITE = "user:projects:write"
CLIENTS_READ = "user:clients:read"
CLIENTS_WRITE = "user:clients:write"
BILLABLE_ITEMS_READ = "user:billable_items:read"
BILLABLE_ITEMS_WRITE = "user:billable_items:write"
# Team members (``/auth/api/v1/businesses/{id}/team_members``): FreshBooks documents only a read scope.
TEAMS_READ = "user:teams:read"

ALL_SCOPES = (
    PROFILE_READ,
    PROFILE_WRITE,
    TIME_ENTRIES_READ,
    TIME_ENTRIES_WRITE,
    PROJECTS_READ,
    PROJECTS_WRITE,
    CLIENTS_READ,
    CLIENTS_WRITE,
    BILLABLE_ITEMS_READ,
    BILLABLE_ITEMS_WRITE,
    TEAMS_READ,
)

# FreshBooks adds the profile scope to every app; so do we.
ALWAYS_GRANTED = (PROFILE_READ,)


def satisfies(granted: frozenset[str] | tuple[str, ...], needed: str) -> bool:
    """Whether ``granted`` allows ``needed``; a ``...:write`` scope also allows its ``...:read``."""
    if needed in granted:
        return True
    return needed.endswith(":read") and needed.removesuffix(":read") + ":write" in granted
