"""What stands in front of Streamlit's server (an ASGI middleware, installed by `app.serve`).

- **Websockets without an Origin header only from this machine.** A browser always sends Origin; the project's
  own load client (`bench/load_ws.py`) sends none and runs on the loopback address. The Host header is checked by
  Streamlit itself (`server.allowedHosts`, `.streamlit/config.toml`): a page of another site that resolves its own
  name to this machine (DNS rebinding) gets its websocket refused.
- **Reruns coalesced per session** (`Session`): one client sending reruns without waiting gets one run at a time,
  the latest state, never more than its share of the server; a person, or a client that waits for each run's end,
  is never held.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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
    """ASGI middleware: refuses a websocket without Origin unless it comes from the loopback address, and coalesces
    each websocket's reruns (`Session`)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        if b"origin" not in headers and not loopback(scope.get("client")):
            LOG.warning("websocket sans en-tête Origin refusé (client %s)", scope.get("client"))
            message = await receive()
            if message.get("type") == "websocket.connect":
                await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        session = Session(receive)

        async def watched(message) -> None:
            session.sent(message)
            await send(message)

        try:
            await self.app(scope, session.receive, watched)
        finally:
            session.close()


# --- Reruns coalesced per session ---------------------------------------------------------------------------------

RERUN_GAP = 0.5  # seconds: a rerun that follows the last one this closely, while it runs, waits for it to end
MAX_HOLD = 10.0  # seconds: a held rerun is let through past this, whatever the script does
SMALL = 1024  # bytes: the server's `script_finished` messages are small; larger ones are never parsed


def _is_rerun(data: bytes | None) -> bool:
    if not data:
        return False
    message = BackMsg()
    try:
        message.ParseFromString(data)
    except Exception:  # not ours to judge: Streamlit reads it and answers
        return False
    return message.WhichOneof("type") == "rerun_script"


def _ends_the_run(data: bytes | None) -> bool:
    """A `script_finished` that ends a run (not one run of an `st.rerun()` chain)."""
    if not data or len(data) > SMALL:
        return False
    message = ForwardMsg()
    try:
        message.ParseFromString(data)
    except Exception:
        return False
    return (message.WhichOneof("type") == "script_finished"
            and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN)


class Session:
    """One websocket's reruns, coalesced: a rerun that comes while the session's script runs, less than RERUN_GAP
    after the last one let through, waits for the run to end; a later one takes its place (only the latest state
    counts). A client that waits for each `script_finished` (a person, `bench/load_ws.py`) is never held; a client
    that sends reruns without waiting gets one run at a time, never more than its share of the server."""

    def __init__(self, receive) -> None:
        self._receive = receive
        self._out: asyncio.Queue = asyncio.Queue()
        self._pump = None
        self.running = False
        self.since = 0.0  # when the last rerun was let through (monotonic)
        self.held = None  # the latest rerun waiting
        self.coalesced = 0  # reruns replaced by a later one

    def _let_through(self, message) -> None:
        self.running, self.since = True, time.monotonic()
        self._out.put_nowait(message)

    async def _pumping(self) -> None:
        while True:
            message = await self._receive()
            kind = message.get("type")
            if kind == "websocket.receive" and _is_rerun(message.get("bytes")):
                now = time.monotonic()
                if (self.running and now - self.since < RERUN_GAP) or self.held is not None:
                    if now - self.since > MAX_HOLD:  # never held for ever
                        self.held = None
                        self._let_through(message)
                        continue
                    self.coalesced += self.held is not None
                    self.held = message
                    continue
                self._let_through(message)
                continue
            self._out.put_nowait(message)
            if kind == "websocket.disconnect":
                return

    async def receive(self):
        if self._pump is None:
            self._pump = asyncio.ensure_future(self._pumping())
        return await self._out.get()

    def sent(self, message) -> None:
        """What the server sends, watched: the end of a run lets the held rerun through."""
        if message.get("type") == "websocket.send" and _ends_the_run(message.get("bytes")):
            self.running = False
            if self.held is not None:
                held, self.held = self.held, None
                self._let_through(held)

    def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
