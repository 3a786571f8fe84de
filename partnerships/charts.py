"""Server-rendered charts: bar lists, year columns and the world map, as template contexts.

Everything is drawn as SVG with presentation attributes (`fill`, `width`), never `style`, so the
strict Content-Security-Policy holds, and nothing is fetched from elsewhere: the country shapes are
in `partnerships/data/world_map.json` (see `manage.py build_world_map`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.cache import record_set_key, registry_cached
from registry.facets import facet_counts
from vocabularies.models import Country, Region, SustainableDevelopmentGoal, localised_country_name

from .filters import PartnershipFilter
from .models import Partnership

WORLD_MAP_FILE = Path(__file__).resolve().parent / "data" / "world_map.json"

# A sequential blue scale, light to dark; the darkest meets 4.5:1 against white for the legend.
MAP_SCALE = ("#cfe3f3", "#9cc5e6", "#5b9bd0", "#2a6fae", "#0d4377")
LAND = "#e4e8ec"
BORDER = "#ffffff"
DEFAULT_BAR = "#19486a"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str = ""
    colour: str = DEFAULT_BAR
    percent: float = 0.0


def bar_list(rows: Iterable[Mapping[str, Any]], *, limit: int = 10) -> list[Bar]:
    """Bars for `rows` of {"label", "count", "url"?, "colour"?}, largest first.

    A bar's width is a share of the largest count (at least 2% so a count of one stays visible).
    """
    ordered = sorted(rows, key=lambda row: (-row["count"], row["label"]))[:limit]
    top = max((row["count"] for row in ordered), default=0)
    return [
        Bar(
            label=row["label"],
            count=row["count"],
            url=row.get("url", ""),
            colour=row.get("colour") or DEFAULT_BAR,
            percent=max(2.0, round(100 * row["count"] / top, 1)) if top else 0.0,
        )
        for row in ordered
    ]


@dataclass(frozen=True)
class Column:
    label: str
    count: int
    x: float
    y: float
    height: float
    url: str = ""

    @property
    def centre(self) -> float:
        return self.x + 10

    @property
    def count_y(self) -> float:
        return round(self.y - 3, 1)


def year_columns(counts: Mapping[int, int], *, url: Callable[[int], str] | None = None) -> dict[str, Any]:
    """A column chart of counts per year, every year from the first to the last (gaps as zero)."""
    if not counts:
        return {"columns": [], "width": 0, "height": 0}
    years = list(range(min(counts), max(counts) + 1))
    top = max(counts.values())
    slot, plot_height, base = 28.0, 100.0, 112.0
    # At least ten slots wide, the columns centred, so one or two years do not fill the panel.
    slots = max(len(years), 10)
    offset = (slots - len(years)) * slot / 2
    columns = []
    for index, year in enumerate(years):
        count = counts.get(year, 0)
        height = round(plot_height * count / top, 1) if top else 0.0
        columns.append(
            Column(
                label=str(year),
                count=count,
                x=offset + index * slot + 4,
                y=base - height,
                height=height,
                url=url(year) if url and count else "",
            )
        )
    return {
        "columns": columns,
        "width": slots * slot + 8,
        "height": base + 20,
        "base": base,
        "label_y": base + 13,
        "label_every": max(1, math.ceil(len(years) / 12)),
    }


@functools.cache
def world_shapes() -> dict[str, Any]:
    return json.loads(WORLD_MAP_FILE.read_text())


@dataclass(frozen=True)
class MapCountry:
    numeric: str
    name: str
    count: int
    fill: str
    path: str
    marker: tuple[float, float]
    url: str = ""


def _bins(top: int) -> list[int]:
    """Upper bounds of the colour classes: 1, 2, ... when counts are small; even steps otherwise."""
    classes = len(MAP_SCALE)
    if top <= classes:
        return list(range(1, top + 1))
    return sorted({math.ceil(top * (index + 1) / classes) for index in range(classes)})


def world_map(
    counts: Mapping[str, int],
    *,
    names: Mapping[str, str],
    url: Callable[[str], str] | None = None,
    focus: bool = False,
    noun: Callable[[int], str] | None = None,
) -> dict[str, Any]:
    """A choropleth of `counts` keyed by ISO numeric code (`names` gives each country's name).

    Countries too small for the 1:110m shapes appear as circles. With `focus`, the view box frames
    the countries that have a count (for a partnership's own small map) instead of the whole world.
    """
    data = world_shapes()
    top = max(counts.values(), default=0)
    bounds = _bins(top)
    noun = noun or (lambda n: ngettext("%(count)d partnership", "%(count)d partnerships", n) % {"count": n})

    def fill(count: int) -> str:
        if not count:
            return LAND
        offset = len(MAP_SCALE) - len(bounds)
        for index, bound in enumerate(bounds):
            if count <= bound:
                return MAP_SCALE[offset + index]
        return MAP_SCALE[-1]

    background, highlighted, markers = [], [], []
    for numeric, shape in data["countries"].items():
        count = counts.get(numeric, 0)
        entry = MapCountry(
            numeric=numeric,
            name=names.get(numeric, ""),
            count=count,
            fill=fill(count),
            path=shape.get("d", ""),
            marker=tuple(shape["c"]),
            url=url(numeric) if url and count else "",
        )
        if not count:
            if entry.path:
                background.append(entry)
        elif entry.path:
            highlighted.append(entry)
        else:
            markers.append(entry)
    legend, low = [], 1
    offset = len(MAP_SCALE) - len(bounds)
    for index, bound in enumerate(bounds):
        label = str(bound) if bound == low else f"{low}–{bound}"
        legend.append({"label": label, "fill": MAP_SCALE[offset + index]})
        low = bound + 1
    view_box = (0.0, 0.0, data["width"], data["height"])
    if focus and (highlighted or markers):
        view_box = _frame([c.marker for c in highlighted + markers], data["width"], data["height"])
    listed = sorted(highlighted + markers, key=lambda c: (-c.count, c.name))
    return {
        "background": background,
        "highlighted": highlighted,
        "markers": markers,
        "other_land": data["other_land"],
        "legend": legend,
        "view_box": " ".join(f"{v:g}" for v in view_box),
        "marker_radius": 4 if not focus else max(2.0, round(view_box[2] / 120, 1)),
        "description": "; ".join(f"{c.name}: {noun(c.count)}" for c in listed)
        or _("No country recorded yet."),
        "countries": listed,
        "empty": not listed,
    }


def _frame(points: list[tuple[float, float]], width: float, height: float) -> tuple[float, ...]:
    """A 2:1 view box around `points` with a margin, never smaller than a fifth of the world."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span_x = max(max(xs) - min(xs) + 120, width / 5)
    span_y = max(max(ys) - min(ys) + 80, span_x / 2)
    span_x = max(span_x, span_y * 2)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x = min(max(cx - span_x / 2, 0), max(width - span_x, 0))
    y = min(max(cy - span_y / 2, 0), max(height - span_y, 0))
    return (round(x, 1), round(y, 1), round(min(span_x, width), 1), round(min(span_y, height), 1))


def partnership_list_url(**params: Any) -> str:
    """The partnership search with these filters, e.g. `partnership_list_url(sdg=4)`."""
    return f"{reverse('partnerships:partnership-list')}?{urlencode(params)}"


def country_numbers() -> dict[str, tuple[str, str]]:
    """ISO alpha-2 -> (numeric code, name in the interface language), for the maps (one query)."""
    rows = Country.objects.values_list("code", "numeric", "name", "name_fr", "name_es")
    return {code: (numeric, localised_country_name(name, fr, es)) for code, numeric, name, fr, es in rows}


def partnership_charts(
    partnerships: QuerySet[Partnership], *, within: dict[str, str] | None = None
) -> dict[str, Any]:
    """Bars by SDG, platform and region, columns by start year and the world map, for `partnerships`.

    The counts come from the search page's facets, so a chart's bar and the search it links to (with
    the `within` filters added, e.g. a partner) agree.
    """
    within = within or {}
    records = record_set_key(partnerships)
    if records is None:
        return _partnership_charts(partnerships, within)
    parts = ("charts", records, tuple(sorted(within.items())))
    return registry_cached(parts, lambda: _partnership_charts(partnerships, within))


def _partnership_charts(partnerships: QuerySet[Partnership], within: dict[str, str]) -> dict[str, Any]:
    def link(**params: Any) -> str:
        return partnership_list_url(**within, **params)

    filterset = PartnershipFilter({}, queryset=partnerships)
    facets = facet_counts(filterset)
    colours = dict(SustainableDevelopmentGoal.objects.values_list("code", "colour"))
    sdg_bars = bar_list(
        (
            {
                "label": f"{row['value']}. {_(row['label'])}",
                "count": row["count"],
                "url": link(sdg=row["value"]),
                "colour": colours.get(row["value"]),
            }
            for row in facets["sdg"]
        ),
        limit=17,
    )
    platform_bars = bar_list(
        {"label": row["label"], "count": row["count"], "url": link(platform=row["value"])}
        for row in facets["platform"]
    )
    # The top level of the M49 tree (Africa, Americas, Asia, Europe, Oceania) reads best on a small chart.
    top_regions = set(
        Region.objects.filter(level=Region.Level.REGION, parent__isnull=False).values_list("code", flat=True)
    )
    region_bars = bar_list(
        {"label": _(row["label"]), "count": row["count"], "url": link(region=row["value"])}
        for row in facets["region"]
        if row["value"] in top_regions
    )
    years = dict(
        partnerships.filter(start_date__isnull=False)
        .annotate(year=ExtractYear("start_date"))
        .order_by()
        .values_list("year")
        .annotate(count=Count("pk"))
    )
    numbers = country_numbers()
    by_numeric = {
        numbers[row["value"]][0]: row["count"] for row in facets["country"] if row["value"] in numbers
    }
    alpha2 = {numeric: code for code, (numeric, _name) in numbers.items()}
    return {
        "sdg_bars": sdg_bars,
        "platform_bars": platform_bars,
        "region_bars": region_bars,
        "year_chart": year_columns(
            years, url=lambda year: link(started_after=f"{year}-01-01", started_before=f"{year}-12-31")
        ),
        "world": world_map(
            by_numeric,
            names=dict(numbers.values()),
            url=lambda numeric: link(country=alpha2[numeric]),
        ),
    }
