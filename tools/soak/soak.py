#!/usr/bin/env python3
"""Soak: one compiled sidecar under mixed load for a long while (10 minutes by default); its
memory and file descriptors must be flat at the end.

Usage: tools/soak/soak.py BUILD_DIR [--seconds 600] [--sample 10]

The sidecar is examples/bookinfo's productpage-v1, compiled by BUILD_DIR's meshc, with two
workers, in front of demo backends for reviews (v1, v2, v3) and details. The load, all at once
for the whole run, on 127.0.0.1:
- keep-alive: wrk, 16 connections, GET of a split route (reviews) and of details;
- new connections: wrk with `Connection: close`, 4 connections;
- uploads: wrk POSTing 64 KiB bodies, 4 connections;
- slow clients: 4 threads that send each request in pieces 20 ms apart and read the response
  1 KiB at a time;
- clients that leave: 2 threads that send half a request body, or read half a response, and
  close.
Every `--sample` seconds the sidecar's RSS (/proc/PID/status VmRSS) and open descriptors
(/proc/PID/fd) are recorded.

Verdict, printed with the samples and the load's own figures:
- the sidecar runs to the end (and drains with exit 0 on SIGTERM after it);
- descriptors: once the load stops and the clients' connections are closed, the sidecar holds
  exactly what it held idle at start, plus its pooled upstream connections
  (meshc_upstream_connections_active): nothing leaks;
- memory: RSS at the end of the load is within 10% (and 4 MiB) of RSS after the first fifth of
  the run, when every pool and buffer has reached its working size: no growth under steady load;
- no load generator saw a socket error other than the clients that leave on purpose, and no
  response other than 2xx.
Exit status 0 when every check holds, 1 otherwise.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import meshtest  # noqa: E402  (needs the path above)

POLICY = os.path.join(ROOT, "examples", "bookinfo", "bookinfo.mesh")
UPLOAD_LUA = """
wrk.method = "POST"
wrk.body = string.rep("u", 65536)
wrk.headers["Content-Type"] = "application/octet-stream"
"""


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1))


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def upstream_connections(admin_port):
    _, _, body = meshtest.http_request(admin_port, "/stats")
    return int(re.search(rb"meshc_upstream_connections_active (\d+)", body).group(1))


def downstream_open(pid, port):
    """Established connections to the sidecar's listener, from the kernel's table."""
    count = 0
    with open(f"/proc/{pid}/net/tcp") as table:
        for line in table.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "01" and int(local.split(":")[1], 16) == port:
                count += 1
    return count


class SlowClients:
    """Threads of deliberately awkward clients, counting what they saw."""

    def __init__(self, port, deadline):
        self.port = port
        self.deadline = deadline
        self.counts = {"slow_ok": 0, "slow_bad": 0, "leavers": 0}
        self.lock = threading.Lock()
        self.threads = []

    def count(self, key):
        with self.lock:
            self.counts[key] += 1

    def slow(self):
        request = b"GET /reviews/1 HTTP/1.1\r\nHost: reviews\r\nEnd-User: soak\r\n\r\n"
        while time.monotonic() < self.deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                    for start in range(0, len(request), 8):
                        s.sendall(request[start:start + 8])
                        time.sleep(0.02)
                    reply = b""
                    while b"\r\n\r\n" not in reply or not reply.endswith(b"\n"):
                        chunk = s.recv(1024)
                        if not chunk:
                            break
                        reply += chunk
                        time.sleep(0.005)
                self.count("slow_ok" if reply.startswith(b"HTTP/1.1 200") else "slow_bad")
            except OSError:
                self.count("slow_bad")

    def leaver(self):
        upload = (b"POST /details/1 HTTP/1.1\r\nHost: details\r\nContent-Length: 100000\r\n\r\n"
                  + b"x" * 50000)
        download = b"GET /bytes?n=1000000 HTTP/1.1\r\nHost: details\r\n\r\n"
        turn = 0
        while time.monotonic() < self.deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                    if turn % 2 == 0:
                        s.sendall(upload)
                    else:
                        s.sendall(download)
                        s.recv(65536)
                self.count("leavers")
            except OSError:
                pass
            turn += 1
            time.sleep(0.01)

    def start(self):
        for target in [self.slow] * 4 + [self.leaver] * 2:
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def join(self):
        for thread in self.threads:
            thread.join(timeout=30)


def wrk(args, seconds):
    return subprocess.Popen(["wrk", "-t1", f"-d{seconds}s", "--timeout", "10s", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_problems(output):
    """Socket errors and non-2xx responses a wrk run reports."""
    problems = []
    errors = re.search(r"Socket errors: (.*)", output)
    if errors:
        problems.append("socket errors: " + errors.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        problems.append(f"{non2xx.group(1)} non-2xx responses")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--sample", type=int, default=10)
    options = parser.parse_args()
    meshc = os.path.join(options.build_dir, "compiler", "driver", "meshc")
    backend = os.path.join(options.build_dir, "tools", "demo-backend", "demo-backend")

    with meshtest.ProcessGroup(prefix="meshc-soak-") as group:
        sidecars = meshtest.compile_sidecars(meshc, POLICY, group.workdir, "productpage-v1")
        ports = {}
        for service, version in (("reviews", "v1"), ("reviews", "v2"), ("reviews", "v3"),
                                 ("details", "v1")):
            _, ports[f"{service}.{version}"] = meshtest.start_demo_backend(
                group, backend, service, version)
        endpoints = "".join(f"{cluster} 127.0.0.1:{port}\n" for cluster, port in ports.items())
        sidecar, listeners = meshtest.start_sidecar(
            group, os.path.join(sidecars, "sidecar-productpage-v1"), endpoints=endpoints,
            workers=2)
        pid, outbound, admin = sidecar.pid, listeners["outbound"], listeners["admin"]
        idle_fds = open_fds(pid) - upstream_connections(admin)
        print(f"sidecar pid {pid}: idle, {open_fds(pid)} descriptors, {rss_kib(pid)} KiB RSS")

        seconds = options.seconds
        url = f"http://127.0.0.1:{outbound}"
        workdir = tempfile.mkdtemp(dir=group.workdir)
        lua = os.path.join(workdir, "upload.lua")
        with open(lua, "w") as f:
            f.write(UPLOAD_LUA)
        loads = {
            "keep-alive reviews": wrk(["-c12", "-H", "Host: reviews", f"{url}/reviews/1"],
                                      seconds),
            "keep-alive details": wrk(["-c4", "-H", "Host: details", f"{url}/details/1"],
                                      seconds),
            "new connections": wrk(["-c4", "-H", "Host: reviews", "-H", "Connection: close",
                                    f"{url}/reviews/2"], seconds),
            "uploads": wrk(["-c4", "-s", lua, "-H", "Host: details", f"{url}/details/1"],
                           seconds),
        }
        clients = SlowClients(outbound, time.monotonic() + seconds)
        clients.start()

        samples = []
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            time.sleep(min(options.sample, max(0.0, seconds - (time.monotonic() - started))))
            if sidecar.process.poll() is not None:
                break
            samples.append((round(time.monotonic() - started), rss_kib(pid), open_fds(pid)))
            print(f"  t={samples[-1][0]:4d} s  RSS {samples[-1][1]:6d} KiB  "
                  f"fds {samples[-1][2]:4d}", flush=True)

        outputs = {name: load.communicate(timeout=60)[0] for name, load in loads.items()}
        clients.join()
        failures = []
        alive = sidecar.process.poll() is None
        if not alive:
            failures.append(f"the sidecar exited with {sidecar.process.returncode} under load")
        else:
            # The clients are gone; the sidecar closes its side of their connections as it
            # notices. What must remain is its idle set plus the upstream pool.
            try:
                meshtest.wait_until(lambda: downstream_open(pid, outbound) == 0, timeout=30,
                                    what="client connections to close")
            except AssertionError as error:
                failures.append(str(error))
            end_fds = open_fds(pid)
            pooled = upstream_connections(admin)
            print(f"after the load: {end_fds} descriptors ({pooled} pooled upstream), "
                  f"{rss_kib(pid)} KiB RSS")
            if end_fds - pooled != idle_fds:
                failures.append(f"descriptors: {end_fds} - {pooled} pooled != {idle_fds} at start")
        if len(samples) >= 5:
            settled = samples[len(samples) // 5][1]
            final = samples[-1][1]
            if final - settled > max(settled // 10, 4096):
                failures.append(f"RSS grew from {settled} KiB to {final} KiB under steady load")
        else:
            failures.append("too few samples")

        total = 0
        for name, output in outputs.items():
            requests = re.search(r"(\d+) requests in", output)
            total += int(requests.group(1)) if requests else 0
            print(f"--- wrk: {name}\n{output.strip()}")
            failures += [f"{name}: {p}" for p in wrk_problems(output)]
        print(f"--- other clients: {clients.counts}")
        if clients.counts["slow_bad"]:
            failures.append(f"{clients.counts['slow_bad']} slow clients got no 200")
        print(f"--- {total} wrk requests in {seconds} s")

        if alive:
            sidecar.send_signal(signal.SIGTERM)
            code = sidecar.wait(timeout=30)
            if code != 0:
                failures.append(f"drain after the soak exited {code}")
        reports = group.sanitizer_reports()
        if reports:
            failures.append(f"sanitizer reports: {reports}")
        if failures:
            print("SOAK FAILED:\n  " + "\n  ".join(failures))
            return 1
        print("soak passed: RSS and descriptors flat, no errors")
        return 0


if __name__ == "__main__":
    sys.exit(main())
