"""A small HTTP client for the smoke test: it connects from a chosen loopback address
(nginx then sees that address as the client's), to nginx over TLS or to one gunicorn
host directly (as nginx does: Host and X-Forwarded-Proto set), and keeps cookies by
name, so one session can be carried from host to host."""

import http.client
import re
import ssl
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def csrf_token(self) -> str:
        match = CSRF_INPUT.search(self.text)
        assert match, f"no CSRF token in the page (status {self.status})"
        return match.group(1)


@dataclass
class Client:
    """``base`` is https://vetting.test:8443 (nginx, reached on 127.0.0.1) or
    http://127.0.0.1:8101 (one gunicorn host, reached directly)."""

    base: str
    server_name: str
    origin: str  # the public origin, for Django's CSRF Origin check
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def on(self, base: str) -> "Client":
        """The same session (cookies) against another host."""
        return Client(base, self.server_name, self.origin, self.source, self.cookies, self.headers)

    def _connection(self):
        url = urlsplit(self.base)
        if url.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the stack's self-signed certificate
            conn = http.client.HTTPSConnection(
                "127.0.0.1", url.port, context=context, timeout=60, source_address=(self.source, 0)
            )
            return conn, {"Host": url.netloc}  # as a browser sends it: vetting.test:8443
        conn = http.client.HTTPConnection(
            url.hostname, url.port, timeout=60, source_address=(self.source, 0)
        )
        # What nginx sends to a gunicorn host.
        return conn, {"Host": self.server_name, "X-Forwarded-Proto": "https"}

    def request(self, method, path, body=None, headers=None) -> Response:
        conn, base_headers = self._connection()
        all_headers = {**base_headers, **self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=all_headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post_form(self, path, fields: dict, csrf: str) -> Response:
        body = urlencode({**fields, "csrfmiddlewaretoken": csrf})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        return self.request("POST", path, body=body, headers=headers)

    def post_file(self, path, fields: dict, csrf: str, name: str, content: bytes, mime: str):
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {**fields, "csrfmiddlewaretoken": csrf}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            )
        head = "".join(parts) + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {mime}\r\n\r\n"
        )
        body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": self.origin,
        }
        return self.request("POST", path, body=body, headers=headers)

    def sign_in(self, email: str, password: str) -> Response:
        csrf = self.get("/accounts/login/").csrf_token()
        return self.post_form(
            "/accounts/login/", {"username": email, "password": password}, csrf=csrf
        )
