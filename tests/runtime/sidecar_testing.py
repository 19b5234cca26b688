"""What the sidecar's end-to-end test files share: the binaries under test (set by CMake) and a
test case base class that shares one sidecar and its backends among a class's tests."""

import http.client
import os
import re
import socket
import unittest

import meshtest

SIDECAR = os.environ.get("MESHTEST_SIDECAR", "")
SIDECAR_WRONG_ABI = os.environ.get("MESHTEST_SIDECAR_WRONG_ABI", "")
SIDECAR_NO_LOCAL = os.environ.get("MESHTEST_SIDECAR_NO_LOCAL", "")
BACKEND = os.environ.get("MESHTEST_DEMO_BACKEND", "")


def curl(*args, timeout=30):
    return meshtest.run(["curl", "-sS", "-m", str(timeout), *args], timeout=timeout + 5)


def upstream_connections(admin_port):
    """The sidecar's meshc_upstream_connections_active, from its /stats."""
    _, _, body = meshtest.http_request(admin_port, "/stats")
    return int(re.search(rb"meshc_upstream_connections_active (\d+)", body).group(1))


class KeepAliveClient:
    """One client connection for raw requests, each answered before the next is sent."""

    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=5)

    def exchange(self, request):
        """Sends a raw request; returns (the http.client response, its body)."""
        self.socket.sendall(request)
        response = http.client.HTTPResponse(self.socket, method=request.split(b" ", 1)[0].decode())
        response.begin()
        return response, response.read()

    def send(self, request):
        """Returns (status, body, whether the sidecar keeps the connection open)."""
        response, body = self.exchange(request)
        return response.status, body, not response.will_close

    def close(self):
        self.socket.close()


class SidecarTestCase(meshtest.MeshTestCase):
    """Shares one sidecar and its backends among a class's tests; dumps logs on failure."""

    @classmethod
    def setUpClass(cls):
        for path in (SIDECAR, BACKEND):
            if not os.access(path, os.X_OK):
                raise unittest.SkipTest(f"binary not found: {path!r} (run through ctest)")
        super().setUpClass()

    def outbound(self, path, host, *args, timeout=30):
        """curl through the outbound listener with the given Host."""
        url = f"http://127.0.0.1:{self.ports['outbound']}{path}"
        return curl("-H", f"Host: {host}", *args, url, timeout=timeout)


def split_response(reply):
    """(head lower-cased, body) of a raw reply."""
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.lower(), body
