"""What nginx itself does: health endpoints reach the hosts, oversized bodies stop at
nginx (413), plain HTTP redirects to HTTPS, hashed static files are served by nginx with a
year's cache, and every host answers /readyz."""

import http.client
import json

from .client import Client

LIMIT = 20 * 1024 * 1024  # client_max_body_size = REQUEST_MAX_BYTES' default


def nginx(stack) -> Client:
    return Client(stack["STACK_BASE_URL"], stack["STACK_SERVER_NAME"], stack["STACK_BASE_URL"])


def test_health_endpoints_answer_through_nginx_and_on_each_host(stack):
    for path in ("/healthz", "/readyz"):
        response = nginx(stack).get(path)
        assert response.status == 200, (path, response.text)
        assert json.loads(response.body)["status"] == "ok"
        assert response.headers["Server"] == "nginx"
    for host in stack["WEB_HOSTS"]:
        ready = nginx(stack).on(host).get("/readyz")
        assert ready.status == 200, (host, ready.text)
        assert set(json.loads(ready.body)["checks"]) == {"database", "cache", "broker"}


def test_a_body_over_the_limit_is_refused_by_nginx_with_413(stack):
    too_big = nginx(stack).request(
        "POST",
        "/accounts/login/",
        body=b"",
        headers={"Content-Length": str(LIMIT + 1), "Content-Type": "application/octet-stream"},
    )
    assert too_big.status == 413
    assert b"nginx" in too_big.body  # nginx's own page: the body never reached gunicorn
    # A body under the limit is passed on (Django answers: no CSRF token, 403).
    small = nginx(stack).request(
        "POST",
        "/accounts/login/",
        body=b"x" * (1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert small.status == 403


def test_plain_http_redirects_to_https(stack):
    conn = http.client.HTTPConnection("127.0.0.1", int(stack["STACK_HTTP_PORT"]), timeout=30)
    conn.request("GET", "/apply/?x=1", headers={"Host": stack["STACK_SERVER_NAME"]})
    response = conn.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == f"{stack['STACK_BASE_URL']}/apply/?x=1"


def test_hashed_static_files_come_from_nginx_with_a_long_cache(stack):
    page = nginx(stack).get("/accounts/login/").text
    css = page.split('href="/static/')[1].split('"')[0]
    assert css.endswith(".css") and css.count(".") >= 2, css  # name.<hash>.css
    response = nginx(stack).get(f"/static/{css}", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/css"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip"  # collectstatic's .gz, as is
    assert "Strict-Transport-Security" in response.headers
    assert "Vary" in response.headers
