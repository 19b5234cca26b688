#!/usr/bin/env python3
"""Retries end to end: the fixture's payments service retries (tests/runtime/fixture_module.c)
against upstreams that fail on cue, as a request's path tells them to, the first time they see
it or every time.

The upstreams are fakes (RetryUpstream below): no real server fails on cue. Two serve
payments.v1 and share what they have seen, so whichever endpoint an attempt reaches behaves the
same; payments.v2 has one live endpoint and one port nothing listens on. The chaos test uses two
real demo backends instead, and kills one under wrk's load.
Environment as for test_sidecar_e2e.py.
"""

import re
import signal
import socket
import threading
import unittest

import meshtest
from fake_upstreams import FakeUpstream, read_request, wait_for_close
from sidecar_testing import BACKEND, SIDECAR, SidecarTestCase


class RetryUpstream(FakeUpstream):
    """Answers by the path's first segment after the rule's: "ok", "503-once" (503 the first time
    the path is seen, across every upstream sharing `seen`), "503-always", "429-once",
    "reset-once" (closes without a byte), "hang-once" (answers nothing until the sidecar closes).
    A 200's body names the upstream, the method and the request body it got."""

    def __init__(self, name, seen, lock):
        self.name = name
        self.seen = seen
        self.lock = lock
        super().__init__()

    def handle(self, connection):
        with connection:
            connection.settimeout(10)
            received = b""
            try:
                while (request := read_request(connection, received)) is not None:
                    head, body, received = request
                    method, path = head.split(b" ", 2)[:2]
                    with self.lock:
                        count = self.seen.get(path, 0)
                        self.seen[path] = count + 1
                    behaviour = path.split(b"/")[2]
                    if behaviour == b"reset-once" and count == 0:
                        return
                    if behaviour == b"hang-once" and count == 0:
                        wait_for_close(connection)
                        return
                    failing = {b"503-once": (503, count == 0), b"503-always": (503, True),
                               b"429-once": (429, count == 0)}
                    status, fails = failing.get(behaviour, (200, False))
                    if fails:
                        payload = b"failing\n"
                        connection.sendall(b"HTTP/1.1 %d Failing\r\nContent-Length: %d\r\n\r\n%s"
                                           % (status, len(payload), payload))
                        continue
                    payload = b"%s %s %d %s" % (self.name.encode(), method, len(body), body[:64])
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                                       % (len(payload), payload))
            except OSError:
                pass


class RetriesTest(SidecarTestCase):
    @classmethod
    def start(cls):
        cls.seen = {}
        lock = threading.Lock()
        cls.first = RetryUpstream("first", cls.seen, lock)
        cls.second = RetryUpstream("second", cls.seen, lock)
        cls.lone = RetryUpstream("lone", cls.seen, lock)
        cls.dead_port = meshtest.unused_port()
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=1,
            endpoints=(f"payments.v1 127.0.0.1:{cls.first.port} 127.0.0.1:{cls.second.port}\n"
                       f"payments.v2 127.0.0.1:{cls.dead_port} 127.0.0.1:{cls.lone.port}\n"))
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        for upstream in (cls.first, cls.second, cls.lone):
            upstream.close()
        super().tearDownClass()

    def unique(self, prefix):
        """A path no test used before: the upstreams' memory of what failed is per path."""
        type(self).counter += 1
        return f"{prefix}/{self.counter}"

    def send(self, method, path, body=None, headers=None):
        return meshtest.http_request(self.ports["outbound"], path, method=method, body=body,
                                     headers={"Host": "payments", **(headers or {})})

    def attempts(self, path):
        return self.seen.get(path.encode(), 0)

    def stats(self):
        return meshtest.http_request(self.ports["admin"], "/stats")[2].decode()

    def counter_value(self, pattern):
        match = re.search(pattern + r" (\d+)\n", self.stats())
        return int(match.group(1)) if match else 0

    def test_a_failed_status_is_retried_on_the_other_endpoint(self):
        for _ in range(4):
            path = self.unique("/retry/503-once")
            status, headers, body = self.send("GET", path)
            self.assertEqual(status, 200, body)
            self.assertEqual(self.attempts(path), 2)
            self.assertRegex(body, rb"^(first|second) GET 0 $")
        # Round robin offers each endpoint in turn, and a retry skips the one that failed: over
        # four requests both endpoints answered, each after the other failed.
        self.assertGreaterEqual(self.counter_value(
            r'mesh_retries_total\{cluster="payments.v1",cause="status"\}'), 4)

    def test_the_last_attempts_response_goes_to_the_client_when_all_fail(self):
        path = self.unique("/retry/503-always")
        status, _, body = self.send("GET", path)
        self.assertEqual((status, body), (503, b"failing\n"))
        self.assertEqual(self.attempts(path), 3, "the first attempt and two retries")
        self.assertGreaterEqual(self.counter_value(
            r'mesh_retries_refused_total\{cluster="payments.v1",reason="exhausted"\}'), 1)
        self.assertRegex(self.stats(), r'istio_requests_total\{[^}]*destination_cluster='
                                       r'"payments.v1",response_code="503",response_flags="URX"\}')

    def test_a_reset_and_a_silent_upstream_are_retried(self):
        path = self.unique("/retry/reset-once")
        status, _, body = self.send("GET", path)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.attempts(path), 2)
        path = self.unique("/retry/hang-once")
        status, _, body = self.send("GET", path)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.attempts(path), 2)
        self.assertGreaterEqual(self.counter_value(
            r'mesh_retries_total\{cluster="payments.v1",cause="per_try_timeout"\}'), 1)
        self.assertGreaterEqual(self.counter_value(
            r'mesh_retries_total\{cluster="payments.v1",cause="reset"\}'), 1)

    def test_a_connect_failure_is_retried_elsewhere(self):
        # payments.v2 has a dead port beside its live endpoint: every request still succeeds.
        for _ in range(4):
            path = self.unique("/v2/ok")
            status, _, body = self.send("POST", path, body=b"paid")
            self.assertEqual((status, body), (200, b"lone POST 4 paid"))
        self.assertGreaterEqual(self.counter_value(
            r'mesh_retries_total\{cluster="payments.v2",cause="connect_failure"\}'), 2)

    def test_a_non_idempotent_request_is_not_repeated_unless_the_rule_says_so(self):
        path = self.unique("/retry/503-once")
        status, _, _ = self.send("POST", path, body=b"charge 10")
        self.assertEqual(status, 503)
        self.assertEqual(self.attempts(path), 1)
        path = self.unique("/any/503-once")
        status, _, body = self.send("POST", path, body=b"charge 10")
        self.assertEqual(status, 200)
        self.assertRegex(body, rb"^(first|second) POST 9 charge 10$", "the body, sent again")

    def test_a_chunked_body_is_sent_again_whole(self):
        path = self.unique("/retry/503-once")
        request = (f"PUT {path} HTTP/1.1\r\nHost: payments\r\nTransfer-Encoding: chunked\r\n"
                   f"Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").encode()
        reply = meshtest.exchange_until_close(self.ports["outbound"], request, timeout=10)
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 "), reply)
        self.assertRegex(reply, rb"\r\n\r\n(first|second) PUT 11 hello world$")
        self.assertEqual(self.attempts(path), 2)

    def test_a_body_over_the_replay_limit_is_not_retried(self):
        path = self.unique("/retry/503-once")
        refused = self.counter_value(
            r'mesh_retries_refused_total\{cluster="payments.v1",reason="body"\}')
        status, _, _ = self.send("PUT", path, body=b"x" * (64 * 1024 + 1))
        self.assertEqual(status, 503)
        self.assertEqual(self.attempts(path), 1)
        self.assertEqual(self.counter_value(
            r'mesh_retries_refused_total\{cluster="payments.v1",reason="body"\}'), refused + 1)
        path = self.unique("/retry/503-once")
        status, _, body = self.send("PUT", path, body=b"y" * (64 * 1024))
        self.assertEqual(status, 200, "a body of exactly the limit is kept")
        self.assertEqual(self.attempts(path), 2)

    def test_only_the_statuses_a_policy_names_are_retried(self):
        path = self.unique("/limited/429-once")
        status, _, _ = self.send("GET", path)
        self.assertEqual(status, 200)
        self.assertEqual(self.attempts(path), 2)
        path = self.unique("/limited/503-once")
        status, _, _ = self.send("GET", path)
        self.assertEqual(status, 503)
        self.assertEqual(self.attempts(path), 1)

    def test_a_rule_without_a_retry_policy_relays_the_failure(self):
        path = self.unique("/plain/503-once")
        status, _, body = self.send("GET", path)
        self.assertEqual((status, body), (503, b"failing\n"))
        self.assertEqual(self.attempts(path), 1)
        self.assertIsNone(self.sidecar.process.poll())

    def test_retries_keep_the_connection_to_the_client(self):
        connection = socket.create_connection(("127.0.0.1", self.ports["outbound"]), timeout=10)
        with connection:
            for behaviour in ("503-once", "reset-once", "ok"):
                path = self.unique(f"/retry/{behaviour}")
                connection.sendall(f"GET {path} HTTP/1.1\r\nHost: payments\r\n\r\n".encode())
                reply = b""
                while not re.search(rb"\r\n\r\n(first|second) GET 0 $", reply):
                    chunk = connection.recv(65536)
                    self.assertTrue(chunk, f"closed after {reply!r}")
                    reply += chunk
                self.assertTrue(reply.startswith(b"HTTP/1.1 200 "), reply)


class ChaosTest(SidecarTestCase):
    """One of payments.v1's two backends is killed (SIGKILL) in the middle of a wrk load on a
    rule that retries: requests in flight on it are reset, its pooled connections die, new
    connections to it are refused. Every request of the load still succeeds."""

    @classmethod
    def start(cls):
        cls.doomed, doomed_port = meshtest.start_demo_backend(
            cls.group, BACKEND, "payments", "v1", name="backend-doomed")
        _, survivor_port = meshtest.start_demo_backend(
            cls.group, BACKEND, "payments", "v1", name="backend-survivor")
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=2,
            endpoints=f"payments.v1 127.0.0.1:{doomed_port} 127.0.0.1:{survivor_port}\n")

    def counted(self, pattern):
        stats = meshtest.http_request(self.ports["admin"], "/stats")[2].decode()
        return sum(int(n) for n in re.findall(pattern + r" (\d+)\n", stats))

    def test_killing_an_upstream_under_load_fails_no_request(self):
        requests = r'istio_requests_total\{[^}]*destination_cluster="payments.v1"[^}]*\}'
        load = self.group.start("wrk", [
            "wrk", "-t2", "-c16", "-d6s", "--timeout", "5s", "-H", "Host: payments",
            f"http://127.0.0.1:{self.ports['outbound']}/retry/chaos"])
        # Once the load is well under way (both backends serving), one of them dies.
        meshtest.wait_until(lambda: self.counted(requests) >= 2000, timeout=10,
                            what="2000 requests through the sidecar")
        self.doomed.process.send_signal(signal.SIGKILL)
        self.doomed.process.wait(timeout=5)
        # It is gone for good: not a process the group can stop cleanly at the end.
        self.group.processes.remove(self.doomed)
        self.doomed.stop()
        self.assertEqual(load.wait(timeout=30), 0)
        report = load.log()
        sent = int(re.search(r"(\d+) requests in", report).group(1))
        retried = self.counted(r'mesh_retries_total\{cluster="payments.v1",cause="[a-z_]+"\}')
        refused = {reason: self.counted(r'mesh_retries_refused_total\{cluster="payments.v1",'
                                        f'reason="{reason}"\\}}')
                   for reason in ("exhausted", "budget", "body")}
        failed = self.counted(r'istio_requests_total\{[^}]*destination_cluster="payments.v1",'
                              r'response_code="(?!200")\d+"[^}]*\}')
        print(f"\nchaos: {sent} requests sent by wrk, {failed} failed, {retried} retried "
              f"(refused: {refused})")
        self.assertNotIn("Socket errors", report, report)
        self.assertNotIn("Non-2xx", report, report)
        self.assertEqual(failed, 0)
        self.assertGreater(retried, 0, "the dead backend's share was retried")
        status, _, body = meshtest.http_request(self.ports["outbound"], "/retry/after",
                                                headers={"Host": "payments"})
        self.assertEqual((status, body), (200, b"payments v1\n"))


if __name__ == "__main__":
    unittest.main()
