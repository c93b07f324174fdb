"""What stands in front of Streamlit's server (an ASGI middleware, installed by `app.serve`).

- **Websockets without an Origin header only from this machine.** A browser always sends Origin; the project's
  own load client (`bench/load_ws.py`) sends none and runs on the loopback address. The Host header is checked by
  Streamlit itself (`server.allowedHosts`, `.streamlit/config.toml`): a page of another site that resolves its own
  name to this machine (DNS rebinding) gets its websocket refused.
"""

from __future__ import annotations

import ipaddress
import logging

LOG = logging.getLogger("relance")
POLICY_VIOLATION = 1008


def loopback(client) -> bool:
    """Whether an ASGI client (host, port) is this machine."""
    if not client:
        return False
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return client[0] == "localhost"


class Garde:
    """ASGI middleware: refuses a websocket without Origin unless it comes from the loopback address."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":
            headers = {name.lower(): value for name, value in scope.get("headers", [])}
            if b"origin" not in headers and not loopback(scope.get("client")):
                LOG.warning("websocket sans en-tête Origin refusé (client %s)", scope.get("client"))
                message = await receive()
                if message.get("type") == "websocket.connect":
                    await send({"type": "websocket.close", "code": POLICY_VIOLATION})
                return
        await self.app(scope, receive, send)
