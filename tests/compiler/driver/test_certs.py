#!/usr/bin/env python3
"""`meshc certs` from the command line, checked with the openssl tool: the CA and trust bundle,
workload certificates for each workload's SPIFFE ID, rotation, the errors, and a mutual TLS
handshake between two issued certificates (openssl s_server and s_client).

Usage: test_certs.py MESHC POLICY (the policy's trust domain is bookinfo.local)
"""
import os
import socket
import stat
import subprocess
import sys
import tempfile
import unittest

MESHC, POLICY = sys.argv[1:3]
DOMAIN = "bookinfo.local"


def meshc(*args, cwd):
    return subprocess.run([MESHC, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          check=False)


def openssl(*args):
    return subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=30,
                          check=False)


class Certs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="meshc-certs-")
        self.addCleanup(self.tmp.cleanup)
        self.home = os.path.join(self.tmp.name, "certs", DOMAIN)

    def run_ok(self, *args):
        run = meshc(*args, cwd=self.tmp.name)
        self.assertEqual(run.returncode, 0, run.stderr)
        return run.stdout

    def current(self, workload):
        return os.path.join(self.home, "workloads", workload, "current")

    def test_init_issue_and_verify_with_openssl(self):
        out = self.run_ok("certs", "init", POLICY)
        self.assertRegex(out, rf"^CA for spiffe://{DOMAIN} until \d{{4}}-")
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.home, "ca.key")).st_mode), 0o600)
        out = self.run_ok("certs", "issue", POLICY, "--lifetime", "2h")
        self.assertIn(f"reviews-v2: spiffe://{DOMAIN}/ns/default/sa/reviews until ", out)
        bundle = os.path.join(self.home, "bundle.pem")
        for workload in ("productpage-v1", "reviews-v2", "ratings-v1"):
            cert = os.path.join(self.current(workload), "cert.pem")
            verified = openssl("verify", "-purpose", "sslclient", "-CAfile", bundle, cert)
            self.assertEqual(verified.stdout.strip(), f"{cert}: OK", verified.stderr)
            key = os.path.join(self.current(workload), "key.pem")
            self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        names = openssl("x509", "-in", os.path.join(self.current("ratings-v1"), "cert.pem"),
                        "-noout", "-ext", "subjectAltName")
        self.assertIn(f"URI:spiffe://{DOMAIN}/ns/default/sa/ratings", names.stdout)
        # Issuing again leaves every certificate as it is.
        before = os.readlink(self.current("ratings-v1"))
        out = self.run_ok("certs", "issue", POLICY)
        self.assertIn("ratings-v1: has a certificate", out)
        self.assertEqual(os.readlink(self.current("ratings-v1")), before)

    def test_rotate_makes_a_new_current_version(self):
        self.run_ok("certs", "init", POLICY)
        self.run_ok("certs", "issue", POLICY, "--workload", "details-v1")
        first = os.readlink(self.current("details-v1"))
        self.run_ok("certs", "rotate", POLICY, "--workload", "details-v1")
        second = os.readlink(self.current("details-v1"))
        self.assertNotEqual(first, second)
        workload = os.path.join(self.home, "workloads", "details-v1")
        self.assertTrue(os.path.exists(os.path.join(workload, first, "key.pem")))
        self.assertFalse(os.path.exists(os.path.join(self.home, "workloads", "reviews-v1")))

    def test_errors(self):
        run = meshc("certs", "issue", POLICY, cwd=self.tmp.name)
        self.assertEqual(run.returncode, 2)
        self.assertIn("no CA in certs/bookinfo.local (meshc certs init creates it)", run.stderr)
        self.run_ok("certs", "init", POLICY)
        run = meshc("certs", "init", POLICY, cwd=self.tmp.name)
        self.assertEqual(run.returncode, 2)
        self.assertIn("has a CA already, which is never overwritten", run.stderr)
        for lifetime in ("0h", "1y", "h", "-1d", "36501d"):
            run = meshc("certs", "issue", POLICY, "--lifetime", lifetime, cwd=self.tmp.name)
            self.assertEqual(run.returncode, 2, lifetime)
            self.assertIn("--lifetime takes a whole number and a unit", run.stderr)
        run = meshc("certs", "issue", POLICY, "--lifetime", "400d", cwd=self.tmp.name)
        self.assertEqual(run.returncode, 2)
        self.assertIn("would outlive it", run.stderr)
        run = meshc("certs", "issue", POLICY, "--workload", "nope", cwd=self.tmp.name)
        self.assertEqual(run.returncode, 2)
        self.assertIn("the policy has no workload 'nope'", run.stderr)
        broken = os.path.join(self.tmp.name, "broken.mesh")
        with open(broken, "w") as f:
            f.write("service {\n")
        self.assertEqual(meshc("certs", "init", broken, cwd=self.tmp.name).returncode, 1)

    def test_two_workloads_complete_a_mutual_tls_handshake(self):
        self.run_ok("certs", "init", POLICY)
        self.run_ok("certs", "issue", POLICY)
        bundle = os.path.join(self.home, "bundle.pem")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-naccept", "1",
             "-cert", os.path.join(self.current("reviews-v1"), "cert.pem"),
             "-key", os.path.join(self.current("reviews-v1"), "key.pem"),
             "-CAfile", bundle, "-Verify", "1", "-verify_return_error", "-tls1_3"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(server.kill)
        # s_server says ACCEPT once it listens.
        for line in server.stdout:
            if line.startswith("ACCEPT"):
                break
        client = subprocess.run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
             "-cert", os.path.join(self.current("productpage-v1"), "cert.pem"),
             "-key", os.path.join(self.current("productpage-v1"), "key.pem"),
             "-CAfile", bundle, "-verify_return_error", "-tls1_3", "-brief"],
            input="", capture_output=True, text=True, timeout=30, check=False)
        output = client.stdout + client.stderr
        self.assertEqual(client.returncode, 0, output)
        self.assertIn("Verification: OK", output)
        self.assertRegex(output, r"Peer certificate: .*CN ?= ?reviews-v1")
        served, _ = server.communicate(timeout=30)
        self.assertRegex(served, r"(?s)CN ?= ?productpage-v1")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
