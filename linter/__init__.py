"""putlint: find PUT/upsert contracts that let a client omit, null or empty a critical field."""

__version__ = "0.1.0"
