#!/usr/bin/env python3
"""The Bookinfo demo: compile the example policy, run the mesh on 127.0.0.1, show where requests go.

Usage: bookinfo_demo.py BUILD_DIR

Starts one demo backend and one compiled sidecar per workload. Each sidecar's inbound listener
takes the address the policy gives its workload's subset (examples/bookinfo/bookinfo.mesh), so the
outbound sidecars reach each other exactly as the policy says. Requests are sent the way an
application in the mesh sends them: to its own sidecar's outbound listener, naming the service in
the Host header. Everything started is stopped at the end, also on failure.
"""
import collections
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import meshtest  # noqa: E402  (process helpers shared with the integration tests)

POLICY = os.path.join(ROOT, "examples", "bookinfo", "bookinfo.mesh")

# (workload, service, version, inbound port from the policy's endpoints)
WORKLOADS = [
    ("productpage-v1", "productpage", "v1", 19080),
    ("details-v1", "details", "v1", 19181),
    ("reviews-v1", "reviews", "v1", 19281),
    ("reviews-v2", "reviews", "v2", 19282),
    ("reviews-v3", "reviews", "v3", 19283),
    ("ratings-v1", "ratings", "v1", 19381),
]


def ensure_free(port):
    with socket.socket() as s:
        # As the sidecar's acceptor does: connections of an earlier run in TIME_WAIT do not count.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            raise RuntimeError(f"port {port} (an endpoint in {POLICY}) is busy: {e}") from e


def get(port, host, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host, **(headers or {})})
    response = connection.getresponse()
    return response.status, response.read().decode(errors="replace")


class Mesh:
    """The backends and sidecars of the demo, in one meshtest.ProcessGroup (logs, ready files,
    stopping for sure)."""

    def __init__(self, build_dir, group):
        self.build_dir = build_dir
        self.group = group
        self.sidecars = {}

    def start(self, sidecar_dir, certs):
        backend = os.path.join(self.build_dir, "tools", "demo-backend", "demo-backend")
        for workload, service, version, inbound in WORKLOADS:
            ensure_free(inbound)
            _, app_port = meshtest.start_demo_backend(self.group, backend, service, version,
                                                      name=workload + ".backend")
            sidecar = self.group.start(workload + ".sidecar", [
                os.path.join(sidecar_dir, "sidecar-" + workload),
                "--inbound", f"127.0.0.1:{inbound}", "--outbound", "127.0.0.1:0",
                "--admin", "127.0.0.1:0", "--app", f"127.0.0.1:{app_port}", "--workers", "1",
                "--certs", certs, "--ready-file", self.group.path(workload + ".sidecar.ready")])
            self.sidecars[workload] = {k: int(v) for k, v in sidecar.wait_ready(15).items()}


def run_scenarios(mesh):
    """Returns rows of (label, from, counter of destinations)."""
    outbound = lambda workload: mesh.sidecars[workload]["outbound"]
    # (label, from workload, host, path, headers, count, where the policy says they must go)
    scenarios = [
        ("GET reviews /reviews/1, end-user: jason", "productpage-v1", "reviews", "/reviews/1",
         {"end-user": "jason"}, 200, {"reviews v2"}),
        ("GET reviews /reviews/1, anyone else", "productpage-v1", "reviews", "/reviews/1", {},
         2000, {"reviews v1", "reviews v3"}),
        ("GET reviews /health (otherwise rule)", "productpage-v1", "reviews", "/health", {}, 100,
         {"reviews v1"}),
        ("GET details /details/1", "productpage-v1", "details", "/details/1", {}, 100,
         {"details v1"}),
        ("GET ratings /ratings/1 (from reviews v2)", "reviews-v2", "ratings", "/ratings/1", {},
         100, {"ratings v1"}),
        ("GET ratings /ratings/1 (from productpage)", "productpage-v1", "ratings", "/ratings/1",
         {}, 10, {"HTTP 404"}),
    ]
    rows = []
    for label, source, host, path, headers, count, allowed in scenarios:
        seen = collections.Counter()
        connection = http.client.HTTPConnection("127.0.0.1", outbound(source), timeout=10)
        for _ in range(count):
            connection.request("GET", path, headers={"Host": host, **headers})
            response = connection.getresponse()
            body = response.read().decode(errors="replace").strip()
            seen[body if response.status == 200 else f"HTTP {response.status}"] += 1
        connection.close()
        if not set(seen) <= allowed:
            raise RuntimeError(f"{label}: expected only {sorted(allowed)}, got {dict(seen)}")
        rows.append((label, source, count, seen))
    return rows


def print_table(rows):
    print()
    print(f"{'request':44} {'from sidecar':16} {'went to':18} {'count':>6} {'share':>7}")
    print("-" * 95)
    for label, source, count, seen in rows:
        first = True
        for destination, n in sorted(seen.items()):
            print(f"{label if first else '':44} {source if first else '':16} {destination:18} "
                  f"{n:6d} {100.0 * n / count:6.1f}%")
            first = False
    print()


def show_mutual_tls(mesh):
    """Every call above went between sidecars over mutual TLS; a plaintext one is refused."""
    print("\nmutual TLS (the mesh is `mtls strict`): connections each sidecar accepted / refused")
    for workload, ports in mesh.sidecars.items():
        _, stats = get(ports["admin"], "admin", "/stats")
        accepted = re.search(r'^meshc_mtls_connections_total\{direction="inbound"\} (\d+)', stats,
                             re.MULTILINE)
        refused = sum(int(n) for n in re.findall(
            r'^meshc_mtls_failures_total\{direction="inbound",[^}]*\} (\d+)', stats, re.MULTILINE))
        print(f"  sidecar-{workload:15} {accepted.group(1) if accepted else '?':>5} / {refused}")
    status, body = get(mesh.sidecars["reviews-v1"]["inbound"], "reviews", "/reviews/1")
    if status != 400:
        raise RuntimeError(f"plaintext to a strict sidecar got HTTP {status}, not 400")
    print(f"GET reviews /reviews/1 in plaintext, straight to reviews-v1's sidecar -> HTTP {status}: "
          f"{body.strip()}")


def main():
    build_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    meshc = os.path.join(build_dir, "compiler", "driver", "meshc")
    sidecar_dir = os.path.join(build_dir, "demo", "bookinfo")
    print(f"$ meshc compile {os.path.relpath(POLICY, ROOT)} -o {sidecar_dir}")
    compiled = subprocess.run([meshc, "compile", POLICY, "-o", sidecar_dir], capture_output=True,
                              text=True, timeout=300, check=False)
    sys.stdout.write(compiled.stdout)
    sys.stderr.write(compiled.stderr)
    if compiled.returncode != 0:
        return 1
    digest = compiled.stdout.split(" digest ", 1)[1].split()[0]
    # The mesh is strict: every sidecar needs its workload's certificate. A fresh CA each run, so
    # a demo run a day later never meets an expired one.
    certs = os.path.join(build_dir, "demo", "certs")
    shutil.rmtree(certs, ignore_errors=True)
    for step in ("init", "issue"):
        print(f"$ meshc certs {step} {os.path.relpath(POLICY, ROOT)} --dir {certs}")
        issued = subprocess.run([meshc, "certs", step, POLICY, "--dir", certs],
                                capture_output=True, text=True, timeout=60, check=False)
        sys.stdout.write(issued.stdout)
        sys.stderr.write(issued.stderr)
        if issued.returncode != 0:
            return 1

    with meshtest.ProcessGroup(prefix="meshc-demo-") as group:
        mesh = Mesh(build_dir, group)
        statuses = {}
        try:
            mesh.start(sidecar_dir, certs)
            print(f"\nstarted {len(WORKLOADS)} demo backends and {len(mesh.sidecars)} sidecars "
                  "on 127.0.0.1")
            for workload, ports in mesh.sidecars.items():
                status, body = get(ports["admin"], "admin", "/config")
                config = json.loads(body)
                assert status == 200 and config["policy_digest"] == digest, body
                print(f"  sidecar-{workload:15} outbound :{ports['outbound']:<5} inbound "
                      f":{ports['inbound']:<5} admin :{ports['admin']:<5} "
                      f"policy {config['policy_digest'][:19]}...")
            rows = run_scenarios(mesh)
            print_table(rows)
            status, body = get(mesh.sidecars["productpage-v1"]["outbound"], "unknown-service", "/")
            print(f"GET unknown-service / from productpage-v1 -> HTTP {status}: {body.strip()}")
            status, body = get(mesh.sidecars["productpage-v1"]["admin"], "admin", "/stats")
            totals = [line for line in body.splitlines()
                      if line.startswith("istio_requests_total") and 'reporter="source"' in line]
            print(f"\nproductpage-v1 /stats: {len(totals)} istio_requests_total series, e.g.")
            for line in totals[:4]:
                print("  " + line)
            show_mutual_tls(mesh)
        finally:
            statuses = group.stop_all()
            print(f"\nstopped everything (SIGTERM): exit statuses "
                  f"{sorted(set(str(s) for s in statuses.values()))}")
            if any(status != 0 for status in statuses.values()):
                print(group.logs()[-6000:])
    return 0 if all(status == 0 for status in statuses.values()) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, meshtest.MeshTestError) as error:
        print(f"demo: {error}", file=sys.stderr)
        sys.exit(1)
