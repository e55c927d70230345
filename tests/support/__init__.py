"""Shared test support: the one place for the database isolation of each test, signing
in, a CSRF-aware way to submit forms, and the worlds the tests build.

- ``tests.support.database``: each test inside a transaction rolled back at its end (the
  SAVEPOINT pattern); tests marked ``committed`` get real commits and a truncate after.
- ``tests.support.web``: ``sign_in`` (a signed-in test client, made through the session
  store), ``post`` (a form submission with a CSRF token), ``csrf_from``, page text.
- ``tests.support.worlds``: the services the tests run against (casework, out of hours,
  reporting).
"""
