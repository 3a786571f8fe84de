"""What a visitor does, in a real browser: search, filter, read an event's time, switch language, axe."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.usefixtures("seed_data")

KIGALI_EVENT = "/events/un-day-for-south-south-cooperation-2023-kigali/"


def test_search_tick_a_platform_and_open_the_partnership(page):
    page.goto(page.base + "/")
    page.get_by_role("combobox", name="Search the registry").fill("green economy")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q=green\+economy"))
    assert page.get_by_role("heading", level=2, name=re.compile(r"^Partnerships \(1\)")).is_visible()
    page.locator("section:has(#group-partnerships) > p > a").click()
    page.wait_for_url(re.compile(r"/partnerships/\?q=green\+economy"))
    assert page.locator(".result-count").inner_text() == "1 result"

    page.get_by_role("checkbox", name=re.compile(r"^Cities")).check()
    page.wait_for_url(re.compile(r"platform=cities"))
    assert page.get_by_role("checkbox", name=re.compile(r"^Cities")).is_checked()
    assert page.locator(".chips").get_by_text("Platform: Cities").is_visible()
    assert "q=green+economy" in page.url  # the search text stays in the shareable address

    page.get_by_role("link", name=re.compile("UNOSSC and World Green Economy Organization")).click()
    page.wait_for_url(re.compile(r"/partnerships/unossc-wgeo-green-economy/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("UNOSSC and World Green Economy")
    assert page.get_by_role("link", name="World Green Economy Organization", exact=True).is_visible()


def test_the_home_box_suggests_names_as_the_visitor_types(page):
    page.goto(page.base + "/")
    page.get_by_role("combobox", name="Search the registry").press_sequentially("unos", delay=50)
    options = page.locator("#home-q-suggestions option")
    options.first.wait_for(state="attached")
    assert (
        options.first.get_attribute("value") == "United Nations Office for South-South Cooperation (UNOSSC)"
    )


def test_filters_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/partnerships/?q=green+economy")
    page.get_by_role("checkbox", name=re.compile(r"^Cities")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"platform=cities"))
    assert "q=green+economy" in page.url
    assert page.get_by_role("checkbox", name=re.compile(r"^Cities")).is_checked()
    context.close()


def test_the_kigali_event_gives_kigali_time_and_the_visitors_own(page):
    page.goto(page.base + KIGALI_EVENT)
    assert page.locator(".when").inner_text() == "12 Sep 2023, 09:00–13:00 Kigali time (UTC+2)"
    # The browser runs in New York (UTC-4 in September), so the script adds the local time.
    local = page.locator(".local-time")
    assert local.is_visible()
    assert local.inner_text() == "Your local time: Sep 12, 2023, 03:00–07:00 (America/New York)"


def test_a_visitor_in_kigali_sees_no_second_time(browser, live_server):
    context = browser.new_context(timezone_id="Africa/Kigali")
    page = context.new_page()
    page.goto(live_server.url + KIGALI_EVENT)
    assert page.locator(".local-time").is_hidden()
    context.close()


def test_switching_the_interface_to_french(page):
    page.goto(page.base + "/partnerships/unossc-wgeo-green-economy/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(r"/fr/partnerships/unossc-wgeo-green-economy/$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert (
        page.get_by_role("navigation", name="Principal").get_by_role("link", name="Partenariats").is_visible()
    )
    assert page.get_by_role("heading", name="Participants").is_visible()
    # The record itself stays in its language, marked as such.
    assert page.locator("h1").get_attribute("lang") == "en"
    page.get_by_role("link", name="Événements").first.click()
    page.wait_for_url(re.compile(r"/fr/events/$"))


PAGES = [
    "/",
    "/partnerships/?q=green+economy",
    "/partnerships/unossc-wgeo-green-economy/",
    "/partners/",
    "/partners/unossc/",
    "/events/past/",
    "/events/calendar/2023/9/",
    KIGALI_EVENT,
    "/publications/",
    "/publications/norec-report-launched-at-bapa40/",
    "/about/api/",
    "/search/?q=Norec",
    "/fr/search/?q=Kigali",
    "/fr/",
    "/es/partnerships/",
    "/no-such-page/",
]


def test_axe_finds_no_serious_or_critical_violation(page, axe_source):
    # One test for every page, so the seed data loads once. evaluate() runs axe through the
    # DevTools protocol, which the page's Content-Security-Policy does not govern.
    found = {}
    for path in PAGES:
        page.goto(page.base + path)
        page.evaluate(axe_source)
        results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    assert found == {}, "\n".join(
        f"{path}: {problem}" for path, problems in found.items() for problem in problems
    )
