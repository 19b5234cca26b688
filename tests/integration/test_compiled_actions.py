#!/usr/bin/env python3
"""A rule's actions through a meshc-compiled sidecar: `meshc compile` builds client-v1's sidecar
from tests/integration/policies/actions.mesh, which runs on 127.0.0.1 in front of an upstream that
echoes the request head it received (tests/runtime/fake_upstreams.py). This checks that what the
compiler emits is what the runtime applies; the runtime's own end-to-end tests of each action,
edge cases included, are in tests/runtime/test_sidecar_actions.py.

Usage: test_compiled_actions.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import os
import sys
import unittest

import meshtest
from fake_upstreams import EchoesRequestHead
from sidecar_testing import KeepAliveClient

MESHC, ROOT = sys.argv[1:3]
POLICY = os.path.join(ROOT, "tests", "integration", "policies", "actions.mesh")


def received(body):
    """(request line, {lower-case name: [values]}) of the head the upstream echoed."""
    request_line, *lines = body.split(b"\r\n")
    fields = {}
    for line in lines:
        name, _, value = line.partition(b":")
        fields.setdefault(name.lower().decode(), []).append(value.strip().decode())
    return request_line.decode(), fields


class CompiledActions(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        out_dir = meshtest.compile_sidecars(MESHC, POLICY, cls.group.workdir, "client-v1")
        cls.upstream = EchoesRequestHead()
        endpoints = "".join(f"{name} 127.0.0.1:{cls.upstream.port}\n"
                            for name in ("shop.v1", "files.v1"))
        _, cls.ports = meshtest.start_sidecar(
            cls.group, os.path.join(out_dir, "sidecar-client-v1"), endpoints=endpoints,
            workers=1, name="client-v1")

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.upstream.close()

    def setUp(self):
        self.client = KeepAliveClient(self.ports["outbound"])

    def tearDown(self):
        self.client.close()

    def get(self, target, host="shop", fields=""):
        response, body = self.client.exchange(
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{fields}\r\n".encode())
        self.assertFalse(response.will_close, f"{target}: the sidecar keeps the connection")
        return response, body

    def test_redirects(self):
        response, body = self.get("/old?x=1", host="shop:8081")
        self.assertEqual((response.status, body), (301, b""))
        self.assertEqual(response.getheader("location"), "http://shop:8081/new?x=1")
        response, _ = self.get("/docs/guide/intro")
        self.assertEqual(response.status, 308)
        self.assertEqual(response.getheader("location"), "https://docs.example/manual/guide/intro")

    def test_direct_response(self):
        response, body = self.get("/healthz")
        self.assertEqual((response.status, body), (200, b"ok\n"))
        self.assertEqual(response.getheader("content-type"), "text/plain")
        self.assertEqual(response.getheader("cache-control"), "no-store")

    def test_rewrite_and_header_edits(self):
        response, body = self.get("/api/items?id=7",
                                  fields="x-env: dev\r\nx-tag: a\r\nx-debug: 1\r\n")
        self.assertEqual(response.status, 200)
        request_line, fields = received(body)
        self.assertEqual(request_line, "GET /v2/items?id=7 HTTP/1.1")
        self.assertEqual(fields["host"], ["backend.internal"])
        self.assertEqual(fields["x-env"], ["prod"])
        self.assertEqual(fields["x-tag"], ["a", "b"])
        self.assertNotIn("x-debug", fields)
        self.assertEqual(response.getheader("x-upstream-replace"), "new")
        self.assertIsNone(response.getheader("x-upstream-remove"))
        self.assertEqual(response.getheader("x-upstream-keep"), "1")
        # Another rule of the service leaves request and response alone.
        response, body = self.get("/other")
        self.assertEqual(received(body)[0], "GET /other HTTP/1.1")
        self.assertEqual(response.getheader("x-upstream-remove"), "1")

    def test_root_prefix_replacement(self):
        for sent, forwarded in (("/a/b?q", "/srv/a/b?q"), ("/", "/srv")):
            _, body = self.get(sent, host="files")
            self.assertEqual(received(body)[0], f"GET {forwarded} HTTP/1.1", sent)

    def test_meshc_test_computes_what_the_wire_shows(self):
        # The policy's test blocks state what the tests above see on the wire, computed by meshc
        # test with the runtime's own code.
        run = meshtest.run([MESHC, "test", POLICY], timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
