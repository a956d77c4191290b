"""Request rate of the log overview against a trivial page, and the cost of editing.

    python bench/gateway.py      # needs wrk (Debian package), about two minutes

A demo instance is served by gunicorn with 2 sync workers on loopback. wrk (1
thread, on the same 2 cores) loads ``/healthz`` (trivial) and the log overview
as a guardian and as the holder, logged in through the demo login. Every
overview request does the full work: session lookup, the head and the ledger
check, the access decision on the current consents, an access-log entry, and
the page (from the page cache when nothing changed). Then, over HTTP, the
holder saves a goal through its form 200 times; the save and the first view of
the overview after each save are timed (p50, p90).
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


def login(port: int, who: str = "citizen:kari") -> tuple[str, str]:
    """Log in as a demo user; returns the session cookie and the path of Nora's log."""
    _status, headers, page = request(port, "GET", "/demo/logg-inn")
    cookie = headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = urlencode({"who": who, "csrf_token": token})
    _status, headers, _page = request(port, "POST", "/demo/logg-inn", cookie, body)
    cookie = headers["Set-Cookie"].split(";")[0]
    mine_path = "/familie/" if who.startswith("citizen") else "/ansatt/"
    _status, _headers, mine = request(port, "GET", mine_path, cookie)
    path = re.search(r'href="(/logg/[a-z0-9]+/)">Nora', mine).group(1)  # type: ignore[union-attr]
    return cookie, path


def hidden(page: str) -> dict[str, str]:
    """The hidden fields of the first form of a log page."""
    return dict(re.findall(r'name="(csrf_token|revision|form_key)"[^>]*value="([^"]*)"', page))


def edit_loop(port: int, cookie: str, log_path: str, rounds: int) -> dict[str, list[float]]:
    """The holder changes a goal through its form; times the save and the next view."""
    _s, _h, work = request(port, "GET", log_path + "mal", cookie)
    edit = re.search(r'href="(/logg/[a-z0-9]+/mal/[a-z0-9]+/endre)"', work).group(1)  # type: ignore[union-attr]
    saves, views = [], []
    for n in range(rounds):
        _s, _h, form = request(port, "GET", edit, cookie)
        fields = {
            **hidden(form),
            "title": f"Nora deltar i lek ({n})",
            "arena": "kindergarten_school",
            "status": "active",
            "body": f"Runde {n}.",
            "intent": "save",
        }
        start = time.perf_counter()
        status, _h, _b = request(port, "POST", edit, cookie, urlencode(fields))
        saves.append((time.perf_counter() - start) * 1000)
        assert status == 302, status
        start = time.perf_counter()
        status, _h, _b = request(port, "GET", log_path, cookie)
        views.append((time.perf_counter() - start) * 1000)
        assert status == 200
    return {"save": saves, "first view after the save": views}


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


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
        holder_cookie, _path = login(port, "staff:s-4f1c2a7e")
        assert request(port, "GET", log_path, cookie)[0] == 200
        base = f"http://127.0.0.1:{port}"
        print("gunicorn, 2 sync workers; wrk -t1 on the same 2 cores; 3 s warm-up each")
        print(f"{'page':<28} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
        figures = {}
        pages = (
            ("/healthz (trivial)", "/healthz", cookie),
            ("log overview (guardian)", log_path, cookie),
            ("log overview (holder)", log_path, holder_cookie),
        )
        for name, path, who in pages:
            wrk(base + path, who, 16, 3)
            result = wrk(base + path, who, 1, 5)
            figures[(name, 1)] = result
            print(
                f"{name:<28} {1:>5} {result['rps']:>9.1f} {result['p50']:>8.2f} "
                f"{result['p99']:>8.2f}"
            )
        # At 16 connections the three pages take turns, three rounds of 6 s, so a
        # machine that is busier for a while slows all of them alike; medians are kept.
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _p, _w in pages}
        for _round in range(3):
            for name, path, who in pages:
                result = wrk(base + path, who, 16, 6)
                assert result["non2xx"] == 0, f"{name}: non-2xx responses"
                rounds[name].append(result)
        for name, _path, _who in pages:
            result = sorted(rounds[name], key=lambda r: r["rps"])[1]
            figures[(name, 16)] = result
            spread = ", ".join(f"{r['rps']:.0f}" for r in rounds[name])
            print(
                f"{name:<28} {16:>5} {result['rps']:>9.1f} {result['p50']:>8.2f} "
                f"{result['p99']:>8.2f}   (rounds: {spread})"
            )
        trivial = figures[("/healthz (trivial)", 16)]["rps"]
        print()
        for name in ("log overview (guardian)", "log overview (holder)"):
            ratio = figures[(name, 16)]["rps"] / trivial
            print(f"{name} : trivial page at 16 connections = {ratio:.1%} (medians)")
        timings = edit_loop(port, holder_cookie, log_path, 200)
        print(f"\n{'over HTTP, 200 rounds':<28} {'p50 ms':>8} {'p90 ms':>8}")
        for label, values in timings.items():
            print(f"{label:<28} {percentile(values, 0.5):>8.2f} {percentile(values, 0.9):>8.2f}")
        entries = open_instance(settings).access_log.verify(log_path.strip("/").rsplit("/", 1)[1])
        print(f"access-log entries written and verified for that log: {entries}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
