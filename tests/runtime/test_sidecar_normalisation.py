#!/usr/bin/env python3
"""End-to-end tests of what a policy sees of a request and what the upstream receives: the
fixture sidecar (tests/runtime/fixture_module.c) in front of upstreams that echo the request line
they got, driven by raw requests over sockets (curl would normalise the paths itself).

The fixture's policy plays `path prefix "/v3" => reviews.v3` and `path prefix "/forbidden"` has no
rule for details, so routing shows which path the policy matched. The module keeps Istio's default
path options (encoded slashes kept, slashes not merged); the other options are unit-tested in
tests/runtime/request, since no policy can choose them yet.

Environment (set by CMake): MESHTEST_SIDECAR; PYTHONPATH must include tests/integration.
"""

import unittest

import meshtest
from fake_upstreams import EchoesRequestLine
from sidecar_testing import SIDECAR, KeepAliveClient, SidecarTestCase


class NormalisationTest(SidecarTestCase):
    @classmethod
    def start(cls):
        cls.upstreams = {name: EchoesRequestLine(name)
                         for name in ("reviews.v1", "reviews.v3", "details.v1", "app")}
        endpoints = "".join(f"{name} 127.0.0.1:{upstream.port}\n"
                            for name, upstream in cls.upstreams.items() if name != "app")
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=1, endpoints=endpoints,
            app=f"127.0.0.1:{cls.upstreams['app'].port}")

    @classmethod
    def tearDownClass(cls):
        for upstream in cls.upstreams.values():
            upstream.close()
        super().tearDownClass()

    def setUp(self):
        self.client = KeepAliveClient(self.ports["outbound"])

    def tearDown(self):
        self.client.close()

    def get(self, target, host=b"reviews", method=b"GET", client=None):
        request = b"%s %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (method, target, host)
        return (client or self.client).send(request)

    def assert_forwarded(self, target, upstream, request_line, host=b"reviews"):
        status, body, _ = self.get(target, host)
        self.assertEqual((status, body),
                         (200, b"%s %s\nhost: %s\n" % (upstream, request_line, host)), target)

    def assert_refused(self, request, phrase):
        status, body, kept = self.client.send(request)
        self.assertEqual((status, body), (400, b"meshc: bad request: %s\n" % phrase), request)
        self.assertTrue(kept, f"{request!r}: a bodyless refused request keeps the connection")

    def test_the_upstream_receives_the_normalised_path(self):
        for sent, forwarded in ((b"/a/b/../c", b"/a/c"),
                                (b"/a/../c", b"/c"),
                                (b"/a/./b/", b"/a/b/"),
                                (b"/../../etc/passwd", b"/etc/passwd"),
                                (b"/a/%2e%2e/b", b"/b"),
                                (b"/%2E./x", b"/x"),
                                (b"/%61%62%7e", b"/ab~"),
                                (b"/a%3ab%e2%82%ac", b"/a%3Ab%E2%82%AC"),
                                (b"/a\\..\\b", b"/b"),
                                (b"/a%2fb", b"/a%2Fb"),
                                (b"//x", b"//x"),
                                (b"/already/normal", b"/already/normal")):
            self.assert_forwarded(sent, b"reviews.v1", b"GET %s HTTP/1.1" % forwarded)

    def test_the_query_is_forwarded_unchanged(self):
        for query in (b"x=%2e%2E&y=a+b&z=/../&&w", b"", b"%zz=%", b"a=1?b=2"):
            self.assert_forwarded(b"/p/../q?" + query, b"reviews.v1", b"GET /q?%s HTTP/1.1" % query)
        self.assert_forwarded(b"/q", b"reviews.v1", b"GET /q HTTP/1.1")

    def test_routing_sees_the_normalised_path(self):
        # path prefix "/v3" => reviews.v3
        self.assert_forwarded(b"/x/../v3/1", b"reviews.v3", b"GET /v3/1 HTTP/1.1")
        self.assert_forwarded(b"/%76%33/1", b"reviews.v3", b"GET /v3/1 HTTP/1.1")
        self.assert_forwarded(b"/v3/../reviews/1", b"reviews.v1", b"GET /reviews/1 HTTP/1.1")
        self.assert_forwarded(b"/v3/%2e%2e/reviews/1", b"reviews.v1", b"GET /reviews/1 HTTP/1.1")
        # details has no rule for path prefix "/forbidden": however it is spelt.
        for spelling in (b"/ok/../forbidden/x", b"/%66orbidden/x", b"/./forbidden/x",
                         b"/ok\\..\\forbidden/x"):
            status, body, _ = self.get(spelling, b"details")
            self.assertEqual(status, 404, spelling)
            self.assertIn(b'no rule of service "details" matches GET /forbidden/x', body, spelling)
        self.assert_forwarded(b"/forbidden/../ok", b"details.v1", b"GET /ok HTTP/1.1", b"details")

    def test_absolute_form_is_forwarded_normalised_with_its_host(self):
        status, body, _ = self.client.send(b"GET http://Reviews:9080/x/../v3/a?q=%2e HTTP/1.1\r\n"
                                           b"Host: other\r\n\r\n")
        self.assertEqual((status, body),
                         (200, b"reviews.v3 GET /v3/a?q=%2e HTTP/1.1\nhost: Reviews:9080\n"))

    def test_options_asterisk_is_forwarded_as_it_is(self):
        status, body, _ = self.get(b"*", method=b"OPTIONS")
        self.assertEqual((status, body), (200, b"reviews.v1 OPTIONS * HTTP/1.1\nhost: reviews\n"))

    def test_refused_targets_get_400_and_the_connection_serves_on(self):
        for request, phrase in (
                (b"GET /a#frag HTTP/1.1\r\nHost: reviews\r\n\r\n",
                 b'fragment ("#...") in request target'),
                (b"GET /a?x=1#frag HTTP/1.1\r\nHost: reviews\r\n\r\n",
                 b'fragment ("#...") in request target'),
                (b"GET / HTTP/1.1\r\nHost: jason@reviews\r\n\r\n",
                 b'user info ("user@") in Host header or request target'),
                (b"GET http://jason:pw@reviews/ HTTP/1.1\r\nHost: reviews\r\n\r\n",
                 b'user info ("user@") in Host header or request target'),
                (b"GET * HTTP/1.1\r\nHost: reviews\r\n\r\n",
                 b'request target is neither a path ("/..."), an absolute URL ("http://host/...") '
                 b'nor "*" with OPTIONS'),
                (b"GET reviews/a HTTP/1.1\r\nHost: reviews\r\n\r\n",
                 b'request target is neither a path ("/..."), an absolute URL ("http://host/...") '
                 b'nor "*" with OPTIONS'),
                (b"GET / HTTP/1.1\r\nHost: bad host\r\n\r\n",
                 b"malformed host in Host header or request target")):
            self.assert_refused(request, phrase)
            self.assert_forwarded(b"/next/../one", b"reviews.v1", b"GET /one HTTP/1.1")

    def test_a_refused_request_with_a_body_closes_and_the_next_connection_works(self):
        status, body, kept = self.client.send(b"POST /a#frag HTTP/1.1\r\nHost: reviews\r\n"
                                              b"Content-Length: 3\r\n\r\nabc")
        self.assertEqual((status, body),
                         (400, b'meshc: bad request: fragment ("#...") in request target\n'))
        self.assertFalse(kept, "an unread body would be taken for the next request")
        client = KeepAliveClient(self.ports["outbound"])
        try:
            status, body, _ = self.get(b"/a/../b", client=client)
            self.assertEqual((status, body), (200, b"reviews.v1 GET /b HTTP/1.1\nhost: reviews\n"))
        finally:
            client.close()

    def test_inbound_normalises_and_refuses_alike(self):
        client = KeepAliveClient(self.ports["inbound"])
        try:
            status, body, _ = self.get(b"/a/b/../%63?q=/..", b"productpage", client=client)
            self.assertEqual((status, body),
                             (200, b"app GET /a/c?q=/.. HTTP/1.1\nhost: productpage\n"))
            status, body, kept = self.get(b"/a#b", b"productpage", client=client)
            self.assertEqual((status, body),
                             (400, b'meshc: bad request: fragment ("#...") in request target\n'))
            self.assertTrue(kept)
        finally:
            client.close()


if __name__ == "__main__":
    unittest.main()
