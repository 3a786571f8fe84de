"""Reading a record's history (kept by pghistory triggers) as changes a curator can follow."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from pghistory.models import Events

from registry.models import SourceLink
from registry.workflow import HISTORY_QUIET_FIELDS, PublishableModel

LABELS = {"insert": "added", "update": "changed", "delete": "removed"}
HIDDEN_FIELDS = {"id", *HISTORY_QUIET_FIELDS, "created_at", "sort_key", "content_type", "object_id"}


@dataclass
class FieldChange:
    name: str
    old: str
    new: str
    diff: SafeString | None = None


@dataclass
class HistoryEntry:
    """One row written by one statement: the record itself, or a related row (a participant, ...)."""

    event_id: int
    event_model: str
    label: str
    subject: str
    is_own: bool
    changes: list[FieldChange]
    can_revert: bool = False


@dataclass
class HistoryGroup:
    """Everything written together: one save, action, import or merge, by one person."""

    when: Any
    user: Any
    via: str
    entries: list[HistoryEntry] = field(default_factory=list)


def _history_model_label(record: models.Model) -> str:
    # `history`: the reverse relation of the record's pghistory event model, unknown to the stubs.
    return record.history.model._meta.label  # type: ignore[attr-defined]


def _display(model: type[models.Model], name: str, value: Any, cache: dict) -> str:
    """A raw value from an event row, the way a curator knows it (labels, names, dates)."""
    if value is None or value == "" or value == []:
        return "—"
    try:
        f = cast(models.Field, model._meta.get_field(name))  # a column of the event row
    except FieldDoesNotExist:
        return str(value)
    if f.is_relation and f.many_to_one:
        key = (f.related_model, value)
        if key not in cache:
            target = cast(type[models.Model], f.related_model)._default_manager.filter(pk=value).first()
            cache[key] = str(target) if target is not None else f"#{value} (deleted)"
        return cache[key]
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        return parsed.strftime("%Y-%m-%d %H:%M UTC") if parsed else value
    if isinstance(f, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _field_name(model: type[models.Model], column: str) -> tuple[str, str]:
    """(field name, verbose name) for an event column such as 'country_id'."""
    for f in model._meta.concrete_fields:
        if f.column == column or f.attname == column or f.name == column:
            return f.name, str(f.verbose_name)
    return column, column.replace("_", " ")


def word_diff(old: str, new: str) -> SafeString:
    """Old and new text with removed words struck through and added words marked."""
    a, b = old.split(" "), new.split(" ")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(format_html("<del>{}</del>", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(format_html("<ins>{}</ins>", " ".join(b[j1:j2])))
    # Every piece is already safe (escaped or built by format_html), so joining escapes nothing twice.
    return format_html_join(" ", "{}", ((piece,) for piece in out))


def _changes(tracked: type[models.Model], event: Any, cache: dict) -> list[FieldChange]:
    changes = []
    if event.pgh_label == "update":
        items = [(column, pair[0], pair[1]) for column, pair in (event.pgh_diff or {}).items()]
    else:
        items = [(column, None, value) for column, value in (event.pgh_data or {}).items()]
        if event.pgh_label == "delete":
            items = [(column, value, None) for column, _, value in items]
    for column, old, new in items:
        name, verbose = _field_name(tracked, column)
        if name in HIDDEN_FIELDS or column.startswith("pgh_"):
            continue
        if event.pgh_label != "update" and (old in (None, "", []) and new in (None, "", [])):
            continue
        old_text, new_text = _display(tracked, name, old, cache), _display(tracked, name, new, cache)
        diff = None
        if event.pgh_label == "update" and isinstance(old, str) and isinstance(new, str) and len(old) > 60:
            diff = word_diff(old, new)
        changes.append(FieldChange(verbose, old_text, new_text, diff))
    return changes


def _subject(tracked: type[models.Model], event: Any, cache: dict) -> str:
    data = event.pgh_data or {}
    for candidate in ("name", "title", "partner", "person", "url", "description"):
        column = candidate if candidate in data else f"{candidate}_id"
        if data.get(column):
            return _display(tracked, candidate, data[column], cache)
    # A tag link (partnership_sdgs): name the tag.
    for column, value in data.items():
        if column.endswith("_id") and not column.startswith("pgh_"):
            name, _ = _field_name(tracked, column)
            if not _points_at_a_record(tracked, name):  # the link's owner is not its subject
                return _display(tracked, name, value, cache)
    return f"#{event.pgh_obj_id}"


def _points_at_a_record(tracked: type[models.Model], name: str) -> bool:
    try:
        related = tracked._meta.get_field(name).related_model
    except FieldDoesNotExist:
        return False
    return isinstance(related, type) and issubclass(related, PublishableModel)


def _kind(tracked: type[models.Model]) -> str:
    """What a history row is about: 'participation', or 'SDGs' for a tag link table."""
    # The model a link table was made for, or False (the stubs say bool).
    owner = cast("type[models.Model] | Literal[False]", tracked._meta.auto_created)
    if owner:
        for f in owner._meta.many_to_many:
            if f.remote_field.through is tracked:
                return str(f.verbose_name)
    return str(tracked._meta.verbose_name)


def record_events(record: models.Model) -> models.QuerySet:
    """Every history event of the record and of the rows that point at it (newest first)."""
    events = Events.objects.references(record)
    return events.order_by("-pgh_created_at", "-pgh_id")


def source_link_events(record: models.Model) -> list[Any]:
    """Source links point at records through a generic relation, which `references` cannot see."""
    content_type = ContentType.objects.get_for_model(record)
    history_model = SourceLink.history.field.model  # type: ignore[attr-defined]  # as above
    ids = history_model.objects.filter(content_type=content_type, object_id=record.pk).values_list(
        "pgh_obj_id", flat=True
    )
    if not ids:
        return []
    return list(Events.objects.tracks(*[SourceLink(pk=pk) for pk in set(ids)]))


def record_history(record: models.Model, *, can_revert: bool = False) -> list[HistoryGroup]:
    """The record's history as groups of changes, newest first, with who made them and how."""
    own_label = _history_model_label(record)
    events = list(record_events(record)) + source_link_events(record)
    events.sort(key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
    user_ids = {(e.pgh_context or {}).get("user") for e in events} - {None}
    users = {u.pk: u for u in get_user_model()._default_manager.filter(pk__in=user_ids)}
    cache: dict = {}
    groups: list[HistoryGroup] = []
    by_key: dict[Any, HistoryGroup] = {}
    for event in events:
        context = event.pgh_context or {}
        key = (event.pgh_context_id or event.pgh_slug, event.pgh_created_at)
        group = by_key.get(key)
        if group is None:
            via = context.get("via") or context.get("url") or ("database" if not context else "")
            user_id = context.get("user")
            user = users.get(user_id) if user_id is not None else None
            group = HistoryGroup(when=event.pgh_created_at, user=user, via=via)
            by_key[key] = group
            groups.append(group)
        history_model = apps.get_model(event.pgh_model)
        tracked = history_model.pgh_tracked_model
        is_own = event.pgh_model == own_label
        # A tag link says it all in its subject ("SDGs: SDG 7 ... added").
        changes = [] if tracked._meta.auto_created else _changes(tracked, event, cache)
        if event.pgh_label == "update" and not changes:
            continue
        group.entries.append(
            HistoryEntry(
                event_id=event.pgh_id,
                event_model=event.pgh_model,
                label=LABELS.get(event.pgh_label, event.pgh_label),
                subject=str(record)
                if is_own
                else f"{tracked._meta.verbose_name}: {_subject(tracked, event, cache)}",
                is_own=is_own,
                changes=changes,
                can_revert=can_revert and is_own and event.pgh_label in ("insert", "update"),
            )
        )
    return [g for g in groups if g.entries]
