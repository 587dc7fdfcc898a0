"""Who may change the partnership's wording: its managers and the system's administrators."""

from nestguard.access.rules import roles
from nestguard.accounts.models import Role

EDITING_GLOSSARY = roles(Role.PARTNERSHIP_MANAGER, Role.ADMIN)
