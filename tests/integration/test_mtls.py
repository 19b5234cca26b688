#!/usr/bin/env python3
"""Mutual TLS between meshc-compiled sidecars, with certificates from `meshc certs`, checked with
curl and openssl as outside clients: front-v1's sidecar calls store-v1's over mutual TLS, and
store's application learns the caller's SPIFFE ID; plaintext, clients without a certificate, of
another CA or with an expired one are refused, logged and counted; an upstream that is not the
service's workload is refused by the caller; services that disable mTLS or are no sidecars are
called in plaintext; a rotated certificate serves new connections while open ones carry on, and
one near its expiry is warned about. Policy: tests/integration/policies/mtls.mesh (strict).

Usage: test_mtls.py MESHC REPO_ROOT   (ctest passes them; PYTHONPATH must include
tests/integration and tests/runtime)
"""
import datetime
import json
import os
import re
import subprocess
import sys
import time
import unittest
import urllib.request

import meshtest
from fake_upstreams import EchoesRequestHead

MESHC, ROOT = sys.argv[1:3]
POLICY = os.path.join(ROOT, "tests", "integration", "policies", "mtls.mesh")
DOMAIN = "secure.test"


def principal(service):
    return f"spiffe://{DOMAIN}/ns/default/sa/{service}"


def meshc(*args, cwd):
    run = subprocess.run([MESHC, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                         check=False)
    if run.returncode != 0:
        raise meshtest.MeshTestError(f"meshc {' '.join(args)} failed:\n{run.stderr}")
    return run.stdout


def admin(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode()


def metric(port, name, labels=""):
    """The value of one series of the sidecar's /stats, or None when it is absent."""
    pattern = "^" + re.escape(name + (f"{{{labels}}}" if labels else "")) + r" (\S+)$"
    match = re.search(pattern, admin(port, "/stats"), re.MULTILINE)
    return float(match.group(1)) if match else None


class MutualTls(meshtest.MeshTestCase):
    @classmethod
    def start(cls):
        work = cls.group.workdir
        out_dir = meshtest.compile_sidecars(MESHC, POLICY, work)
        meshc("certs", "init", POLICY, cwd=work)
        meshc("certs", "issue", POLICY, cwd=work)
        cls.certs = os.path.join(work, "certs")
        cls.home = os.path.join(cls.certs, DOMAIN)
        certs = ["--certs", cls.certs]

        cls.app = EchoesRequestHead()  # every application: echoes the request head it got
        app = f"127.0.0.1:{cls.app.port}"
        _, cls.store = meshtest.start_sidecar(
            cls.group, os.path.join(out_dir, "sidecar-store-v1"), app=app, workers=1,
            extra=certs, name="store-v1")
        _, cls.audit = meshtest.start_sidecar(
            cls.group, os.path.join(out_dir, "sidecar-audit-v1"), app=app, workers=1,
            extra=certs, name="audit-v1")
        endpoints = (f"store.v1 127.0.0.1:{cls.store['inbound']}\n"
                     f"store.v2 127.0.0.1:{cls.audit['inbound']}\n"
                     f"legacy.v1 {app}\n"
                     f"legacy.v2 127.0.0.1:{cls.store['inbound']}\n"
                     f"outside.v1 {app}\n")
        _, cls.front = meshtest.start_sidecar(
            cls.group, os.path.join(out_dir, "sidecar-front-v1"), endpoints=endpoints,
            workers=1, extra=certs, name="front-v1")
        cls.out_dir = out_dir

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.app.close()

    def workload_files(self, workload, home=None):
        current = os.path.join(home or self.home, "workloads", workload, "current")
        return os.path.join(current, "cert.pem"), os.path.join(current, "key.pem")

    def short_lived_copy(self, name, workload, lifetime):
        """A copy of the mesh's certificates in which `workload` has a new one for `lifetime`
        (certificates start a minute in the past); returns the copy's --certs directory."""
        copy = os.path.join(self.group.workdir, name)
        os.makedirs(copy, exist_ok=True)
        subprocess.run(["cp", "-a", self.certs, copy], check=True, timeout=30)
        meshc("certs", "rotate", POLICY, "--workload", workload, "--lifetime", lifetime, cwd=copy)
        return os.path.join(copy, "certs")

    def call(self, host, path="/", fields=()):
        """GET through front's outbound listener: (status, body)."""
        args = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10",
                "-H", f"Host: {host}"]
        for field in fields:
            args += ["-H", field]
        run = meshtest.run([*args, f"http://127.0.0.1:{self.front['outbound']}{path}"],
                           timeout=15)
        body, _, status = run.stdout.rpartition("\n")
        return int(status), body

    def curl_store(self, *args):
        """curl straight to store's inbound listener over TLS (not verifying the server: the
        SVID names no host), as a client outside the mesh."""
        return meshtest.run(["curl", "-sS", "-k", "--max-time", "10", *args,
                             f"https://127.0.0.1:{self.store['inbound']}/direct"], timeout=15)

    def test_the_callee_learns_the_callers_verified_identity(self):
        status, body = self.call("store", fields=[
            "x-forwarded-client-cert: By=evil;URI=spiffe://secure.test/ns/default/sa/admin"])
        self.assertEqual(status, 200, body)
        xfcc = [line for line in body.splitlines()
                if line.lower().startswith("x-forwarded-client-cert:")]
        self.assertEqual(xfcc, [f"x-forwarded-client-cert: By={principal('store')};"
                                f"URI={principal('front')}"],
                         "store's sidecar replaces what the caller claimed with what it verified")
        self.assertGreaterEqual(
            metric(self.front["admin"], "meshc_mtls_connections_total", 'direction="outbound"'), 1)
        self.assertGreaterEqual(
            metric(self.store["admin"], "meshc_mtls_connections_total", 'direction="inbound"'), 1)

    def test_services_without_mtls_are_called_in_plaintext(self):
        for host in ("legacy", "outside"):
            status, body = self.call(host, "/plain")
            self.assertEqual(status, 200, f"{host}: {body}")
            self.assertTrue(body.startswith("GET /plain HTTP/1.1"), body)
            self.assertNotIn("x-forwarded-client-cert", body.lower())

    def test_a_connection_pooled_for_mutual_tls_is_not_reused_for_plaintext(self):
        self.assertEqual(self.call("store", "/pooled")[0], 200)
        # legacy.v2 is store's sidecar too, but legacy is `mtls disable`: its request goes out in
        # plaintext, on a connection of its own, and the strict port refuses it.
        status, body = self.call("legacy", "/shared")
        self.assertEqual(status, 400, body)
        self.assertIn("this port requires mutual TLS", body)

    def test_an_upstream_that_is_not_the_services_workload_is_refused(self):
        before = metric(self.front["admin"], "meshc_mtls_failures_total",
                        'direction="outbound",reason="wrong_identity"')
        status, body = self.call("store", "/impostor")
        self.assertEqual(status, 502, body)
        self.assertIn("the peer's SPIFFE ID is not one the service runs as", body)
        self.assertEqual(metric(self.front["admin"], "meshc_mtls_failures_total",
                                'direction="outbound",reason="wrong_identity"'), before + 1)

    def test_curl_with_a_workload_certificate_is_served(self):
        cert, key = self.workload_files("front-v1")
        run = self.curl_store("--cert", cert, "--key", key)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(f"URI={principal('front')}", run.stdout)

    def refusal(self, reason, client):
        """Runs `client` against store's inbound port and checks that store counted one refusal
        for `reason`; returns the client's result."""
        series = f'direction="inbound",reason="{reason}"'
        before = metric(self.store["admin"], "meshc_mtls_failures_total", series)
        result = client()
        meshtest.wait_until(
            lambda: metric(self.store["admin"], "meshc_mtls_failures_total", series) == before + 1,
            timeout=10, what=f"a refusal for {reason} counted")
        return result

    def test_plaintext_is_refused_with_a_reason(self):
        run = self.refusal("plaintext", lambda: meshtest.run(
            ["curl", "-sS", "--max-time", "10", f"http://127.0.0.1:{self.store['inbound']}/"],
            timeout=15))
        self.assertIn("this port requires mutual TLS (mtls strict)", run.stdout)

    def test_a_client_without_a_certificate_is_refused(self):
        run = self.refusal("no_certificate", lambda: self.curl_store())
        self.assertNotEqual(run.returncode, 0, run.stdout)

    def test_openssl_without_a_certificate_is_refused(self):
        run = self.refusal("no_certificate", lambda: subprocess.run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{self.store['inbound']}", "-tls1_3",
             "-CAfile", os.path.join(self.home, "bundle.pem")],
            input="GET / HTTP/1.1\r\nHost: store\r\n\r\n", capture_output=True, text=True,
            timeout=15, check=False))
        self.assertNotIn("HTTP/1.1 200", run.stdout)

    def test_a_certificate_of_another_ca_is_refused(self):
        rogue = os.path.join(self.group.workdir, "rogue")
        os.makedirs(rogue, exist_ok=True)
        meshc("certs", "init", POLICY, cwd=rogue)
        meshc("certs", "issue", POLICY, "--workload", "front-v1", cwd=rogue)
        cert, key = self.workload_files("front-v1", os.path.join(rogue, "certs", DOMAIN))
        run = self.refusal("untrusted", lambda: self.curl_store("--cert", cert, "--key", key))
        self.assertNotEqual(run.returncode, 0, run.stdout)

    def test_an_expired_certificate_is_refused(self):
        expired = self.short_lived_copy("expired", "front-v1", "1s")
        cert, key = self.workload_files("front-v1", os.path.join(expired, DOMAIN))
        dates = meshtest.run(["openssl", "x509", "-in", cert, "-noout", "-enddate"]).stdout
        not_after = datetime.datetime.strptime(dates.strip().split("=", 1)[1],
                                               "%b %d %H:%M:%S %Y %Z")
        not_after = not_after.replace(tzinfo=datetime.timezone.utc).timestamp()
        meshtest.wait_until(lambda: time.time() > not_after + 0.5, timeout=5,
                            what="the one-second certificate to expire")
        run = self.refusal("expired", lambda: self.curl_store("--cert", cert, "--key", key))
        self.assertNotEqual(run.returncode, 0, run.stdout)

    def test_certificate_expiry_is_shown(self):
        expiry = metric(self.store["admin"], "meshc_certificate_expiry_timestamp_seconds")
        self.assertIsNotNone(expiry)
        self.assertGreater(expiry, time.time() + 3600)
        config = admin(self.store["admin"], "/config")
        self.assertRegex(config, r'"certificate": \{"file": "[^"]+/cert.pem", "not_after": "\d{4}-')
        self.assertIn('"mtls": "strict"', config)

    def test_a_rotated_certificate_serves_new_connections_and_old_ones_carry_on(self):
        def certificate_file():
            return json.loads(admin(self.store["admin"], "/config"))["certificate"]["file"]

        def accepted():
            return metric(self.store["admin"], "meshc_mtls_connections_total",
                          'direction="inbound"')

        before = certificate_file()
        self.assertEqual(self.call("store", "/before")[0], 200)  # front pools a connection
        connections = accepted()
        meshc("certs", "rotate", POLICY, "--workload", "store-v1", cwd=self.group.workdir)
        meshtest.wait_until(lambda: certificate_file() != before, timeout=10,
                            what="store-v1 to load its rotated certificate")
        self.assertEqual(self.call("store", "/after")[0], 200)
        self.assertEqual(accepted(), connections, "front's pooled connection carried on")
        cert, key = self.workload_files("front-v1")
        shown = subprocess.run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{self.store['inbound']}", "-tls1_3",
             "-cert", cert, "-key", key], input="", capture_output=True, text=True, timeout=15,
            check=False).stdout
        served = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", shown,
                           re.DOTALL)
        self.assertIsNotNone(served, shown)
        with open(certificate_file()) as rotated:
            self.assertIn(served.group(0), rotated.read(), "a new connection gets the new one")

    def test_a_certificate_near_its_expiry_is_warned_about(self):
        # Valid from a minute ago until 20 s from now: less than a third of its life is left.
        nearing = self.short_lived_copy("nearing", "store-v1", "20s")
        process, _ = meshtest.start_sidecar(
            self.group, os.path.join(self.out_dir, "sidecar-store-v1"),
            app=f"127.0.0.1:{self.app.port}", workers=1,
            extra=["--certs", nearing], name="store-v1-nearing")
        meshtest.wait_until(lambda: "in less than a third of its lifetime" in process.log(),
                            timeout=10, what="the expiry warning")
        self.assertIn("`meshc certs rotate` issues a new one", process.log())

    def test_a_strict_workload_will_not_start_without_certificates(self):
        run = meshtest.run([os.path.join(self.out_dir, "sidecar-store-v1"), "--outbound",
                            "127.0.0.1:0", "--inbound", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                            "--app", f"127.0.0.1:{self.app.port}"], timeout=15)
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("workload store-v1 serves store, which accepts only mutual TLS (mtls "
                      "strict): start it with --certs DIR", run.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
