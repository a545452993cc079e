"""Imported by the uWSGI master before it forks (``shared-import``).

A configuration error stops uWSGI here with one line, instead of every lazy
worker failing and being respawned in a loop.
"""

from thoughts_api.config import ConfigError, Settings

try:
    Settings.from_env()
except ConfigError as error:
    raise SystemExit(f"configuration error: {error}") from None
