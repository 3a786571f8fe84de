"""The endpoints the benchmark drives, as (name, path, extra request headers).

`{detail}` is replaced by the slug of a published generated partnership, `{deep}` by the number
of the last full page of the list (about 4,500 at scale 1) and `{etag}` by the list's ETag, so that the
conditional request is answered 304.
"""

ENDPOINTS: list[tuple[str, str, dict[str, str]]] = [
    ("partnership list", "/api/v1/partnerships/", {}),
    ("list, three filters", "/api/v1/partnerships/?platform=cities&sdg=13&modality=triangular", {}),
    ("search, rare term", "/api/v1/partnerships/?q=hydroponics", {}),
    ("search, common term", "/api/v1/partnerships/?q=resilience", {}),
    ("search, misspelled", "/api/v1/partnerships/?q=geotermal", {}),
    ("facets", "/api/v1/partnerships/facets/", {}),
    ("detail", "/api/v1/partnerships/{detail}/", {}),
    ("deep page", "/api/v1/partnerships/?page={deep}", {}),
    ("conditional GET (304)", "/api/v1/partnerships/", {"If-None-Match": "{etag}"}),
    ("public search page", "/partnerships/?q=resilience", {}),
    ("CSV export, about 10,000 rows", "/api/v1/partnerships/export.csv?sdg=5", {}),
]
