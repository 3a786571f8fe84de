"""Input formats for every interface language: dates are typed as YYYY-MM-DD, never 12/09/2023.

Django's English formats read 12/09/2023 as 9 December and French ones as 12 September, with no
warning either way, so a curator's date depended on their language. Here every language accepts
only ISO 8601 dates (the admin's calendar writes them too); display formats stay the language's own.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
