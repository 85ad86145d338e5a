"""Who may read and change the registry (django-rules).

Reading is open to every business user: the plan owner and the leaders see the whole registry,
and department reporters read it too, since what they report rests on it; data stewards read
it whole and keep the register groups the plan owner assigns them. System administrators run
the platform, not the plan: they do not read the registry."""

import rules

from innoplan.accounts.rules import is_business_user, is_data_steward, is_plan_owner


def steward_groups(user) -> frozenset[str]:
    """The register groups a data steward keeps, read once per request (kept on the user)."""
    groups = getattr(user, "_register_groups", None)
    if groups is None:
        from innoplan.registry.models import RegisterSteward

        groups = frozenset(
            RegisterSteward.objects.filter(user=user).values_list("group", flat=True)
        )
        user._register_groups = groups
    return groups


@rules.predicate
def keeps_the_register(user, target):
    """Whether a steward keeps the register of ``target`` (a Register, a model, a record); with
    no target, whether they keep any."""
    from innoplan.registry.registers import register_for

    groups = steward_groups(user)
    if target is None:
        return bool(groups)
    register = register_for(target)
    return register is not None and register.group in groups


rules.add_perm("registry.view_registry", is_business_user | is_data_steward)
# Creating, correcting, ending and merging records, and importing files: the plan owner in
# every register (the district may leave all of it to him), a data steward in his groups.
rules.add_perm("registry.manage_registry", is_plan_owner | (is_data_steward & keeps_the_register))
# Assigning the stewards their register groups.
rules.add_perm("registry.assign_stewards", is_plan_owner)
# Seeing a talent's full ID-card number; each time is audited as an access.
rules.add_perm("registry.unmask_id_number", is_plan_owner)
