"""The team on one server: coaches log in over SSH, each with her own identity.

- ``grants``: the lines of ``authorized_keys`` that let a key in as one coach (build, read,
  fingerprint, the coach of a forced command), written atomically.
- ``session``: the policy for ``$SSH_ORIGINAL_COMMAND``: which read-only commands a login
  may run, always as its coach.

Cheap to import: the standard library only; asyncssh is imported where a key is validated.
"""
