"""Writes to the registry that carry a rule: granting and revoking qualifications, amending a
sub-fund's scale. Each runs in one transaction; django-auditlog records the before and after
of every change with the actor (None: the system, such as a scripted load)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from innoplan.accounts.choices import Role
from innoplan.accounts.permissions import authorise
from innoplan.registry.choices import IdKind
from innoplan.registry.models import (
    Fund,
    FundScale,
    Organisation,
    Qualification,
    RegisterSteward,
    Talent,
)


def _authorise(actor, target) -> None:
    """``target``: the record, or the model of a new one — a data steward keeps some
    registers only. ``actor`` None: the system, such as a scripted load."""
    if actor is not None:
        authorise(
            actor,
            "registry.manage_registry",
            target,
            message=_("Only the stewards of this register change it."),
        )


@transaction.atomic
def qualification_grant(
    *,
    organisation: Organisation,
    kind: str,
    issued_on: date,
    certificate_no: str = "",
    expires_on: date | None = None,
    actor,
) -> Qualification:
    """Record a qualification; unless an expiry date is given, it follows from the kind's
    validity rule (``Qualification.clean``)."""
    _authorise(actor, Qualification)
    qualification = Qualification(
        organisation=organisation,
        kind=kind,
        certificate_no=certificate_no.strip(),
        valid_from=issued_on,
        valid_to=expires_on,
    )
    with set_actor(actor):
        qualification.full_clean()
        qualification.save()
    return qualification


@transaction.atomic
def record_save(*, record, actor):
    """Create a registry record or correct its fields, as a steward does on its page: the
    model's own checks (the same an import row meets), then the save, in the audit log under
    ``actor``. A corrected date changes the figures of the days it touches (the metric
    snapshots from the earliest of them are dropped)."""
    _authorise(actor, record)
    with set_actor(actor):
        record.full_clean()
        record.save()
    return record


@transaction.atomic
def record_retire(*, record, on: date, reason: str, actor):
    """End a dated record before its time — a qualification revoked, an organisation moved
    out, a recognition withdrawn — from ``on`` on, keeping ``reason``. It counted until the
    day before; a retirement is not an expiry, and the record says why it ended."""
    _authorise(actor, record)
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    names = {
        "record": capfirst(locked._meta.verbose_name),
        "start": locked._meta.get_field("valid_from").verbose_name,
    }
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Say why it ends.")
    if locked.valid_from is None:
        errors["on"] = _("%(record)s has never counted; there is nothing to end.") % names
    elif on <= locked.valid_from:
        errors["on"] = _(
            "It counts from %(date)s (%(start)s); it can only be ended after that day. "
            "Correct a record entered in error instead."
        ) % {**names, "date": locked.valid_from.isoformat()}
    elif locked.valid_to is not None and on >= locked.valid_to:
        errors["on"] = _("It already stops counting on %(expires)s; end it before that day.") % {
            "expires": locked.valid_to.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    locked.valid_to = on
    locked.end_reason = reason.strip()
    with set_actor(actor):
        locked.full_clean()
        locked.save()
    return locked


@transaction.atomic
def organisation_merge(*, keep: Organisation, duplicate: Organisation, actor) -> Organisation:
    """Merge ``duplicate`` — the same organisation entered twice — into ``keep``: everything
    that refers to it (qualifications, platforms, bases, patents, talents, teams, branches)
    moves to ``keep``, a fact both already hold is kept once, the duplicate's name joins the
    former names, and the duplicate is deleted. Each move and the deletion are in the audit
    log under ``actor``."""
    _authorise(actor, keep)
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": _("An organisation cannot be merged into itself.")})
    keep = Organisation.objects.select_for_update().get(pk=keep.pk)
    duplicate = Organisation.objects.select_for_update().get(pk=duplicate.pk)
    with set_actor(actor):
        for relation in Organisation._meta.related_objects:
            if not (relation.one_to_many or relation.one_to_one):
                continue  # a many-to-many goes through its own model (PatentOwner), moved here
            model, link = relation.related_model, relation.field.name
            for record in model.objects.filter(**{link: duplicate}):
                setattr(record, link, keep)
                try:
                    with transaction.atomic():
                        record.save()
                except IntegrityError:
                    record.delete()  # ``keep`` holds the same fact already
        names = [n for n in keep.former_names.splitlines() if n.strip()]
        for name in [duplicate.name, *duplicate.former_names.splitlines()]:
            if name.strip() and name != keep.name and name not in names:
                names.append(name.strip())
        keep.former_names = "\n".join(names)
        keep.full_clean()
        keep.save()
        duplicate.delete()
    return keep


@transaction.atomic
def fund_scale_amend(*, fund: Fund, effective_on: date, amount: Decimal, actor) -> FundScale:
    """Set a sub-fund's committed scale (元) from ``effective_on`` on; a second amendment on
    the same day replaces the first. Earlier days keep the scale they had."""
    _authorise(actor, fund)
    scale = (
        FundScale.objects.select_for_update().filter(fund=fund, effective_on=effective_on).first()
    )
    amount = Decimal(amount)
    if scale is None:
        scale = FundScale(fund=fund, effective_on=effective_on, amount=amount)
    elif scale.amount == amount:
        return scale  # nothing changes, nothing is logged
    else:
        scale.amount = amount
    with set_actor(actor):
        scale.full_clean()
        scale.save()
    return scale


@transaction.atomic
def talent_register(
    *,
    name: str,
    id_number: str,
    id_kind: str = IdKind.ID_CARD,
    employer: Organisation | None = None,
    title: str = "",
    phone: str = "",
    actor,
) -> Talent:
    """Record a person, the document number checked as its kind's (an ID card's by GB 11643,
    unless ``id_kind`` says another document; by ``Talent.clean``) and kept encrypted. A
    person already recorded under that kind and number is an error, not a second record."""
    _authorise(actor, Talent)
    talent = Talent(name=name.strip(), employer=employer, title=title.strip())
    talent.set_id_number(id_number, kind=id_kind)
    talent.set_phone(phone)
    with set_actor(actor):
        talent.full_clean()
        talent.save()
    return talent


def talent_id_number_reveal(*, talent: Talent, actor) -> str:
    """The whole ID-card number, for one who may unmask it; recorded in the audit log as an
    access by ``actor``."""
    from auditlog.signals import accessed

    authorise(
        actor,
        "registry.unmask_id_number",
        talent,
        message=_("You may not see whole ID card numbers."),
    )
    with set_actor(actor):
        accessed.send(sender=Talent, instance=talent)
    return talent.id_number()


@transaction.atomic
def steward_groups_assign(*, steward, groups, actor) -> None:
    """Give a data steward exactly ``groups`` (RegisterGroup values) to keep; each group
    given or taken is in the audit log under ``actor``. Only the plan owner assigns, and only
    to an active data steward's account."""
    authorise(
        actor,
        "registry.assign_stewards",
        message=_("Only the plan owner assigns the data stewards' registers."),
    )
    if not (steward.is_active and steward.role == Role.DATA_STEWARD):
        raise ValidationError(
            _("%(user)s is not an active data steward: a security administrator grants the role.")
            % {"user": steward}
        )
    wanted = set(groups)
    held = {row.group: row for row in RegisterSteward.objects.filter(user=steward)}
    with set_actor(actor):
        for group in sorted(wanted - set(held)):
            RegisterSteward(user=steward, group=group).save()
        for group in sorted(set(held) - wanted):
            held[group].delete()
