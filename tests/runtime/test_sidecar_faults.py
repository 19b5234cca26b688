#!/usr/bin/env python3
"""Upstream faults while the sidecar is under load: an upstream that resets, hangs, trickles,
sends garbage or stops mid-message, hit by several clients at once while wrk loads a healthy
cluster through the same sidecar. The sidecar never crashes, each client gets the response its
fault calls for (a complete one, or a head and then a clean close when the upstream died
mid-body), and the healthy traffic sees no error.

The faulty upstream is a fake (fake_upstreams.ScriptedUpstream): no real server misbehaves on
cue. Environment as for test_sidecar_e2e.py.
"""

import re
import socket
import threading
import time
import unittest

import meshtest
from fake_upstreams import ScriptedUpstream, wait_for_close
from sidecar_testing import BACKEND, SIDECAR, SidecarTestCase


def reset(connection):
    # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    connection.close()


def answer_ok(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello\n")


def answer_reset(connection):
    reset(connection)


def answer_reset_mid_body(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"b" * 100)
    reset(connection)


def answer_close_mid_head(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Le")
    connection.close()


def answer_garbage(connection):
    connection.sendall(bytes(range(256)) * 4)
    connection.close()


def answer_nothing(connection):
    wait_for_close(connection)


def answer_trickling(connection):
    # A byte every 20 ms: slow, but never a second without progress (the idle timeout is 1 s).
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello\n":
        connection.sendall(bytes([byte]))
        time.sleep(0.02)


# path: (script, what the client must get: a status and body, or a head and a clean close).
FAULTS = {
    "/ok": (answer_ok, (200, b"hello\n")),
    "/reset": (answer_reset, (502, None)),
    "/reset-mid-body": (answer_reset_mid_body, (200, "truncated")),
    "/close-mid-head": (answer_close_mid_head, (502, None)),
    "/garbage": (answer_garbage, (502, None)),
    "/hang": (answer_nothing, (504, None)),
    "/trickle": (answer_trickling, (200, b"hello\n")),
}


def outcome(reply):
    """(status, body) of a reply read to its close; body is "truncated" when the close came
    before Content-Length bytes."""
    head, separator, body = reply.partition(b"\r\n\r\n")
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", head)
    if not separator or not match:
        return ("malformed", reply[:200])
    length = re.search(rb"\r\ncontent-length: (\d+)", head.lower())
    if length is None or len(body) > int(length.group(1)):
        return ("malformed", reply[:200])
    if len(body) < int(length.group(1)):
        return (int(match.group(1)), "truncated")
    return (int(match.group(1)), body)


class UpstreamFaultsUnderLoadTest(SidecarTestCase):
    @classmethod
    def start(cls):
        _, port = meshtest.start_demo_backend(cls.group, BACKEND, "reviews", "v1")
        cls.faulty = ScriptedUpstream({path: script for path, (script, _) in FAULTS.items()})
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=2, extra=["--stream-idle-timeout", "1"],
            endpoints=(f"reviews.v1 127.0.0.1:{port}\n"
                       f"details.v1 127.0.0.1:{cls.faulty.port}\n"))

    @classmethod
    def tearDownClass(cls):
        cls.faulty.close()
        super().tearDownClass()

    def test_faulty_upstream_under_load(self):
        outbound = self.ports["outbound"]
        load = self.group.start("wrk", ["wrk", "-t1", "-c16", "-d8s", "--timeout", "5s", "-H",
                                        "Host: reviews", f"http://127.0.0.1:{outbound}/"])
        results = []
        lock = threading.Lock()

        def client(rounds):
            for _ in range(rounds):
                for path in FAULTS:
                    reply = meshtest.exchange_until_close(
                        outbound, f"GET {path} HTTP/1.1\r\nHost: details\r\n"
                                  "Connection: close\r\n\r\n".encode(), timeout=10)
                    with lock:
                        results.append((path, outcome(reply)))

        clients = [threading.Thread(target=client, args=(3,)) for _ in range(6)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(timeout=120)
        self.assertEqual(load.wait(timeout=30), 0)
        report = load.log()

        self.assertEqual(len(results), 6 * 3 * len(FAULTS))
        for path, got in results:
            status, body = FAULTS[path][1]
            self.assertEqual(got[0], status, (path, got))
            if body is not None:
                self.assertEqual(got[1], body, (path, got))
        self.assertNotIn("Socket errors", report, report)
        self.assertNotIn("Non-2xx", report, report)
        self.assertGreater(int(re.search(r"(\d+) requests in", report).group(1)), 1000, report)
        # Still serving, both ways.
        status, _, body = meshtest.http_request(outbound, "/ok", headers={"Host": "details"})
        self.assertEqual((status, body), (200, b"hello\n"))
        self.assertIsNone(self.sidecar.process.poll())


if __name__ == "__main__":
    unittest.main()
