#!/usr/bin/env python3
"""CORS on the wire: `meshc compile` builds edge-v1's sidecar from examples/cors/cors.mesh, in
front of an upstream that echoes the request head it got and records every request line. curl
checks the exact fields of preflight answers and responses; headless Chromium, the real judge of
CORS, runs scripts in pages of an allowed and of a foreign origin and shows what a browser lets a
page read. The preflights never reach the upstream: the sidecar answers them.

Usage: test_cors.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import http.server
import json
import os
import sys
import threading
import unittest

import browser
import meshtest
from fake_upstreams import EchoesRequestHead

MESHC, ROOT = sys.argv[1:3]
POLICY = os.path.join(ROOT, "examples", "cors", "cors.mesh")
APP = "http://app.localhost"


class RecordingEcho(EchoesRequestHead):
    """EchoesRequestHead that also keeps every request line it received."""

    def __init__(self):
        self.lines = []
        super().__init__()

    def respond(self, head):
        self.lines.append(head.split(b"\r\n")[0].decode())
        return super().respond(head)


class PageHandler(http.server.BaseHTTPRequestHandler):
    """Serves one empty page at every path: the page's origin is all a test needs of it."""

    def do_GET(self):
        body = b"<!doctype html><title>page</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# A page's script: each fetch's outcome as a browser lets the page see it.
FETCHES = """
const outcome = async (url, init) => {
  try {
    const r = await fetch(url, init);
    return {status: r.status, exposed: r.headers.get("x-upstream-keep"),
            unexposed: r.headers.get("x-upstream-replace"), body: await r.text()};
  } catch (e) {
    return {refused: String(e)};
  }
};
(async () => {
  const results = {};
  for (const [name, url, init] of arguments[0]) results[name] = await outcome(url, init);
  return results;
})().then(done);
"""


class Cors(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        out_dir = meshtest.compile_sidecars(MESHC, POLICY, cls.group.workdir, "edge-v1")
        cls.upstream = RecordingEcho()
        cls.pages = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
        threading.Thread(target=cls.pages.serve_forever, daemon=True).start()
        _, cls.ports = meshtest.start_sidecar(
            cls.group, os.path.join(out_dir, "sidecar-edge-v1"),
            endpoints=f"api.v1 127.0.0.1:{cls.upstream.port}\n", workers=1, name="edge-v1")

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.upstream.close()
            cls.pages.shutdown()
            cls.pages.server_close()

    def curl(self, method, path, *headers):
        """Sends a request to http://api.localhost<path> through the sidecar; returns (status
        line, lower-case field names to lists of values, body)."""
        args = ["curl", "-sS", "--max-time", "10", "-D", "-", "-X", method, "--connect-to",
                f"api.localhost:80:127.0.0.1:{self.ports['outbound']}"]
        for header in headers:
            args += ["-H", header]
        run = meshtest.run(args + [f"http://api.localhost{path}"])
        self.assertEqual(run.returncode, 0, run.stderr)
        # meshtest.run reads text with universal newlines: CRLF arrives as "\n".
        head, _, body = run.stdout.partition("\n\n")
        status, *lines = head.split("\n")
        fields = {}
        for line in lines:
            name, _, value = line.partition(":")
            fields.setdefault(name.strip().lower(), []).append(value.strip())
        return status, fields, body

    def test_an_allowed_preflight_is_answered_by_the_sidecar(self):
        status, fields, body = self.curl(
            "OPTIONS", "/items/7", f"Origin: {APP}", "Access-Control-Request-Method: DELETE",
            "Access-Control-Request-Headers: x-user")
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertEqual(body, "")
        self.assertEqual(fields["access-control-allow-origin"], [APP])
        self.assertEqual(fields["access-control-allow-methods"], ["GET, PUT, DELETE"])
        self.assertEqual(fields["access-control-allow-headers"], ["content-type, x-user"])
        self.assertEqual(fields["access-control-max-age"], ["600"])
        self.assertEqual(fields["access-control-allow-credentials"], ["true"])
        self.assertEqual(fields["vary"], ["Origin"])
        self.assertNotIn("OPTIONS /items/7 HTTP/1.1", self.upstream.lines)

    def test_a_foreign_preflight_gets_no_cors_fields(self):
        status, fields, _ = self.curl("OPTIONS", "/items", "Origin: https://shop.example",
                                      "Access-Control-Request-Method: PUT")
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertFalse([name for name in fields if name.startswith("access-control-")], fields)
        self.assertNotIn("OPTIONS /items HTTP/1.1", self.upstream.lines)

    def test_an_allowed_request_is_forwarded_and_its_response_marked(self):
        status, fields, body = self.curl("GET", "/items", "Origin: https://eu.shop.example")
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertTrue(body.startswith("GET /items HTTP/1.1"), body)
        self.assertEqual(fields["access-control-allow-origin"], ["https://eu.shop.example"])
        self.assertEqual(fields["access-control-allow-credentials"], ["true"])
        self.assertEqual(fields["access-control-expose-headers"], ["x-upstream-keep"])
        self.assertEqual(fields["vary"], ["Origin"])

    def test_a_foreign_request_is_forwarded_unmarked(self):
        status, fields, _ = self.curl("GET", "/items", "Origin: https://shop.example")
        self.assertEqual(status, "HTTP/1.1 200 OK")
        self.assertFalse([name for name in fields if name.startswith("access-control-")], fields)

    def test_the_sidecars_own_answers_carry_the_fields(self):
        status, fields, _ = self.curl("GET", "/catalog", f"Origin: {APP}")
        self.assertEqual(status, "HTTP/1.1 308 Permanent Redirect")
        self.assertEqual(fields["location"], ["http://api.localhost/items"])
        self.assertEqual(fields["access-control-allow-origin"], [APP])

    def test_config_lists_the_rules_cors_policy(self):
        _, _, body = meshtest.http_request(self.ports["admin"], "/config")
        rules = json.loads(body)["rules"]
        public = [rule["cors"] for rule in rules if "cors" in rule and rule["cors"]["origins"] ==
                  ["*"]]
        self.assertEqual(public, [{"origins": ["*"], "allow_methods": "GET", "allow_headers": "*",
                                   "expose_headers": "", "max_age_s": 5, "credentials": False}])

    def test_a_browser_reads_what_the_policy_allows_and_nothing_else(self):
        self.assertTrue(browser.available(), "chromium and chromium-driver are not installed "
                                             "(tools/scripts/install-deps.sh installs them)")
        pages = self.pages.server_address[1]
        session = browser.Browser(self.group, {"app.localhost": pages,
                                               "evil.localhost": pages,
                                               "api.localhost": self.ports["outbound"]})
        try:
            session.open(APP + "/")
            results = session.run_async(FETCHES, [
                # A custom header makes the browser ask first; the policy allows it.
                ["delete", "http://api.localhost/items/7",
                 {"method": "DELETE", "headers": {"x-user": "ann"}, "credentials": "include"}],
                # PATCH is not among the policy's methods: the browser never sends it.
                ["patch", "http://api.localhost/items/7", {"method": "PATCH"}],
            ])
            self.assertEqual(results["delete"]["status"], 200, results)
            self.assertTrue(results["delete"]["body"].startswith("DELETE /items/7 HTTP/1.1"),
                            results)
            self.assertEqual(results["delete"]["exposed"], "1", "expose lets the page read it")
            self.assertIsNone(results["delete"]["unexposed"], "nothing else is exposed")
            self.assertIn("refused", results["patch"], results)
            session.open("http://evil.localhost/")
            foreign = session.run_async(FETCHES, [
                ["preflighted", "http://api.localhost/items",
                 {"headers": {"x-user": "mallory"}}],
            ])
            self.assertIn("refused", foreign["preflighted"], foreign)
        finally:
            session.close()
        # Chromium's preflights and its refused PATCH never reached the service.
        self.assertIn("DELETE /items/7 HTTP/1.1", self.upstream.lines)
        self.assertFalse([line for line in self.upstream.lines
                          if line.startswith(("OPTIONS", "PATCH"))], self.upstream.lines)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
