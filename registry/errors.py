"""The error answers Django gives itself (handler400, 403, 404 and 500 in sscregistry/urls.py):
JSON under /api/, the site's pages elsewhere.

DRF answers the errors its views raise as JSON already; these cover what happens outside them with
DEBUG off: an address no route matches (`/api/v1/nothing/`), an exception no view handled (a 500),
a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413), and a Django `BadRequest` from the views under
/api/ that are not viewsets (the IATI files).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        # DRF reads a JSON body through Django's size check, which raises this outside its handler.
        return _json(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.", 413)
    # A BadRequest's message is ours (it names the parameter); other 400s (SuspiciousOperation)
    # may describe the server's configuration, so they get the generic one.
    if type(exception) is BadRequest and exception.args:
        return _json(str(exception), 400)
    return _json("Bad request.", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return _json("You do not have permission to perform this action.", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return _json("Not found.", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not _is_api(request):
        return defaults.server_error(request)
    return _json("Server error.", 500)
