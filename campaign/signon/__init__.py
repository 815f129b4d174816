"""The public sign-on page: signatures collected on the web, confirmed by e-mail.

``app`` is the Flask application (``create_app``, the WSGI entry point); ``form``
reads a submission; ``letter`` holds what the page shows of its letter; ``store`` is
the database (the only module that imports SQLAlchemy); ``worker`` sends the queued
e-mails through mail's SMTP code; ``pull`` moves confirmed signatures into the YAML
list. May import mail, build and everything below them; imported only by cli.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(*args: Any, **kwargs: Any) -> Flask:
    """The sign-on page as a WSGI application (see :func:`campaign.signon.app.create_app`)."""
    from campaign.signon.app import create_app as create

    return create(*args, **kwargs)
