"""Thoughts: post, list, search and delete short text thoughts.

The routes live in ``openapi/thoughts.yaml``; :func:`thoughts_api.app.create_app`
serves them. Importing this package loads no web framework, so the seed job
can share its configuration and model cheaply.
"""
