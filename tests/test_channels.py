"""Bounded channels on the server as `make run` and the image start it (python -m app.serve):
request headers above the limit get 431, a request that does not arrive in time (a slow or
idle client) gets 408 and its connection closed (issue 14)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import numpy as np
import pytest

from conftest import Server

TIMEOUT = 2  # BACKPROP_REQUEST_TIMEOUT for these tests (30 s by default)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("channels") / "c.sqlite", served=True,
                    env={"BACKPROP_REQUEST_TIMEOUT": str(TIMEOUT)}).start()
    yield server
    server.stop()


def connect(server: Server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT * 5)


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def get_with_header(server: Server, size: int) -> bytes:
    with connect(server) as sock:
        request = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * size + b"\r\nConnection: close\r\n\r\n"
        try:
            sock.sendall(request)
        except OSError:  # closed by the server while we were still sending: fine, read its answer
            pass
        return read_all(sock)


def test_headers_within_the_limit_are_served(served: Server) -> None:
    assert get_with_header(served, 12_000).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("size", [17_000, 4_000_000])
def test_headers_above_16_kib_get_431_and_the_connection_is_closed(served: Server, size: int) -> None:
    answer = get_with_header(served, size)
    assert answer.startswith(b"HTTP/1.1 431")
    assert b"larger than 16384 bytes" in answer
    assert b"\r\ncontent-security-policy: default-src 'self';" in answer and b"\r\nx-content-type-options: nosniff" in answer


def test_an_incomplete_request_is_answered_408_and_closed_after_the_timeout(served: Server) -> None:
    with connect(served) as sock:
        sock.sendall(b"POST /api/networks HTTP/1.1\r\nHost: x\r\n")  # ... and the rest never comes
        start = time.monotonic()
        answer = read_all(sock)
        waited = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408") and b"did not arrive within 2 seconds" in answer
    assert b"\r\nx-frame-options: DENY\r\n" in answer
    assert TIMEOUT - 0.5 <= waited <= TIMEOUT * 4


def test_a_body_that_stops_arriving_is_cut_off(served: Server) -> None:
    with connect(served) as sock:
        sock.sendall(b"POST /api/networks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"layer_sizes\"")
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408")


def test_many_slow_clients_are_all_closed_and_the_server_still_answers(served: Server) -> None:
    sockets = [connect(served) for _ in range(50)]
    try:
        deadline = time.monotonic() + TIMEOUT * 3
        for k, sock in enumerate(sockets):  # one byte each, then silence (or nothing at all)
            if k % 2:
                sock.sendall(b"G")
        for sock in sockets:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            assert read_all(sock).startswith(b"HTTP/1.1 408")  # closed by the server, not by our timeout
    finally:
        for sock in sockets:
            sock.close()
    assert get_with_header(served, 10).startswith(b"HTTP/1.1 200")


def test_a_keep_alive_connection_idle_after_an_answer_is_closed(served: Server) -> None:
    with connect(served) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.5)
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        start = time.monotonic()
        assert sock.recv(65536) == b""  # closed by the server: uvicorn's keep-alive timeout (5 s)
        assert time.monotonic() - start <= 8


def test_a_large_create_is_parsed_off_the_event_loop(client) -> None:  # noqa: ANN001 - the TestClient fixture
    """The body is parsed once, in a worker thread: the event loop's thread never runs json.loads on it."""
    import json
    import threading

    from app.api import body

    parsed_in: list[str] = []
    real = json.loads

    def spy(raw: bytes | str, *args: object, **kwargs: object) -> object:
        if len(raw) > body.INLINE_BODY_BYTES:
            parsed_in.append(threading.current_thread().name)
        return real(raw, *args, **kwargs)

    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(120, 100)).tolist(), rng.normal(size=(1, 120)).tolist()]
    body.json.loads = spy  # the module's own reference to json
    try:
        r = client.post("/api/networks", json={"layer_sizes": [100, 120, 1], "weights": weights})
    finally:
        body.json.loads = real
    assert r.status_code == 201 and r.json()["weights"][0][3][7] == weights[0][3][7]
    assert parsed_in and all(name.startswith("AnyIO worker thread") for name in parsed_in), parsed_in
