#!/usr/bin/env python3
"""End-to-end tests of the sidecar runtime: the fixture sidecar (tests/runtime/fixture_module.c,
a hand-written stand-in for compiler output, linked with libmeshrt.a) in front of demo-backends,
driven by curl, wrk and raw sockets on 127.0.0.1.

Environment (set by CMake): MESHTEST_SIDECAR, MESHTEST_SIDECAR_WRONG_ABI, MESHTEST_DEMO_BACKEND;
PYTHONPATH must include tests/integration (for meshtest).
"""

import hashlib
import json
import os
import re
import socket
import subprocess
import threading
import time
import unittest

import meshtest
from fake_upstreams import (BrokenUpstream, ClosesSecondRequest, ScriptedUpstream, send_endless,
                            wait_for_close)
from sidecar_testing import (BACKEND, SIDECAR, KeepAliveClient, SidecarTestCase, curl,
                             upstream_connections)

TEN_MB = 10 * 1024 * 1024


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


def split_response(reply):
    """(head lower-cased, body) of a raw reply."""
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.lower(), body


class ProxyTest(SidecarTestCase):
    @classmethod
    def start(cls):
        group = cls.group
        _, cls.v1a = meshtest.start_demo_backend(group, BACKEND, "reviews", "v1a")
        _, cls.v1b = meshtest.start_demo_backend(group, BACKEND, "reviews", "v1b")
        _, cls.v2 = meshtest.start_demo_backend(group, BACKEND, "reviews", "v2")
        _, ratings = meshtest.start_demo_backend(group, BACKEND, "ratings", "v1")
        _, cls.app = meshtest.start_demo_backend(group, BACKEND, "productpage", "v1")
        cls.dead = meshtest.unused_port()
        endpoints = (f"# written by {__file__}\n"
                     f"reviews.v1 127.0.0.1:{cls.v1a} 127.0.0.1:{cls.v1b}\n"
                     f"reviews.v2 127.0.0.1:{cls.v2}\n"
                     f"details.v1 127.0.0.1:{cls.dead}   # nothing listens here\n"
                     f"ratings.v1 127.0.0.1:{ratings}\n")
        cls.sidecar, cls.ports = meshtest.start_sidecar(group, SIDECAR, endpoints=endpoints,
                                                        app=f"127.0.0.1:{cls.app}")

    def test_ready_file_has_actual_ports(self):
        self.assertEqual(sorted(self.ports), ["admin", "inbound", "outbound"])
        for port in self.ports.values():
            self.assertGreater(port, 0)

    def test_routes_by_host_and_header_to_clusters(self):
        status, headers, body = meshtest.http_request(
            self.ports["outbound"], "/", headers={"Host": "reviews", "end-user": "jason"})
        self.assertEqual((status, body), (200, b"reviews v2\n"))
        self.assertEqual(headers["x-mesh-upstream-cluster"], "reviews.v2")
        status, headers, body = meshtest.http_request(self.ports["outbound"], "/",
                                                      headers={"Host": "Reviews:9080"})
        self.assertEqual(status, 200)
        self.assertIn(body, (b"reviews v1a\n", b"reviews v1b\n"))
        self.assertEqual(headers["x-mesh-upstream-cluster"], "reviews.v1")

    def test_absolute_form_target_is_routed_and_rewritten(self):
        reply = meshtest.raw_exchange(
            self.ports["outbound"],
            b"GET http://reviews:9080/headers?x=1 HTTP/1.1\r\nHost: other\r\n"
            b"end-user: jason\r\nConnection: close\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply)
        self.assertIn(b"x-mesh-upstream-cluster: reviews.v2", reply)
        self.assertIn(b"Host: reviews:9080\n", reply)

    def test_round_robin_alternates_between_endpoints(self):
        # One keep-alive connection stays on one worker, whose cursor alternates.
        urls = [f"http://127.0.0.1:{self.ports['outbound']}/{i}" for i in range(6)]
        result = curl("-H", "Host: reviews", *urls)
        self.assertEqual(result.returncode, 0, result.stderr)
        answers = result.stdout.splitlines()
        self.assertEqual(len(answers), 6)
        self.assertEqual(set(answers), {"reviews v1a", "reviews v1b"})
        for previous, current in zip(answers, answers[1:]):
            self.assertNotEqual(previous, current, answers)

    def test_downstream_keep_alive_reuses_the_connection(self):
        args = []
        for i in range(3):
            args += ["-o", "/dev/null", f"http://127.0.0.1:{self.ports['outbound']}/k{i}"]
        result = curl("-w", "%{num_connects} ", "-H", "Host: reviews", *args)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["1", "0", "0"])

    def test_upstream_connections_are_pooled(self):
        # Same downstream connection, hence same worker: the second request must reuse the
        # pooled upstream connection (the backend numbers its connections).
        result = curl("-D", "-", "-o", "/dev/null", "-H", "Host: reviews", "-H", "end-user: jason",
                      f"http://127.0.0.1:{self.ports['outbound']}/p1",
                      f"http://127.0.0.1:{self.ports['outbound']}/p2")
        numbers = re.findall(r"x-backend-connection: (\d+)", result.stdout)
        self.assertEqual(len(numbers), 2, result.stdout)
        self.assertEqual(numbers[0], numbers[1])

    def test_chunked_upload_of_10mb_streams_intact(self):
        path = self.group.path("upload.bin")
        data = os.urandom(TEN_MB)
        with open(path, "wb") as f:
            f.write(data)
        result = self.outbound("/sha256", "reviews", "-H", "Transfer-Encoding: chunked",
                               "--data-binary", f"@{path}", timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, f"{hashlib.sha256(data).hexdigest()} {TEN_MB}\n")

    def test_chunked_download_of_10mb_streams_intact(self):
        path = self.group.path("download.bin")
        result = self.outbound(f"/bytes?n={TEN_MB}", "reviews", "-o", path, "-D", "-",
                               timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("transfer-encoding: chunked", result.stdout.lower())
        with open(path, "rb") as f:
            data = f.read()
        self.assertEqual(len(data), TEN_MB)
        expected = bytes(range(251)) * (TEN_MB // 251 + 1)
        self.assertEqual(data, expected[:TEN_MB])

    def test_bodies_move_in_large_pieces(self):
        # The sidecar re-chunks what it reads; tiny chunks would mean a system call per few
        # hundred bytes (as when a read buffer keeps the capacity a header needed).
        size = 2 * 1024 * 1024
        reply = meshtest.raw_exchange(
            self.ports["outbound"],
            f"GET /bytes?n={size} HTTP/1.1\r\nHost: reviews\r\nConnection: close\r\n\r\n"
            .encode(), timeout=10)
        body = reply.partition(b"\r\n\r\n")[2]
        chunks = []
        while body:
            line, _, body = body.partition(b"\r\n")
            length = int(line.split(b";")[0], 16)
            if length == 0:
                break
            chunks.append(length)
            body = body[length + 2:]
        self.assertEqual(sum(chunks), size)
        self.assertGreater(size / len(chunks), 4096, f"{len(chunks)} chunks")

    def test_echo_streams_both_directions_at_once(self):
        # The backend answers while the upload is still running; a proxy that sent the whole
        # request before reading the response would deadlock once the buffers fill.
        path = self.group.path("echo.bin")
        data = os.urandom(TEN_MB)
        with open(path, "wb") as f:
            f.write(data)
        out = self.group.path("echo.out")
        result = self.outbound("/echo", "reviews", "-H", "Transfer-Encoding: chunked",
                               "--data-binary", f"@{path}", "-o", out, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(out, "rb") as f:
            self.assertTrue(f.read() == data, "echoed body differs")

    def test_unknown_host_gets_404(self):
        status, headers, body = meshtest.http_request(self.ports["outbound"], "/",
                                                      headers={"Host": "nope.example"})
        self.assertEqual(status, 404)
        self.assertEqual(headers["content-type"], "text/plain")
        self.assertEqual(body, b'meshc: no route: host "nope.example" is not a service workload '
                               b'"productpage-v1" may call\n')

    def test_error_response_reaches_a_client_still_sending_its_body(self):
        # The sidecar refuses the request without reading its body, while a client without
        # Expect: 100-continue goes on uploading. Had the sidecar closed at once, the rest of the
        # upload would meet a reset (and a reset can destroy a response the client has not read
        # yet): it must discard the body for a while, then end the connection cleanly.
        head = b"POST / HTTP/1.1\r\nHost: nope.example\r\nContent-Length: 262144\r\n\r\n"
        with socket.create_connection(("127.0.0.1", self.ports["outbound"]), timeout=10) as s:
            s.sendall(head)
            reply = b""
            while not reply.endswith(b" may call\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
            for _ in range(16):
                s.sendall(b"x" * 16384)
            self.assertEqual(s.recv(65536), b"", "the sidecar sent more than the response")
        head, body = split_response(reply)
        self.assertTrue(head.startswith(b"http/1.1 404"), reply[:200])
        self.assertIn(b"connection: close", head)
        self.assertEqual(body, b'meshc: no route: host "nope.example" is not a service workload '
                               b'"productpage-v1" may call\n')

    def test_a_local_answer_never_takes_the_request_body_for_the_next_request(self):
        # The sidecar answers these itself without reading the body: keeping the connection
        # would parse the body (here, a whole request) as the next request.
        smuggled = b"GET /smuggled HTTP/1.1\r\nHost: reviews\r\n\r\n"
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(smuggled), smuggled)
        cases = {
            b"POST / HTTP/1.1\r\nHost: nope.example\r\n": b"HTTP/1.1 404",
            b"POST /forbidden/x HTTP/1.1\r\nHost: details\r\n": b"HTTP/1.1 404",
            b"POST /a#fragment HTTP/1.1\r\nHost: reviews\r\n": b"HTTP/1.1 400",
        }
        for head, status in cases.items():
            for framing, body in ((b"Content-Length: %d\r\n" % len(smuggled), smuggled),
                                  (b"Transfer-Encoding: chunked\r\n", chunked)):
                with socket.create_connection(("127.0.0.1", self.ports["outbound"]),
                                              timeout=10) as s:
                    s.sendall(head + framing + b"\r\n" + body)
                    s.shutdown(socket.SHUT_WR)
                    reply = b""
                    while chunk := s.recv(65536):
                        reply += chunk
                self.assertTrue(reply.startswith(status), (head, framing, reply))
                self.assertEqual(reply.count(b"HTTP/1.1 "), 1, (head, framing, reply))
                self.assertIn(b"\r\nconnection: close\r\n", reply.lower())

    def test_no_matching_rule_gets_404(self):
        status, _, body = meshtest.http_request(self.ports["outbound"], "/forbidden/x",
                                                headers={"Host": "details"})
        self.assertEqual(status, 404)
        self.assertIn(b"no rule of service \"details\" matches GET /forbidden/x", body)

    def test_dead_endpoint_gets_502(self):
        status, headers, body = meshtest.http_request(self.ports["outbound"], "/",
                                                      headers={"Host": "details"})
        self.assertEqual(status, 502)
        self.assertEqual(headers["content-type"], "text/plain")
        self.assertIn(f"cannot connect to 127.0.0.1:{self.dead} of cluster details.v1".encode(),
                      body)

    def test_empty_cluster_gets_503(self):
        status, _, body = meshtest.http_request(self.ports["outbound"], "/v3/x",
                                                headers={"Host": "reviews"})
        self.assertEqual(status, 503)
        self.assertEqual(body, b"meshc: no healthy endpoints for cluster reviews.v3\n")

    def test_route_timeout_gets_504_in_time(self):
        # The backend would answer after 3 s: a 504 naming the route timeout is the sidecar's.
        status, _, body = meshtest.http_request(self.ports["outbound"], "/delay?ms=3000",
                                                headers={"Host": "ratings"})
        self.assertEqual(status, 504)
        self.assertIn(b"within 300 ms", body)
        # Within the timeout, the same route answers normally.
        status, _, body = meshtest.http_request(self.ports["outbound"], "/delay?ms=50",
                                                headers={"Host": "ratings"})
        self.assertEqual((status, body), (200, b"ratings v1\n"))

    def test_timeout_while_the_body_streams_aborts_the_response(self):
        # The header comes at once but the body takes about 540 ms: when the 300 ms route timeout
        # fires mid-body the sidecar can only cut the connection, so the client sees a truncated
        # response instead of a complete-looking one.
        size = 10 * 16384
        result = self.outbound(f"/bytes?n={size}&pause_ms=60", "ratings", "-o", "/dev/null",
                               "-w", "%{http_code} %{size_download}")
        self.assertNotEqual(result.returncode, 0, "curl must see the transfer cut short")
        code, received = result.stdout.split()
        self.assertEqual(code, "200")
        self.assertLess(int(received), size)

    def test_malformed_requests_get_400_and_the_sidecar_keeps_serving(self):
        for payload in (b"GARBAGE\r\n\r\n",
                        b"GET / HTTP/1.1\r\nHost: reviews\r\nContent-Length: x\r\n\r\n",
                        b"GET / HTTP/1.1\r\nHost: reviews\r\nTransfer-Encoding: chunked\r\n\r\n"
                        b"zz\r\n",
                        # Read whole, this one leaves the connection usable: the client ends it.
                        b"GET / HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n",
                        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(40)):
            reply = meshtest.raw_exchange(self.ports["outbound"], payload, timeout=5)
            self.assertTrue(reply.startswith(b"HTTP/1.1 400 Bad Request\r\n"), (payload, reply))
        status, _, _ = meshtest.http_request(self.ports["outbound"], "/",
                                             headers={"Host": "reviews"})
        self.assertEqual(status, 200)

    def test_hop_by_hop_headers_are_dropped_and_a_request_id_added(self):
        status, headers, body = meshtest.http_request(
            self.ports["outbound"], "/headers",
            headers={"Host": "reviews", "Connection": "keep-alive, X-Secret",
                     "X-Secret": "1", "Keep-Alive": "timeout=5", "TE": "trailers",
                     "Proxy-Connection": "keep-alive", "Upgrade": "h2c", "X-Kept": "yes"})
        self.assertEqual(status, 200)
        names = [line.split(":")[0].lower() for line in body.decode().splitlines()]
        for dropped in ("connection", "x-secret", "keep-alive", "te", "proxy-connection",
                        "upgrade"):
            self.assertNotIn(dropped, names)
        self.assertIn("x-kept", names)
        self.assertRegex(body.decode(), r"x-request-id: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-")
        self.assertNotIn("keep-alive", headers)
        # A request id the client sent is kept.
        _, _, body = meshtest.http_request(self.ports["outbound"], "/headers",
                                           headers={"Host": "reviews", "x-request-id": "abc"})
        self.assertIn(b"x-request-id: abc\n", body)

    def test_an_unusable_request_id_is_replaced(self):
        fresh = rb"x-request-id: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\n"

        def forwarded(request_id):
            return meshtest.raw_exchange(
                self.ports["outbound"], b"GET /headers HTTP/1.1\r\nHost: reviews\r\n"
                b"x-request-id: %s\r\nConnection: close\r\n\r\n" % request_id)

        # (A control character never gets this far: the parser refuses it with 400.)
        for given in (b"a" * 129, b"caf\xc3\xa9", b"a b"):
            reply = forwarded(given)
            self.assertTrue(reply.startswith(b"HTTP/1.1 200 OK\r\n"), reply)
            self.assertRegex(reply, fresh)
            self.assertNotIn(given, reply)
        longest = b"a" * 128
        self.assertIn(b"x-request-id: %s\n" % longest, forwarded(longest))

    def test_via_names_the_sidecar_on_requests_and_responses(self):
        status, headers, body = meshtest.http_request(self.ports["outbound"], "/headers",
                                                      headers={"Host": "reviews"})
        self.assertEqual(status, 200)
        self.assertIn(b"via: 1.1 meshc\n", body)
        self.assertEqual(headers["via"], "1.1 meshc")
        # Appended to the list the request carries; the version is the one the client spoke.
        reply = meshtest.raw_exchange(self.ports["outbound"],
                                      b"GET /headers HTTP/1.0\r\nHost: reviews\r\n"
                                      b"Via: 1.1 fred\r\nVia: 1.0 edge\r\n\r\n")
        self.assertIn(b"via: 1.1 fred, 1.0 edge, 1.0 meshc\n", reply)

    def test_http10_and_connection_close_are_honoured(self):
        reply = meshtest.raw_exchange(self.ports["outbound"],
                                      b"GET /bytes?n=300 HTTP/1.0\r\nHost: reviews\r\n\r\n")
        head, _, body = reply.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.0 200"), head)
        self.assertNotIn(b"chunked", head.lower(), "an HTTP/1.0 client cannot parse chunks")
        self.assertEqual(body, bytes(range(251)) + bytes(range(49)))
        reply = meshtest.exchange_until_close(
            self.ports["outbound"],
            b"GET / HTTP/1.1\r\nHost: reviews\r\nConnection: close\r\n\r\n")
        self.assertIn(b"Connection: close\r\n", reply)

    def test_inbound_forwards_to_the_app(self):
        status, headers, body = meshtest.http_request(self.ports["inbound"], "/anything",
                                                      headers={"Host": "productpage"})
        self.assertEqual((status, body), (200, b"productpage v1\n"))
        self.assertNotIn("x-mesh-upstream-cluster", headers)

    def test_admin_endpoints(self):
        admin = self.ports["admin"]
        self.assertEqual(meshtest.http_request(admin, "/ready")[::2], (200, b"ready\n"))
        meshtest.http_request(self.ports["outbound"], "/", headers={"Host": "reviews"})
        meshtest.http_request(self.ports["inbound"], "/", headers={"Host": "productpage"})
        # A request is counted once its response is out: the client may ask first.
        inbound_counted = re.compile(rb'istio_requests_total\{reporter="destination",[^}]*'
                                     rb'destination_service_name="productpage"')
        meshtest.wait_until(
            lambda: inbound_counted.search(meshtest.http_request(admin, "/stats")[2]),
            timeout=5, what="the inbound request in /stats")
        status, headers, body = meshtest.http_request(admin, "/stats")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
        text = body.decode()
        self.assertRegex(text, r'istio_requests_total\{reporter="source",source_workload='
                               r'"productpage-v1",destination_service_name="reviews",'
                               r'destination_version="v1",destination_cluster="reviews.v1",'
                               r'response_code="200",response_flags="-"\} [1-9]')
        self.assertRegex(text, r'istio_requests_total\{reporter="destination",[^}]*'
                               r'destination_service_name="productpage"[^}]*response_code="200",'
                               r'response_flags="-"\}')
        self.assertRegex(text, r'istio_request_duration_milliseconds_bucket\{[^}]*le="\+Inf"\}')
        self.assertRegex(text, r"meshc_upstream_connections_active \d+")
        self.assertRegex(text, r"meshc_upstream_connect_failures_total \d+")
        status, headers, body = meshtest.http_request(admin, "/config")
        self.assertEqual(status, 200)
        config = json.loads(body)
        self.assertEqual(config["workload"], "productpage-v1")
        self.assertEqual(config["abi_version"], 3)
        self.assertTrue(config["policy_digest"].startswith("sha256:"))
        clusters = {c["name"]: c for c in config["clusters"]}
        self.assertEqual(clusters["reviews.v1"]["endpoints"],
                         [f"127.0.0.1:{self.v1a}", f"127.0.0.1:{self.v1b}"])
        self.assertEqual(clusters["reviews.v3"]["endpoints"], [])
        rules = [r for r in config["rules"] if r["service"] == "ratings"]
        self.assertEqual([(r["location"], r["timeout_ms"]) for r in rules],
                         [("fixture.mesh:12:5", 300)])
        self.assertEqual(meshtest.http_request(admin, "/nope")[0], 404)

    def test_wrk_load_has_no_errors(self):
        result = meshtest.run(["wrk", "-t1", "-c8", "-d2s", "-H", "Host: reviews",
                               f"http://127.0.0.1:{self.ports['outbound']}/"], timeout=20)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("Non-2xx", result.stdout, result.stdout)
        self.assertNotIn("Socket errors", result.stdout, result.stdout)
        requests = int(re.search(r"(\d+) requests in", result.stdout).group(1))
        self.assertGreater(requests, 1000, result.stdout)
        print(f"\nwrk through the sidecar: {result.stdout.strip().splitlines()[-2]}")


class UpstreamFailureTest(SidecarTestCase):
    """Upstreams that misbehave: closed pooled connections, broken responses."""

    @classmethod
    def start(cls):
        cls.backend, cls.port = meshtest.start_demo_backend(cls.group, BACKEND, "reviews", "v2")
        cls.broken = BrokenUpstream()
        cls.flaky = ClosesSecondRequest()
        cls.sidecar, cls.ports = meshtest.start_sidecar(
            cls.group, SIDECAR, workers=1,
            endpoints=(f"reviews.v2 127.0.0.1:{cls.port}\n"
                       f"details.v1 127.0.0.1:{cls.broken.port}\n"
                       f"ratings.v1 127.0.0.1:{cls.flaky.port}\n"))

    @classmethod
    def tearDownClass(cls):
        cls.broken.close()
        cls.flaky.close()
        super().tearDownClass()

    def test_request_failing_on_a_stale_pooled_connection_is_retried_once(self):
        before = self.flaky.connections
        for _ in range(2):
            status, _, body = meshtest.http_request(self.ports["outbound"], "/",
                                                    headers={"Host": "ratings"})
            self.assertEqual((status, body), (200, b"ok\n"))
        # The second request went out on the pooled connection, died there, then succeeded on
        # a new one.
        self.assertEqual(self.flaky.connections - before, 2)

    def test_non_idempotent_request_is_not_retried_on_a_stale_pooled_connection(self):
        before = self.flaky.connections
        status, _, _ = meshtest.http_request(self.ports["outbound"], "/",
                                             headers={"Host": "ratings"})
        self.assertEqual(status, 200)
        # The POST dies on the pooled connection; sending it again could apply it twice.
        status, _, body = meshtest.http_request(self.ports["outbound"], "/", method="POST",
                                                headers={"Host": "ratings"})
        self.assertEqual(status, 502, body)
        self.assertEqual(self.flaky.connections - before, 1)

    def test_malformed_upstream_response_gets_502(self):
        status, _, body = meshtest.http_request(self.ports["outbound"], "/",
                                                headers={"Host": "details"})
        self.assertEqual(status, 502)
        self.assertIn(b"of cluster details.v1 failed before responding", body)

    def test_backend_restart_behind_pooled_connections(self):
        jason = ("-H", "end-user: jason")
        self.assertEqual(self.outbound("/", "reviews", *jason).stdout, "reviews v2\n")
        # Restart the backend on the same port: the pooled connection is now closed by its peer.
        self.backend.stop()
        backend = self.group.start("backend-restarted", [
            BACKEND, "--listen", f"127.0.0.1:{self.port}", "--service", "reviews", "--version",
            "v2-restarted", "--ready-file", self.group.path("backend-restarted.ready")])
        backend.wait_ready()
        for _ in range(3):
            result = self.outbound("/", "reviews", *jason)
            self.assertEqual(result.stdout, "reviews v2-restarted\n", result.stderr)


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
