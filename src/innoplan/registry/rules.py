"""Who may change the registry (django-rules). Reading it is open to every business user."""

import rules

from innoplan.accounts.rules import is_business_user, is_plan_owner

rules.add_perm("registry.view_registry", is_business_user)
# The plan owner (区科委) keeps the registers until data stewards have a role of their own.
rules.add_perm("registry.manage_registry", is_plan_owner)
