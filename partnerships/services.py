"""Merging duplicate partners: every row that points at the duplicate moves to the survivor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from registry.models import SourceLink
from registry.services import User, acting_user, ensure_nothing_points_at, user_can
from registry.workflow import Status

from .models import Partner, PartnerName, PartnerRedirect, PartnerRelation

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")


@dataclass
class MergeReport:
    """What `partner_merge` moved, for the curator's message and the tests."""

    moved: dict[str, int]
    dropped_as_duplicates: dict[str, int]

    def summary(self) -> str:
        parts = [f"{count} {name}" for name, count in self.moved.items() if count]
        return ", ".join(parts) or "nothing to move"


def _move_unique(
    queryset: models.QuerySet,
    column: str,
    survivor_id: int,
    unique_with: list[str],
    report: MergeReport,
    label: str,
) -> None:
    """Point `column` of every row at the survivor, dropping rows the survivor already has."""
    moved = dropped = 0
    for row in queryset:
        clash = (
            type(row)
            ._default_manager.filter(**{column: survivor_id}, **{k: getattr(row, k) for k in unique_with})
            .exclude(pk=row.pk)
        )
        if clash.exists():
            row.delete()
            dropped += 1
        else:
            setattr(row, column, survivor_id)
            row.save()
            moved += 1
    report.moved[label] = report.moved.get(label, 0) + moved
    report.dropped_as_duplicates[label] = report.dropped_as_duplicates.get(label, 0) + dropped


def _unique_partners(field: models.ForeignKey) -> list[str] | None:
    """The other columns of a unique constraint on `field`'s model that includes `field`, if any."""
    model = field.model
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field.name in (constraint.fields or ()):
            return [model._meta.get_field(name).attname for name in constraint.fields if name != field.name]
    for together in model._meta.unique_together:
        if field.name in together:
            return [model._meta.get_field(name).attname for name in together if name != field.name]
    return None


def _move_foreign_keys(survivor: Any, duplicate: Any, report: MergeReport) -> None:
    """Move every row whose foreign key names the duplicate, in any app: participations, event
    organisers and representatives, publication roles, series, people, child organisations,
    redirects. Rows the survivor already has under a unique constraint are dropped, and so are
    relations between the two (one organisation now: it cannot succeed itself)."""
    between = PartnerRelation.objects.filter(
        models.Q(partner=survivor, related=duplicate) | models.Q(partner=duplicate, related=survivor)
    )
    dropped = between.delete()[0]
    if dropped:
        report.dropped_as_duplicates["relations"] = dropped
    for relation in Partner._meta.related_objects:
        related_model = relation.related_model
        if not relation.one_to_many or getattr(related_model, "pgh_tracked_model", None) is not None:
            continue
        if related_model is PartnerName:
            continue  # alternative names are merged by name below
        field = relation.field
        label = str(related_model._meta.verbose_name_plural)
        if related_model is Partner:
            label = "child organisations"
        rows = related_model._default_manager.filter(**{field.name: duplicate})
        if related_model is Partner:
            rows = rows.exclude(pk=survivor.pk)
        unique_with = _unique_partners(field)
        if unique_with is not None:
            _move_unique(rows, field.attname, survivor.pk, unique_with, report, label)
        else:
            report.moved[label] = report.moved.get(label, 0) + rows.update(**{field.name: survivor})


def _move_plain_links(survivor: Any, duplicate: Any, report: MergeReport) -> None:
    """Move links in plain many-to-many tables (such as a submission's new partners)."""
    for relation in type(duplicate)._meta.related_objects:
        if not relation.many_to_many or not relation.through._meta.auto_created:
            continue
        through = relation.through
        to_partner = relation.field.m2m_reverse_field_name()
        from_other = relation.field.m2m_field_name()
        rows = through._default_manager.filter(**{to_partner: duplicate.pk})
        moved = 0
        for row in rows:
            other = getattr(row, f"{from_other}_id")
            if through._default_manager.filter(**{to_partner: survivor.pk, from_other: other}).exists():
                row.delete()
            else:
                setattr(row, f"{to_partner}_id", survivor.pk)
                row.save()
                moved += 1
        report.moved[str(relation.related_model._meta.verbose_name_plural)] = moved


@transaction.atomic
def partner_merge(*, survivor: Any, duplicate: Any, user: User) -> MergeReport:
    """Fold `duplicate` into `survivor` and delete it, leaving a permanent redirect from its slug.

    The survivor takes over every row of any app that points at the duplicate (participations,
    event organiser roles, event representation, publication roles, series, person affiliations,
    child organisations), its alternative names and source links; the duplicate's name and acronym
    become alternative names; empty facts (identifier, website, ...) are filled from the duplicate.
    Rows the survivor already has are dropped rather than duplicated. One transaction: if anything
    still points at the duplicate, nothing changes.
    """
    if not user_can(user, Partner, "merge"):
        raise PermissionDenied("You may not merge partners.")
    if survivor.pk == duplicate.pk:
        raise ValueError("A partner cannot be merged into itself.")
    # Lock both rows, in id order so that two merges cannot deadlock.
    locked = {
        p.pk: p
        for p in Partner.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")
    }
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    report = MergeReport(moved={}, dropped_as_duplicates={})

    _move_foreign_keys(survivor, duplicate, report)
    _move_plain_links(survivor, duplicate, report)

    # Alternative names: the duplicate's own, then its name and acronym, unless the survivor has them.
    taken = {survivor.name.casefold(), survivor.acronym.casefold()} | {
        n.casefold() for n in survivor.alternative_names.values_list("name", flat=True)
    }
    names = 0
    for alt in duplicate.alternative_names.all():
        if alt.name.casefold() in taken:
            alt.delete()
        else:
            alt.partner = survivor
            alt.save(update_fields=["partner"])
            taken.add(alt.name.casefold())
            names += 1
    for name in (duplicate.name, duplicate.acronym):
        if name and name.casefold() not in taken:
            PartnerName.objects.create(partner=survivor, name=name, kind=PartnerName.Kind.VARIANT)
            taken.add(name.casefold())
            names += 1
    report.moved["alternative names"] = names

    partner_type = ContentType.objects.get_for_model(Partner)
    _move_unique(
        SourceLink.objects.filter(content_type=partner_type, object_id=duplicate.pk),
        "object_id",
        survivor.pk,
        ["content_type_id", "url"],
        report,
        "source links",
    )

    # Facts the survivor lacks. Identifiers are unique, so they leave the duplicate first.
    filled = []
    for name in ("identifier", "ror_id", "wikidata_id", "iati_identifier"):
        if getattr(duplicate, name) and not getattr(survivor, name):
            setattr(survivor, name, getattr(duplicate, name))
            setattr(duplicate, name, "")
            duplicate.save(update_fields=[name])
            filled.append(name)
    for name in ("website", "description", "organisation_type_id", "country_id"):
        if getattr(duplicate, name) and not getattr(survivor, name):
            setattr(survivor, name, getattr(duplicate, name))
            filled.append(name)
    if survivor.parent_id == duplicate.pk:
        survivor.parent_id = duplicate.parent_id if duplicate.parent_id != survivor.pk else None
        filled.append("parent_id")
    survivor.updated_by = acting_user(user)
    survivor.save()

    ensure_nothing_points_at(duplicate)
    PartnerRedirect.objects.filter(old_slug=duplicate.slug).delete()
    PartnerRedirect.objects.create(old_slug=duplicate.slug, partner=survivor, old_name=duplicate.name)
    duplicate.delete()
    return report


def valid_slugs(texts: list[str]) -> list[str]:
    """Of `texts`, those that may be slugs (what a URL or a client sent may hold anything, a NUL too)."""
    return [text for text in texts if isinstance(text, str) and _SLUG.fullmatch(text)]


def merged_into(slug: str) -> Partner | None:
    """The published partner a merged duplicate's slug now leads to, or None."""
    if not valid_slugs([slug]):
        return None
    redirect = (
        PartnerRedirect.objects.filter(old_slug=slug, partner__status=Status.PUBLISHED)
        .select_related("partner")
        .first()
    )
    return redirect.partner if redirect is not None else None


def published_by_slug(slugs: list[str]) -> dict[str, Partner]:
    """`{slug: partner}` of the published partners the slugs name, a merged duplicate's old slug
    leading to its survivor, in two queries however many slugs (the reconciliation service's ids)."""
    slugs = valid_slugs(slugs)
    found = {p.slug: p for p in Partner.objects.published().filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        redirects = PartnerRedirect.objects.filter(
            old_slug__in=missing, partner__status=Status.PUBLISHED
        ).select_related("partner")
        found |= {r.old_slug: r.partner for r in redirects}
    return found
