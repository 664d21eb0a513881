"""The local web app (``dealweb serve``): browse, filter, open the map, review claims, run stress tests.

>>> from dealweb.web import create_app  # doctest: +SKIP
>>> app = create_app("path/to/ledger", token="secret")  # doctest: +SKIP
"""

from dealweb.web.app import MAX_BODY, create_app, filter_deals

__all__ = ["MAX_BODY", "create_app", "filter_deals"]
