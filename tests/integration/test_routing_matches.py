#!/usr/bin/env python3
"""Every way a rule can match a request, on the wire: `meshc compile` builds web-v1's sidecar from
examples/routing/routing.mesh, which runs on 127.0.0.1 in front of one upstream per subset of
catalog and images. Each upstream answers with its subset's name and the request line it received,
so a test sees both where a request went and which path the policy matched and forwarded.

Requests are written raw over one keep-alive connection per test: curl and http.client would
normalise or re-encode some of the paths and repeated fields these tests send as they are.

Usage: test_routing_matches.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import http.client
import os
import socket
import sys
import tempfile
import unittest

import meshtest
from fake_upstreams import EchoesRequestLine

MESHC, ROOT = sys.argv[1:3]
ROUTING = os.path.join(ROOT, "examples", "routing", "routing.mesh")
SUBSETS = ("catalog.v1", "catalog.v2", "catalog.canary",
           "images.cdn", "images.resizer", "images.legacy")


class RoutingMatches(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        out_dir = tempfile.mkdtemp(prefix="meshc-sidecars-", dir=cls.group.workdir)
        # Only the frontend calls other services: its sidecar is the one that routes.
        run = meshtest.run([MESHC, "compile", ROUTING, "-o", out_dir, "--workload", "web-v1"],
                           timeout=120)
        if run.returncode != 0:
            raise meshtest.MeshTestError(f"meshc compile failed:\n{run.stderr}")
        cls.upstreams = {name: EchoesRequestLine(name) for name in SUBSETS}
        # The discovery file points each subset at its upstream directly: one hop is enough to
        # see the routing decision and the forwarded path. Nothing is sent to the inbound
        # listener, so the sidecar needs no application.
        endpoints = "".join(f"{name} 127.0.0.1:{upstream.port}\n"
                            for name, upstream in cls.upstreams.items())
        _, cls.ports = meshtest.start_sidecar(
            cls.group, os.path.join(out_dir, "sidecar-web-v1"), endpoints=endpoints, workers=1,
            name="web-v1")

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            for upstream in cls.upstreams.values():
                upstream.close()

    def setUp(self):
        self.connection = socket.create_connection(("127.0.0.1", self.ports["outbound"]),
                                                   timeout=meshtest.DEFAULT_TIMEOUT)

    def tearDown(self):
        self.connection.close()

    def route(self, target, *headers, host="catalog", method="GET"):
        """Sends one request as written; returns (subset, the target the upstream received)."""
        fields = "".join(f"{field}\r\n" for field in (f"Host: {host}",) + headers)
        self.connection.sendall(f"{method} {target} HTTP/1.1\r\n{fields}\r\n".encode())
        response = http.client.HTTPResponse(self.connection)
        response.begin()
        body = response.read().decode()
        self.assertEqual(response.status, 200, f"{target} {headers}: {body}")
        self.assertFalse(response.will_close, "the sidecar keeps the connection")
        # "catalog.v2 GET /catalog/v2/items HTTP/1.1\nhost: catalog\n"
        subset, received_method, received_target, _ = body.split("\n")[0].split(" ")
        self.assertEqual(received_method, method)
        return subset, received_target

    def assert_routes(self, cases, host="catalog"):
        """cases: (target, headers tuple, subset); the target must arrive unchanged."""
        for target, headers, subset in cases:
            with self.subTest(target=target, headers=headers):
                self.assertEqual(self.route(target, *headers, host=host), (subset, target))

    def test_exact_path_comes_first(self):
        # path == "/healthz" => v1, before the preview header's rule.
        self.assert_routes([("/healthz", ("X-Preview: 1",), "catalog.v1"),
                            ("/healthz/", ("X-Preview: 1",), "catalog.canary"),
                            ("/healthz?x=1", ("X-Preview: 1",), "catalog.v1")])

    def test_segment_prefix_stops_at_a_segment_boundary(self):
        # path prefix "/catalog/v2" => v2
        self.assert_routes([("/catalog/v2", (), "catalog.v2"),
                            ("/catalog/v2/", (), "catalog.v2"),
                            ("/catalog/v2/items/42?x=1", (), "catalog.v2"),
                            ("/catalog/v2example", (), "catalog.v1"),
                            ("/catalog/v2.1/items", (), "catalog.v1"),
                            ("/catalog/v", (), "catalog.v1"),
                            # An encoded slash stays encoded: one segment, "v2%2Fitems".
                            ("/catalog/v2%2Fitems", (), "catalog.v1")])

    def test_byte_prefix_takes_any_continuation(self):
        # path starts_with "/images/legacy" => legacy
        self.assert_routes([("/images/legacy", (), "images.legacy"),
                            ("/images/legacy/logo.png", (), "images.legacy"),
                            ("/images/legacy-2019/logo.png", (), "images.legacy"),
                            ("/images/legacyfoo", (), "images.legacy"),
                            ("/images/legac", (), "images.resizer"),
                            ("/images/Legacy/logo.svg", (), "images.cdn")], host="images")

    def test_suffix_and_an_or_group_with_absent(self):
        # (path suffix ".png" and header "cookie" absent) or path suffix ".svg" => cdn
        self.assert_routes([("/images/red-shoes.png", (), "images.cdn"),
                            ("/images/red-shoes.png", ("Cookie: session=1",), "images.resizer"),
                            ("/images/red-shoes.png", ("Cookie:",), "images.resizer"),
                            ("/images/logo.svg", (), "images.cdn"),
                            ("/images/logo.svg", ("Cookie: session=1",), "images.cdn"),
                            ("/images/logo.svg.gz", (), "images.resizer"),
                            ("/images/red-shoes.PNG", (), "images.resizer")], host="images")

    def test_path_regex_is_a_full_match(self):
        # path matches "/catalog/items/[0-9]+" and not header "api-version" == "1" => v2
        self.assert_routes([("/catalog/items/42", (), "catalog.v2"),
                            ("/catalog/items/42/reviews", (), "catalog.v1"),
                            ("/catalog/items/42x", (), "catalog.v1"),
                            ("/catalog/items/", (), "catalog.v1"),
                            ("/shop/catalog/items/42", (), "catalog.v1")])
        # path matches "/images/[a-z-]+/[0-9]+x[0-9]+\\.(png|jpg)" or query "w" present => resizer
        self.assert_routes([("/images/red-shoes/200x100.png", (), "images.resizer"),
                            ("/images/red-shoes/200x100.jpg", (), "images.resizer"),
                            # A search would find the thumbnail's name in these; a full match not.
                            ("/old/images/red-shoes/200x100.png", (), "images.cdn"),
                            ("/images/red-shoes/200x100.png.svg", (), "images.cdn"),
                            ("/images/red-shoes/200x100.svg", (), "images.cdn"),
                            ("/images/logo.svg?w=64", (), "images.resizer"),
                            ("/images/logo.svg?w", (), "images.resizer"),
                            ("/images/logo.svg?width=64", (), "images.cdn")], host="images")

    def test_not_negates_one_condition(self):
        self.assert_routes([("/catalog/items/42", ("api-version: 1",), "catalog.v1"),
                            ("/catalog/items/42", ("api-version: 3",), "catalog.v2"),
                            ("/catalog/items/42", ("api-version: 1 ",), "catalog.v1")])

    def test_header_regex_sees_repeated_headers_joined(self):
        # path suffix ".png" and header "accept" matches ".*image/webp.*" => resizer
        self.assert_routes([("/images/red-shoes.png", ("Accept: text/html,image/webp,*/*",),
                             "images.resizer"),
                            ("/images/red-shoes.png", ("Accept: image/png",), "images.cdn"),
                            ("/images/red-shoes.png", ("Accept: image/png", "accept: image/webp"),
                             "images.resizer"),
                            ("/images/red-shoes.png", ("Accept: IMAGE/WEBP",), "images.cdn")],
                           host="images")

    def test_header_prefix_suffix_and_present(self):
        # header "user-agent" prefix "ShopApp/1." => v1, even for the v2 API
        self.assert_routes([("/catalog/v2/items", ("User-Agent: ShopApp/1.9 (iOS)",), "catalog.v1"),
                            ("/catalog/v2/items", ("User-Agent: ShopApp/10.0",), "catalog.v2"),
                            ("/catalog/v2/items", ("User-Agent: shopapp/1.9",), "catalog.v2")])
        # header "x-preview" present or query "preview" present => canary
        self.assert_routes([("/catalog/items/7", ("X-Preview: yes",), "catalog.canary"),
                            ("/catalog/items/7", ("x-preview:",), "catalog.canary"),
                            ("/catalog/items/7", ("X-Previews: yes",), "catalog.v2")])
        # header "x-user-email" suffix "@shop.example" and query "nocanary" absent => canary
        self.assert_routes([("/catalog/x", ("X-User-Email: ada@shop.example",), "catalog.canary"),
                            ("/catalog/x", ("X-User-Email: eve@shop.example.org",), "catalog.v1"),
                            ("/catalog/x?nocanary", ("X-User-Email: ada@shop.example",),
                             "catalog.v1"),
                            ("/catalog/x?nocanary=0", ("X-User-Email: ada@shop.example",),
                             "catalog.v1"),
                            ("/catalog/x?canary=no", ("X-User-Email: ada@shop.example",),
                             "catalog.canary")])

    def test_header_names_are_case_insensitive_and_repeats_are_joined(self):
        # header "api-version" == "2" or query "api-version" == "2" => v2
        self.assert_routes([("/catalog/x", ("api-version: 2",), "catalog.v2"),
                            ("/catalog/x", ("API-VERSION: 2",), "catalog.v2"),
                            ("/catalog/x", ("Api-Version:    2",), "catalog.v2"),
                            # "2,2" is not "2": one value cannot hide behind another.
                            ("/catalog/x", ("api-version: 2", "Api-Version: 2"), "catalog.v1"),
                            ("/catalog/x", ("api-version: 2", "api-version: 1"), "catalog.v1")])

    def test_query_equals_present_and_absent(self):
        # query "preview" present, query "api-version" == "2"
        self.assert_routes([("/catalog/x?preview", (), "catalog.canary"),
                            ("/catalog/x?preview=", (), "catalog.canary"),
                            ("/catalog/x?a=1&&preview=no", (), "catalog.canary"),
                            ("/catalog/x?previews=1", (), "catalog.v1"),
                            ("/catalog/x?Preview", (), "catalog.v1"),
                            ("/catalog/x?api-version=2", (), "catalog.v2"),
                            ("/catalog/x?api-version=2.0", (), "catalog.v1"),
                            # Names and values are percent-decoded; '+' stays '+'.
                            ("/catalog/x?api-version=%32", (), "catalog.v2"),
                            ("/catalog/x?api%2Dversion=2", (), "catalog.v2"),
                            ("/catalog/x?api-version=+2", (), "catalog.v1")])

    def test_the_first_of_a_repeated_query_parameter_counts(self):
        self.assert_routes([("/catalog/x?api-version=2&api-version=1", (), "catalog.v2"),
                            ("/catalog/x?api-version=1&api-version=2", (), "catalog.v1"),
                            ("/catalog/x?api-version&api-version=2", (), "catalog.v1"),
                            ("/catalog/item?id=42&id=x", (), "catalog.v2"),
                            ("/catalog/item?id=x&id=42", (), "catalog.v1")])

    def test_query_regex_prefix_and_suffix(self):
        # path == "/catalog/item" and query "id" matches "[0-9]+" => v2
        self.assert_routes([("/catalog/item?id=42", (), "catalog.v2"),
                            ("/catalog/item?id=42x", (), "catalog.v1"),
                            ("/catalog/item?id=", (), "catalog.v1"),
                            ("/catalog/item?id=%34%32", (), "catalog.v2")])
        # path == "/catalog/search" and query "sort" prefix "price" => v2
        self.assert_routes([("/catalog/search?q=shoes&sort=price_desc", (), "catalog.v2"),
                            ("/catalog/search?sort=price", (), "catalog.v2"),
                            ("/catalog/search?sort=rating", (), "catalog.v1"),
                            ("/catalog/search?sort=PRICE", (), "catalog.v1"),
                            ("/catalog/search?q=price", (), "catalog.v1")])
        # path == "/catalog/export" and query "file" suffix ".csv" => v2
        for method in ("GET", "POST"):
            self.assertEqual(self.route("/catalog/export?file=items.csv", method=method),
                             ("catalog.v2", "/catalog/export?file=items.csv"))
        self.assert_routes([("/catalog/export?file=items.csv.gz", (), "catalog.v1"),
                            ("/catalog/export?file=items%2Ecsv", (), "catalog.v2")])

    def test_rules_match_the_normalised_path_and_the_upstream_receives_it(self):
        for sent, subset, forwarded in (
                ("/catalog/x/../v2/items", "catalog.v2", "/catalog/v2/items"),
                ("/catalog/%76%32/items", "catalog.v2", "/catalog/v2/items"),
                ("/catalog/./v2", "catalog.v2", "/catalog/v2"),
                ("/catalog\\v2\\items", "catalog.v2", "/catalog/v2/items"),
                ("/catalog/v2/../items/42", "catalog.v2", "/catalog/items/42"),
                ("/catalog/v2/%2e%2e/v1", "catalog.v1", "/catalog/v1"),
                ("/../../healthz?x=/..", "catalog.v1", "/healthz?x=/.."),
                ("/catalog/items/4%32", "catalog.v2", "/catalog/items/42")):
            with self.subTest(sent=sent):
                self.assertEqual(self.route(sent), (subset, forwarded))
        self.assertEqual(self.route("/images/x/../legacy-2019/a.png", host="images"),
                         ("images.legacy", "/images/legacy-2019/a.png"))
        self.assertEqual(self.route("/images/legacy/../logo.svg", host="images"),
                         ("images.cdn", "/images/logo.svg"))
        # "." is unreserved: the suffix sees the decoded dot.
        self.assertEqual(self.route("/images/logo%2Esvg", host="images"),
                         ("images.cdn", "/images/logo.svg"))

    def test_an_absolute_url_is_matched_like_its_origin_form(self):
        # The host, path and query come from the URL; the Host header is another service's.
        self.assertEqual(self.route("http://catalog/catalog/x/../item?id=42", host="images"),
                         ("catalog.v2", "/catalog/item?id=42"))
        self.assertEqual(self.route("http://Catalog:8081/catalog/x?api-version=%32",
                                    host="images"),
                         ("catalog.v2", "/catalog/x?api-version=%32"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
