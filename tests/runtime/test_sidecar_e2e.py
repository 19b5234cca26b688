#!/usr/bin/env python3
"""End-to-end tests of the sidecar runtime's request path: the fixture sidecar
(tests/runtime/fixture_module.c, a hand-written stand-in for compiler output, linked with
libmeshrt.a) in front of demo-backends, driven by curl, wrk and raw sockets on 127.0.0.1.

Environment (set by CMake): MESHTEST_SIDECAR, MESHTEST_SIDECAR_WRONG_ABI, MESHTEST_DEMO_BACKEND;
PYTHONPATH must include tests/integration (for meshtest).
"""

import hashlib
import json
import os
import re
import socket
import unittest

import meshtest
from fake_upstreams import BrokenUpstream, ClosesSecondRequest
from sidecar_testing import BACKEND, SIDECAR, SidecarTestCase, curl, split_response

TEN_MB = 10 * 1024 * 1024


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
        self.assertEqual(config["abi_version"], 4)
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


if __name__ == "__main__":
    unittest.main()
