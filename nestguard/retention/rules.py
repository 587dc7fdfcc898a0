"""The retention pages' access rule: data protection officers only."""

from nestguard.access.rules import roles
from nestguard.accounts.models import Role

DATA_PROTECTION = roles(Role.DATA_PROTECTION_OFFICER)
