#!/usr/bin/env python3
"""Latency and throughput a proxy adds on one HTTP/1.1 hop: meshc's compiled sidecar against
HAProxy and nginx, measured in the same run on the same backend.

Usage: proxy_overhead.py BUILD_DIR [--seconds N]   (as root: installs haproxy and nginx-light)

Method
- Backend: nginx answering a fixed 32-byte body (`return 200`), the same for every target.
- Targets: the backend directly, then each proxy with one worker/thread in front of it:
  meshc sidecar (outbound listener, Host: backend), HAProxy 2.6 (`nbthread 1`, http mode,
  keep-alive to the backend), nginx 1.22 as reverse proxy (`worker_processes 1`, upstream
  keepalive).
- Pinning (cross-core wakeups dominate otherwise on these VMs): the proxy runs alone on CPU 0;
  wrk and the backend share CPU 1.
- Per target: `wrk -t1 -c1 --latency` (per-request latency: p50, p99) and `wrk -t1 -c32`
  (throughput), each for --seconds after a 1 s warm-up. The raw wrk output is kept.
- Results are reported as ratios against the peers measured in the same run; absolute numbers
  move with the machine's load.
"""
import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import meshtest  # noqa: E402  (process helpers shared with the integration tests)

PROXY_CPU, CLIENT_CPU = "0", "1"


def ensure_peers():
    missing = [p for p, binary in (("haproxy", "haproxy"), ("nginx-light", "nginx"))
               if shutil.which(binary) is None and not os.path.exists(f"/usr/sbin/{binary}")]
    if missing:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
                       check=True, env=env, timeout=600)


def pinned(cpu, args):
    return ["taskset", "-c", cpu, *args]


def nginx_config(workdir, body):
    return f"""
daemon off; worker_processes 1; pid {workdir}/nginx-PORT.pid; error_log {workdir}/nginx-PORT.err;
events {{ worker_connections 1024; }}
http {{
  access_log off; client_body_temp_path {workdir}; proxy_temp_path {workdir};
  fastcgi_temp_path {workdir}; uwsgi_temp_path {workdir}; scgi_temp_path {workdir};
  BODY
}}
""".replace("BODY", body)


def start_nginx(group, workdir, name, cpu, body):
    port = meshtest.unused_port()
    config = os.path.join(workdir, f"{name}.conf")
    with open(config, "w") as f:
        f.write(nginx_config(workdir, body.replace("LISTEN", f"127.0.0.1:{port}"))
                .replace("PORT", name))
    group.start(name, pinned(cpu, ["nginx", "-c", config, "-p", workdir]))
    meshtest.wait_until(lambda: not meshtest.is_refused(port), 10, what=name)
    return port


def start_haproxy(group, workdir, backend_port):
    port = meshtest.unused_port()
    config = os.path.join(workdir, "haproxy.cfg")
    with open(config, "w") as f:
        f.write(f"""global
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:{port}
  default_backend be
backend be
  http-reuse always
  server s1 127.0.0.1:{backend_port}
""")
    group.start("haproxy", pinned(PROXY_CPU, ["haproxy", "-f", config]))
    meshtest.wait_until(lambda: not meshtest.is_refused(port), 10, what="haproxy")
    return port


def start_meshc(group, workdir, build_dir, backend_port):
    out = os.path.join(workdir, "sidecars")
    compiled = meshtest.run([os.path.join(build_dir, "compiler", "driver", "meshc"), "compile",
                             os.path.join(HERE, "proxy.mesh"), "-o", out], timeout=300)
    if compiled.returncode != 0:
        raise RuntimeError(compiled.stderr)
    endpoints = os.path.join(workdir, "endpoints.txt")
    with open(endpoints, "w") as f:
        f.write(f"backend.v1 127.0.0.1:{backend_port}\n")
    process = group.start("meshc", pinned(PROXY_CPU, [
        os.path.join(out, "sidecar-client-v1"), "--workers", "1", "--outbound", "127.0.0.1:0",
        "--inbound", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--app", "127.0.0.1:1",
        "--endpoints", endpoints, "--log-level", "warn", "--ready-file",
        os.path.join(group.workdir, "meshc.ready")]))
    return int(process.wait_ready()["outbound"])


def wrk(port, connections, seconds, host=None):
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if host:
        args += ["-H", f"Host: {host}"]
    args.append(f"http://127.0.0.1:{port}/")
    return meshtest.run(pinned(CLIENT_CPU, args), timeout=seconds + 30, check=True).stdout


def parse(output):
    def micros(text):
        match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
        if match is None:
            raise RuntimeError(f"cannot read wrk latency {text!r} in:\n{output}")
        value, unit = match.groups()
        return float(value) * {"us": 1, "ms": 1000, "s": 1e6, "m": 6e7}[unit]
    p50 = micros(re.search(r"50%\s+(\S+)", output).group(1))
    p99 = micros(re.search(r"99%\s+(\S+)", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = "Non-2xx" in output or "Socket errors" in output
    return p50, p99, rps, errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--seconds", type=int, default=5)
    options = parser.parse_args()
    ensure_peers()
    raw = []
    results = {}
    with meshtest.ProcessGroup(prefix="meshc-bench-") as group:
        workdir = tempfile.mkdtemp(dir=group.workdir)
        backend = start_nginx(group, workdir, "backend", CLIENT_CPU,
                              'server { listen LISTEN; location / { return 200 '
                              '"0123456789abcdef0123456789abcde\\n"; } }')
        targets = [
            ("direct", backend, None),
            ("meshc", start_meshc(group, workdir, options.build_dir, backend), "backend"),
            ("haproxy", start_haproxy(group, workdir, backend), None),
            ("nginx", start_nginx(group, workdir, "nginx-proxy", PROXY_CPU,
                                  f'upstream be {{ server 127.0.0.1:{backend}; keepalive 64; }} '
                                  'server { listen LISTEN; location / { proxy_pass http://be; '
                                  'proxy_http_version 1.1; proxy_set_header Connection ""; } }'),
             None),
        ]
        for name, port, host in targets:
            wrk(port, 1, 1, host)  # warm-up: connections, caches, pools
            one = wrk(port, 1, options.seconds, host)
            many = wrk(port, 32, options.seconds, host)
            raw.append(f"=== {name}: wrk -t1 -c1 ===\n{one}\n=== {name}: wrk -t1 -c32 ===\n{many}")
            p50, p99, _, errors1 = parse(one)
            _, _, rps, errors32 = parse(many)
            results[name] = (p50, p99, rps, errors1 or errors32)
    direct = results["direct"]
    lines = [f"# proxy overhead, {datetime.datetime.now().isoformat(timespec='seconds')}, "
             f"{options.seconds}s per run, proxy pinned to CPU {PROXY_CPU}, wrk+backend on CPU "
             f"{CLIENT_CPU}",
             f"{'target':10} {'p50 us':>8} {'p99 us':>8} {'added p50':>10} {'req/s c32':>10} "
             f"{'errors':>6}"]
    for name, (p50, p99, rps, errors) in results.items():
        added = "" if name == "direct" else f"{p50 - direct[0]:.0f}"
        lines.append(f"{name:10} {p50:8.0f} {p99:8.0f} {added:>10} {rps:10.0f} "
                     f"{'yes' if errors else 'no':>6}")
    mesh = results["meshc"]
    for peer in ("haproxy", "nginx"):
        p = results[peer]
        lines.append(f"meshc/{peer}: added p50 {(mesh[0] - direct[0]) / max(p[0] - direct[0], 1):.2f}x, "
                     f"throughput {mesh[2] / p[2]:.2f}x")
    summary = "\n".join(lines)
    print(summary)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(HERE, "results", f"proxy-overhead-{stamp}.txt"), "w") as f:
        f.write(summary + "\n\n" + "\n".join(raw))
    return 0


if __name__ == "__main__":
    sys.exit(main())
