#!/usr/bin/env python3
"""Request mirroring through a meshc-compiled sidecar: `meshc compile` builds client-v1's sidecar
from tests/integration/policies/mirroring.mesh, which runs on 127.0.0.1 in front of Python
upstreams: the primary, a recorder of mirrored copies, one that takes a copy and holds it
unanswered, a closed port and a sampler. Every wait is on an event or a metric, never a sleep.

Usage: test_compiled_mirroring.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import os
import queue
import re
import signal
import socket
import sys
import threading
import time
import unittest

import meshtest
from fake_upstreams import FakeUpstream, read_request
from sidecar_testing import KeepAliveClient

MESHC, ROOT = sys.argv[1:3]
POLICY = os.path.join(ROOT, "tests", "integration", "policies", "mirroring.mesh")


def fields_of(head):
    """{lower-case name: [values]} of a request head."""
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        fields.setdefault(name.strip().lower().decode(), []).append(value.strip().decode())
    return fields


class Recorder(FakeUpstream):
    """Answers every request with 200 and its own name as the body, keeping the connection, and
    puts (request line, fields, body) of each request on `requests`."""

    def __init__(self, name):
        self.name = name.encode()
        self.requests = queue.Queue()
        super().__init__()

    def handle(self, connection):
        with connection:
            connection.settimeout(10)
            buffered = b""
            try:
                while (request := read_request(connection, buffered)) is not None:
                    head, body, buffered = request
                    self.requests.put((head.split(b"\r\n", 1)[0].decode(), fields_of(head), body))
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                                       % (len(self.name), self.name))
            except OSError:
                pass


class Holds(FakeUpstream):
    """Takes a request and answers nothing, keeping the connection open until the sidecar closes
    it or `release` is set (then it answers 200). Each request it got goes on `received`, and
    how its connection ended on `ended`: "released" or "closed by the sidecar"."""

    def __init__(self):
        self.received = queue.Queue()
        self.ended = queue.Queue()
        self.release = threading.Event()
        super().__init__()

    def handle(self, connection):
        with connection:
            try:
                connection.settimeout(10)
                request = read_request(connection)
                if request is None:
                    return
                self.received.put(request[0].split(b"\r\n", 1)[0].decode())
                connection.settimeout(0.05)
                while not self.release.is_set():
                    try:
                        if not connection.recv(1):
                            self.ended.put("closed by the sidecar")
                            return
                    except socket.timeout:
                        continue
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                self.ended.put("released")
            except OSError:
                self.ended.put("closed by the sidecar")


def compile_sidecar(group):
    """The path of client-v1's sidecar, compiled into the group's scratch directory."""
    out_dir = meshtest.compile_sidecars(MESHC, POLICY, group.workdir, "client-v1")
    return os.path.join(out_dir, "sidecar-client-v1")


class CompiledMirroring(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        sidecar = compile_sidecar(cls.group)
        cls.primary = Recorder("primary")
        cls.shadow = Recorder("shadow")
        cls.sampled = Recorder("sampled")
        cls.stuck = Holds()
        endpoints = (f"shop.v1 127.0.0.1:{cls.primary.port}\n"
                     f"shadow.v1 127.0.0.1:{cls.shadow.port}\n"
                     f"sampled.v1 127.0.0.1:{cls.sampled.port}\n"
                     f"stuck.v1 127.0.0.1:{cls.stuck.port}\n"
                     f"dead.v1 127.0.0.1:{meshtest.unused_port()}\n")
        _, cls.ports = meshtest.start_sidecar(cls.group, sidecar, endpoints=endpoints, workers=1,
                                              name="client-v1")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.stuck.release.set()
            super().tearDownClass()
        finally:
            for upstream in (cls.primary, cls.shadow, cls.sampled, cls.stuck):
                upstream.close()

    def setUp(self):
        self.client = KeepAliveClient(self.ports["outbound"])

    def tearDown(self):
        self.client.close()

    def send(self, method, target, body=b"", fields=""):
        response, answer = self.client.exchange(
            f"{method} {target} HTTP/1.1\r\nHost: shop:8081\r\n{fields}"
            f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        return response.status, answer

    def primary_got(self):
        return self.primary.requests.get(timeout=10)

    def mirrors(self, cluster):
        """{result: count} of mesh_mirror_requests_total for the cluster, from /stats."""
        _, _, text = meshtest.http_request(self.ports["admin"], "/stats")
        pattern = rb'mesh_mirror_requests_total\{cluster="%s",result="(\w+)"\} (\d+)' % (
            cluster.encode())
        return {m.group(1).decode(): int(m.group(2)) for m in re.finditer(pattern, text)}

    def wait_for_mirrors(self, cluster, **counts):
        meshtest.wait_until(
            lambda: all(self.mirrors(cluster).get(k, 0) == v for k, v in counts.items()),
            timeout=15, what=f"{cluster} mirrors {counts}, have {self.mirrors(cluster)}")

    def test_the_mirror_gets_the_forwarded_request_with_a_shadow_host_and_the_body(self):
        self.assertEqual(self.send("POST", "/copied/1?q=2", b"hello mirror"), (200, b"primary"))
        request_line, fields, body = self.primary_got()
        self.assertEqual(fields["host"], ["shop:8081"])
        request_line, fields, body = self.shadow.requests.get(timeout=10)
        self.assertEqual(request_line, "POST /copied/1?q=2 HTTP/1.1")
        self.assertEqual(fields["host"], ["shop-shadow:8081"])
        self.assertEqual(fields["x-edited"], ["yes"], "after the rule's request header edits")
        self.assertEqual(fields["content-length"], ["12"])
        self.assertEqual(body, b"hello mirror")
        # A chunked upload is copied whole, framed by its own length.
        response, answer = self.client.exchange(
            b"PUT /copied/2 HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n6\r\n chunk\r\n0\r\n\r\n")
        self.assertEqual((response.status, answer), (200, b"primary"))
        self.primary_got()
        request_line, fields, body = self.shadow.requests.get(timeout=10)
        self.assertEqual((request_line, body), ("PUT /copied/2 HTTP/1.1", b"hello chunk"))
        self.assertNotIn("transfer-encoding", fields)
        self.assertEqual(fields["host"], ["shop-shadow"])

    def test_a_body_over_the_limit_is_forwarded_but_not_mirrored(self):
        before = self.mirrors("shadow.v1")
        big = b"x" * (64 * 1024 + 1)
        self.assertEqual(self.send("POST", "/copied/big", big), (200, b"primary"))
        self.assertEqual(len(self.primary_got()[2]), len(big))
        self.wait_for_mirrors("shadow.v1", skipped=before.get("skipped", 0) + 1)
        self.assertEqual(self.mirrors("shadow.v1").get("sent", 0), before.get("sent", 0))

    def test_a_mirror_that_never_answers_does_not_delay_the_client(self):
        self.assertEqual(self.send("GET", "/hangs"), (200, b"primary"))
        self.primary_got()
        # The copy reached the mirror, which holds it unanswered: the client's response came
        # while the mirrored request was still open.
        self.assertEqual(self.stuck.received.get(timeout=10), "GET /hangs HTTP/1.1")
        self.assertTrue(self.stuck.ended.empty(), "the mirror still holds the request")
        self.stuck.release.set()
        self.assertEqual(self.stuck.ended.get(timeout=10), "released")
        self.wait_for_mirrors("stuck.v1", sent=1, succeeded=1, failed=0)
        self.stuck.release.clear()

        # Unanswered past its own timeout (the rule's, 1 s), the copy is dropped and counted.
        self.assertEqual(self.send("GET", "/times-out"), (200, b"primary"))
        self.primary_got()
        self.assertEqual(self.stuck.received.get(timeout=10), "GET /times-out HTTP/1.1")
        self.assertEqual(self.stuck.ended.get(timeout=10), "closed by the sidecar")
        self.wait_for_mirrors("stuck.v1", sent=2, succeeded=1, failed=1)

    def test_a_dead_mirror_counts_as_failed_while_clients_get_200(self):
        for i in range(5):
            self.assertEqual(self.send("GET", f"/dead/{i}"), (200, b"primary"))
            self.primary_got()
        self.wait_for_mirrors("dead.v1", sent=5, failed=5, succeeded=0)
        # A mirror cluster without endpoints fails the same way.
        self.assertEqual(self.send("GET", "/nowhere"), (200, b"primary"))
        self.primary_got()
        self.wait_for_mirrors("nowhere.v1", sent=1, failed=1)

    def test_a_percentage_mirrors_about_that_share(self):
        before = self.mirrors("sampled.v1").get("sent", 0)
        shadow_before = self.mirrors("shadow.v1").get("sent", 0)
        total = 400
        for i in range(total):
            self.assertEqual(self.send("GET", f"/sampled/{i}"), (200, b"primary"))
            self.primary_got()
        # Every request goes to the 100% mirror, so its count says when all copies are out.
        self.wait_for_mirrors("shadow.v1", sent=shadow_before + total)
        for _ in range(total):
            self.shadow.requests.get(timeout=10)
        sent = self.mirrors("sampled.v1").get("sent", 0) - before
        # Binomial(400, 0.25): a standard deviation of 8.7 requests; +-50 is over five of them.
        self.assertAlmostEqual(sent, 100, delta=50)
        self.wait_for_mirrors("sampled.v1", succeeded=before + sent)
        got = 0
        while True:
            try:
                self.sampled.requests.get_nowait()
                got += 1
            except queue.Empty:
                break
        self.assertEqual(got, sent, "each copy counted as sent reached the sampler")

    def test_rules_without_mirrors_send_no_copies(self):
        self.assertEqual(self.send("GET", "/other"), (200, b"primary"))
        self.primary_got()
        _, _, text = meshtest.http_request(self.ports["admin"], "/stats")
        self.assertIn(b"# TYPE mesh_mirror_requests_total counter", text)



class DrainCutsOffMirrors(meshtest.MeshTestCase):
    """A draining sidecar does not wait for copies nobody waits for: SIGTERM cuts off a mirrored
    request held unanswered at once, long before its own 5 s timeout."""

    @classmethod
    def start(cls):
        sidecar = compile_sidecar(cls.group)
        cls.primary = Recorder("primary")
        cls.stuck = Holds()
        endpoints = (f"shop.v1 127.0.0.1:{cls.primary.port}\n"
                     f"stuck.v1 127.0.0.1:{cls.stuck.port}\n")
        cls.sidecar, cls.ports = meshtest.start_sidecar(cls.group, sidecar, endpoints=endpoints,
                                                        workers=1, name="client-v1")

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.stuck.release.set()
            for upstream in (cls.primary, cls.stuck):
                upstream.close()

    def test_sigterm_cuts_off_a_held_mirror(self):
        client = KeepAliveClient(self.ports["outbound"])
        response, answer = client.exchange(b"GET /hangs HTTP/1.1\r\nHost: shop\r\n\r\n")
        client.close()
        self.assertEqual((response.status, answer), (200, b"primary"))
        self.assertEqual(self.stuck.received.get(timeout=10), "GET /hangs HTTP/1.1")
        started = time.monotonic()
        self.sidecar.send_signal(signal.SIGTERM)
        self.assertEqual(self.sidecar.wait(timeout=10), 0)
        self.assertLess(time.monotonic() - started, 3.0, "the drain did not wait for the mirror")
        self.assertEqual(self.stuck.ended.get(timeout=10), "closed by the sidecar")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
