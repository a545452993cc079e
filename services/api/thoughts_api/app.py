"""The one function that builds the service, used by uWSGI and by the tests alike."""

from __future__ import annotations

import logging
from pathlib import Path

import connexion
from connexion.exceptions import Unauthorized
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolution, Resolver
from sqlalchemy.exc import InterfaceError, OperationalError

from thoughts_api import problems
from thoughts_api.auth import TokenVerifier
from thoughts_api.config import Settings
from thoughts_api.database import Database
from thoughts_api.middleware import AppState, RequestBodyGuard

# A thought is at most 250 characters; even fully percent-encoded UTF-8 fits easily.
MAX_BODY_BYTES = 16 * 1024


class _DropBodyContentTypeNotice(logging.Filter):
    """Connexion warns on every request to a route that accepts two body types."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("this operation accepts multiple content types")


# One instance: a logger keeps a filter once, however many apps are built.
_BODY_CONTENT_TYPE_NOTICE = _DropBodyContentTypeNotice()


class RouteResolver(Resolver):
    """Resolves handlers by operationId, but names each route by its method and path.

    Connexion names the Flask endpoint after the operationId, so a second path
    served by the same handler (say, while a route is renamed) would clash.
    """

    def resolve(self, operation) -> Resolution:
        function = super().resolve(operation).function
        return Resolution(function, f"{operation.method} {operation.path}")


def create_app(settings: Settings | None = None, *, spec_path: Path | None = None) -> connexion.FlaskApp:
    """Build the Connexion app: routes from the OpenAPI document, config from ``settings``.

    No database work happens here; the first request opens the first connection.
    """
    settings = settings or Settings.from_env()
    logging.getLogger("connexion.operations.openapi3").addFilter(_BODY_CONTENT_TYPE_NOTICE)
    spec_path = spec_path or settings.spec_path

    app = connexion.FlaskApp(
        __name__,
        specification_dir=spec_path.parent,
        resolver=RouteResolver(),
        strict_validation=True,
    )
    # Inside the exception middleware, so its 413 and 400 become problem+json answers.
    app.add_middleware(RequestBodyGuard, position=MiddlewarePosition.BEFORE_SWAGGER, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(
        AppState,
        position=MiddlewarePosition.BEFORE_SECURITY,
        token_verifier=TokenVerifier(settings.jwt_public_key),
    )
    app.add_error_handler(Unauthorized, problems.unauthorized)
    # The server is down or unreachable, or dropped the connection under us.
    app.add_error_handler(OperationalError, problems.database_unavailable)
    app.add_error_handler(InterfaceError, problems.database_unavailable)
    app.add_api(spec_path.name)

    Database(settings.database_url).init_app(app.app)
    return app
