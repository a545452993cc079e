"""The WSGI entry point for uWSGI: ``module = thoughts_api.wsgi:application``.

Connexion 3 is an ASGI stack; a2wsgi runs the whole of it (routing, security,
validation) under uWSGI. Serving the inner Flask app would skip all three.
a2wsgi starts an event-loop thread, hence ``lazy-apps`` and ``enable-threads``.
The configuration was already checked by ``thoughts_api.preflight``.
"""

from a2wsgi import ASGIMiddleware

from thoughts_api.app import create_app

application = ASGIMiddleware(create_app())
