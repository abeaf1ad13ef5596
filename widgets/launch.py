"""What a served page learns from its URL and its server: the session code, the person, and
whether the viewer holds the facilitator's key.

Under Voilà with preheated kernels the notebook runs before anyone asks for it; reading the
query string waits for the request (``voila_request.query_string``), so everything slow
(imports, the library, the store) is done before that point and the page only binds to its
session after. On a shared network (`roleplay serve --lan`) observers hold a session code;
pages that change the library or run a session also need the facilitator's key, which
`roleplay serve` prints for the facilitator only.
"""

from __future__ import annotations

import hmac
import os
from typing import Any
from urllib.parse import parse_qs

from facilitation.errors import AccessDenied

from .voila_request import query_string

FACILITATOR_KEY_ENV = "ROLEPLAY_FACILITATOR_KEY"


def query_params() -> dict[str, str]:
    """The page's URL parameters under Voilà (waiting for the request when preheated); {} elsewhere."""
    if not any(name.startswith("VOILA_") for name in os.environ) and "QUERY_STRING" not in os.environ:
        return {}
    try:
        query = query_string()
    except Exception:  # not under Voilà after all (JupyterLab, a test kernel)
        query = os.environ.get("QUERY_STRING", "")
    return {key: values[-1] for key, values in parse_qs(query).items()}


def require_facilitator(params: dict[str, str]) -> None:
    """Refuse a facilitator page to a viewer without the key, when the server set one."""
    expected = os.environ.get(FACILITATOR_KEY_ENV)
    # as bytes: compare_digest raises on str that is not ASCII (a key typed with an accent)
    given = params.get("key", "").encode("utf-8", "surrogateescape")
    if expected and not hmac.compare_digest(given, expected.encode("utf-8", "surrogateescape")):
        raise AccessDenied("This page is for the facilitator: open it with the link that "
                           "`roleplay serve` printed.")


def report_parameters(values: dict[str, Any]) -> dict[str, Any]:
    """A report notebook's parameters with its URL on top; a refusal is shown by the report's
    load as one line (see ``params.page_parameters``)."""
    from facilitation.reporting.params import page_parameters

    return page_parameters(values, report_query)


def report_query() -> dict[str, str]:
    """A report page's URL parameters; on a shared network only the facilitator's link opens
    it, since reports show everyone's scores."""
    params = query_params()
    require_facilitator(params)
    return {key: value for key, value in params.items() if key not in ("key", "token")}
