#!/usr/bin/env python3
"""How a request finds a service, on the wire: `meshc compile` builds the sidecars of
examples/addressing/addressing.mesh, which run on 127.0.0.1 in front of one upstream per subset of
the api service. curl, a real client, addresses the api by each of its names and ports through a
caller's sidecar (--connect-to sends the connection to the sidecar and leaves the URL's authority in
the Host header, as an application configured with a proxy does). Each upstream answers with its
subset's name and the request line and Host it received.

Routes that depend on the caller are compiled into each caller's own sidecar: the same request
goes to different subsets through different callers' sidecars.

Usage: test_addressing.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import os
import sys
import unittest

import meshtest
from fake_upstreams import EchoesRequestLine

MESHC, ROOT = sys.argv[1:3]
POLICY = os.path.join(ROOT, "examples", "addressing", "addressing.mesh")
SUBSETS = ("api.v1", "api.v2", "api.admin")
CALLERS = ("web-v1", "mobile-bff-v1", "mobile-bff-beta", "reports-v1")


class Addressing(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        out_dir = meshtest.compile_sidecars(MESHC, POLICY, cls.group.workdir, timeout=180)
        cls.upstreams = {name: EchoesRequestLine(name) for name in SUBSETS}
        endpoints = "".join(f"{name} 127.0.0.1:{upstream.port}\n"
                            for name, upstream in cls.upstreams.items())
        cls.outbound = {}
        for caller in CALLERS:
            _, ports = meshtest.start_sidecar(
                cls.group, os.path.join(out_dir, f"sidecar-{caller}"), endpoints=endpoints,
                workers=1, name=caller)
            cls.outbound[caller] = ports["outbound"]

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            for upstream in cls.upstreams.values():
                upstream.close()

    def curl(self, url, caller="web-v1"):
        """GETs `url` through the caller's sidecar; returns (status, body)."""
        authority = url.split("/")[2]
        host, _, port = authority.partition(":")
        run = meshtest.run(["curl", "-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}",
                            "--connect-to",
                            f"{host}:{port or 80}:127.0.0.1:{self.outbound[caller]}", url])
        self.assertEqual(run.returncode, 0, run.stderr)
        body, _, status = run.stdout.rpartition("\n")
        return int(status), body

    def assert_reaches(self, url, subset, caller="web-v1"):
        status, body = self.curl(url, caller)
        self.assertEqual(status, 200, f"{caller} {url}: {body}")
        self.assertEqual(body.split(" ")[0], subset, f"{caller} {url}: {body}")
        return body

    def test_every_dns_name_with_and_without_the_port(self):
        for name in ("api", "api.shop", "api.shop.svc", "api.shop.svc.cluster.local",
                     "API.Shop.svc"):
            for port in ("", ":8080"):
                with self.subTest(host=name + port):
                    body = self.assert_reaches(f"http://{name}{port}/items?id=1", "api.v1")
                    # The upstream gets the Host the client sent.
                    self.assertIn(f"GET /items?id=1 HTTP/1.1\nhost: {name}{port}\n", body)

    def test_extra_hosts_and_their_wildcard(self):
        for host in ("api.example.com", "eu.api.example.com", "a.b.api.example.com",
                     "api.example.com:8080"):
            with self.subTest(host=host):
                self.assert_reaches(f"http://{host}/items", "api.v1")

    def test_a_port_specific_route(self):
        for host in ("api:9090", "api.shop.svc.cluster.local:9090", "eu.api.example.com:9090"):
            with self.subTest(host=host):
                self.assert_reaches(f"http://{host}/stats", "api.admin")

    def test_unknown_hosts_and_ports_get_404(self):
        for host, shown in (("api:7070", "api:7070"), ("api.other", "api.other"),
                            ("example.com", "example.com"),
                            ("api.example.com.evil", "api.example.com.evil"),
                            ("api.shop.svc.cluster", "api.shop.svc.cluster")):
            with self.subTest(host=host):
                status, body = self.curl(f"http://{host}/items")
                self.assertEqual(status, 404, body)
                self.assertEqual(body, f'meshc: no route: host "{shown}" is not a service '
                                       f'workload "web-v1" may call\n')

    def test_routes_depend_on_the_caller(self):
        cases = (("web-v1", "/v2/cart", "api.v1"), ("web-v1", "/cart", "api.v1"),
                 ("mobile-bff-v1", "/v2/cart", "api.v2"), ("mobile-bff-v1", "/cart", "api.v1"),
                 ("mobile-bff-beta", "/cart", "api.v2"), ("reports-v1", "/export", "api.v1"))
        for caller, path, subset in cases:
            with self.subTest(caller=caller, path=path):
                self.assert_reaches(f"http://api{path}", subset, caller)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
