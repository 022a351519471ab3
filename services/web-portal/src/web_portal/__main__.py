"""``python -m web_portal``: serve the portal (settings from the environment)."""

import logging

import uvicorn

from web_portal.app import create_app
from web_portal.settings import PortalSettings


def main() -> None:
    settings = PortalSettings()
    logging.basicConfig(level=settings.log_level)
    # httpx logs every service call's URL at INFO, and those paths name people (NIPs): not in our logs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # proxy_headers: behind the ingress the visitor's address comes from X-Forwarded-For.
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
    )


if __name__ == "__main__":
    main()
