"""A webhook receiver on loopback that checks signatures the way the README tells
receivers to: HMAC-SHA256 over "<t>.<raw body>", constant-time compare, 5-minute window."""

import hashlib
import hmac
import http.server
import json
import socket
import threading
import time

from tests.notifications.support import free_port


def receiver_verifies(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs((now or time.time()) - timestamp) > 300:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


class Receiver:
    def __init__(self, secret: str):
        self.secret = secret
        self.requests = []  # (headers, body, verified)
        self.statuses: list[int] = []  # scripted answers, then 200
        self.always: int | None = None
        self.redirect_to: str | None = None  # answer 302 to this URL
        self.body_bytes = 0  # answer with this many bytes of body
        self.trickle = False  # answer one byte every 0.3 s, for a minute
        self.truncate = False  # promise 1,000 bytes, send 10 and hang up
        self.cut_off = False
        self.port = free_port()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verified = receiver_verifies(
                    receiver.secret, self.headers["Vetting-Signature"], body
                )
                receiver.requests.append((dict(self.headers), body, verified))
                status = receiver.always or (receiver.statuses.pop(0) if receiver.statuses else 200)
                if receiver.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", receiver.redirect_to)
                    self.end_headers()
                    return
                self.send_response(status if verified else 400)
                if receiver.truncate:
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.write(b"0123456789")
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if receiver.body_bytes or receiver.trickle:
                    self.send_header("Content-Length", str(receiver.body_bytes or 200))
                self.end_headers()
                try:
                    if receiver.trickle:
                        for _ in range(200):
                            self.wfile.write(b"x")
                            self.wfile.flush()
                            time.sleep(0.3)
                    elif receiver.body_bytes:
                        chunk = b"x" * 65536
                        for _ in range(receiver.body_bytes // len(chunk)):
                            self.wfile.write(chunk)
                    else:
                        self.wfile.write(b"ok" if status == 200 else b"try later")
                except (BrokenPipeError, ConnectionResetError):
                    receiver.cut_off = True  # the sender stopped reading

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/vetting"

    def events(self) -> list[dict]:
        return [json.loads(body) for _, body, ok in list(self.requests) if ok]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
