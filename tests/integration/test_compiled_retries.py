#!/usr/bin/env python3
"""Retries through a meshc-compiled sidecar: `meshc compile` builds client-v1's sidecar from
tests/integration/policies/retries.mesh, in front of two Python upstreams that fail on cue (the
path's second segment says how, the first time a path is seen or every time; both share what
they saw, so whichever endpoint an attempt reaches behaves the same). What the language says
(a route's default, a rule's override, statuses, per-try and route timeouts, methods) is what
happens on the wire. Every wait is on an event or a reply, never a sleep.

Usage: test_compiled_retries.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import os
import re
import sys
import threading
import time
import unittest

import meshtest
from fake_upstreams import FakeUpstream, read_request, wait_for_close

MESHC, ROOT = sys.argv[1:3]
POLICY = os.path.join(ROOT, "tests", "integration", "policies", "retries.mesh")


class FailsOnCue(FakeUpstream):
    """By the path's second segment: "ok"; "503-once", "429-once" (that status the first time the
    path is seen); "503-always"; "hang-always" (never answers). A 200 names the upstream, the
    method and the body."""

    def __init__(self, name, seen, lock):
        self.name, self.seen, self.lock = name, seen, lock
        super().__init__()

    def handle(self, connection):
        with connection:
            connection.settimeout(10)
            buffered = b""
            try:
                while (request := read_request(connection, buffered)) is not None:
                    head, body, buffered = request
                    method, path = head.split(b" ", 2)[:2]
                    with self.lock:
                        count = self.seen.get(path, 0)
                        self.seen[path] = count + 1
                    how = path.split(b"/")[2]
                    if how == b"hang-always":
                        wait_for_close(connection)
                        return
                    status = {b"503-once": 503 if count == 0 else 200,
                              b"429-once": 429 if count == 0 else 200,
                              b"503-always": 503}.get(how, 200)
                    payload = (b"%s %s %s" % (self.name.encode(), method, body)
                               if status == 200 else b"failing\n")
                    connection.sendall(b"HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n%s"
                                       % (status, len(payload), payload))
            except OSError:
                pass


class CompiledRetries(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        out_dir = meshtest.compile_sidecars(MESHC, POLICY, cls.group.workdir, "client-v1")
        cls.seen = {}
        lock = threading.Lock()
        cls.upstreams = [FailsOnCue(name, cls.seen, lock) for name in ("one", "two")]
        endpoints = " ".join(f"127.0.0.1:{u.port}" for u in cls.upstreams)
        _, cls.ports = meshtest.start_sidecar(
            cls.group, os.path.join(out_dir, "sidecar-client-v1"), workers=1,
            endpoints=f"shop.v1 {endpoints}\n", name="client-v1")
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            for upstream in cls.upstreams:
                upstream.close()

    def path(self, prefix):
        type(self).counter += 1
        return f"{prefix}/{self.counter}"

    def send(self, method, path, body=None):
        return meshtest.http_request(self.ports["outbound"], path, method=method, body=body,
                                     headers={"Host": "shop:8081"})

    def attempts(self, path):
        return self.seen.get(path.encode(), 0)

    def test_the_policys_own_tests_pass(self):
        result = meshtest.run([MESHC, "test", POLICY])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_the_route_retries_gateway_errors_on_the_other_endpoint(self):
        path = self.path("/items/503-once")
        status, _, body = self.send("GET", path)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.attempts(path), 2)
        path = self.path("/items/503-always")
        status, _, _ = self.send("GET", path)
        self.assertEqual(status, 503)
        self.assertEqual(self.attempts(path), 3, "the first attempt and the route's 2 retries")

    def test_a_rule_turns_its_routes_retries_off(self):
        path = self.path("/never/503-once")
        self.assertEqual(self.send("GET", path)[0], 503)
        self.assertEqual(self.attempts(path), 1)

    def test_a_rule_retries_the_statuses_it_names_and_no_others(self):
        path = self.path("/throttled/429-once")
        self.assertEqual(self.send("GET", path)[0], 200)
        self.assertEqual(self.attempts(path), 2)
        path = self.path("/throttled/503-once")
        self.assertEqual(self.send("GET", path)[0], 503)
        self.assertEqual(self.attempts(path), 1)

    def test_non_idempotent_requests_are_retried_only_where_the_rule_says_so(self):
        path = self.path("/items/503-once")
        self.assertEqual(self.send("POST", path, body=b"new item")[0], 503)
        self.assertEqual(self.attempts(path), 1)
        path = self.path("/orders/503-once")
        status, _, body = self.send("POST", path, body=b"order 7")
        self.assertEqual(status, 200)
        self.assertRegex(body, rb"^(one|two) POST order 7$")

    def test_the_route_timeout_bounds_every_attempt_together(self):
        path = self.path("/slow/hang-always")
        started = time.monotonic()
        status, _, body = self.send("GET", path)
        elapsed = time.monotonic() - started
        self.assertEqual(status, 504, body)
        self.assertIn(b"within 1000 ms", body)
        # Per-try timeouts of 300 ms: three or four attempts fit in the second, never six.
        self.assertIn(self.attempts(path), (3, 4))
        self.assertLess(elapsed, 3.0)
        stats = meshtest.http_request(self.ports["admin"], "/stats")[2].decode()
        self.assertRegex(stats, r'mesh_retries_total\{cluster="shop.v1",cause="per_try_timeout"\}'
                                r' [1-9]')


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
