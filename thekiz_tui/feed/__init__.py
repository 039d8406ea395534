"""Each coach's plan on her phone: a private calendar link per coach (``thekiz feed``).

- ``book``: who has a link (only the token's SHA-256 is kept), made, last fetched
- ``server``: ``thekiz feed serve``, the read-only HTTP server of the links
"""
