"""Stand-in for the Benchling webhook's health endpoints, standard library only.

It answers like the real service (see ../shared/notes/context.md): GET /health,
/health/ready and /health/live, also under a stage prefix (/{stage}/health).
With WEBHOOK_MODE=degraded it still answers 200, as the real service does when its
secrets are missing at start-up, with "mode": "degraded" and a "warning".
Used by the probe's integration tests, the README demo and the container tests. `python -m src.app`
serves it with the standard library; create_app() is the same endpoints as an ASGI app, for the
production command (gunicorn with uvicorn workers, docker/Dockerfile's CMD), where gunicorn and
uvicorn are installed.
"""

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .version import get_version

SERVICE = "benchling-webhook"
VERSION = get_version()


def health_body(path: str, degraded: bool):
    """Return (status code, JSON body) for a health path, or None when the path is not one."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if parts and parts[0] != "health":
        parts = parts[1:]  # drop the stage prefix
    if parts == ["health"]:
        body = {"status": "healthy", "service": SERVICE, "version": VERSION}
    elif parts == ["health", "ready"]:
        body = {"status": "ready", "service": SERVICE, "version": VERSION}
    elif parts == ["health", "live"]:
        return 200, {"status": "alive"}
    else:
        return None
    if degraded:
        body["mode"] = "degraded"
        body["warning"] = "secrets not configured: webhook events will be rejected"
    return 200, body


class HealthHandler(BaseHTTPRequestHandler):
    server_version = "standin-webhook"
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        answer = health_body(self.path, os.environ.get("WEBHOOK_MODE") == "degraded")
        code, body = answer if answer else (404, {"error": "not found"})
        payload = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        if os.environ.get("WEBHOOK_ACCESS_LOG") == "1":
            super().log_message(format, *args)


def create_app():
    """ASGI application factory, as the real service's: `gunicorn "src.app:create_app()"
    --worker-class uvicorn.workers.UvicornWorker` (docker/Dockerfile's CMD) serves it."""
    degraded = os.environ.get("WEBHOOK_MODE") == "degraded"

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        answer = health_body(scope["path"], degraded)
        code, body = answer if answer else (404, {"error": "not found"})
        payload = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": code, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return app


def main() -> int:
    host = os.environ.get("HOST", "0.0.0.0")
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer((host, port), HealthHandler)
    server.daemon_threads = True
    # SIGTERM (docker stop, ECS) ends the server cleanly instead of leaving a traceback.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"standin webhook listening on {host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
