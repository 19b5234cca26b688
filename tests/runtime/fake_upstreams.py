"""Fake upstream servers that misbehave in precise ways, for the sidecar's end-to-end tests.

Each runs on its own thread on 127.0.0.1, on a port the kernel picks; close() stops it.
"""

import socket
import threading


class FakeUpstream:
    """A listener on a kernel-chosen port whose connections are each handled on a thread of
    their own by the subclass's handle(connection); close() stops it."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except socket.timeout:
                continue
            self.connections += 1
            threading.Thread(target=self.handle, args=(connection,), daemon=True).start()

    def handle(self, connection):
        raise NotImplementedError

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        self.listener.close()


class BrokenUpstream(FakeUpstream):
    """Answers every connection with bytes that are not HTTP, then closes it."""

    def handle(self, connection):
        with connection:
            connection.settimeout(2)
            try:
                connection.recv(65536)
                connection.sendall(b"SPDY/9 banana\r\n\r\n")
            except OSError:
                pass


class ClosesSecondRequest(FakeUpstream):
    """Answers the first request of each connection with keep-alive, then closes the connection
    when the second request arrives, without a byte of response: the race in which a server
    drops an idle connection just as the proxy reuses it."""

    def handle(self, connection):
        with connection:
            connection.settimeout(5)
            try:
                for answer in (b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", None):
                    request = b""
                    while b"\r\n\r\n" not in request:
                        chunk = connection.recv(65536)
                        if not chunk:
                            return
                        request += chunk
                    if answer:
                        connection.sendall(answer)
            except OSError:
                pass


class ScriptedUpstream(FakeUpstream):
    """Reads request headers one after the other on each connection and runs the script
    registered for each request's path: a function (connection) that writes whatever the test
    needs, raw. A script that returns leaves the connection open for the next request (the
    sidecar may pool it); the connection closes when the peer closes it."""

    def __init__(self, scripts):
        self.scripts = scripts
        super().__init__()

    def handle(self, connection):
        with connection:
            connection.settimeout(10)
            received = b""
            try:
                while True:
                    while b"\r\n\r\n" not in received and len(received) < 65536:
                        chunk = connection.recv(65536)
                        if not chunk:
                            return
                        received += chunk
                    head, _, received = received.partition(b"\r\n\r\n")
                    self.scripts[head.split(b" ", 2)[1].decode()](connection)
            except (OSError, IndexError, KeyError):
                pass


class HeadEcho(FakeUpstream):
    """Reads bodyless requests one after the other on each connection, keeping it, and answers
    each with the response the subclass's respond(head) makes of the request's head."""

    def handle(self, connection):
        with connection:
            connection.settimeout(10)
            received = b""
            try:
                while True:
                    while b"\r\n\r\n" not in received:
                        chunk = connection.recv(65536)
                        if not chunk:
                            return
                        received += chunk
                    head, _, received = received.partition(b"\r\n\r\n")
                    connection.sendall(self.respond(head))
            except OSError:
                pass

    def respond(self, head):
        raise NotImplementedError


class EchoesRequestLine(HeadEcho):
    """Answers with a body that names this upstream and gives the request line and Host it
    received, byte for byte: b"reviews.v1 GET /a HTTP/1.1\\nhost: reviews\\n"."""

    def __init__(self, name):
        self.name = name
        super().__init__()

    def respond(self, head):
        request_line, *fields = head.split(b"\r\n")
        host = [value.strip() for name, _, value in
                (field.partition(b":") for field in fields) if name.lower() == b"host"]
        body = b"%s %s\nhost: %s\n" % (self.name.encode(), request_line, b",".join(host))
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


class EchoesRequestHead(HeadEcho):
    """Answers with the request's whole head as the body, byte for byte (the request line, then
    one header field a line, CRLF-separated), and with response header fields a policy can edit:
    x-upstream-replace: old, x-upstream-remove: 1, x-upstream-keep: 1."""

    def respond(self, head):
        return (b"HTTP/1.1 200 OK\r\nx-upstream-replace: old\r\nx-upstream-remove: 1\r\n"
                b"x-upstream-keep: 1\r\nContent-Length: %d\r\n\r\n%s" % (len(head), head))


def wait_for_close(connection, limit=10):
    """Reads and discards until the peer closes (at most `limit` seconds, via the timeout)."""
    connection.settimeout(limit)
    while connection.recv(65536):
        pass


def send_endless(connection, prefix, total=4 * 1024 * 1024):
    """Sends `prefix` and then up to `total` bytes of 'a' that never reach a CRLF; stops quietly
    when the peer gives up. Returns True if everything went out (nobody stopped it)."""
    piece = b"a" * 65536
    try:
        connection.sendall(prefix)
        for _ in range(total // len(piece)):
            connection.sendall(piece)
    except OSError:
        return False
    return True


def read_request(connection, received=b""):
    """(head, body, rest) of the next request on a connection: a Content-Length or chunked body.
    None at the end of the connection."""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        received += chunk
    head, _, received = received.partition(b"\r\n\r\n")
    fields = {name.strip().lower(): value.strip() for name, _, value in
              (line.partition(b":") for line in head.split(b"\r\n")[1:])}
    if b"content-length" in fields:
        length = int(fields[b"content-length"])
        while len(received) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return None
            received += chunk
        return head, received[:length], received[length:]
    if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
        body = b""
        while True:
            while b"\r\n" not in received:
                if not (chunk := connection.recv(65536)):
                    return None
                received += chunk
            size_line, _, received = received.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(received) < size + 2:
                if not (chunk := connection.recv(65536)):
                    return None
                received += chunk
            body, received = body + received[:size], received[size + 2:]
            if size == 0:
                return head, body, received
    return head, b"", received
