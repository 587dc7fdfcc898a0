"""The rights app's access rules (the coarse gate; the door decides the records)."""

from nestguard.access.rules import roles
from nestguard.accounts.models import Role

DATA_PROTECTION = roles(Role.DATA_PROTECTION_OFFICER)
# Reports of access to a person's records: the DPO and the auditors (issue 15 point 6).
ACCESS_REPORTING = roles(Role.DATA_PROTECTION_OFFICER, Role.AUDITOR)
