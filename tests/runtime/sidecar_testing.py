"""What the sidecar's end-to-end test files share: the binaries under test (set by CMake) and a
test case base class that shares one sidecar and its backends among a class's tests."""

import os
import re
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
