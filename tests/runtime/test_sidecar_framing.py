#!/usr/bin/env python3
"""End-to-end tests of message framing and of the stream idle timeout: what decides where a body
ends, in both directions (RFC 9112 §6), and what a body that stops moving gets. The fixture
sidecar in front of a demo-backend and of fake upstreams that misbehave in precise ways
(fake_upstreams.ScriptedUpstream: no real server sends these on cue).

Environment as for test_sidecar_e2e.py.
"""

import re
import socket
import threading
import time
import unittest

import meshtest
from fake_upstreams import ScriptedUpstream, send_endless, wait_for_close
from sidecar_testing import BACKEND, SIDECAR, KeepAliveClient, SidecarTestCase, split_response


def flood(port, prefix, timeout=5):
    """Sends `prefix` and then megabytes that never complete a line, the way a peer would fill a
    buffer that has no limit. Returns (everything went out, what came back before the close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        accepted = send_endless(s, prefix)
        received = b""
        try:
            while chunk := s.recv(65536):
                received += chunk
        except socket.timeout:
            return accepted, None  # the connection is still open: nothing stopped the flood
        except OSError:
            pass  # reset: the sidecar closed with the flood still unread
        return accepted, received


def answer_with_trailers(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                       b"0\r\nConnection: close\r\nSet-Cookie: a=b\r\n\r\n")


def answer_with_header_named_trailers(connection):
    # Each trailer repeats the name of a header field.
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Kept: 1\r\n"
                       b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                       b"0\r\nContent-Type: text/html\r\nX-Kept: 2\r\n\r\n")


def answer_gzip_chunked(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                       b"3\r\nabc\r\n0\r\n\r\n")


def answer_identity_with_length(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n"
                       b"\r\nabcdef")


def answer_gzip_with_length(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n"
                       b"\r\nabcdef")


def answer_with_hop_by_hop_fields(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Private\r\nX-Private: 1\r\n"
                       b"Keep-Alive: timeout=5, max=100\r\nProxy-Connection: keep-alive\r\n"
                       b"Upgrade: h2c\r\nTrailer: X-Checksum\r\nX-Kept: yes\r\n"
                       b"Content-Length: 3\r\n\r\nok\n")


def answer_after_interim_responses(count):
    hint = b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"

    def answer(connection):
        connection.sendall(hint * count + b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
    return answer


def answer_endless_extension(connection):
    send_endless(connection, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;x=")
    wait_for_close(connection)


def answer_nothing(connection):
    wait_for_close(connection)


def answer_then_stall(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab")
    wait_for_close(connection)


def answer_slowly(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n")
    for _ in range(6):  # 2.4 s in all, never 1 s without a byte: the trickle is the test
        time.sleep(0.4)
        connection.sendall(b"x")
    wait_for_close(connection)


class HeadThenEvents:
    """A server-sent event stream: the head at once, the first event only once the test says
    so (events_may_start), the way a stream with nothing to report yet behaves."""

    def __init__(self):
        self.events_may_start = threading.Event()

    def __call__(self, connection):
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n")
        if self.events_may_start.wait(timeout=10):
            connection.sendall(b"d\r\ndata: hello\n\n\r\n0\r\n\r\n")


SCRIPTS = {"/trailers": answer_with_trailers, "/gzip-chunked": answer_gzip_chunked,
           "/header-named-trailers": answer_with_header_named_trailers,
           "/endless-extension": answer_endless_extension, "/silent": answer_nothing,
           "/stall": answer_then_stall, "/slow": answer_slowly,
           "/identity-with-length": answer_identity_with_length,
           "/gzip-with-length": answer_gzip_with_length,
           "/hop-by-hop": answer_with_hop_by_hop_fields,
           "/16-interim": answer_after_interim_responses(16),
           "/17-interim": answer_after_interim_responses(17)}


class FramingTest(SidecarTestCase):
    """Message framing: what decides where a body ends, in both directions (RFC 9112 §6)."""

    @classmethod
    def start(cls):
        _, port = meshtest.start_demo_backend(cls.group, BACKEND, "reviews", "v1")
        cls.events = HeadThenEvents()
        cls.scripted = ScriptedUpstream({**SCRIPTS, "/events": cls.events})
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=1,
            endpoints=(f"reviews.v1 127.0.0.1:{port}\n"
                       f"details.v1 127.0.0.1:{cls.scripted.port}\n"))

    @classmethod
    def tearDownClass(cls):
        cls.scripted.close()
        super().tearDownClass()

    def exchange(self, request, timeout=5):
        return meshtest.raw_exchange(self.ports["outbound"], request, timeout=timeout)

    def test_transfer_encoding_not_ending_in_chunked_gets_400(self):
        # Taken as bodyless, the body would be read as the next request: request smuggling.
        smuggled = b"5\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: reviews\r\n\r\n"
        for framing in (b"Transfer-Encoding: chunked, gzip\r\n", b"Transfer-Encoding: gzip\r\n",
                        b"Transfer-Encoding: gzip\r\nContent-Length: 3\r\n",
                        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"):
            reply = self.exchange(b"POST /sha256 HTTP/1.1\r\nHost: reviews\r\n" + framing +
                                  b"\r\n" + smuggled)
            self.assertTrue(reply.startswith(b"HTTP/1.1 400 Bad Request\r\n"), (framing, reply))
            self.assertEqual(reply.count(b"HTTP/1.1 "), 1, reply)
        # HTTP/1.0 has no chunked coding: its framing is faulty (RFC 9112 §6.1).
        reply = self.exchange(b"POST /sha256 HTTP/1.0\r\nHost: reviews\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n" + smuggled)
        self.assertTrue(reply.startswith(b"HTTP/1.0 400 Bad Request\r\n"), reply)

    def test_connect_gets_501_and_the_connection_closes(self):
        # No route enables tunnelling: forwarded, the CONNECT would reach the upstream as an
        # ordinary request. The reply ends the connection (the exchange returns at its close).
        for target in (b"/headers", b"http://reviews/headers", b"reviews:9080"):
            reply = self.exchange(b"CONNECT %s HTTP/1.1\r\nHost: reviews\r\n\r\n" % target)
            self.assertTrue(reply.startswith(b"HTTP/1.1 501 Not Implemented\r\n"), reply)
            self.assertIn(b"connection: close", reply.lower())
            self.assertTrue(reply.endswith(b"meshc: CONNECT is not supported: no route enables "
                                           b"tunnelling\n"), reply)

    def test_empty_lines_before_a_request_line_are_ignored(self):
        # RFC 9112 §2.2. A client may end a POST body with an extra CRLF: the next request on the
        # connection then starts with it.
        client = KeepAliveClient(self.ports["outbound"])
        try:
            status, _, kept = client.send(b"POST /sha256 HTTP/1.1\r\nHost: reviews\r\n"
                                          b"Content-Length: 3\r\n\r\nabc\r\n")
            self.assertEqual((status, kept), (200, True))
            status, body, _ = client.send(b"GET /headers HTTP/1.1\r\nHost: reviews\r\n\r\n")
            self.assertEqual(status, 200, body)
        finally:
            client.close()
        reply = self.exchange(b"\r\n\r\nGET / HTTP/1.1\r\nHost: reviews\r\n"
                              b"Connection: close\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 OK\r\n"), reply)

    def test_more_than_100_header_fields_get_431(self):
        # Only the header's size was bounded: 64 KiB hold over a thousand short fields.
        head = b"GET / HTTP/1.1\r\nHost: reviews\r\nConnection: close\r\n"
        fields = [b"x-field-%d: 1\r\n" % i for i in range(99)]
        reply = self.exchange(head + b"".join(fields[:98]) + b"\r\n")  # 100 in all
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 OK\r\n"), reply)
        reply = self.exchange(head + b"".join(fields) + b"\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"),
                        reply)
        self.assertTrue(reply.endswith(b"meshc: bad request: more than 100 header fields\n"), reply)

    def test_other_http_versions_get_505(self):
        for version in (b"HTTP/1.2", b"HTTP/2.0"):
            reply = self.exchange(b"GET / %s\r\nHost: reviews\r\n\r\n" % version)
            self.assertTrue(reply.startswith(b"HTTP/1.1 505 HTTP Version Not Supported\r\n"),
                            reply)
            self.assertIn(b"connection: close", reply.lower())
            self.assertTrue(reply.endswith(b"meshc: HTTP version not supported: %s (only "
                                           b"HTTP/1.0 and HTTP/1.1)\n" % version), reply)
        # A version that is not one at all is malformed.
        reply = self.exchange(b"GET / HTTP/1.x\r\nHost: reviews\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400 Bad Request\r\n"), reply)

    def test_more_than_one_host_gets_400(self):
        reply = self.exchange(b"GET / HTTP/1.1\r\nHost: reviews\r\nHost: details\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400 Bad Request\r\n"), reply)

    def test_http11_request_without_host_gets_400(self):
        reply = self.exchange(b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400 Bad Request\r\n"), reply)
        self.assertIn(b"no Host", reply)

    def test_content_length_list_is_forwarded_as_one_value(self):
        for framing in (b"Content-Length: 3, 3\r\n", b"Content-Length: 3\r\nContent-Length: 3\r\n"):
            reply = self.exchange(b"POST /headers HTTP/1.1\r\nHost: reviews\r\n" + framing +
                                  b"Connection: close\r\n\r\nabc")
            self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply)
            lengths = re.findall(rb"(?im)^content-length: (.*)$", split_response(reply)[1])
            self.assertEqual(lengths, [b"3"], (framing, reply))

    def test_endless_chunk_extension_or_trailer_gets_400(self):
        head = b"POST /sha256 HTTP/1.1\r\nHost: reviews\r\nTransfer-Encoding: chunked\r\n\r\n"
        for endless in (b"1;x=", b"1\r\na\r\n0\r\nx-trailer: "):
            accepted, reply = flood(self.ports["outbound"], head + endless)
            self.assertIsNotNone(reply, f"{endless!r}: the sidecar kept buffering")
            self.assertFalse(accepted, f"{endless!r}: the sidecar took all of it")
            if reply:  # unless the reset came first
                self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply)

    def test_endless_chunk_extension_from_upstream_aborts_the_response(self):
        # The upstream sends for ever: only the sidecar can end the exchange.
        reply = meshtest.exchange_until_close(
            self.ports["outbound"], b"GET /endless-extension HTTP/1.1\r\nHost: details\r\n\r\n",
            timeout=8)
        self.assertFalse(reply.endswith(b"0\r\n\r\n"), reply[:200])

    def test_admin_server_read_buffer_is_bounded(self):
        accepted, reply = flood(self.ports["admin"], b"POST /ready HTTP/1.1\r\nHost: a\r\n"
                                b"Transfer-Encoding: chunked\r\n\r\n1;x=")
        self.assertIsNotNone(reply, "the admin server kept buffering")
        self.assertFalse(accepted, "the admin server took all of it")

    def test_upstream_trailers_never_become_headers(self):
        # Keep-alive, so that a "Connection: close" in the response could only come from the
        # trailer: the response is read up to its last chunk.
        with socket.create_connection(("127.0.0.1", self.ports["outbound"]), timeout=5) as s:
            s.sendall(b"GET /trailers HTTP/1.1\r\nHost: details\r\n\r\n")
            reply = b""
            while not reply.endswith(b"\r\n0\r\n\r\n"):
                chunk = s.recv(65536)
                self.assertTrue(chunk, reply)
                reply += chunk
        head, body = split_response(reply)
        self.assertTrue(head.startswith(b"http/1.1 200"), reply)
        self.assertNotIn(b"set-cookie", head)
        self.assertNotIn(b"connection: close", head)
        self.assertIn(b"transfer-encoding: chunked", head)
        # Dropped, not forwarded: the body ends with a last chunk that carries no trailer.
        self.assertEqual(body, b"3\r\nabc\r\n0\r\n\r\n")

    def test_trailers_named_like_header_fields_never_become_headers(self):
        # The parser files such a trailer next to the header field of the same name, not after
        # the header: it must still be told apart, and no header field dropped in its place.
        reply = self.exchange(b"GET /header-named-trailers HTTP/1.1\r\nHost: details\r\n"
                              b"Connection: close\r\n\r\n")
        head, body = split_response(reply)
        self.assertTrue(head.startswith(b"http/1.1 200"), reply)
        self.assertIn(b"content-type: text/plain\r\n", head)
        self.assertNotIn(b"text/html", head)
        self.assertIn(b"x-kept: 1", head)
        self.assertNotIn(b"x-kept: 2", head)
        self.assertIn(b"x-mesh-upstream-cluster: details.v1", head)
        self.assertEqual(body, b"3\r\nabc\r\n0\r\n\r\n")

    def test_response_with_transfer_encoding_not_chunked_and_a_length_gets_502(self):
        # No real server sends this (the fake upstream is unavoidable): its body ends only at
        # close (RFC 9112 §6.3), so relaying it framed by the length, with both headers, would
        # let the client and the sidecar disagree on where the next response starts.
        for path in (b"/identity-with-length", b"/gzip-with-length"):
            client = KeepAliveClient(self.ports["outbound"])
            try:
                status, body, _ = client.send(b"GET %s HTTP/1.1\r\nHost: details\r\n\r\n" % path)
            finally:
                client.close()
            self.assertEqual(status, 502, (path, body))
            self.assertIn(b"Transfer-Encoding not ending in chunked", body)

    def test_hop_by_hop_fields_of_a_response_are_dropped(self):
        reply = self.exchange(b"GET /hop-by-hop HTTP/1.1\r\nHost: details\r\n"
                              b"Connection: close\r\n\r\n")
        head, body = split_response(reply)
        self.assertTrue(head.startswith(b"http/1.1 200"), reply)
        self.assertEqual(body, b"ok\n")
        names = [line.split(b":")[0] for line in head.split(b"\r\n")[1:]]
        for dropped in (b"x-private", b"keep-alive", b"proxy-connection", b"upgrade",
                        b"trailer"):
            self.assertNotIn(dropped, names, reply)
        self.assertIn(b"x-kept", names)
        self.assertIn(b"connection: close", head.split(b"\r\n"))

    def test_response_head_goes_out_before_any_body_bytes(self):
        # The upstream (a fake: its first event must wait for the test) sends its first event
        # only once the client has the head: a head held back for body bytes never arrives.
        self.addCleanup(self.events.events_may_start.set)  # ends the exchange however this ends
        with socket.create_connection(("127.0.0.1", self.ports["outbound"]), timeout=5) as s:
            s.sendall(b"GET /events HTTP/1.1\r\nHost: details\r\n\r\n")
            reply = b""
            while b"\r\n\r\n" not in reply:
                chunk = s.recv(65536)
                self.assertTrue(chunk, reply)
                reply += chunk
            head, body = split_response(reply)
            self.assertTrue(head.startswith(b"http/1.1 200"), reply)
            self.assertIn(b"content-type: text/event-stream", head)
            self.events.events_may_start.set()
            while not body.endswith(b"0\r\n\r\n"):
                chunk = s.recv(65536)
                self.assertTrue(chunk, body)
                body += chunk
            self.assertEqual(body, b"d\r\ndata: hello\n\n\r\n0\r\n\r\n")

    def test_at_most_16_interim_responses_are_taken_from_an_upstream(self):
        # A fake upstream: no real server sends so many. Without a bound, an upstream sending
        # them for ever would hold the exchange for ever.
        status, _, body = meshtest.http_request(self.ports["outbound"], "/16-interim",
                                                headers={"Host": "details"})
        self.assertEqual((status, body), (200, b"ok\n"))
        status, _, body = meshtest.http_request(self.ports["outbound"], "/17-interim",
                                                headers={"Host": "details"})
        self.assertEqual(status, 502, body)
        self.assertIn(b"more than 16 interim (1xx) responses", body)

    def test_http10_client_gets_no_100_continue(self):
        reply = self.exchange(b"POST /sha256 HTTP/1.0\r\nHost: reviews\r\n"
                              b"Expect: 100-continue\r\nContent-Length: 3\r\n\r\nabc")
        self.assertTrue(reply.startswith(b"HTTP/1.0 200"), reply)
        self.assertNotIn(b"100 Continue", reply)

    def test_http10_response_has_no_transfer_encoding(self):
        reply = self.exchange(b"GET /gzip-chunked HTTP/1.0\r\nHost: details\r\n\r\n")
        head, body = split_response(reply)
        self.assertTrue(head.startswith(b"http/1.0 200"), reply)
        self.assertNotIn(b"transfer-encoding", head)
        self.assertEqual(body, b"abc")


class HeaderCountLimitTest(SidecarTestCase):
    """--max-request-headers sets how many header fields a request may have."""

    @classmethod
    def start(cls):
        _, port = meshtest.start_demo_backend(cls.group, BACKEND, "reviews", "v1")
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=1, extra=["--max-request-headers", "3"],
            endpoints=f"reviews.v1 127.0.0.1:{port}\n")

    def test_the_option_sets_the_limit(self):
        head = b"GET / HTTP/1.1\r\nHost: reviews\r\nConnection: close\r\nx-a: 1\r\n"
        reply = meshtest.raw_exchange(self.ports["outbound"], head + b"\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 OK\r\n"), reply)
        reply = meshtest.raw_exchange(self.ports["outbound"], head + b"x-b: 1\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 431 "), reply)
        self.assertTrue(reply.endswith(b"meshc: bad request: more than 3 header fields\n"), reply)


class StreamIdleTimeoutTest(SidecarTestCase):
    """--stream-idle-timeout: a stream with no bytes moving in either direction ends."""

    @classmethod
    def start(cls):
        cls.scripted = ScriptedUpstream(SCRIPTS)
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=1, extra=["--stream-idle-timeout", "1"],
            endpoints=f"details.v1 127.0.0.1:{cls.scripted.port}\n")

    @classmethod
    def tearDownClass(cls):
        cls.scripted.close()
        super().tearDownClass()

    def exchange(self, request):
        # The fake upstream never ends these exchanges: the sidecar's timer must.
        return meshtest.exchange_until_close(self.ports["outbound"], request, timeout=6)

    def test_stalled_request_body_gets_408(self):
        reply = self.exchange(
            b"POST /silent HTTP/1.1\r\nHost: details\r\nContent-Length: 10\r\n\r\nab")
        self.assertTrue(reply.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), reply)

    def test_silent_upstream_gets_504(self):
        reply = self.exchange(b"GET /silent HTTP/1.1\r\nHost: details\r\n"
                                             b"Connection: close\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 504 Gateway Timeout\r\n"), reply)

    def test_upstream_stalling_mid_body_aborts_the_response(self):
        reply = self.exchange(b"GET /stall HTTP/1.1\r\nHost: details\r\n\r\n")
        head, body = split_response(reply)
        self.assertTrue(head.startswith(b"http/1.1 200"), reply)
        self.assertEqual(body, b"ab")

    def test_a_slow_but_moving_body_is_not_cut(self):
        reply = self.exchange(b"GET /slow HTTP/1.1\r\nHost: details\r\nConnection: close\r\n\r\n")
        self.assertEqual(split_response(reply)[1], b"xxxxxx", reply)


if __name__ == "__main__":
    unittest.main()
