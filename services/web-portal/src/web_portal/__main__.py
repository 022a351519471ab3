"""``python -m web_portal``: serve the portal (settings from the environment)."""

import logging

import uvicorn
from kinerja_runtime.logging import configure_logging

from web_portal.settings import PortalSettings


def main() -> None:
    settings = PortalSettings()
    configure_logging("web-portal", settings.log_level)  # JSON lines, as the services write them
    # httpx logs every service call's URL at INFO, and those paths name people (NIPs): not in our logs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from web_portal.app import create_app  # after the set-up: warnings raised on import are JSON lines too

    # proxy_headers: behind the ingress the visitor's address comes from X-Forwarded-For.
    # No uvicorn access log: the portal's paths name people (/tim/{nip}/...).
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=True,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
