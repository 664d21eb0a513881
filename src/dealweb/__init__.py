"""dealweb: a sourced ledger of deals between companies and the web they form."""

__version__ = "0.1.0"
