"""Facet counts: how many matching records each value of a filter would give.

Each facet applies every filter except its own, so ticking one platform still shows how many
records the other platforms would add. Counts only ever see the published records the FilterSet
was given, and only published linked records (a draft partner's country or type counts nothing).
The API's `/facets/` endpoints and the public search pages both call `facet_counts()`.

A `TokenFacet` counts tokens the database keeps for each record (for partnerships:
`PartnershipFacets`, written by triggers), and over every published record the counts it keeps
too (`PartnershipFacetCount`), so that the first visitor after a write does not wait for the link
tables to be counted (docs/scaling.md, "Cold facet counts"). Each such facet also holds its
definition over the link tables (`link`), which the tests hold the tokens to.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from django.db import connections, models
from django.db.models import Count, F
from django.db.models.expressions import RawSQL
from django.forms.utils import ErrorDict

from .cache import record_set_key, registry_cached
from .workflow import Status

if TYPE_CHECKING:
    from .filters import RegistryFilterSet

FacetValues = list[dict[str, Any]]
Compiled = tuple[str, list[Any]]


class Facet:
    """One facet's counts, as SQL over a set of matching records.

    `sql(records, using)` answers `(value, label, count)` rows, one per value, in no order, where
    `records` is SQL selecting the matching records' primary keys; `sort` names the column that
    breaks ties between equal counts ("label" or "value"); `entry()` makes a row the facet's answer.
    `facet_counts()` runs every facet of a FilterSet in one query. `title` is its heading on the
    search pages (a lazy translation).
    """

    sort = "label"
    title: Any = ""

    def sql(self, records: str, using: str) -> Compiled:
        raise NotImplementedError

    def entry(self, value: Any, label: Any, count: int) -> dict[str, Any]:
        return {"value": value, "label": str(label), "count": count}


def _compiled(queryset: models.QuerySet, using: str) -> Compiled:
    sql, params = queryset.query.get_compiler(using=using).as_sql()
    return sql, list(params)


class LinkFacet(Facet):
    """Counts over rows of `model` that point at a record through `record`, grouped by `value`.

    A record counts once per value. Where a row can only be one record under one value (the
    record's own row, or the link table of a many-to-many field, unique on both ends) the rows are
    counted as they are, without COUNT(DISTINCT ...), which sorts every matching row.
    """

    def __init__(
        self,
        model: type[models.Model],
        record: str,
        value: str,
        label: str,
        *,
        title: Any = "",
        **conditions: Any,
    ):
        self.model, self.record, self.value, self.label, self.conditions = (
            model,
            record,
            value,
            label,
            conditions,
        )
        self.title = title

    def sql(self, records: str, using: str) -> Compiled:
        rows = (
            self.model._default_manager.filter(
                # `records` names one of the facet query's own CTEs (see facet_counts): no input.
                **{f"{self.record}__in": RawSQL(records, []), f"{self.value}__isnull": False},  # nosec B611
                **self.conditions,
            )
            # Named apart: a facet may show its value as its label (a year).
            .values(facet_value=F(self.value), facet_label=F(self.label))
            .annotate(count=Count(self.record, distinct=not self.rows_unique))
            .order_by()
        )
        return _compiled(rows, using)

    @property
    def rows_unique(self) -> bool:
        """Whether each row is a distinct (record, value) pair: the record itself, or a many-to-many
        link row whose value is a unique field of the linked model (its code or slug)."""
        if self.record == "pk":
            return True
        if not self.model._meta.auto_created:
            return False
        target, _, field = self.value.partition("__")
        related = cast(type[models.Model], self.model._meta.get_field(target).related_model)
        return "__" not in field and cast(models.Field, related._meta.get_field(field)).unique


class ChoiceFacet(Facet):
    """Counts of a field with fixed choices, labelled from the choices (ties broken by value)."""

    sort = "value"

    def __init__(self, model: type[models.Model], field: str, choices: Any):
        self.model, self.field, self.labels = model, field, dict(choices)

    def sql(self, records: str, using: str) -> Compiled:
        rows = (
            self.model._default_manager.filter(pk__in=RawSQL(records, []))  # nosec B611 (a CTE's name)
            .values(facet_value=F(self.field), facet_label=F(self.field))
            .annotate(count=Count("pk"))
            .order_by()
        )
        return _compiled(rows, using)

    def entry(self, value: Any, label: Any, count: int) -> dict[str, Any]:
        return {"value": value, "label": self.labels.get(value, value), "count": count}


class SqlFacet(Facet):
    """A facet whose value pairs (record id, code) come from a UNION of link tables, in SQL:
    `pairs_sql()` must answer each pair once (UNION, not UNION ALL), as the counts assume.

    The SQL is assembled from table names in the models' own Meta and from the ORM's compiled
    query; every value travels as a query parameter (hence the reviewed `nosec B608` marks).
    """

    # The vocabulary's model label; its rows have a `code` and a `name`.
    vocabulary = ""

    def pairs_sql(self) -> str:
        raise NotImplementedError

    @property
    def label_sql(self) -> str:
        from django.apps import apps

        return f"SELECT code, name FROM {apps.get_model(self.vocabulary)._meta.db_table}"  # nosec B608

    def sql(self, records: str, using: str) -> Compiled:
        sql = (
            f"WITH matched AS ({records}), pairs AS ({self.pairs_sql()}) "  # nosec B608
            # UNION has made the pairs distinct: each is one record under one code.
            f"SELECT labels.code, labels.name, COUNT(*) FROM pairs "
            f"JOIN ({self.label_sql}) labels ON labels.code = pairs.code "
            f"GROUP BY labels.code, labels.name"
        )
        return sql, [Status.PUBLISHED] * self.pairs_sql().count("%s")

    def entry(self, value: Any, label: Any, count: int) -> dict[str, Any]:
        return {"value": value, "label": label, "count": count}


class TokenIndex:
    """The facet tokens the database keeps for each record of `model` (`<model>facets`, one row per
    record: `tokens`, such as `platform:12`, and `published`), and its stored counts over every
    published record (`<model>facetcount`, summed per token). Triggers keep both current
    (`partnerships/migrations/0001_initial.py`)."""

    def __init__(self, model_label: str, rows_label: str, counts_label: str, key: str):
        self.model_label, self.rows_label, self.counts_label, self.key = (
            model_label,
            rows_label,
            counts_label,
            key,
        )

    def _table(self, label: str) -> str:
        from django.apps import apps

        return apps.get_model(label)._meta.db_table

    def records_sql(self, records: str) -> str:
        """Each token's count over the records `records` selects."""
        # OFFSET 0 keeps the subquery apart: flattened, the planner may unnest every record's
        # tokens before it keeps the matching ones (735,000 tokens for 1,600 records, 0.6 s).
        return (
            f"SELECT t.token, count(*) AS count FROM (SELECT f.tokens "  # nosec B608
            f"FROM {self._table(self.rows_label)} f WHERE f.{self.key} IN ({records}) OFFSET 0) AS m, "
            f"unnest(m.tokens) AS t(token) GROUP BY t.token"
        )

    def published_sql(self) -> str:
        """Each token's stored count over every published record."""
        return (
            f"SELECT token, sum(count) AS count FROM {self._table(self.counts_label)} "  # nosec B608
            f"GROUP BY token HAVING sum(count) > 0"
        )

    def choice(self, name: str, model: type[models.Model], field: str, *, title: Any = "") -> TokenFacet:
        """A facet over the record's choice field `field`, labelled from its choices."""
        choices = cast(models.Field, model._meta.get_field(field)).choices
        return TokenFacet(self, name, None, ChoiceFacet(model, field, choices), title=title)

    def year(self, name: str, model: type[models.Model], field: str, *, title: Any = "") -> TokenFacet:
        """A facet over the year of the record's date field `field`."""
        year = f"{field}__year"
        return TokenFacet(self, name, None, LinkFacet(model, "pk", year, year), cast="integer", title=title)

    def vocabulary(self, name: str, link: SqlFacet, *, title: Any = "") -> TokenFacet:
        """A facet over the vocabulary of `link`, which counts it over several link tables."""
        return TokenFacet(
            self, name, vocabulary_tokens(name, link.vocabulary, "code", "code", "name"), link, title=title
        )

    def linked(
        self,
        name: str,
        model: type[models.Model],
        record: str,
        path: str,
        key: str = "code",
        value: str = "code",
        label: str = "name",
        *,
        title: Any = "",
        **conditions: Any,
    ) -> TokenFacet:
        """A facet over the vocabulary that `path` leads to from `model`: the record's own model
        (`record` is then "pk") or a link table whose field `record` is the record. Its tokens are
        `<name>:<key>`, shown as `value` and `label`; `conditions` restrict the link rows that
        count (a published partner)."""
        link = LinkFacet(model, record, f"{path}__{value}", f"{path}__{label}", **conditions)
        tokens = vocabulary_tokens(name, lambda: _related_label(model, path), key, value, label)
        return TokenFacet(self, name, tokens, link, title=title)

    def covers_all_published(self, records: models.QuerySet, using: str) -> bool:
        """Whether `records` are exactly the model's published records, whose counts are stored."""
        if records.model._meta.label != self.model_label:
            return False
        everything = records.model._default_manager.published().order_by().values("pk")
        return _compiled(records.order_by().values("pk"), using) == _compiled(everything, using)


class TokenFacet(Facet):
    """Counts read from a TokenIndex: the tokens `<name>:<key>` of the matching records, joined to
    the vocabulary `label_sql` (rows of token, value, label). `link` is the same facet counted
    over the link tables, whose counts these equal (the tests compare them)."""

    def __init__(
        self, index: TokenIndex, name: str, label_sql: Any, link: Facet, cast: str = "", title: Any = ""
    ):
        self.index, self.name, self._label_sql, self.link = index, name, label_sql, link
        self.sort, self.cast, self.title = link.sort, cast, title

    @property
    def rows_unique(self) -> bool:
        return getattr(self.link, "rows_unique", True)

    def sql(self, records: str, using: str) -> Compiled:
        return self.sql_from(f"({self.index.records_sql(records)})"), []

    def sql_from(self, counts: str) -> str:
        """The facet's rows from `counts`, a table or CTE of (token, count). Without `label_sql`
        the value (and label) is the token's own text after `<name>:` (a choice, a year), as type
        `cast` if given."""
        if self._label_sql is None:
            value = f"substr(c.token, {len(self.name) + 2})" + (f"::{self.cast}" if self.cast else "")
            return (
                f"SELECT {value}, {value}, c.count FROM {counts} c "  # nosec B608 (see SqlFacet)
                f"WHERE starts_with(c.token, '{self.name}:')"
            )
        return (
            f"SELECT v.value, v.label, c.count FROM {counts} c "  # nosec B608 (see SqlFacet)
            f"JOIN ({self._label_sql()}) v ON v.token = c.token"
        )

    def entry(self, value: Any, label: Any, count: int) -> dict[str, Any]:
        return self.link.entry(value, label, count)


def _related_label(model: type[models.Model], path: str) -> str:
    """The label of the model that the field path `path` leads to from `model`."""
    for part in path.split("__"):
        model = cast(type[models.Model], model._meta.get_field(part).related_model)
    return model._meta.label


def vocabulary_tokens(
    name: str, model_label: str | Callable[[], str], key: str, value: str, label: str
) -> Any:
    """SQL listing a vocabulary's tokens `<name>:<key>` with the facet's value and label; the
    vocabulary is a model label, or a function that gives it once the apps are loaded."""

    def sql() -> str:
        from django.apps import apps

        vocabulary = model_label if isinstance(model_label, str) else model_label()
        table = apps.get_model(vocabulary)._meta.db_table
        return f"SELECT '{name}:' || {key} AS token, {value} AS value, {label} AS label FROM {table}"  # nosec B608

    return sql


def facet_counts(filterset: RegistryFilterSet) -> dict[str, FacetValues]:
    """Counts for each of the FilterSet's facets, each under every filter but its own, in one query.

    `filterset` must be bound and valid. Its search outcome is reused so that every facet counts
    the same kind of match (full text or similar spelling) as the result list.

    Each distinct set of matching records (the FilterSet's own, and one per facet whose parameter
    was given) is a common table expression, computed once; each facet is a GROUP BY over one of
    them, and the facets are joined with UNION ALL. Values and labels travel as JSON so that every
    facet keeps its own types (SDG numbers stay numbers), and each facet's order (most records
    first, then by label or value) is numbered by the database, with its collation.
    """
    facets = filterset.facets
    if not facets:
        return {}
    main = filterset.qs
    using = main.db
    mode = filterset.search.mode if filterset.search else None
    record_sets: list[models.QuerySet] = [main]
    which: dict[str, int] = {}
    for name in facets:
        if name in filterset.data:
            record_sets.append(_without(filterset, name, mode).qs)
            which[name] = len(record_sets) - 1
        else:
            which[name] = 0
    ctes, params = [], []
    for index, records in enumerate(record_sets):
        sql, record_params = _compiled(records.order_by().values("pk"), using)
        ctes.append(f"facet_records_{index} AS ({sql})")
        params += record_params
    # Token facets over one record set share one count of its tokens; over every published
    # record, the stored counts.
    token_ctes: dict[tuple[int, str], str] = {}
    token_source: dict[str, str] = {}
    for name, facet in facets.items():
        if not isinstance(facet, TokenFacet):
            continue
        index = which[name]
        complete = facet.index.covers_all_published(record_sets[index], using)
        key = (-1 if complete else index, facet.index.rows_label)
        if key not in token_ctes:
            token_ctes[key] = f"facet_tokens_{len(token_ctes)}"
            counts = (
                facet.index.published_sql()
                if complete
                else facet.index.records_sql(f"SELECT * FROM facet_records_{index}")  # nosec B608
            )
            ctes.append(f"{token_ctes[key]} AS ({counts})")
        token_source[name] = token_ctes[key]
    branches = []
    for number, (name, facet) in enumerate(facets.items()):
        facet_params: list[Any]
        if name in token_source and isinstance(facet, TokenFacet):  # only token facets have one
            sql, facet_params = facet.sql_from(token_source[name]), []
        else:
            sql, facet_params = facet.sql(f"SELECT * FROM facet_records_{which[name]}", using)  # nosec B608
        branches.append(
            f"SELECT {number} AS facet, "  # nosec B608 (see SqlFacet)
            f"row_number() OVER (ORDER BY f.count DESC, f.{facet.sort}) AS position, "
            f"to_jsonb(f.value) AS value, to_jsonb(f.label) AS label, f.count "
            f"FROM ({sql}) AS f(value, label, count)"
        )
        params += facet_params
    sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(branches)} ORDER BY facet, position"
    result: dict[str, FacetValues] = {name: [] for name in facets}
    names = list(facets)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        for number, _position, value, label, count in cursor.fetchall():
            name = names[number]
            result[name].append(facets[name].entry(_loaded(value), _loaded(label), count))
    return result


def _loaded(value: Any) -> Any:
    """A value read back from jsonb (Django's connections leave jsonb as text)."""
    return json.loads(value) if isinstance(value, str) else value


def _without(filterset: RegistryFilterSet, name: str, mode: str | None) -> RegistryFilterSet:
    """The FilterSet without parameter `name`, reusing the already validated values of the others
    (validating them again would cost a query per linked value)."""
    data = filterset.data.copy()
    data.pop(name)
    others = type(filterset)(data, filterset.queryset, request=filterset.request, search_mode=mode)
    form = others.form
    if name not in form.fields:
        return others
    cleaned = dict(filterset.form.cleaned_data)
    field = form.fields[name]
    cleaned[name] = field.clean(field.widget.value_from_datadict(data, form.files, form.add_prefix(name)))
    form.cleaned_data = cleaned
    # Validated: the form's own errors property will not clean again (private, not in the stubs).
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    return others


def cached_facet_counts(filterset: RegistryFilterSet) -> dict[str, FacetValues]:
    """`facet_counts(filterset)`, cached for the same records, filters and registry state."""
    # The filtered records, as the list's count names them, and the filters that made them: each
    # facet is counted under every filter but its own.
    records = record_set_key(filterset.qs)
    if records is None:
        return facet_counts(filterset)
    data = filterset.data
    # Only the filters decide the counts: not the page, the order or the format asked for.
    filters = sorted(
        (name, tuple(data.getlist(name) if hasattr(data, "getlist") else [data[name]]))
        for name in data
        if name in filterset.base_filters and name != "ordering"
    )
    parts = ("facets", type(filterset).__qualname__, records, tuple(filters))
    return registry_cached(parts, lambda: facet_counts(filterset))


@contextmanager
def tokens_deferred(using: str = "default") -> Iterator[None]:
    """For a bulk load inside a transaction: the token indexes' triggers on records and their link
    tables do nothing until the block ends, and the load then refreshes its records once with
    `refresh_tokens()`. (Refreshed per statement, each batch of link rows re-read its records'
    every link: the generator's link tables went in at 1,500 rows a second at scale 1.) The
    counts stay exact: they follow the token rows, whose triggers stay on."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("tokens_deferred() needs a transaction: its records are refreshed before it ends")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('sscregistry.tokens_deferred', 'on', true)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('sscregistry.tokens_deferred', 'off', true)")


def refresh_tokens(model: type[models.Model], records: models.QuerySet, using: str = "default") -> bool:
    """Recompute the facet tokens of `records` (a queryset of `model`) in one statement; False when
    `model` keeps no token index."""
    function = f"{model._meta.db_table}_facets_refresh"
    sql, params = records.values("pk").query.sql_with_params()
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [f"{function}(bigint[])"])
        if not cursor.fetchone()[0]:
            return False
        # The function's name is the model's table's, not input.
        cursor.execute(f"SELECT {function}(ARRAY({sql}))", params)  # nosec B608
    return True


def token_index_sql(
    *,
    app: str,
    model: str,
    key: str,
    tokens_sql: str,
    token_columns: list[str],
    link_tables: list[str],
    watched: Sequence[tuple[str, str, list[str], str]] = (),
) -> tuple[str, str]:
    """The triggers that keep a TokenIndex current, as (create, drop) SQL for an app's migration.

    The record table is `<app>_<model>`, its tokens table `<app>_<model>facets` (column `key`, the
    record's id, `published` and `tokens`) and its counts table `<app>_<model>facetcount`.
    `tokens_sql` is a `WITH` clause ending in `tokens(id, token)`: the tokens of the records in
    `ids` (a bigint[]), each once. Triggers refresh a record's row when it is inserted, when one of
    `token_columns` changes and when rows of the `link_tables` (which have a `key` column) naming
    it are written, per statement; its workflow status only sets `published`. Each of `watched`,
    (name, table, columns, ids), refreshes the records that `ids` selects (SQL over NEW) when one of
    `columns` of a row of `table` changes. Then triggers on the tokens table add each statement's
    change of every token's count over published records to the counts table (rows only ever
    inserted, so that concurrent writers never wait for each other there), and fold a changed
    token's rows into one once it has more than 8 (skipping rows another transaction is folding).
    A bulk load may defer the record and link-table triggers (`tokens_deferred()`) and refresh its
    records once at the end.

    A migration calls this: what it returns is what a fresh database gets, so a change here needs a
    migration that replaces the functions (CREATE OR REPLACE) of databases built before.
    """
    record = f"{app}_{model}"
    rows, counts = f"{record}facets", f"{record}facetcount"
    prefix, short = f"{record}_facets", model
    watched_columns = ["status", *token_columns]
    changed_columns = ", ".join(watched_columns)

    def row(alias: str, columns: list[str]) -> str:
        return "(" + ", ".join(f"{alias}.{column}" for column in columns) + ")"

    token_changed = (
        " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in token_columns) or "false"
    )
    # Migration DDL built from the names an app declares in its code, never from input.
    create = f"""
CREATE FUNCTION {prefix}_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
{tokens_sql}
INSERT INTO {rows} AS f ({key}, published, tokens)
SELECT r.id, r.status = 'published', coalesce(g.tokens, '{{}}')
FROM {record} r
LEFT JOIN (SELECT id, array_agg(token ORDER BY token) AS tokens FROM tokens GROUP BY id) g ON g.id = r.id
WHERE r.id = ANY(ids)
ON CONFLICT ({key}) DO UPDATE SET published = EXCLUDED.published, tokens = EXCLUDED.tokens
WHERE (f.published, f.tokens) IS DISTINCT FROM (EXCLUDED.published, EXCLUDED.tokens);
$$;

-- The records named by a statement's rows of a table with a {key} column.
CREATE FUNCTION {prefix}_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF current_setting('sscregistry.tokens_deferred', true) = 'on' THEN
        RETURN NULL;  -- a bulk load refreshes its records once, at its end (refresh_tokens())
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT {key}) INTO ids FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT {key}) INTO ids FROM old_rows;
    ELSE
        SELECT array_agg({key}) INTO ids
        FROM (SELECT {key} FROM new_rows UNION SELECT {key} FROM old_rows) AS changed;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM {prefix}_refresh(ids);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION {prefix}_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {token_changed} THEN
        PERFORM {prefix}_refresh(ARRAY[NEW.id]);
    ELSE
        -- The workflow status changes only what the counts see, not the tokens.
        UPDATE {rows} SET published = NEW.status = 'published' WHERE {key} = NEW.id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION {prefix}_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sscregistry.tokens_deferred', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM {prefix}_refresh(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END;
$$;

CREATE FUNCTION {prefix}_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Removing a record's links refreshed its row just before the record went.
    DELETE FROM {rows} WHERE {key} IN (SELECT id FROM old_rows);
    RETURN NULL;
END;
$$;

-- Folds the rows of each of `tokens` that has more than 8 into one (skipping rows another
-- transaction is folding): the work of a write is in proportion to the tokens it changed, however
-- many tokens the table holds (a fold of every row, once more than 2,000, folded 20,000 partners'
-- tokens on every write at scale 1).
CREATE FUNCTION {app}_facet_counts_fold(tokens varchar[]) RETURNS void LANGUAGE sql AS $$
WITH crowded AS (
    SELECT token FROM {counts} WHERE token = ANY(tokens) GROUP BY token HAVING count(*) > 8
), gone AS (
    DELETE FROM {counts} WHERE id IN (
        SELECT id FROM {counts} WHERE token IN (SELECT token FROM crowded) FOR UPDATE SKIP LOCKED
    )
    RETURNING token, count
)
INSERT INTO {counts} (token, count)
SELECT token, sum(count) FROM gone GROUP BY token HAVING sum(count) <> 0;
$$;

CREATE FUNCTION {app}_facet_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched varchar[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH added AS (
            INSERT INTO {counts} (token, count)
            SELECT token, count(*) FROM new_rows, unnest(new_rows.tokens) AS token
            WHERE new_rows.published GROUP BY token
            RETURNING token
        ) SELECT array_agg(token) INTO touched FROM added;
    ELSIF TG_OP = 'DELETE' THEN
        WITH added AS (
            INSERT INTO {counts} (token, count)
            SELECT token, -count(*) FROM old_rows, unnest(old_rows.tokens) AS token
            WHERE old_rows.published GROUP BY token
            RETURNING token
        ) SELECT array_agg(token) INTO touched FROM added;
    ELSE
        WITH added AS (
            INSERT INTO {counts} (token, count)
            SELECT token, sum(change) FROM (
                SELECT token, 1 AS change FROM new_rows, unnest(new_rows.tokens) AS token
                WHERE new_rows.published
                UNION ALL
                SELECT token, -1 FROM old_rows, unnest(old_rows.tokens) AS token WHERE old_rows.published
            ) AS changes GROUP BY token HAVING sum(change) <> 0
            RETURNING token
        ) SELECT array_agg(token) INTO touched FROM added;
    END IF;
    IF touched IS NOT NULL THEN
        PERFORM {app}_facet_counts_fold(touched);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION {app}_facet_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- DELETE, not TRUNCATE: a TRUNCATE of both tables at once (a test database's flush) is still
    -- using the counts table when this runs.
    DELETE FROM {counts};
    RETURN NULL;
END;
$$;

CREATE TRIGGER {short}_facet_counts_insert AFTER INSERT ON {rows}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {app}_facet_counts_changed();
CREATE TRIGGER {short}_facet_counts_update AFTER UPDATE ON {rows}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {app}_facet_counts_changed();
CREATE TRIGGER {short}_facet_counts_delete AFTER DELETE ON {rows}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {app}_facet_counts_changed();
CREATE TRIGGER {short}_facet_counts_truncate AFTER TRUNCATE ON {rows}
    FOR EACH STATEMENT EXECUTE FUNCTION {app}_facet_counts_truncated();

CREATE TRIGGER {short}_facets_insert AFTER INSERT ON {record}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_inserted();
CREATE TRIGGER {short}_facets_status AFTER UPDATE OF {changed_columns} ON {record}
    FOR EACH ROW WHEN ({row("OLD", watched_columns)} IS DISTINCT FROM {row("NEW", watched_columns)})
    EXECUTE FUNCTION {prefix}_status_changed();
CREATE TRIGGER {short}_facets_delete AFTER DELETE ON {record}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_deleted();
"""  # nosec B608 (declared names, see above)
    drop = ""
    for name, table, columns, ids in watched:
        create += f"""
CREATE FUNCTION {prefix}_{name}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {prefix}_refresh(ARRAY({ids}));
    RETURN NULL;
END;
$$;
CREATE TRIGGER {short}_facets_{name} AFTER UPDATE OF {", ".join(columns)} ON {table} FOR EACH ROW
    WHEN ({row("OLD", columns)} IS DISTINCT FROM {row("NEW", columns)})
    EXECUTE FUNCTION {prefix}_{name}_changed();
"""
        drop += f"DROP TRIGGER IF EXISTS {short}_facets_{name} ON {table};\n"
        drop += f"DROP FUNCTION IF EXISTS {prefix}_{name}_changed();\n"
    for table in link_tables:
        for op, referencing in (
            ("insert", "NEW TABLE AS new_rows"),
            ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("delete", "OLD TABLE AS old_rows"),
        ):
            create += (
                f"CREATE TRIGGER {table}_facets_{op} AFTER {op.upper()} ON {table}\n"
                f"    REFERENCING {referencing}\n"
                f"    FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_rows_changed();\n"
            )
            drop += f"DROP TRIGGER IF EXISTS {table}_facets_{op} ON {table};\n"
    for trigger, table in (
        ("facets_delete", record),
        ("facets_status", record),
        ("facets_insert", record),
        ("facet_counts_truncate", rows),
        ("facet_counts_delete", rows),
        ("facet_counts_update", rows),
        ("facet_counts_insert", rows),
    ):
        drop += f"DROP TRIGGER IF EXISTS {short}_{trigger} ON {table};\n"
    for function in (
        f"{app}_facet_counts_truncated()",
        f"{app}_facet_counts_changed()",
        f"{app}_facet_counts_fold(varchar[])",
        f"{prefix}_deleted()",
        f"{prefix}_status_changed()",
        f"{prefix}_inserted()",
        f"{prefix}_rows_changed()",
        f"{prefix}_refresh(bigint[])",
    ):
        drop += f"DROP FUNCTION IF EXISTS {function};\n"
    drop += f"DELETE FROM {rows};\nDELETE FROM {counts};\n"  # nosec B608 (declared names)
    return create, drop
