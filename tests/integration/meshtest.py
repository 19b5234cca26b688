"""Helpers for integration tests that run real meshc binaries on 127.0.0.1.

Servers bind port 0 and report the ports they got through a ready file, so tests never race for a
"free" port. Every process a test starts is a ManagedProcess inside a ProcessGroup: its output goes
to a log file (printed when a test fails), every wait has a timeout, and the group kills whatever
is still running when the test ends, however it ends.

Standard library only; curl and wrk are used as real clients through subprocess.
"""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

DEFAULT_TIMEOUT = 10.0
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "WARNING: ThreadSanitizer")


class MeshTestError(AssertionError):
    pass


def read_key_values(text):
    """Parses "key=value" lines (a ready file) into a dict of strings."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


def unused_port():
    """A port nothing listens on (bound and released at once): a dead endpoint for tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_refused(port, host="127.0.0.1", timeout=1.0):
    """True when a TCP connect to the port is refused (nothing listens there any more). A reset
    counts too: a connection that reached the accept queue of a listener being closed is reset."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return False
    except (ConnectionRefusedError, ConnectionResetError):
        return True


def wait_until(predicate, timeout, interval=0.02, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise MeshTestError(f"timed out after {timeout}s waiting for {what}")


def run(args, timeout=DEFAULT_TIMEOUT, input=None, check=False):
    """Runs a command to completion with a timeout; returns the CompletedProcess (text output)."""
    return subprocess.run(args, input=input, capture_output=True, text=True, timeout=timeout,
                          check=check)


def http_request(port, path, method="GET", headers=None, body=None, host="127.0.0.1",
                 timeout=DEFAULT_TIMEOUT):
    """One request on a new connection. Returns (status, headers dict lower-cased, body bytes)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        connection.close()


def raw_exchange(port, payload, timeout=5.0, host="127.0.0.1"):
    """Sends raw bytes and reads until the peer closes or goes quiet; returns what came back."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(payload)
        received = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                received += chunk
        except socket.timeout:
            pass
        return received



def exchange_until_close(port, payload, timeout=5.0, host="127.0.0.1"):
    """Sends raw bytes and reads until the peer closes; raises AssertionError if it has not
    closed within `timeout`: the close is the event the caller waits for."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(payload)
        received = b""
        try:
            while chunk := s.recv(65536):
                received += chunk
        except socket.timeout:
            raise AssertionError(f"no close within {timeout} s after {received[:200]!r}") from None
        return received

class ManagedProcess:
    """A child process with a log file and a ready file, stopped for sure by stop()."""

    def __init__(self, name, args, workdir, env=None):
        self.name = name
        self.args = [str(a) for a in args]
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.ready_path = os.path.join(workdir, f"{name}.ready")
        self.env = env
        self.process = None
        self._log = None

    def start(self):
        if os.path.exists(self.ready_path):
            os.remove(self.ready_path)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=self.env)
        return self

    def wait_ready(self, timeout=DEFAULT_TIMEOUT):
        """Waits for the ready file the process writes once it listens; returns its values."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise MeshTestError(f"{self.name} exited with {self.process.returncode} before "
                                    f"it was ready:\n{self.log()}")
            if os.path.exists(self.ready_path):
                with open(self.ready_path) as f:
                    return read_key_values(f.read())
            time.sleep(0.01)
        raise MeshTestError(f"{self.name} not ready after {timeout}s:\n{self.log()}")

    @property
    def pid(self):
        return self.process.pid

    def send_signal(self, signum):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signum)

    def wait(self, timeout=DEFAULT_TIMEOUT):
        """Waits for the process to exit; returns its exit code (raises on timeout)."""
        return self.process.wait(timeout=timeout)

    def stop(self, grace=3.0):
        """SIGTERM, then SIGKILL after `grace` seconds. Safe to call more than once.
        Returns the exit code (negative: killed by that signal)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=grace)
        if self._log:
            self._log.close()
            self._log = None
        return self.process.returncode

    def sanitizer_reports(self):
        """Lines of the log where a sanitizer (ASan, LSan, UBSan, TSan) reported a problem."""
        return [line for line in self.log().splitlines()
                if any(marker in line for marker in SANITIZER_MARKERS)]

    def log(self):
        if self._log:
            self._log.flush()
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""


class ProcessGroup(contextlib.AbstractContextManager):
    """Owns a scratch directory and every process started through it. Set MESHTEST_KEEP=1 to
    keep the directory (logs, ready files) for a look after the test."""

    def __init__(self, prefix="meshtest-"):
        self.workdir = tempfile.mkdtemp(prefix=prefix)
        self.processes = []

    def stop_all(self):
        """Stops every process (newest first); returns {name: exit code}."""
        codes = {}
        for process in reversed(self.processes):
            try:
                codes[process.name] = process.stop()
            except Exception:  # keep stopping the others
                codes[process.name] = None
        return codes

    def sanitizer_reports(self):
        return {p.name: p.sanitizer_reports() for p in self.processes if p.sanitizer_reports()}

    def start(self, name, args, env=None):
        process = ManagedProcess(name, args, self.workdir, env=env).start()
        self.processes.append(process)
        return process

    def path(self, name):
        return os.path.join(self.workdir, name)

    def logs(self):
        return "\n".join(f"----- {p.name} -----\n{p.log()}" for p in self.processes)

    def close(self):
        self.stop_all()
        if os.environ.get("MESHTEST_KEEP"):
            print(f"meshtest: kept {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __exit__(self, *exc):
        self.close()
        return False


def compile_sidecars(meshc, policy, workdir, workload=None, timeout=120):
    """Runs `meshc compile` on `policy`, for one workload or all; returns the directory that
    holds the sidecars (sidecar-WORKLOAD each)."""
    out_dir = tempfile.mkdtemp(prefix="meshc-sidecars-", dir=workdir)
    args = [meshc, "compile", policy, "-o", out_dir]
    if workload is not None:
        args += ["--workload", workload]
    run_ = run(args, timeout=timeout)
    if run_.returncode != 0:
        raise MeshTestError(f"meshc compile failed:\n{run_.stderr}")
    return out_dir


def start_demo_backend(group, binary, service, version, name=None):
    """Starts tools/demo-backend on a free port; returns (process, port)."""
    name = name or f"backend-{service}-{version}"
    process = group.start(name, [binary, "--listen", "127.0.0.1:0", "--service", service,
                                 "--version", version, "--ready-file",
                                 os.path.join(group.workdir, f"{name}.ready")])
    return process, int(process.wait_ready()["port"])


def start_sidecar(group, binary, endpoints=None, app=None, workers=2, extra=(), name="sidecar",
                  wrapper=()):
    """Starts a sidecar with all listeners on port 0; returns (process, ports dict of ints).
    `wrapper`: a command that runs the sidecar's command line (e.g. prlimit with its options)."""
    args = [*wrapper, binary, "--outbound", "127.0.0.1:0", "--inbound", "127.0.0.1:0", "--admin",
            "127.0.0.1:0", "--workers", str(workers), "--ready-file",
            os.path.join(group.workdir, f"{name}.ready")]
    if endpoints is not None:
        path = os.path.join(group.workdir, f"{name}-endpoints.txt")
        with open(path, "w") as f:
            f.write(endpoints)
        args += ["--endpoints", path]
    if app is not None:
        args += ["--app", app]
    args += list(extra)
    process = group.start(name, args)
    return process, {k: int(v) for k, v in process.wait_ready().items()}


class MeshTestCase(unittest.TestCase):
    """Shares one ProcessGroup among a class's tests: a subclass starts its processes in the
    classmethod start(). At the end every process must stop cleanly on SIGTERM (a sidecar drains
    and exits 0) and, in a sanitizer build, without reports. Logs are printed on any failure."""

    @classmethod
    def start(cls):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.group = ProcessGroup(prefix=f"meshtest-{cls.__name__}-")
        try:
            cls.start()
        except BaseException:
            print(cls.group.logs())
            cls.group.close()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            codes = cls.group.stop_all()
            reports = cls.group.sanitizer_reports()
            bad = {name: code for name, code in codes.items() if code not in (0, None)}
            if bad or reports:
                print(cls.group.logs())
            assert not reports, f"sanitizer reports: {reports}"
            assert not bad, f"unclean exits after SIGTERM: {bad}"
        finally:
            cls.group.close()

    def run(self, result=None):
        failures = len(result.failures) + len(result.errors) if result else 0
        outcome = super().run(result)
        if result and len(result.failures) + len(result.errors) > failures:
            print(f"\n===== logs after {self.id()} =====\n{self.group.logs()}")
        return outcome
