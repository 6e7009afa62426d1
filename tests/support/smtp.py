"""A real SMTP server for tests (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import email
import email.policy
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.servers import free_port


class _Handler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self) -> None:
        self.handler = _Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until ``count`` messages arrived (mail may be sent from another thread)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages
