"""Start the server as `make run` and the Docker image do: `python -m app.serve [--host H] [--port P]`.

uvicorn with its httptools protocol, bounded where uvicorn alone is not (issue 14):
  - request headers above BACKPROP_MAX_HEADER_BYTES (16 KiB) are answered 431 and the
    connection closed, counted as they arrive (uvicorn would buffer a 48 MB header);
  - a request (headers and body) must arrive within BACKPROP_REQUEST_TIMEOUT seconds (30)
    of its first byte, and a new connection must send one within that time: else 408 and
    the connection is closed (slow or idle clients hold no connection for ever);
  - an idle keep-alive connection is closed after 5 s (uvicorn's --timeout-keep-alive);
  - X-Forwarded-For is never taken by uvicorn itself (app.api.middleware decides, from
    BACKPROP_TRUSTED_PROXIES only).
Workers: WEB_CONCURRENCY (default 2, one per core of a small machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.api.middleware import HEADERS
from app.config import get_settings

KEEP_ALIVE_SECONDS = 5


class BoundedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header size limit and a request deadline."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        settings = get_settings()
        self.max_header_bytes, self.request_timeout = settings.max_header_bytes, settings.request_timeout
        self._header_bytes, self._headers_done = 0, False
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()  # a connection that sends nothing is closed too

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def data_received(self, data: bytes) -> None:
        self._arm()  # from the first byte of a request until its last
        if not self._headers_done:
            end = data.find(b"\r\n\r\n")
            self._header_bytes += len(data) if end < 0 else end
            if self._header_bytes > self.max_header_bytes:
                self._refuse(431, f"the request headers are larger than {self.max_header_bytes} bytes")
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._headers_done = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self._header_bytes, self._headers_done = 0, False
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _too_slow(self) -> None:
        self._deadline = None
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()
        else:
            self._refuse(408, f"the request did not arrive within {self.request_timeout:g} seconds")

    def _refuse(self, status: int, detail: str) -> None:
        if self.transport.is_closing():
            return
        body = json.dumps({"detail": detail}).encode()
        reason = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
        security = b"".join(b"%s: %s\r\n" % header for header in HEADERS)  # as on every app answer
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
                             b"%sconnection: close\r\n\r\n%s" % (status, reason, len(body), security, body))
        self.transport.close()
        if self.cycle is not None:
            self.cycle.disconnected = True  # the app's receive() now says the client left
            self.cycle.message_event.set()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run Backprop Lab (uvicorn, bounded).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    settings = get_settings()
    uvicorn.run("app.main:app", host=args.host, port=args.port,
                workers=int(os.environ.get("WEB_CONCURRENCY", "2")),
                http=BoundedHttpTools, loop="uvloop",
                timeout_keep_alive=KEEP_ALIVE_SECONDS,
                h11_max_incomplete_event_size=settings.max_header_bytes,  # if http is ever switched to h11
                proxy_headers=False, server_header=False,
                access_log=os.environ.get("UVICORN_ACCESS_LOG", "false").lower() in ("1", "true", "yes"),
                log_level=os.environ.get("UVICORN_LOG_LEVEL", "info"))


if __name__ == "__main__":
    main()
