"""dealweb: a sourced ledger of deals between companies and the web they form."""

from dealweb import _compiled

__version__ = "0.1.0"

# the news extractor's hot modules run compiled (mypyc) only when built from their present source
_compiled.install()
