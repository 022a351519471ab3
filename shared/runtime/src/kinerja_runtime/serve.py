"""Runs one service process with uvicorn on the configured host and port."""

import uvicorn
from fastapi import FastAPI

from kinerja_runtime.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    # uvloop and httptools: the event loop and HTTP parser in C, a large share of a small request's cost.
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        loop="uvloop",
        http="httptools",
        # Longer than clients' and load balancers' idle timeouts, so the server never closes
        # a kept-alive connection just as a client sends its next request on it.
        timeout_keep_alive=75,
    )
