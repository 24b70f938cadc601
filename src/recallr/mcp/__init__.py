"""Recallr as an MCP server: tools and resources over our SDK, for AI assistants and editors.

Two transports, one set of tools (``tools.py``), each tool a short composition of the SDK's public
operations (``AsyncRecallrAI``), so nothing of the API's logic is written twice:

- stdio (``recallr mcp --data-dir DIR``, what a desktop assistant launches): the embedded client;
- streamable HTTP at ``/mcp`` on ``recallr serve``: the caller's own key, checked like every API request,
  and the served app called in-process with it.

The ``mcp`` package is optional (``pip install 'mcp>=2.3,<3'``, the ``mcp`` extra of recallr-memory); it is
imported only when MCP is used.

Example::

    recallr mcp --data-dir ./recallr-data --user-id alice
"""

from __future__ import annotations

#: What to install when the ``mcp`` package is missing.
INSTALL_HINT = "MCP needs the optional 'mcp' package (the mcp extra of recallr-memory): pip install 'mcp>=2.3,<3'"
