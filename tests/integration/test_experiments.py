#!/usr/bin/env python3
"""A/B experiments on the wire: `meshc compile` builds gateway-v1's sidecar from
examples/experiments/experiments.mesh, in front of one upstream per subset of storefront. curl, a
real client, sends requests with and without sticky keys and assignment cookies; each upstream
answers with its subset's name. The variants a test expects are the ones `meshc test` computes for
the same requests (the example's test blocks), so the sidecar and the test runner agree.

Usage: test_experiments.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import collections
import os
import sys
import unittest

import meshtest
from fake_upstreams import EchoesRequestLine

MESHC, ROOT = sys.argv[1:3]
POLICY = os.path.join(ROOT, "examples", "experiments", "experiments.mesh")
SUBSETS = ("storefront.v1", "storefront.checkout-v2", "storefront.ranking-b")


class Experiments(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        out_dir = meshtest.compile_sidecars(MESHC, POLICY, cls.group.workdir, "gateway-v1")
        cls.upstreams = {name: EchoesRequestLine(name) for name in SUBSETS}
        endpoints = "".join(f"{name} 127.0.0.1:{upstream.port}\n"
                            for name, upstream in cls.upstreams.items())
        _, cls.ports = meshtest.start_sidecar(
            cls.group, os.path.join(out_dir, "sidecar-gateway-v1"), endpoints=endpoints,
            workers=1, name="gateway-v1")

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            for upstream in cls.upstreams.values():
                upstream.close()

    def get(self, path, *headers):
        """GETs http://storefront<path> through the sidecar; returns (subset, response headers)."""
        args = ["curl", "-sS", "--max-time", "10", "-D", "-", "--connect-to",
                f"storefront:80:127.0.0.1:{self.ports['outbound']}"]
        for header in headers:
            args += ["-H", header]
        run = meshtest.run(args + [f"http://storefront{path}"])
        self.assertEqual(run.returncode, 0, run.stderr)
        # meshtest.run reads text with universal newlines: CRLF arrives as "\n".
        head, _, body = run.stdout.partition("\n\n")
        self.assertTrue(head.startswith("HTTP/1.1 200"), run.stdout)
        fields = [line.partition(":") for line in head.split("\n")[1:]]
        return body.split(" ")[0], [(n.strip().lower(), v.strip()) for n, _, v in fields]

    def test_a_sticky_cookie_picks_the_variant_meshc_test_computes(self):
        # session=s-1001 is one-page, s-1002 control (the example's tests say so).
        for _ in range(3):
            subset, fields = self.get("/checkout", "Cookie: session=s-1001")
            self.assertEqual(subset, "storefront.checkout-v2")
            self.assertIn(("set-cookie", "exp-checkout=one-page; Path=/; Max-Age=2592000"),
                          fields)
            subset, fields = self.get("/checkout", "Cookie: session=s-1002")
            self.assertEqual(subset, "storefront.v1")
            self.assertIn(("set-cookie", "exp-checkout=control; Path=/; Max-Age=2592000"),
                          fields)

    def test_the_assignment_cookie_wins_and_is_not_set_again(self):
        subset, fields = self.get("/checkout", "Cookie: session=s-1001; exp-checkout=control")
        self.assertEqual(subset, "storefront.v1")
        self.assertNotIn("set-cookie", [name for name, _ in fields])

    def test_without_a_key_the_draw_splits_and_the_cookie_then_sticks(self):
        counts = collections.Counter()
        for _ in range(200):
            subset, fields = self.get("/checkout")
            counts[subset] += 1
            cookie = dict(fields)["set-cookie"].split(";")[0]
            again, again_fields = self.get("/checkout", f"Cookie: {cookie}")
            self.assertEqual(again, subset, "the assignment cookie keeps the variant drawn")
            self.assertNotIn("set-cookie", [name for name, _ in again_fields])
        # 50/50 over 200 draws: both variants well away from zero.
        self.assertGreater(counts["storefront.v1"], 50, counts)
        self.assertGreater(counts["storefront.checkout-v2"], 50, counts)

    def test_a_sticky_header_and_the_metrics_labels(self):
        for _ in range(4):
            self.assertEqual(self.get("/search", "x-user-id: u-7")[0], "storefront.ranking-b")
            self.assertEqual(self.get("/search", "x-user-id: u-1")[0], "storefront.v1")
        # A request is counted once its exchange ends, which may be just after curl has its answer.
        expected = ('destination_cluster="storefront.ranking-b",response_code="200",'
                    'response_flags="-",experiment="search-ranking",'
                    'destination_variant="learned"} 4\n',
                    'destination_cluster="storefront.v1",response_code="200",'
                    'response_flags="-",experiment="search-ranking",'
                    'destination_variant="classic"} 4\n')
        stats = lambda: meshtest.http_request(self.ports["admin"], "/stats")[2].decode()
        meshtest.wait_until(lambda: all(line in stats() for line in expected),
                            meshtest.DEFAULT_TIMEOUT, what="the variants' series in /stats")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
