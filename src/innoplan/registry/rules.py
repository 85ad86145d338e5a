"""Who may read and change the registry (django-rules).

Reading is open to every business user: the plan owner and the leaders see the whole registry,
and department reporters read it too, since what they report rests on it. System
administrators run the platform, not the plan: they do not read the registry."""

import rules

from innoplan.accounts.rules import is_business_user, is_plan_owner

rules.add_perm("registry.view_registry", is_business_user)  # plan owner, reporters, leaders
# The plan owner (区科委) keeps the registers until data stewards have a role of their own.
rules.add_perm("registry.manage_registry", is_plan_owner)
# Seeing a talent's full ID-card number; each time is audited as an access.
rules.add_perm("registry.unmask_id_number", is_plan_owner)
