"""The one function that builds the service, used by uWSGI and by the tests alike."""

from __future__ import annotations

import logging
from pathlib import Path

import connexion
from connexion.exceptions import Unauthorized
from connexion.middleware import MiddlewarePosition

from thoughts_api.auth import TokenVerifier, unauthorized_problem
from thoughts_api.config import Settings
from thoughts_api.database import Database
from thoughts_api.middleware import AppState, BodySizeLimit

# A thought is at most 250 characters; even fully percent-encoded UTF-8 fits easily.
MAX_BODY_BYTES = 16 * 1024


class _DropBodyContentTypeNotice(logging.Filter):
    """Connexion warns on every request to a route that accepts two body types."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("this operation accepts multiple content types")


def create_app(settings: Settings | None = None, *, spec_path: Path | None = None) -> connexion.FlaskApp:
    """Build the Connexion app: routes from the OpenAPI document, config from ``settings``.

    No database work happens here; the first request opens the first connection.
    """
    settings = settings or Settings.from_env()
    logging.getLogger("connexion.operations.openapi3").addFilter(_DropBodyContentTypeNotice())
    spec_path = spec_path or settings.spec_path

    app = connexion.FlaskApp(__name__, specification_dir=spec_path.parent, strict_validation=True)
    # Inside the exception middleware, so a 413 becomes a problem+json answer.
    app.add_middleware(BodySizeLimit, position=MiddlewarePosition.BEFORE_SWAGGER, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(
        AppState,
        position=MiddlewarePosition.BEFORE_SECURITY,
        token_verifier=TokenVerifier(settings.jwt_public_key),
    )
    app.add_error_handler(Unauthorized, unauthorized_problem)
    app.add_api(spec_path.name)

    Database(settings.database_url).init_app(app.app)
    return app
