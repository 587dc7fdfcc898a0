"""Who keeps the services directory: its directory editors (a role a partner agency's worker
may hold without any other power), the partnership's managers and the administrators."""

from nestguard.access.rules import roles
from nestguard.accounts.models import Role

EDITING_DIRECTORY = roles(Role.DIRECTORY_EDITOR, Role.PARTNERSHIP_MANAGER, Role.ADMIN)
