"""The bases of spreadsheet import and export: reading files safely, widgets, `RecordResource`.

Each app registers its record types' resources (`register_resource`) and the vocabularies a cell
may name (`register_vocabulary`) in its AppConfig.ready(); the admin, the background import jobs
and `manage.py import_records` find them here.

Rules, whoever imports:

- An import is one transaction: if any row fails, nothing is written.
- A file is read row by row and refused as soon as it has more than IMPORT_MAX_ROWS rows, so a huge
  sheet costs no more than the rows the limit allows (`read_dataset`).
- A row updates the record with its slug (partners: or its organisation identifier; otherwise
  the record with exactly its name or title), so importing the same file twice changes nothing.
- An import never publishes. New records arrive as drafts; existing ones keep their status. A
  `status` column is ignored, with a note on each row whose status it would have changed; the
  review workflow (`registry/services.py`) is the only way to publish.
- Vocabularies may be written as codes or as labels: `CO` or `Colombia`, `10` or `Government`,
  `17` or `SDG 17`, case and accents aside. An unknown or ambiguous one is a row error naming the
  column and the value, never a silent blank.
- The dry run (the admin's preview) flags partners that look like ones the registry already has,
  with the check the admin's partner form uses (`partnerships.duplicates.similar_partners`).
- Exports add a label column next to each code column.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any, cast

import tablib
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from registry import services
from registry.spreadsheets import FORMULA_STARTS, safe_row
from registry.workflow import Status

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


class TooManyRows(ValueError):
    """The file has more rows than one import may take; raised as soon as the reader finds one too many."""

    def __init__(self, limit: int, rows_read: int) -> None:
        self.limit = limit
        self.rows_read = rows_read
        super().__init__(
            f"The file has more than {limit} rows; at most {limit} can be imported at once. "
            "Split it into smaller files."
        )


def read_dataset(
    content: bytes | str | IO[bytes], format_name: str, max_rows: int | None = None
) -> tablib.Dataset:
    """The rows of a CSV, XLSX or JSON file, reading at most `max_rows` + 1 of them.

    `max_rows` defaults to IMPORT_MAX_ROWS. CSV is read line by line and XLSX row by row
    (openpyxl's read-only mode), so a file over the limit is refused after the row that passes it,
    not after parsing the whole file. JSON cannot be read in parts; its size limit
    (IMPORT_MAX_FILE_SIZE) bounds it, and its row count is checked before any row is used.
    """
    limit = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    if format_name == "csv":
        return _read_csv(_text_stream(content), limit)
    if format_name == "xlsx":
        return _read_xlsx(content, limit)
    if format_name == "json":
        return _read_json(_text_stream(content).read(), limit)
    raise ValueError(f"Unknown import format: {format_name}")


def _text_stream(content: bytes | str | IO[bytes]) -> IO[str]:
    if isinstance(content, str):
        return io.StringIO(content.removeprefix("\ufeff"), newline="")
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def _read_csv(stream: IO[str], limit: int) -> tablib.Dataset:
    rows = csv.reader(stream)
    dataset = tablib.Dataset()
    headers = next(rows, None)
    if headers is None:
        return dataset
    dataset.headers = headers
    for number, row in enumerate(rows, start=1):
        if number > limit:
            raise TooManyRows(limit, number)
        if row:  # blank lines are skipped, as tablib does
            dataset.append(_fit(row, len(headers), ""))
    return dataset


def _read_xlsx(content: bytes | str | IO[bytes], limit: int) -> tablib.Dataset:
    import openpyxl

    if isinstance(content, str):
        raise ValueError("An XLSX file must be read as bytes.")
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    # Read-only mode streams the sheet's XML instead of building every cell first.
    book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    try:
        rows = cast("Worksheet", book.active).iter_rows(values_only=True)
        dataset = tablib.Dataset()
        first = next(rows, None)
        headers = list(first or ())
        while headers and headers[-1] in (None, ""):
            headers.pop()
        if not headers:
            return dataset
        dataset.headers = [str(h) if h is not None else "" for h in headers]
        for number, row in enumerate(rows, start=1):
            if number > limit:
                raise TooManyRows(limit, number)
            if any(value not in (None, "") for value in row):
                dataset.append(_fit(list(row), len(headers), None))
        return dataset
    finally:
        book.close()


def _read_json(text: str, limit: int) -> tablib.Dataset:
    data = json.loads(text)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("A JSON import is a list of objects, one per record.")
    if len(data) > limit:
        raise TooManyRows(limit, len(data))
    dataset = tablib.Dataset()
    if data:
        dataset.dict = data
    return dataset


def _fit(row: list, width: int, filler: Any) -> list:
    return row[:width] + [filler] * (width - len(row))


class _CappedFormat:
    """An import format whose reader stops at IMPORT_MAX_ROWS + 1 rows (see `read_dataset`)."""

    format_name = ""

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> tablib.Dataset:
        return read_dataset(in_stream, self.format_name)


class CSVImport(_CappedFormat, base_formats.CSV):
    format_name = "csv"


class XLSXImport(_CappedFormat, base_formats.XLSX):
    format_name = "xlsx"


class JSONImport(_CappedFormat, base_formats.JSON):
    format_name = "json"


def normalised(text: str) -> str:
    """`text` as labels are compared: case, accents and repeated spaces aside."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def cell_text(value: Any) -> str:
    """A cell as text; a spreadsheet's 17.0 is "17"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class Vocabulary:
    """Finds an entry of a vocabulary by one of its codes or labels, case and accents aside.

    Answers are kept for the length of one import (`reset` is called at the start of each), so a
    column naming the same country on every row costs one query.
    """

    def __init__(
        self,
        model: type[models.Model],
        codes: Iterable[str] = ("code",),
        labels: Iterable[str] = ("name",),
        prefixes: Iterable[str] = (),
    ) -> None:
        self.model = model
        self.codes = tuple(codes)
        self.labels = tuple(labels)
        # Words a code may be written after: "SDG 17", "Target 17.6".
        self.prefix = re.compile(rf"^(?:{'|'.join(prefixes)})\s*[:#]?\s*", re.I) if prefixes else None
        self._cache: dict[str, list[models.Model]] = {}

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name)

    def reset(self) -> None:
        self._cache = {}

    def find(self, text: str) -> list[models.Model]:
        """Every entry `text` names: by code first, then by label."""
        if text not in self._cache:
            self._cache[text] = self._lookup(text)
        return self._cache[text]

    def _lookup(self, text: str) -> list[models.Model]:
        manager = self.model._default_manager
        code = self.prefix.sub("", text) if self.prefix else text
        by_code = models.Q()
        for name in self.codes:
            if isinstance(self.model._meta.get_field(name), models.IntegerField):
                if code.isdigit():
                    by_code |= models.Q(**{name: int(code)})
            else:
                by_code |= models.Q(**{f"{name}__iexact": code})
        if by_code:
            found = list(manager.filter(by_code)[:2])
            if found:
                return found
        by_label = models.Q()
        for name in self.labels:
            by_label |= models.Q(**{f"{name}__unaccent__iexact": text})
        return list(manager.filter(by_label).distinct()[:5]) if by_label else []

    def get(self, text: str) -> models.Model:
        """The one entry `text` names; a ValueError saying what is wrong otherwise."""
        found = self.find(text)
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(f"no {self.name} with code or name “{text}”")
        codes = ", ".join(str(getattr(f, self.codes[0])) for f in found)
        raise ValueError(
            f"“{text}” names several {self.model._meta.verbose_name_plural} ({codes}): write the code"
        )

    def get_many(self, text: str) -> tuple[list[models.Model], list[str]]:
        """The entries a list cell names, and the items it names none of.

        Items are separated by semicolons, or by commas when there is no semicolon; a cell whose
        comma-separated items are not all known is tried whole, for labels with a comma in them
        ("Bonaire, Sint Eustatius and Saba").
        """
        separator = ";" if ";" in text else ","
        items = [item.strip() for item in text.split(separator) if item.strip()]
        found, unknown = [], []
        for item in items:
            matches = self.find(item)
            if len(matches) == 1:
                found.append(matches[0])
            else:
                unknown.append(item)
        if unknown and separator == "," and len(self.find(text)) == 1:
            return self.find(text), []
        return found, unknown


# The vocabularies a cell may name, by model: filled by `register_vocabulary()` (vocabularies app).
VOCABULARIES: dict[type[models.Model], Vocabulary] = {}


def register_vocabulary(vocabulary: Vocabulary) -> Vocabulary:
    """Let import cells name entries of `vocabulary.model` by its codes or labels."""
    VOCABULARIES[vocabulary.model] = vocabulary
    return vocabulary


class _VocabularyLookup:
    """A widget whose cells name entries of its model's registered vocabulary by their first code.

    The vocabulary is looked up when the widget is used, not when its resource class is made:
    resources are defined while the admin is discovered, before the vocabularies register.
    """

    model: type[models.Model]

    @property
    def vocabulary(self) -> Vocabulary:
        return VOCABULARIES[self.model]

    @property
    def field(self) -> str:
        return self.vocabulary.codes[0]

    @field.setter
    def field(self, value: str) -> None:
        pass  # always the vocabulary's first code


class VocabularyWidget(_VocabularyLookup, widgets.ForeignKeyWidget):
    """A vocabulary entry written as its code or its label; an unknown one is a row error naming it."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(model, "pk")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = cell_text(value)
        return self.vocabulary.get(text) if text else None


class VocabularyListWidget(_VocabularyLookup, widgets.ManyToManyWidget):
    """Several entries of a vocabulary, as codes or labels; unknown ones are errors, not dropped."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(model, field="pk")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = cell_text(value)
        if not text:
            return self.model._default_manager.none()
        found, unknown = self.vocabulary.get_many(text)
        if unknown:
            names = ", ".join(f"“{item}”" for item in unknown)
            raise ValueError(f"no {self.vocabulary.name} with code or name {names}")
        return self.model._default_manager.filter(pk__in=[entry.pk for entry in found])


class ChoiceWidget(widgets.CharWidget):
    """A choice written as its stored value or its label: `conference` or `Conference`."""

    def __init__(self, choices: Iterable[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = list(choices)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = cell_text(value)
        if not text:
            return ""
        key = normalised(text)
        for stored, label in self.choices:
            if key in (normalised(str(stored)), normalised(str(label))):
                return stored
        allowed = ", ".join(str(label) for _, label in self.choices)
        raise ValueError(f"“{text}” is not one of: {allowed}")


class CodeWidget(widgets.ForeignKeyWidget):
    """A record written as its slug; an unknown one is a row error naming it."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        value = cell_text(value)
        if not value:
            return None
        try:
            return self.model._default_manager.get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(f"no {self.model._meta.verbose_name} with {self.field} “{value}”") from None


class CodesWidget(widgets.ManyToManyWidget):
    """Several records' slugs separated by commas; unknown ones are errors, not silently dropped."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = cell_text(value)
        if not text:
            return self.model._default_manager.none()
        codes = [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]
        found = self.model.objects.filter(**{f"{self.field}__in": codes})
        known = {str(v) for v in found.values_list(self.field, flat=True)}
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValueError(f"unknown {self.model._meta.verbose_name} code(s): {', '.join(unknown)}")
        return found


class _LinkLookup:
    """A widget for the entries a relation names: a registered vocabulary's by its code or label
    (`vocabulary_widget`), any other record's by its slug (`record_widget`).

    Which one is decided when the widget is used: resources are made before the vocabularies
    register (see `_VocabularyLookup`).
    """

    model: type[models.Model]
    vocabulary_widget: Any
    record_widget: Any

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(model, field="pk")  # type: ignore[call-arg]

    def _target(self) -> Any:
        if self.model in VOCABULARIES:
            return self.vocabulary_widget(self.model)
        return self.record_widget(self.model, field="slug")

    @property
    def field(self) -> str:
        return self._target().field

    @field.setter
    def field(self, value: str) -> None:
        pass  # decided by the model, see _target

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return self._target().clean(value, row, **kwargs)


class LinkWidget(_LinkLookup, widgets.ForeignKeyWidget):
    """The entry a foreign key names (see `_LinkLookup`)."""

    vocabulary_widget = VocabularyWidget
    record_widget = CodeWidget


class LinksWidget(_LinkLookup, widgets.ManyToManyWidget):
    """The entries a many-to-many field names (see `_LinkLookup`)."""

    vocabulary_widget = VocabularyListWidget
    record_widget = CodesWidget


def widget_for(field: models.Field) -> widgets.Widget | None:
    """The widget a model field's column takes unless its resource declares one: links by code,
    label or slug, choices by value or label; None for the others (import-export's default)."""
    if field.many_to_many:
        return LinksWidget(cast(type[models.Model], field.related_model))
    if field.many_to_one:
        return LinkWidget(cast(type[models.Model], field.related_model))
    if field.choices:
        return ChoiceWidget(cast("Iterable[tuple[str, str]]", field.choices))
    return None


def _model_of(resource: resources.ModelResource | type[resources.ModelResource]) -> type[models.Model]:
    """The model of a record resource (its Meta names the class itself, never a label)."""
    return cast(type[models.Model], resource._meta.model)


def describe_errors(result: Any) -> list[str]:
    """One line per problem, naming the data row (1 = the first row after the header) and field."""
    lines: list[str] = []
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            where = "record" if field == "__all__" else f"field “{field}”"
            lines.extend(f"Row {invalid.number}, {where}: {message}" for message in messages)
    for number, errors in result.row_errors():
        lines.extend(f"Row {number}: {error.error}" for error in errors)
    for error in result.base_errors:
        lines.append(f"File: {error.error}")
    return lines


def describe_notes(result: Any) -> list[str]:
    """The import's notes (ignored status cells, likely duplicates), one line each."""
    return [f"Row {number}: {note}" for number, notes in getattr(result, "notes", []) for note in notes]


def _labels(values: models.QuerySet) -> str:
    return "; ".join(str(v) for v in values)


def label_column(of: str) -> fields.Field:
    """A read-only column of what readers see for the column `of`, beside the codes a file imports:
    a choice's label (`event_type`), a vocabulary entry's name (`country`) or the names of many,
    joined by "; " (`sdgs`)."""

    def label(record: Any) -> str:
        display = getattr(record, f"get_{of}_display", None)
        if display is not None:
            return display()
        value = getattr(record, of)
        if isinstance(value, models.Manager):
            return _labels(value.all())
        return value.name if value is not None else ""

    # import-export calls a callable dehydrate_method with the record (its annotation says str only).
    return fields.Field(readonly=True, dehydrate_method=cast(Any, label))


def partner_roles(roles: models.QuerySet) -> str:
    """A record's partners with their roles, as its parts column reads them: `slug|role; ...`."""
    return "; ".join(f"{o.partner.slug}|{o.role}" for o in roles.select_related("partner"))


def partner_role_labels(roles: models.QuerySet) -> str:
    """The same for readers: `Partner name (Role label); ...`."""
    return "; ".join(f"{o.partner} ({o.get_role_display()})" for o in roles.select_related("partner"))


def replace_partner_roles(roles: Any, wanted: set[tuple[int, Any]], role: str = "role") -> None:
    """Make a record's partner roles (`roles`, a related manager) exactly `wanted`, pairs of a
    partner's pk and a `role` value: the others are deleted, the missing ones created."""
    for existing in roles.all():
        if (existing.partner_id, getattr(existing, role)) not in wanted:
            existing.delete()
    have = set(roles.values_list("partner_id", role))
    for partner_id, value in wanted - have:
        roles.create(partner_id=partner_id, **{role: value})


#: The workflow's columns every record's file ends with (after its own, in `Meta.fields`).
WORKFLOW_COLUMNS = ["status", "status_label", "published_at"]


class RecordResource(resources.ModelResource):
    """What every record resource shares: identity, status handling and permission checks."""

    status = fields.Field(attribute="status", readonly=True)
    status_label = label_column("status")
    published_at = fields.Field(attribute="published_at", readonly=True)
    last_reviewed_at = fields.Field(attribute="last_reviewed_at", readonly=True)

    #: A callable told (row number, total rows) after each row, for progress reports.
    progress: Callable[[int, int], None] | None = None
    title_field = "title"

    @classmethod
    def kind_label(cls) -> str:
        """What a file of this resource holds, for the import jobs' list: "Partnerships"."""
        return str(_model_of(cls)._meta.verbose_name_plural).capitalize()

    class Meta:
        abstract = True
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_html_diff = False

    @classmethod
    def field_from_django_field(cls, field_name: str, django_field: Any, readonly: bool) -> fields.Field:
        widget = widget_for(django_field)
        if widget is None:
            return super().field_from_django_field(field_name, django_field, readonly)
        return cls.DEFAULT_RESOURCE_FIELD(
            attribute=field_name, column_name=field_name, widget=widget, readonly=readonly
        )

    #: Columns written by `save_parts`, with the method that renders the current value.
    part_columns: tuple[str, ...] = ()

    def import_data(self, dataset: Any, *args: Any, **kwargs: Any) -> Any:
        # One failing row (an exception or a validation error) rolls back the whole file.
        kwargs["rollback_on_validation_errors"] = True
        if len(dataset) > settings.IMPORT_MAX_ROWS:
            # A dataset built elsewhere (files are refused while they are read, see read_dataset).
            result = self.get_result_class()()
            result.append_base_error(
                self.get_error_result_class()(TooManyRows(settings.IMPORT_MAX_ROWS, len(dataset)))
            )
            return result
        self._total_rows = len(dataset)
        self._user = kwargs.get("user")
        self._dry_run = bool(kwargs.get("dry_run"))
        self._notes: dict[int, list[str]] = {}
        for vocabulary in VOCABULARIES.values():
            vocabulary.reset()
        headers = dataset.headers or []
        if "slug" not in headers:
            # Files without slugs are matched by name or title (see get_instance).
            dataset.append_col([""] * len(dataset), header="slug")
        result = super().import_data(dataset, *args, **kwargs)
        # Shown by the import pages (import-export's Result has no such attributes).
        result.status_column_ignored = "status" in headers  # type: ignore[attr-defined]
        result.notes = sorted(self._notes.items())  # type: ignore[attr-defined]
        return result

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        """Undo the exports' formula escape, so that an exported file imports back unchanged.

        Exports write text that starts like a formula with a leading apostrophe
        (`sscregistry.spreadsheets`); the stored text never had one, so a cell that reads
        apostrophe-then-formula-start is taken without it. Outputs escape it again. Empty XLSX
        cells of text columns are read as empty text, as CSV reads them.
        """
        text_columns = self._text_columns()
        for key, value in list(row.items()):
            if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
                row[key] = value[1:]
            elif value is None and key in text_columns:
                row[key] = ""  # an empty XLSX cell reads as None; text fields store ""

    def _text_columns(self) -> set[str | None]:
        """Columns of text fields that are never null (an empty cell means empty text)."""
        columns: set[str | None] = set()
        for field in self.fields.values():
            try:
                model_field = _model_of(self)._meta.get_field(field.attribute or "")
            except FieldDoesNotExist:  # a computed column, such as a label
                continue
            if isinstance(model_field, models.CharField | models.TextField) and not model_field.null:
                columns.add(field.column_name)
        return columns

    def note(self, row_number: int | None, message: str) -> None:
        """Tell the importer something about a row that is not an error (shown in the preview)."""
        self._notes.setdefault(row_number or 0, []).append(message)

    def import_field(self, field: Any, instance: Any, row: dict, is_m2m: bool = False, **kwargs: Any) -> None:
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except ValueError as error:
            if not is_m2m:
                raise  # import_instance files it under the field's name
            raise ValueError(f"{field.column_name}: {error}") from error

    def import_instance(self, instance: Any, row: dict, **kwargs: Any) -> None:
        slug = instance.slug
        super().import_instance(instance, row, **kwargs)
        if not str(row.get("slug") or "").strip():
            instance.slug = slug  # an empty cell keeps the slug (a new record gets one on save)
        self.note_ignored_status(instance, row, kwargs.get("row_number"))

    def note_ignored_status(self, instance: Any, row: dict, row_number: int | None) -> None:
        """An import never changes a status: say so where the file asks for another one."""
        wanted = cell_text(row.get("status"))
        if not wanted or normalised(wanted) in (
            normalised(instance.status),
            normalised(instance.get_status_display()),
        ):
            return
        now = (
            "arrives as a draft" if instance.pk is None else f"stays {instance.get_status_display().lower()}"
        )
        self.note(
            row_number,
            f"status “{wanted}” ignored: an import never changes a status, so this record {now}. "
            "Submit and publish it through the review workflow.",
        )

    def skip_row(self, instance: Any, original: Any, row: dict, import_validation_errors: Any = None) -> bool:
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        if original is None or original.pk is None:
            return False
        return all(
            column not in row
            or _normalise_parts(row.get(column))
            == _normalise_parts(self.export_field(self.fields[column], original))
            for column in self.part_columns
        )

    def export_resource(self, instance: Any, selected_fields: Any = None, **kwargs: Any) -> list[Any]:
        # Text a spreadsheet would run as a formula is written as text, in CSV and XLSX alike.
        return safe_row(super().export_resource(instance, selected_fields, **kwargs))

    def get_instance(self, instance_loader: Any, row: dict) -> Any:
        model = _model_of(self)
        slug = str(row.get("slug") or "").strip()
        if slug:
            return model._default_manager.filter(slug=slug).first()
        return self.find_without_slug(row)

    def find_without_slug(self, row: dict) -> Any:
        title = str(row.get(self.title_field) or "").strip()
        if not title:
            return None
        matches = list(_model_of(self)._default_manager.filter(**{f"{self.title_field}__iexact": title})[:2])
        return matches[0] if len(matches) == 1 else None

    def before_save_instance(self, instance: Any, row: dict, **kwargs: Any) -> None:
        user = kwargs.get("user")
        if instance.pk is None:
            instance.status = Status.DRAFT  # as the admin's add form: every new record starts as a draft
            instance.created_by = _user_or_none(user)
        elif not _may_update(user, instance):
            raise ValidationError(
                f"“{instance}” is {instance.get_status_display().lower()}: "
                "only a curator may change it by import."
            )
        instance.updated_by = _user_or_none(user)

    def after_save_instance(self, instance: Any, row: dict, **kwargs: Any) -> None:
        self.save_parts(instance, row)

    def save_parts(self, instance: Any, row: dict) -> None:
        """Write the rows that belong to the record (participants, organisers); see subclasses."""

    def after_import_row(self, row: dict, row_result: Any, **kwargs: Any) -> None:
        if self.progress is not None:
            self.progress(kwargs.get("row_number", 0), getattr(self, "_total_rows", 0))


def _user_or_none(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _may_update(user: Any, record: Any) -> bool:
    if _user_or_none(user) is None:
        return record.status == Status.DRAFT  # a feed without a user only refreshes drafts
    return services.user_can_edit(user, record)


def _normalise_parts(value: Any) -> set[str]:
    return {item.strip() for item in str(value or "").split(";") if item.strip()}


def _role_pairs(value: Any, column: str) -> list[tuple[str, str]]:
    """'unossc|1; wgeo|4' -> [('unossc', '1'), ('wgeo', '4')]; the role may be left out."""
    pairs = []
    for item in str(value or "").split(";"):
        item = item.strip()
        if not item:
            continue
        slug, _, role = item.partition("|")
        pairs.append((slug.strip(), role.strip()))
    return pairs


# The record types a spreadsheet may hold, by the kind's name ("partners"): filled by each app's
# `register_resource()` call.
_RESOURCES: dict[str, type[RecordResource]] = {}


def register_resource(kind: str, resource: type[RecordResource]) -> type[RecordResource]:
    """Make `kind` importable and exportable with `resource`."""
    _RESOURCES[kind] = resource
    return resource


def import_resources() -> dict[str, type[RecordResource]]:
    """Every registered resource, by kind."""
    return dict(_RESOURCES)
