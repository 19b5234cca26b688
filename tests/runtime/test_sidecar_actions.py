#!/usr/bin/env python3
"""End-to-end tests of what a rule's actions do on the wire: redirects, direct responses, a rule
without backends, rewrites and header edits. The fixture sidecar's service "web"
(tests/runtime/fixture_module.c: one rule per action, on path prefixes) sits in front of an
upstream that echoes the request head it received and sends response headers to edit. Requests go
raw over one keep-alive connection per test (http.client parses the answers), and through curl.

Environment (set by CMake): MESHTEST_SIDECAR; PYTHONPATH must include tests/integration.
"""

import re
import socket
import threading
import unittest

import meshtest
from fake_upstreams import EchoesRequestHead
from sidecar_testing import SIDECAR, KeepAliveClient, SidecarTestCase, curl


def request(target, host=b"web", method=b"GET", fields=b""):
    return b"%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (method, target, host, fields)


def received(body):
    """(request line, [(lower-case name, value)]) of the head the echoing upstream returned."""
    request_line, *lines = body.split(b"\r\n")
    fields = []
    for line in lines:
        name, _, value = line.partition(b":")
        fields.append((name.lower(), value.strip()))
    return request_line, fields


def values(fields, name):
    return [value for field, value in fields if field == name]


class ActionsTest(SidecarTestCase):
    @classmethod
    def start(cls):
        cls.upstream = EchoesRequestHead()
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=1, endpoints=f"web.v1 127.0.0.1:{cls.upstream.port}\n")

    @classmethod
    def tearDownClass(cls):
        cls.upstream.close()
        super().tearDownClass()

    def setUp(self):
        self.client = KeepAliveClient(self.ports["outbound"])

    def tearDown(self):
        self.client.close()

    def exchange(self, target, **kwargs):
        return self.client.exchange(request(target, **kwargs))

    def assert_still_serving(self):
        """The connection carries another request, which goes upstream."""
        response, body = self.exchange(b"/plain")
        self.assertEqual(response.status, 200)
        self.assertEqual(received(body)[0], b"GET /plain HTTP/1.1")

    def test_redirect_answers_with_its_location_and_keeps_the_connection(self):
        response, body = self.exchange(b"/moved/a/b?x=1&y=%2F")
        self.assertEqual(response.status, 301)
        self.assertEqual(response.getheader("location"), "http://example.org/new/a/b?x=1&y=%2F")
        self.assertEqual(response.getheader("content-length"), "0")
        self.assertEqual(response.getheader("x-redirected"), "1")
        self.assertIsNone(response.getheader("x-mesh-upstream-cluster"))
        self.assertEqual(body, b"")
        self.assertFalse(response.will_close)
        self.assert_still_serving()

    def test_redirect_location_follows_the_request(self):
        # The path the policy matched (normalised); the request's port stays with its scheme.
        response, _ = self.exchange(b"/x/../moved", host=b"Web:8080")
        self.assertEqual(response.getheader("location"), "http://example.org:8080/new")
        # A new scheme brings its default port, which Location leaves out.
        response, _ = self.exchange(b"/secure/p?q", host=b"web:8080")
        self.assertEqual(response.status, 308)
        self.assertEqual(response.getheader("location"), "https://web/secure/p?q")
        # "/moved" is a segment prefix: "/movedx" goes to the otherwise rule.
        response, body = self.exchange(b"/movedx")
        self.assertEqual((response.status, received(body)[0]), (200, b"GET /movedx HTTP/1.1"))

    def test_curl_sees_the_redirect(self):
        result = self.outbound("/moved/z?k=v", "web", "-o", "/dev/null",
                               "-w", "%{http_code} %{redirect_url}")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "301 http://example.org/new/z?k=v")

    def test_direct_response_answers_plain_text(self):
        response, body = self.exchange(b"/gone/x")
        self.assertEqual((response.status, body), (410, b"gone for good\n"))
        self.assertEqual(response.getheader("content-type"), "text/plain")
        self.assertEqual(response.getheader("content-length"), "14")
        self.assertEqual(response.getheader("cache-control"), "no-store")
        self.assertFalse(response.will_close)
        response, body = self.exchange(b"/gone", method=b"HEAD")
        self.assertEqual((response.status, response.getheader("content-length"), body),
                         (410, "14", b""))
        self.assertFalse(response.will_close)
        self.assert_still_serving()

    def test_a_rule_without_backends_answers_500(self):
        response, body = self.exchange(b"/nobackend/x")
        self.assertEqual(response.status, 500)
        self.assertEqual(response.getheader("content-type"), "text/plain")
        self.assertEqual(body, b"meshc: the route rule at fixture.mesh:19:5 has no backends\n")
        self.assertFalse(response.will_close)
        self.assert_still_serving()

    def test_the_upstream_receives_the_rewritten_path_host_and_headers(self):
        response, body = self.exchange(
            b"/api/items?id=7&x=%2F",
            fields=b"x-env: dev\r\nx-tag: a\r\nx-debug: 1\r\nX-Debug: 2\r\nx-other: kept\r\n")
        self.assertEqual(response.status, 200)
        request_line, fields = received(body)
        self.assertEqual(request_line, b"GET /v2/items?id=7&x=%2F HTTP/1.1")
        # The module also sets host and connection: the sidecar skips both edits.
        self.assertEqual(values(fields, b"host"), [b"backend.internal"])
        self.assertEqual(values(fields, b"connection"), [])
        self.assertEqual(values(fields, b"x-env"), [b"prod"])
        self.assertEqual(values(fields, b"x-tag"), [b"a", b"b"])
        self.assertEqual(values(fields, b"x-debug"), [])
        self.assertEqual(values(fields, b"x-other"), [b"kept"])
        for sent, forwarded in ((b"/api", b"/v2"), (b"/api/", b"/v2/"), (b"/a/../api/b", b"/v2/b")):
            response, body = self.exchange(sent)
            self.assertEqual(received(body)[0], b"GET %s HTTP/1.1" % forwarded, sent)

    def test_full_path_rewrite_keeps_host_and_query(self):
        response, body = self.exchange(b"/full/any/thing?q=1")
        request_line, fields = received(body)
        self.assertEqual(request_line, b"GET /replaced?q=1 HTTP/1.1")
        self.assertEqual(values(fields, b"host"), [b"web"])

    def test_response_header_edits_reach_the_client(self):
        response, body = self.exchange(b"/api/x")
        self.assertEqual(response.getheader("x-upstream-replace"), "new")
        self.assertIsNone(response.getheader("x-upstream-remove"))
        self.assertEqual(response.getheader("x-upstream-keep"), "1")
        self.assertEqual(response.getheader("x-mesh"), "on")
        self.assertEqual(response.getheader("x-mesh-upstream-cluster"), "web.v1")
        # The module also removes content-length: skipped, so the body stays framed.
        self.assertEqual(response.getheader("content-length"), str(len(body)))
        self.assertFalse(response.will_close)
        # Another rule's responses keep what the upstream sent.
        response, _ = self.exchange(b"/plain")
        self.assertEqual(response.getheader("x-upstream-replace"), "old")
        self.assertIsNone(response.getheader("x-mesh"))

    def test_one_connection_carries_every_kind_of_answer(self):
        for target, status in ((b"/moved", 301), (b"/gone", 410), (b"/nobackend", 500),
                               (b"/secure", 308), (b"/api", 200), (b"/full", 200),
                               (b"/moved", 301)):
            response, _ = self.exchange(target)
            self.assertEqual(response.status, status, target)
            self.assertFalse(response.will_close, target)
        result = curl("-H", "Host: web", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                      "-w", "%{num_connects} ",
                      *(f"http://127.0.0.1:{self.ports['outbound']}{path}"
                        for path in ("/gone", "/moved", "/api")))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["1", "0", "0"])

    def test_a_local_answer_to_a_request_with_a_body_closes_the_connection(self):
        # As for the sidecar's other local replies: the unread body would be taken for the next
        # request. The sidecar ends its side cleanly and discards what still comes.
        response, body = self.client.exchange(
            request(b"/gone", method=b"POST", fields=b"Content-Length: 5\r\n") + b"hello")
        self.assertEqual((response.status, body), (410, b"gone for good\n"))
        self.assertTrue(response.will_close)
        self.assertEqual(self.client.socket.recv(1), b"", "the sidecar ends the connection")
        self.client.close()
        self.client = KeepAliveClient(self.ports["outbound"])
        response, _ = self.client.exchange(
            request(b"/moved", method=b"POST", fields=b"Content-Length: 5\r\n") + b"hello")
        self.assertEqual(response.status, 301)
        self.assertTrue(response.will_close)

    def test_local_answers_are_counted(self):
        for target in (b"/moved", b"/gone", b"/nobackend"):
            self.exchange(target)
        admin = self.ports["admin"]
        for code in (301, 410, 500):
            counted = re.compile(rb'istio_requests_total\{reporter="source",[^}]*'
                                 rb'response_code="%d",response_flags="-"\} [1-9]' % code)
            # A request is counted once its response is out: the client may ask first.
            meshtest.wait_until(lambda: counted.search(meshtest.http_request(admin, "/stats")[2]),
                                timeout=5, what=f"a {code} in /stats")


class LocalReplyWriteBoundTest(SidecarTestCase):
    """The sidecar's own answers are written within the stream idle timeout: a client that stops
    reading cannot hold a connection (and its memory) for ever."""

    @classmethod
    def start(cls):
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=1, name="write-bound",
            endpoints=f"web.v1 127.0.0.1:{meshtest.unused_port()}\n",
            extra=["--stream-idle-timeout", "0.5"])

    def test_a_client_that_pipelines_without_reading_is_cut(self):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small window fills sooner; what the sidecar answers piles up in its send buffer.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(("127.0.0.1", self.ports["outbound"]))
        pipelined = request(b"/gone") * 100000  # 3.5 MB of requests, 30 MB of answers

        def flood():
            try:
                client.sendall(pipelined)
            except OSError:
                pass  # the sidecar cut the connection: what this test waits for

        sender = threading.Thread(target=flood, daemon=True)
        sender.start()
        try:
            cut = re.compile(rb'istio_requests_total\{reporter="source",[^}]*'
                             rb'response_code="0",response_flags="SI"\} 1\n')
            meshtest.wait_until(
                lambda: cut.search(meshtest.http_request(self.ports["admin"], "/stats")[2]),
                timeout=10, what="the stalled reply counted as code 0 with SI in /stats")
            sender.join(timeout=10)
            self.assertFalse(sender.is_alive(), "the sidecar still holds the connection")
        finally:
            client.close()


if __name__ == "__main__":
    unittest.main()
