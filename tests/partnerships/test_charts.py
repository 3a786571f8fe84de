"""The server-rendered charts and the world map's shapes."""

from __future__ import annotations

import re

import pytest

from partnerships.charts import MAP_SCALE, bar_list, world_map, world_shapes, year_columns
from vocabularies.models import Country


def test_bars_are_sorted_and_sized_relative_to_the_largest():
    bars = bar_list([{"label": "b", "count": 1}, {"label": "a", "count": 4}, {"label": "c", "count": 2}])
    assert [(b.label, b.percent) for b in bars] == [("a", 100.0), ("c", 50.0), ("b", 25.0)]
    assert bar_list([{"label": "x", "count": 1}, {"label": "y", "count": 1000}])[1].percent == 2.0
    assert bar_list([]) == []


def test_year_columns_fill_the_gaps_between_years():
    chart = year_columns({2018: 2, 2021: 1}, url=lambda year: f"/y/{year}")
    assert [c.label for c in chart["columns"]] == ["2018", "2019", "2020", "2021"]
    assert [c.count for c in chart["columns"]] == [2, 0, 0, 1]
    assert chart["columns"][1].url == ""
    assert chart["columns"][0].height == 100.0 and chart["columns"][3].height == 50.0


def test_world_map_colours_counts_and_marks_small_countries():
    shapes = world_shapes()["countries"]
    rwanda, tuvalu = "646", "798"
    assert "d" in shapes[rwanda] and "d" not in shapes[tuvalu]  # Tuvalu is too small at 1:110m
    result = world_map(
        {rwanda: 3, tuvalu: 1}, names={rwanda: "Rwanda", tuvalu: "Tuvalu"}, url=lambda n: f"/c/{n}"
    )
    assert [c.name for c in result["highlighted"]] == ["Rwanda"]
    assert [c.name for c in result["markers"]] == ["Tuvalu"]
    assert result["highlighted"][0].fill == MAP_SCALE[-1]
    assert result["markers"][0].url == "/c/798"
    assert result["description"].startswith("Rwanda: 3 partnerships")
    assert result["view_box"] == f"0 0 {world_shapes()['width']:g} {world_shapes()['height']:g}"


def test_a_focused_map_frames_its_countries():
    result = world_map({"646": 1}, names={"646": "Rwanda"}, focus=True)
    x, y, width, height = map(float, result["view_box"].split())
    cx, cy = world_shapes()["countries"]["646"]["c"]
    assert x < cx < x + width and y < cy < y + height
    assert width < world_shapes()["width"]


def test_an_empty_map_says_so():
    assert world_map({}, names={})["empty"]


@pytest.mark.django_db
def test_map_shapes_use_the_registrys_country_codes():
    numerics = set(Country.objects.values_list("numeric", flat=True))
    shapes = world_shapes()["countries"]
    assert set(shapes) <= numerics
    # Every country with a shape at 1:110m has a plain path: moves, lines and closes only.
    for entry in shapes.values():
        if "d" in entry:
            assert re.fullmatch(r"(M[-\d.,]+l[-\d., ]*z)+", entry["d"])
