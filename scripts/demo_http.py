"""A tiny HTTP/1.1 client for the demo's measuring scripts (scripts/under_attack.py,
scripts/chaos.py): one request per connection, standard library only."""

import socket
import time
from urllib.parse import urlencode


class Answer:
    """A whole answer: status, headers (lower-case names, lists of values), body, seconds."""

    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds

    def header(self, name):
        values = self.headers.get(name.lower(), [])
        return values[0] if values else ""

    def cookies(self):
        """name -> value of every Set-Cookie (empty value for deletions)."""
        found = {}
        for line in self.headers.get("set-cookie", []):
            pair = line.split(";", 1)[0]
            name, _, value = pair.partition("=")
            found[name.strip()] = "" if "Max-Age=0" in line else value.strip()
        return found

    def text(self):
        return self.body.decode("utf-8", errors="replace")


def request(port, method, path, headers=None, body=b"", timeout=30.0):
    """Sends one request to 127.0.0.1:port and reads the answer until the server closes.

    Raises OSError when there is no connection or no whole HTTP answer."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        received = bytearray()
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    seconds = time.perf_counter() - started
    head, _, rest = bytes(received).partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    if not head_lines[0].startswith("HTTP/1.1 "):
        raise OSError(f"not an HTTP answer: {head_lines[0][:80]!r}")
    headers_in = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        headers_in.setdefault(name.strip().lower(), []).append(value.strip())
    return Answer(int(head_lines[0].split()[1]), headers_in, rest, seconds)


def form(fields):
    """An application/x-www-form-urlencoded body."""
    return urlencode(fields).encode()
