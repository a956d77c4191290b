"""Request rate of the log overview page against a trivial page, under gunicorn.

    python bench/gateway.py      # needs wrk (Debian package), about a minute

A demo instance is served by gunicorn with 2 sync workers on loopback. wrk (1
thread, on the same 2 cores) loads ``/healthz`` (trivial) and a guardian's log
overview page, logged in through the demo login. Every overview request does
the full work: session lookup, reading and decrypting the log, the access
decision, an fsynced access-log entry, Markdown rendering and the template.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.config import load_settings  # noqa: E402
from app.demo import build_demo  # noqa: E402
from app.instance import initialise, open_instance  # noqa: E402


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(
    port: int, method: str, path: str, cookie: str = "", body: str = ""
) -> tuple[int, dict[str, str], str]:
    """One HTTP request; returns status, headers and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    data = response.read().decode()
    conn.close()
    return response.status, dict(response.getheaders()), data


def login(port: int) -> tuple[str, str]:
    """Log in as the demo guardian Kari; returns the session cookie and her log's path."""
    _status, headers, page = request(port, "GET", "/demo/logg-inn")
    cookie = headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = urlencode({"who": "citizen:kari", "csrf_token": token})
    _status, headers, _page = request(port, "POST", "/demo/logg-inn", cookie, body)
    cookie = headers["Set-Cookie"].split(";")[0]
    _status, _headers, mine = request(port, "GET", "/familie/", cookie)
    path = re.search(r'href="(/familie/logg/[a-z0-9]+)"', mine).group(1)  # type: ignore[union-attr]
    return cookie, path


def wrk(url: str, cookie: str, connections: int, seconds: int) -> dict[str, float]:
    """Run wrk and parse requests/s and the 50th and 99th latency percentiles (ms)."""
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": ms("50%"),
        "p99": ms("99%"),
        "non2xx": float(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out))
        else 0.0,
    }


def main() -> None:
    """Serve a demo instance, load both pages, print the figures."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="stafettlogg-gw-")) / "instance"
    env = {**os.environ, "STAFETTLOGG_INSTANCE": str(folder), "STAFETTLOGG_DEMO": "1"}
    settings = load_settings(env)
    initialise(settings)
    instance = open_instance(settings)
    build_demo(instance.directory, instance.logs, progress=lambda _line: None)
    instance.close()

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "app:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        cookie, log_path = login(port)
        assert request(port, "GET", log_path, cookie)[0] == 200
        base = f"http://127.0.0.1:{port}"
        print("gunicorn, 2 sync workers; wrk -t1 on the same 2 cores; 3 s warm-up each")
        print(f"{'page':<28} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
        figures = {}
        for name, path in (
            ("/healthz (trivial)", "/healthz"),
            ("log overview (guardian)", log_path),
        ):
            wrk(base + path, cookie, 16, 3)
            for connections, seconds in ((1, 5), (16, 10)):
                result = wrk(base + path, cookie, connections, seconds)
                assert result["non2xx"] == 0, f"{name}: non-2xx responses"
                figures[(name, connections)] = result
                print(
                    f"{name:<28} {connections:>5} {result['rps']:>9.1f} {result['p50']:>8.2f} "
                    f"{result['p99']:>8.2f}"
                )
        ratio = (
            figures[("log overview (guardian)", 16)]["rps"]
            / figures[("/healthz (trivial)", 16)]["rps"]
        )
        print(f"\nlog overview : trivial page at 16 connections = {ratio:.1%}")
        entries = open_instance(settings).access_log.verify(log_path.rsplit("/", 1)[1])
        print(f"access-log entries written and verified for that log: {entries}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
