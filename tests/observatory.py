"""The Mozilla HTTP Observatory's scoring rules (v2), applied to a Django test response.

A faithful subset: every rule that a single response can be judged by. Rules the Observatory
judges from the network (HTTP to HTTPS redirection, the HSTS preload list) are left out; the
scan starts at 100 and each rule adds its modifier, as the Observatory does.
"""

from __future__ import annotations

import re
from typing import Any


def _csp(headers: dict[str, str]) -> tuple[str, int]:
    policy = headers.get("content-security-policy")
    if not policy:
        return "csp-not-implemented", -25
    directives = {}
    for part in policy.split(";"):
        words = part.strip().split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    script = directives.get("script-src", directives.get("default-src"))
    style = directives.get("style-src", directives.get("default-src"))
    if script is None:
        return "csp-implemented-with-unsafe-inline", -20
    if "'unsafe-inline'" in script and not any(
        w.startswith("'nonce-") or w.startswith("'sha") for w in script
    ):
        return "csp-implemented-with-unsafe-inline", -20
    if "'unsafe-eval'" in script:
        return "csp-implemented-with-unsafe-eval", -10
    if any(w in ("http:", "https:", "*", "data:") for w in script):
        return "csp-implemented-with-insecure-scheme", -20
    if style is not None and "'unsafe-inline'" in style:
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if directives.get("default-src") == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def _cookies(response: Any) -> tuple[str, int]:
    cookies = response.cookies.values() if hasattr(response, "cookies") else []
    cookies = list(cookies)
    if not cookies:
        return "cookies-not-found", 0
    for morsel in cookies:
        if not morsel["secure"]:
            return "cookies-without-secure-flag", -20
        if morsel.key.lower().startswith(("session", "__host-session")) and not morsel["httponly"]:
            return "cookies-session-without-httponly-flag", -30
        if not morsel["samesite"]:
            return "cookies-secure-with-httponly-sessions", 0
    return "cookies-secure-with-httponly-sessions-and-samesite", 5


def _referrer(headers: dict[str, str]) -> tuple[str, int]:
    value = headers.get("referrer-policy", "").lower()
    if not value:
        return "referrer-policy-not-implemented", 0
    last = value.split(",")[-1].strip()
    if last in {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}:
        return "referrer-policy-private", 5
    if last in {"origin", "origin-when-cross-origin", "no-referrer-when-downgrade"}:
        return "referrer-policy-no-referrer-when-downgrade", 0
    return "referrer-policy-unsafe", -5


def _hsts(headers: dict[str, str]) -> tuple[str, int]:
    value = headers.get("strict-transport-security", "")
    match = re.search(r"max-age=(\d+)", value)
    if not match:
        return "hsts-not-implemented", -20
    if int(match.group(1)) < 15552000:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


def _xcto(headers: dict[str, str]) -> tuple[str, int]:
    if headers.get("x-content-type-options", "").lower() == "nosniff":
        return "x-content-type-options-nosniff", 0
    return "x-content-type-options-not-implemented", -5


def _xfo(headers: dict[str, str]) -> tuple[str, int]:
    csp = headers.get("content-security-policy", "").lower()
    if "frame-ancestors 'none'" in csp or "frame-ancestors 'self'" in csp:
        return "x-frame-options-implemented-via-csp", 5
    if headers.get("x-frame-options", "").upper() in {"DENY", "SAMEORIGIN"}:
        return "x-frame-options-sameorigin-or-deny", 0
    return "x-frame-options-not-implemented", -20


def _cors(headers: dict[str, str]) -> tuple[str, int]:
    origin = headers.get("access-control-allow-origin")
    if origin == "*" and headers.get("access-control-allow-credentials", "").lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access", -50
    return "cross-origin-resource-sharing-not-implemented-or-public", 0


def score(response: Any) -> tuple[int, dict[str, tuple[str, int]]]:
    headers = {k.lower(): v for k, v in response.headers.items()}
    results = {
        "content-security-policy": _csp(headers),
        "cookies": _cookies(response),
        "referrer-policy": _referrer(headers),
        "strict-transport-security": _hsts(headers),
        "x-content-type-options": _xcto(headers),
        "x-frame-options": _xfo(headers),
        "cross-origin-resource-sharing": _cors(headers),
    }
    return 100 + sum(modifier for _, modifier in results.values()), results
