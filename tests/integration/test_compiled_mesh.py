#!/usr/bin/env python3
"""Compiled sidecars, end to end: `meshc compile` builds real sidecars from policies, which run on
127.0.0.1 in front of demo backends and are driven by curl, wrk and raw sockets.

Usage: test_compiled_mesh.py MESHC DEMO_BACKEND REPO_ROOT   (ctest passes them)
"""
import collections
import hashlib
import os
import re
import signal
import socket
import sys
import tempfile
import unittest

import meshtest

MESHC, BACKEND, ROOT = sys.argv[1:4]
BOOKINFO = os.path.join(ROOT, "examples", "bookinfo", "bookinfo.mesh")
EDGE = os.path.join(ROOT, "tests", "integration", "policies", "edge.mesh")
TEN_MB = 10 * 1024 * 1024


def compile_policy(policy, out_dir):
    run = meshtest.run([MESHC, "compile", policy, "-o", out_dir], timeout=300)
    if run.returncode != 0:
        raise meshtest.MeshTestError(f"meshc compile {policy} failed:\n{run.stderr}")
    return run.stdout.split(" digest ", 1)[1].split()[0]


def curl(*args, timeout=30):
    return meshtest.run(["curl", "-sS", "-m", str(timeout), *args], timeout=timeout + 5)


def issue_certificates(policy, workdir):
    """`meshc certs init` and `issue` for every workload of `policy`; returns the --certs dir."""
    certs = os.path.join(workdir, "certs")
    for step in ("init", "issue"):
        run = meshtest.run([MESHC, "certs", step, policy, "--dir", certs], timeout=60)
        if run.returncode != 0:
            raise meshtest.MeshTestError(f"meshc certs {step} failed:\n{run.stderr}")
    return certs


class CompiledMeshTestCase(meshtest.MeshTestCase):
    """Compiles a policy into the class's scratch directory, then starts_mesh(). Sidecars get
    --certs when the class has set `certs`."""

    certs = None

    @classmethod
    def start(cls):
        cls.sidecar_dir = tempfile.mkdtemp(prefix="meshc-sidecars-", dir=cls.group.workdir)
        cls.start_mesh()

    @classmethod
    def sidecar(cls, workload, endpoints, app_port, name=None):
        return meshtest.start_sidecar(cls.group, os.path.join(cls.sidecar_dir,
                                                              "sidecar-" + workload),
                                      endpoints=endpoints, app=f"127.0.0.1:{app_port}",
                                      workers=2, name=name or workload,
                                      extra=["--certs", cls.certs] if cls.certs else [])


class Bookinfo(CompiledMeshTestCase):
    """The example mesh with two hops: app -> productpage sidecar -> reviews sidecar -> app."""

    @classmethod
    def start_mesh(cls):
        cls.digest = compile_policy(BOOKINFO, cls.sidecar_dir)
        cls.certs = issue_certificates(BOOKINFO, cls.group.workdir)  # the mesh is strict
        cls.ports = {}
        # Start callees first: a caller's discovery file names its callees' inbound ports.
        order = [("ratings-v1", "ratings", "v1", []),
                 ("details-v1", "details", "v1", []),
                 ("reviews-v1", "reviews", "v1", ["ratings-v1"]),
                 ("reviews-v2", "reviews", "v2", ["ratings-v1"]),
                 ("reviews-v3", "reviews", "v3", ["ratings-v1"]),
                 ("productpage-v1", "productpage", "v1",
                  ["reviews-v1", "reviews-v2", "reviews-v3", "details-v1"])]
        for workload, service, version, callees in order:
            _, app_port = meshtest.start_demo_backend(cls.group, BACKEND, service, version)
            endpoints = "".join(
                f"{callee.rsplit('-', 1)[0]}.{callee.rsplit('-', 1)[1]} "
                f"127.0.0.1:{cls.ports[callee]['inbound']}\n" for callee in callees)
            _, ports = cls.sidecar(workload, endpoints, app_port)
            cls.ports[workload] = ports

    def outbound(self, workload="productpage-v1"):
        return self.ports[workload]["outbound"]

    def destinations(self, host, path, count, headers=()):
        """Sends `count` requests over one keep-alive curl; returns a Counter of response bodies."""
        args = ["-H", f"Host: {host}"]
        for header in headers:
            args += ["-H", header]
        url = f"http://127.0.0.1:{self.outbound()}{path}"
        run = curl(*args, "-w", "\\n", *([url] * count), timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        return collections.Counter(line for line in run.stdout.splitlines() if line)

    def test_jason_always_reaches_reviews_v2(self):
        seen = self.destinations("reviews", "/reviews/1", 100, ["end-user: jason"])
        self.assertEqual(seen, {"reviews v2": 100})

    def test_a_repeated_header_cannot_hide_a_value(self):
        # The policy sees "guest,jason" (repeats joined, as meshc test and explain see them), which
        # is not "jason": a second end-user field must not smuggle a request onto v2, nor may a
        # first one hide it from v2's rule.
        seen = self.destinations("reviews", "/health", 20, ["end-user: guest", "End-User: jason"])
        self.assertEqual(seen, {"reviews v1": 20})
        seen = self.destinations("reviews", "/health", 20, ["end-user: jason", "end-user: guest"])
        self.assertEqual(seen, {"reviews v1": 20})

    def test_split_sends_about_90_10_to_v1_and_v3(self):
        seen = self.destinations("reviews", "/reviews/7", 2000)
        self.assertEqual(set(seen), {"reviews v1", "reviews v3"}, seen)
        # Binomial(2000, 0.1) has a standard deviation of 0.67%: +-3% is over four of them.
        self.assertAlmostEqual(seen["reviews v3"] / 2000, 0.10, delta=0.03, msg=str(seen))

    def test_otherwise_and_single_subset_services(self):
        self.assertEqual(self.destinations("reviews", "/health", 20), {"reviews v1": 20})
        self.assertEqual(self.destinations("details", "/details/1", 20), {"details v1": 20})
        self.assertEqual(self.destinations("ratings", "/ratings/1", 1),
                         {"meshc: no route: host \"ratings\" is not a service workload "
                          "\"productpage-v1\" may call": 1})

    def test_second_hop_from_reviews_to_ratings(self):
        status, _, body = meshtest.http_request(self.outbound("reviews-v2"), "/ratings/1",
                                                headers={"Host": "ratings"})
        self.assertEqual((status, body), (200, b"ratings v1\n"))

    def test_keep_alive_one_connection_for_many_requests(self):
        url = f"http://127.0.0.1:{self.outbound()}/reviews/1"
        run = curl("-H", "Host: reviews", "-H", "end-user: jason", "-o", "/dev/null", "-o",
                   "/dev/null", "-o", "/dev/null", "-w", "%{num_connects}\\n", url, url, url)
        self.assertEqual(run.stdout.split(), ["1", "0", "0"], run.stderr)

    def test_chunked_10mb_upload_passes_intact(self):
        payload = bytes(i * 7 % 256 for i in range(256)) * (TEN_MB // 256)
        path = self.group.path("upload.bin")
        with open(path, "wb") as f:
            f.write(payload)
        run = curl("-H", "Host: details", "-H", "Transfer-Encoding: chunked", "--data-binary",
                   f"@{path}", f"http://127.0.0.1:{self.outbound()}/sha256")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.split(), [hashlib.sha256(payload).hexdigest(), str(TEN_MB)])

    def test_chunked_10mb_download_passes_intact(self):
        path = self.group.path("download.bin")
        run = curl("-H", "Host: reviews", "-H", "end-user: jason", "-o", path, "-D", "-",
                   f"http://127.0.0.1:{self.outbound()}/bytes?n={TEN_MB}")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("transfer-encoding: chunked", run.stdout.lower())
        with open(path, "rb") as f:
            data = f.read()
        expected = bytes(i % 251 for i in range(251)) * (TEN_MB // 251 + 1)
        self.assertEqual(hashlib.sha256(data).hexdigest(),
                         hashlib.sha256(expected[:TEN_MB]).hexdigest())

    def test_wrk_through_two_hops_has_no_errors(self):
        script = self.group.path("host.lua")
        with open(script, "w") as f:
            f.write('wrk.headers["Host"] = "reviews"\nwrk.headers["end-user"] = "jason"\n')
        run = meshtest.run(["wrk", "-t1", "-c8", "-d2s", "-s", script,
                            f"http://127.0.0.1:{self.outbound()}/reviews/1"], timeout=30)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertNotIn("Non-2xx", run.stdout)
        self.assertNotIn("Socket errors", run.stdout)
        requests = int(run.stdout.split(" requests in ")[0].split()[-1])
        self.assertGreater(requests, 100, run.stdout)

    def test_every_sidecar_reports_the_compiled_digest(self):
        for workload, ports in self.ports.items():
            status, _, body = meshtest.http_request(ports["admin"], "/config")
            self.assertEqual(status, 200)
            self.assertIn(f'"policy_digest":"{self.digest}"', body.decode().replace(" ", ""),
                          workload)

    def test_stats_count_requests_by_destination_version(self):
        self.destinations("reviews", "/reviews/1", 10, ["end-user: jason"])
        _, _, body = meshtest.http_request(self.ports["productpage-v1"]["admin"], "/stats")
        lines = [line for line in body.decode().splitlines()
                 if line.startswith("istio_requests_total{") and 'reporter="source"' in line
                 and 'destination_version="v2"' in line and 'response_code="200"' in line]
        self.assertEqual(len(lines), 1, body.decode())
        self.assertGreaterEqual(int(lines[0].rsplit(" ", 1)[1]), 10)


class EdgeCases(CompiledMeshTestCase):
    """Error statuses and drain of a compiled sidecar (tests/integration/policies/edge.mesh)."""

    @classmethod
    def start_mesh(cls):
        compile_policy(EDGE, cls.sidecar_dir)
        _, cls.app_port = meshtest.start_demo_backend(cls.group, BACKEND, "api", "live")
        endpoints = (f"api.live 127.0.0.1:{cls.app_port}\n"
                     f"api.dead 127.0.0.1:{meshtest.unused_port()}\n")
        cls.process, cls.ports = cls.sidecar("client-v1", endpoints, cls.app_port)

    def request(self, path, case=None, host="api"):
        headers = {"Host": host}
        if case:
            headers["x-case"] = case
        return meshtest.http_request(self.ports["outbound"], path, headers=headers)

    def test_live_route(self):
        self.assertEqual(self.request("/x")[::2], (200, b"api live\n"))

    def test_unknown_host_is_404(self):
        status, headers, body = self.request("/", host="nobody")
        self.assertEqual(status, 404)
        self.assertEqual(headers["content-type"], "text/plain")
        self.assertIn(b"no route", body)

    def test_dead_endpoint_is_502(self):
        status, _, body = self.request("/", case="dead")
        self.assertEqual(status, 502)
        self.assertIn(b"api.dead", body)

    def test_cluster_without_endpoints_is_503(self):
        status, _, body = self.request("/", case="empty")
        self.assertEqual(status, 503)
        self.assertIn(b"no healthy endpoints for cluster api.empty", body)

    def test_route_timeout_is_504_in_time(self):
        # The backend would answer after 3 s: a 504 naming the rule's timeout is the sidecar's.
        status, _, body = self.request("/delay?ms=3000", case="slow")
        self.assertEqual(status, 504)
        self.assertIn(b"within", body)
        # Without the slow rule's timeout the same request succeeds.
        self.assertEqual(self.request("/delay?ms=400")[0], 200)

    def test_malformed_request_is_400_and_serving_continues(self):
        reply = meshtest.raw_exchange(self.ports["outbound"], b"GARBAGE\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply[:80])
        self.assertEqual(self.request("/x")[0], 200)

    def series(self, code, flags):
        """The count of the outbound series of api with this code and flags in /stats, or 0."""
        _, _, body = meshtest.http_request(self.ports["admin"], "/stats")
        pattern = re.compile(r'istio_requests_total\{reporter="source",[^}]*'
                             r'destination_service_name="api",[^}]*'
                             rf'response_code="{code}",response_flags="{flags}"\}} (\d+)')
        return sum(int(count) for count in pattern.findall(body.decode()))

    def test_the_sidecars_own_answers_are_flagged(self):
        self.assertEqual(self.request("/", case="dead")[0], 502)
        self.assertEqual(self.request("/", case="empty")[0], 503)
        self.assertEqual(self.request("/x")[0], 200)
        # A request is counted once its exchange ends, which may be just after the client reads.
        meshtest.wait_until(lambda: self.series(502, "UF") > 0, timeout=5,
                            what="a 502 with UF (upstream connection failure) in /stats")
        meshtest.wait_until(lambda: self.series(503, "UH") > 0, timeout=5,
                            what="a 503 with UH (no healthy upstream) in /stats")
        meshtest.wait_until(lambda: self.series(200, "-") > 0, timeout=5,
                            what="a 200 without flags in /stats")
        self.assertEqual(self.request("/", host="nobody")[0], 404)
        meshtest.wait_until(
            lambda: re.search(rb'destination_cluster="unknown",response_code="404",'
                              rb'response_flags="NR"\} [1-9]',
                              meshtest.http_request(self.ports["admin"], "/stats")[2]),
            timeout=5, what="a 404 with NR (no route) in /stats")

    def test_a_client_gone_mid_upload_counts_as_0_with_dc(self):
        before = self.series(0, "DC")
        # /sha256 answers only after the whole body: the client leaves while the sidecar waits.
        with socket.create_connection(("127.0.0.1", self.ports["outbound"]), timeout=5) as client:
            client.sendall(b"POST /sha256 HTTP/1.1\r\nHost: api\r\n"
                           b"Content-Length: 1000000\r\n\r\n")
            client.sendall(b"x" * 50000)
        # It got no response: code 0, and the flag says the client left (Envoy's DC).
        meshtest.wait_until(lambda: self.series(0, "DC") == before + 1, timeout=5,
                            what="the abandoned upload as code 0 with DC in /stats")
        _, _, body = meshtest.http_request(self.ports["admin"], "/stats")
        self.assertNotRegex(body.decode(), r'response_code="0"\}',
                            "a code-0 series without a flag saying why")

    def test_z_drain_on_sigterm_finishes_in_flight_requests(self):
        # Runs last in this class (unittest orders by name): the sidecar does not survive it.
        # The request is sent before the signal: from there on the sidecar must answer it.
        with socket.create_connection(("127.0.0.1", self.ports["outbound"]), timeout=10) as s:
            s.sendall(b"GET /delay?ms=1500 HTTP/1.1\r\nHost: api\r\n\r\n")
            self.process.send_signal(signal.SIGTERM)
            meshtest.wait_until(lambda: meshtest.is_refused(self.ports["outbound"]), timeout=1.0,
                                what="the listener to close on SIGTERM")
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 OK\r\n"), reply)
        self.assertIn(b"\r\nconnection: close\r\n", reply.lower())
        self.assertTrue(reply.endswith(b"\r\n\r\napi live\n"), reply)
        self.assertEqual(self.process.wait(timeout=10), 0)

if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
