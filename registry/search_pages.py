"""The public search pages' shared machinery: a list view over one of the API's FilterSets.

The page reads the same query string as the API (`q`, the filters, `ordering`, `page`), filters
with the same FilterSet and counts facets with the same `facet_counts()`, so that every state of a
search page is a shareable address and "the same query in the API" is the same query string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, cast
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .facets import cached_facet_counts
from .filters import RegistryFilterSet
from .pagination import RegistryPaginator
from .workflow import PublishableQuerySet, SearchableModel

# Parameters that change the page but not which records match.
NOT_FILTERS = ("page", "ordering", "page_size")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int | None
    checked: bool
    colour: str = ""


@dataclass
class FacetGroup:
    name: str
    title: str
    values: list[FacetValue]
    more: list[FacetValue] = field(default_factory=list)
    kind: str = "checkbox"
    hidden: int = 0  # values past `facet_more_limit`, not listed


@dataclass
class Chip:
    label: str
    title: str
    url: str


def query_without(query: QueryDict, name: str, value: str | None = None) -> str:
    """`query` as a string without the parameter `name` (only its `value`, if given) nor `page`."""
    remaining = query.copy()
    remaining.pop("page", None)
    if value is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
    return remaining.urlencode()


class FacetedSearchView(TemplateView):
    """A list of published records, filtered, searched, faceted, sorted and paginated.

    Subclasses name the FilterSet (whose facets with a title are shown, in its order), the base
    queryset and the sort options. Unreadable filter values answer 400 with the FilterSet's message.
    """

    filterset_class: ClassVar[type[RegistryFilterSet]]
    # The page's name, in its h1 and its title (a lazy translation).
    heading: ClassVar[Any] = ""
    # The search box's label (a lazy translation).
    search_label: ClassVar[Any] = ""
    paginate_by = 20
    # (ordering value, label); the first is the default when there is no search text.
    sort_options: ClassVar[list[tuple[str, Any]]] = [
        ("", gettext_lazy("Newest first")),
        ("title", gettext_lazy("Title (A–Z)")),
    ]
    # The ordering value of the default ("") without search text, which a search makes relevance.
    default_ordering = ""
    # Whether the page links the same query in the API and as CSV.
    api_links = True
    facet_limit = 8
    # At most this many more values under "N more": a facet over every partner of the library has
    # thousands (a 3.7 MB page at 20,000 partners); the rest are reached through the search box.
    facet_more_limit = 50

    @property
    def model(self) -> type[Model]:
        return self.filterset_class._meta.model  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet:
        return cast(PublishableQuerySet, self.model._default_manager.all()).published()

    def get_template_names(self) -> list[str]:
        """`template_name`, or `<app>/<model>_list.html` as Django's list views name it."""
        if self.template_name:
            return [self.template_name]
        return [f"{self.model._meta.app_label}/{self.model._meta.model_name}_list.html"]

    def filter_data(self) -> QueryDict:
        """The query string the FilterSet reads (subclasses may add fixed filters)."""
        return self.request.GET

    def facet_label(self, name: str, row: dict[str, Any]) -> str:
        """The label a facet value shows; vocabulary labels are translated."""
        return _(str(row["label"]))

    def facet_colour(self, name: str, row: dict[str, Any]) -> str:
        return ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.filterset = self.filterset_class(
            self.filter_data(), queryset=self.get_queryset(), request=request
        )
        context = self.get_context_data(**kwargs)
        status = 200 if self.filterset.is_valid() else 400
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        filterset = self.filterset
        context.update(
            {
                "heading": self.heading,
                "search_label": self.search_label,
                "query": query,
                "q": query.get("q", "").strip(),
                "ordering": query.get("ordering", ""),
                "sort_options": self.sort_choices(query.get("q", "").strip()),
                "errors": filterset.errors if not filterset.is_valid() else {},
            }
        )
        if not filterset.is_valid():
            context.update({"page_obj": None, "records": [], "count": 0, "facets": [], "chips": []})
            return context
        records = filterset.qs
        if issubclass(self.model, SearchableModel):
            # The index columns are the search's, not the page's: a row's text and vector would
            # be read and parsed for nothing.
            records = records.defer("search_vector", "search_text")
        paginator = RegistryPaginator(records, self.paginate_by, allow_empty_first_page=True)
        page = paginator.get_page(query.get("page"))
        facets = self.facet_groups(cached_facet_counts(filterset))
        context.update(
            {
                "page_obj": page,
                "paginator": paginator,
                "records": self.decorate(list(page.object_list)),
                "count": paginator.count,
                "facets": facets,
                "chips": self.chips(facets),
                "search": filterset.search,
                "clear_url": self.request.path,
                # The same query in the API, and as CSV (the routes of registry/rest.py's routers).
                "api_url": self.api_url("list"),
                "export_url": self.api_url("export"),
            }
        )
        return context

    def decorate(self, records: list[Any]) -> list[Any]:
        """A hook for adding display data to the page's records (in constant queries)."""
        return records

    def sort_choices(self, q: str) -> list[tuple[str, Any]]:
        options = list(self.sort_options)
        if not q:
            return options
        named = [(value or self.default_ordering, label) for value, label in options]
        return [("", _("Relevance")), *[option for option in named if option[0]]]

    def api_url(self, action: str) -> str:
        """The API route `<model>-<action>` with the page's query (without its page number)."""
        if not self.api_links:
            return ""
        route = f"{self.model._meta.model_name}-{action}"
        params = self.request.GET.copy()
        params.pop("page", None)
        extra = self.api_fixed_params()
        for name, value in extra.items():
            params.setlist(name, [value])
        encoded = params.urlencode()
        return reverse(route) + (f"?{encoded}" if encoded else "")

    def api_fixed_params(self) -> dict[str, str]:
        """Filters the page applies without showing them in its address (e.g. `when=upcoming`)."""
        return {}

    def facet_groups(self, counts: dict[str, list[dict[str, Any]]]) -> list[FacetGroup]:
        query = self.request.GET
        groups = []
        # The FilterSet's facets that have a title, in its order.
        titled = {name: facet.title for name, facet in self.filterset_class.facets.items() if facet.title}
        for name, title in titled.items():
            chosen = query.getlist(name)
            picked = set(chosen)

            def value(row: dict[str, Any], name: str = name, picked: set[str] = picked) -> FacetValue:
                return FacetValue(
                    value=str(row["value"]),
                    label=self.facet_label(name, row),
                    count=row["count"],
                    checked=str(row["value"]) in picked,
                    colour=self.facet_colour(name, row),
                )

            # The first values, the chosen ones and a few more are shown; the others are only
            # counted (a facet of partners has thousands of values: labelling them all took most
            # of the page's time).
            rows = counts.get(name, [])
            shown = [value(row) for row in rows[: self.facet_limit]]
            more: list[FacetValue] = []
            hidden = 0
            for row in rows[self.facet_limit :]:
                if str(row["value"]) in picked:
                    shown.append(value(row))
                elif len(more) < self.facet_more_limit:
                    more.append(value(row))
                else:
                    hidden += 1
            # A chosen value that matches nothing under the other filters still needs its box (every
            # chosen value that has a row is in `shown` by now).
            present = {v.value for v in shown}
            for chosen_value in dict.fromkeys(chosen):
                if chosen_value not in present:
                    shown.append(FacetValue(value=chosen_value, label=chosen_value, count=0, checked=True))
            if not shown and not more:
                continue
            groups.append(FacetGroup(name=name, title=str(title), values=shown, more=more, hidden=hidden))
        return groups

    def chips(self, facets: list[FacetGroup]) -> list[Chip]:
        query = self.request.GET
        path = self.request.path
        chips = []
        if query.get("q", "").strip():
            chips.append(
                Chip(label=query["q"].strip(), title=_("Search"), url=_with(path, query_without(query, "q")))
            )
        for group in facets:
            for value in group.values:
                if value.checked:
                    chips.append(
                        Chip(
                            label=value.label,
                            title=group.title,
                            url=_with(path, query_without(query, group.name, value.value)),
                        )
                    )
        return chips


def _with(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def list_url(route: str, **params: Any) -> str:
    """A page's address with query parameters, e.g. `list_url("events:event-list", country="RW")`."""
    return f"{reverse(route)}?{urlencode(params, doseq=True)}" if params else reverse(route)
