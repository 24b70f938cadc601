"""Pure text rules about language: no database, no numpy, no I/O.

* ``secrets``: find and redact credentials, card numbers, IBANs and similar secrets in free text.
"""

from .secrets import REDACTED, Secret, find_secrets, has_secret, redact

__all__ = ["REDACTED", "Secret", "find_secrets", "has_secret", "redact"]
