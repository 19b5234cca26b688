#!/usr/bin/env python3
"""The Gateway API HTTPRoute conformance scenarios of examples/gateway-conformance on the wire.

`meshc compile` builds the gateway's sidecar from each policy; it runs on 127.0.0.1 in front of
three Python backends that stand for the upstream suite's infra-backend-v1, -v2 and -v3: each
answers with its name and the request it received, and sets the response headers a request
asks for in `x-echo-set-header: NAME: VALUE` fields, as the suite's echo server does.

The test blocks of the policies are replayed as real requests, and what `meshc test` expects of
them is checked on what comes back and on what the backends received: which backend answered,
the status, the Location, the target, Host and header fields the backend saw, the response's
header fields and the copies mirrors received. Then what a test block cannot state: a backend's
own response headers under add/set/remove, timeouts firing (504) or not against a slow backend,
and the shares of a weighted split. Every wait is on an event (a response, a recorded request),
never a sleep.

Usage: test_gateway_conformance.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import json
import os
import re
import sys
import threading
import unittest
import urllib.parse

import meshtest
from fake_upstreams import FakeUpstream
from sidecar_testing import KeepAliveClient

MESHC, ROOT = sys.argv[1:3]
EXAMPLES = os.path.join(ROOT, "examples", "gateway-conformance")
# The policies whose test blocks are replayed; gateway-timeouts is checked on its own below.
REPLAYED = ("gateway-matching", "gateway-hostnames", "gateway-ports", "gateway-redirects",
            "gateway-rewrites", "gateway-headers", "gateway-mirrors", "gateway-backends",
            "gateway-cors")
POLICIES = REPLAYED + ("gateway-timeouts",)
BACKENDS = ("v1", "v2", "v3")


def read_request(connection, buffered):
    """(head, rest) of the next request, its body (by Content-Length) skipped; None when the peer
    closed first."""
    while b"\r\n\r\n" not in buffered:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        buffered += chunk
    head, _, buffered = buffered.partition(b"\r\n\r\n")
    length = sum(int(line.partition(b":")[2]) for line in head.split(b"\r\n")[1:]
                 if line.partition(b":")[0].strip().lower() == b"content-length")
    while len(buffered) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        buffered += chunk
    return head, buffered[length:]


class Received:
    """One request as a backend received it."""

    def __init__(self, head):
        request_line, *lines = head.decode().split("\r\n")
        self.method, self.target, _ = request_line.split(" ")
        self.fields = {}
        for line in lines:
            name, _, value = line.partition(":")
            self.fields.setdefault(name.strip().lower(), []).append(value.strip())

    def field(self, name):
        """The field's values joined with ',' (None when absent), as `expect upstream header`."""
        values = self.fields.get(name.lower())
        return None if values is None else ",".join(values)


class EchoBackend(FakeUpstream):
    """Answers each request with 200 and a JSON body naming this backend and giving the request
    it received; keeps every request in `received`. A request with `?delay=SECONDS` is answered
    after that long, or as soon as `release` is set."""

    def __init__(self, name):
        self.name = name
        self.received = []
        self.changed = threading.Condition()
        self.release = threading.Event()
        super().__init__()

    def handle(self, connection):
        with connection:
            connection.settimeout(10)
            buffered = b""
            try:
                while (request := read_request(connection, buffered)) is not None:
                    head, buffered = request
                    received = Received(head)
                    with self.changed:
                        self.received.append(received)
                        self.changed.notify_all()
                    query = urllib.parse.parse_qs(urllib.parse.urlsplit(received.target).query)
                    if "delay" in query:
                        self.release.wait(float(query["delay"][0].rstrip("s")))
                    connection.sendall(self.answer(received))
            except OSError:
                pass

    def answer(self, received):
        body = json.dumps({"backend": self.name, "method": received.method,
                           "target": received.target, "fields": received.fields}).encode()
        extra = "".join(f"{value}\r\n" for value in received.fields.get("x-echo-set-header", []))
        return (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    def wait_for(self, predicate, what):
        """The first received request the predicate accepts, waiting for it to arrive."""
        def first():
            return next((r for r in self.received if predicate(r)), None)

        with self.changed:
            found = self.changed.wait_for(first, timeout=10)
        if found is None:
            raise meshtest.MeshTestError(f"{self.name} never received {what}")
        return found


class Scenario:
    """One test block of a policy: its name, request and expectations, as written."""

    def __init__(self, policy, name, body):
        self.policy, self.name = policy, name
        request = re.search(r'\bfrom \S+ request (\S+) "([^"]*)"(.*?);\n', body, re.S)
        self.method = request.group(1)
        url = urllib.parse.urlsplit(request.group(2))
        self.host = url.netloc
        self.target = url.path + (f"?{url.query}" if url.query else "")
        self.headers = re.findall(r'header "([^"]*)" = "([^"]*)"', request.group(3))
        self.expectations = re.findall(r'^\s*expect (.*);$', body, re.M)


def scenarios(policy):
    with open(os.path.join(EXAMPLES, f"{policy}.mesh")) as f:
        text = f.read()
    return [Scenario(policy, m.group(1), m.group(2))
            for m in re.finditer(r'^test "([^"]*)" \{\n(.*?)^\}', text, re.M | re.S)]


def clusters(policy):
    """Every SERVICE.SUBSET of the policy but the gateway's own."""
    with open(os.path.join(EXAMPLES, f"{policy}.mesh")) as f:
        text = f.read()
    found, service = [], None
    for line in text.splitlines():
        if m := re.match(r"service (\S+) \{", line):
            service = m.group(1)
        elif (m := re.match(r"\s+subset (\S+) \{", line)) and service != "gateway":
            found.append((service, m.group(1)))
    return found


class GatewayConformance(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        cls.backends = {name: EchoBackend(name) for name in BACKENDS}
        cls.ports = {}
        for policy in POLICIES:
            out_dir = meshtest.compile_sidecars(MESHC, os.path.join(EXAMPLES, f"{policy}.mesh"),
                                                cls.group.workdir, "gateway-v1")
            # Subset vN of every service is backend vN, as every route of the upstream suite
            # sends to the same three backends.
            endpoints = "".join(f"{service}.{subset} 127.0.0.1:{cls.backends[subset].port}\n"
                                for service, subset in clusters(policy))
            _, cls.ports[policy] = meshtest.start_sidecar(
                cls.group, os.path.join(out_dir, "sidecar-gateway-v1"), endpoints=endpoints,
                workers=1, name=policy)

    @classmethod
    def tearDownClass(cls):
        try:
            for backend in cls.backends.values():
                backend.release.set()
            super().tearDownClass()
        finally:
            for backend in cls.backends.values():
                backend.close()

    def send(self, policy, method, host, target, headers=()):
        """One request through the policy's sidecar; returns (response, body)."""
        fields = "".join(f"{name}: {value}\r\n" for name, value in headers)
        client = KeepAliveClient(self.ports[policy]["outbound"])
        client.socket.settimeout(meshtest.DEFAULT_TIMEOUT)
        try:
            return client.exchange(
                f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{fields}\r\n".encode())
        finally:
            client.close()

    def replay(self, scenario, tag):
        """Sends the scenario's request, tagged so its copies can be told apart, and checks each
        of its expectations on the wire."""
        response, body = self.send(scenario.policy, scenario.method, scenario.host,
                                   scenario.target, scenario.headers + [("x-scenario", tag)])
        forwarded = answered_by = None
        if response.status == 200 and response.getheader("content-type") == "application/json":
            answered_by = json.loads(body)["backend"]
            forwarded = self.backends[answered_by].wait_for(
                lambda r: r.field("x-scenario") == tag and "-shadow" not in r.field("host"),
                f"the request of {scenario.name!r}")
        for expectation in scenario.expectations:
            with self.subTest(expectation=expectation):
                self.check(scenario, expectation, response, answered_by, forwarded, tag)

    def check(self, scenario, expectation, response, answered_by, forwarded, tag):
        if m := re.fullmatch(r"routed (\S+)\.(\S+)", expectation):
            self.assertEqual((response.status, answered_by), (200, m.group(2)))
        elif m := re.fullmatch(r"status (\d+)", expectation):
            self.assertEqual(response.status, int(m.group(1)))
        elif m := re.fullmatch(r'redirect "([^"]*)"', expectation):
            self.assertEqual(response.getheader("location"), m.group(1))
        elif m := re.fullmatch(r'upstream path "([^"]*)"', expectation):
            self.assertEqual(forwarded.target, m.group(1))
        elif m := re.fullmatch(r'upstream host "([^"]*)"', expectation):
            self.assertEqual(forwarded.fields["host"], [m.group(1)])
        elif m := re.fullmatch(r'upstream header "([^"]*)" = "([^"]*)"', expectation):
            self.assertEqual(forwarded.field(m.group(1)), m.group(2))
        elif m := re.fullmatch(r'upstream header "([^"]*)" absent', expectation):
            self.assertIsNone(forwarded.field(m.group(1)))
        elif m := re.fullmatch(r'response header "([^"]*)" = "([^"]*)"', expectation):
            self.assertEqual(response.headers.get_all(m.group(1)), [m.group(2)])
        elif m := re.fullmatch(r'response header "([^"]*)" absent', expectation):
            self.assertIsNone(response.getheader(m.group(1)))
        elif m := re.fullmatch(r"mirrored (\S+)\.(\S+)( [0-9.]+%)?", expectation):
            if m.group(3) is None:
                # The copy is the request as forwarded, with "-shadow" after the host name.
                copy = self.backends[m.group(2)].wait_for(
                    lambda r: r.field("x-scenario") == tag and "-shadow" in r.field("host"),
                    f"the copy of {scenario.name!r}")
                self.assertEqual(copy.fields["host"], [f"{scenario.host}-shadow"])
                self.assertEqual((copy.method, copy.target), (forwarded.method, forwarded.target))
                for name, values in forwarded.fields.items():
                    if name not in ("host", "content-length"):
                        self.assertEqual(copy.fields.get(name), values, name)
            # A share below 100% is a draw per request: meshc test checks the percentage, and
            # integration.compiled_mirroring samples the sidecar's draws.
        elif not re.fullmatch(r"split \{.*\}|timeout \S+|no timeout", expectation):
            self.fail(f"the replay does not know {expectation!r}")

    def test_the_policies_test_blocks_hold_on_the_wire(self):
        for policy in REPLAYED:
            for number, scenario in enumerate(scenarios(policy)):
                with self.subTest(policy=policy, scenario=scenario.name):
                    self.replay(scenario, f"{policy}-{number}")

    def test_response_header_edits_of_the_backends_own_headers(self):
        # HTTPRouteResponseHeaderModifier: the backend sets headers; the rule sets, adds and
        # removes, case-insensitively.
        def through(target, *sets):
            response, _ = self.send("gateway-headers", "GET", "response-headers", target,
                                    [("x-echo-set-header", value) for value in sets])
            self.assertEqual(response.status, 200)
            return response.headers

        headers = through("/set", "Some-Other-Header: val", "X-Header-Set: some-other-value")
        self.assertEqual(headers.get_all("some-other-header"), ["val"])
        self.assertEqual(headers.get_all("x-header-set"), ["set-overwrites-values"])
        headers = through("/add", "Some-Other-Header: val", "X-Header-Add: some-other-value")
        self.assertEqual(headers.get_all("x-header-add"),
                         ["some-other-value", "add-appends-values"])
        headers = through("/remove", "X-Header-Remove: val")
        self.assertIsNone(headers.get_all("x-header-remove"))
        headers = through("/multiple", "X-Header-Set-2: set-val-2", "X-Header-Add-2: add-val-2",
                          "X-Header-Remove-2: remove-val-2", "Another-Header: another-header-val",
                          "X-Header-Remove-1: val")
        self.assertEqual(headers.get_all("x-header-set-1"), ["header-set-1"])
        self.assertEqual(headers.get_all("x-header-set-2"), ["header-set-2"])
        self.assertEqual(headers.get_all("x-header-add-1"), ["header-add-1"])
        self.assertEqual(headers.get_all("x-header-add-2"), ["add-val-2", "header-add-2"])
        self.assertEqual(headers.get_all("x-header-add-3"), ["header-add-3"])
        self.assertEqual(headers.get_all("another-header"), ["another-header-val"])
        self.assertIsNone(headers.get_all("x-header-remove-1"))
        self.assertIsNone(headers.get_all("x-header-remove-2"))
        headers = through("/case-insensitivity", "x-header-set: original-val-set",
                          "x-header-add: original-val-add", "x-header-remove: original-val-remove",
                          "Another-Header: another-header-val")
        self.assertEqual(headers.get_all("X-Header-Set"), ["header-set"])
        self.assertEqual(headers.get_all("X-Header-Add"), ["original-val-add", "header-add"])
        for name, value in (("X-Lowercase-Add", "lowercase-add"),
                            ("X-Mixedcase-Add-1", "mixedcase-add-1"),
                            ("X-Mixedcase-Add-2", "mixedcase-add-2"),
                            ("X-Uppercase-Add", "uppercase-add")):
            self.assertEqual(headers.get_all(name), [value])
        self.assertIsNone(headers.get_all("x-header-remove"))

    def test_timeouts(self):
        # HTTPRouteTimeoutRequest and HTTPRouteTimeoutBackendRequest: the backend answers after
        # 1s; a 500ms timeout answers 504 first, a rule without one waits for the 200.
        backend = self.backends["v1"]
        for prefix in ("/request-timeout", "/backend-timeout"):
            with self.subTest(prefix=prefix):
                response, _ = self.send("gateway-timeouts", "GET", "timeouts", prefix)
                self.assertEqual(response.status, 200)
                try:
                    response, _ = self.send("gateway-timeouts", "GET", "timeouts",
                                            f"{prefix}?delay=5s")
                    self.assertEqual(response.status, 504)
                finally:
                    backend.release.set()
                backend.wait_for(lambda r: r.target == f"{prefix}?delay=5s", "the slow request")
                backend.release.clear()
        for prefix in ("/disable-request-timeout", "/disable-backend-timeout"):
            with self.subTest(prefix=prefix):
                response, _ = self.send("gateway-timeouts", "GET", "timeouts",
                                        f"{prefix}?delay=1s")
                self.assertEqual(response.status, 200)

    def test_weights(self):
        # HTTPRouteWeight: 70% to v1, 30% to v2, none to v3.
        counts = dict.fromkeys(BACKENDS, 0)
        total = 500
        client = KeepAliveClient(self.ports["gateway-backends"]["outbound"])
        try:
            for _ in range(total):
                response, body = client.exchange(b"GET / HTTP/1.1\r\nHost: weighted\r\n\r\n")
                self.assertEqual(response.status, 200)
                counts[json.loads(body)["backend"]] += 1
        finally:
            client.close()
        # Binomial(500, 0.3): a standard deviation of 10.2 requests; +-50 is about five of them.
        self.assertAlmostEqual(counts["v2"], 150, delta=50, msg=counts)
        self.assertEqual(counts["v3"], 0, counts)
        self.assertEqual(counts["v1"] + counts["v2"], total)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
