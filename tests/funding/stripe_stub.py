"""A local stand-in for api.stripe.com: the Stripe SDK's requests land here in tests.

It answers the calls Masthead makes (Checkout Sessions, PaymentIntents with their charge's
balance transaction, subscription cancellation) with objects shaped like Stripe's, records
every request, and honours idempotency keys the way Stripe does: the same key gets the same
response without doing the work again.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Undo Stripe's form encoding: line_items[0][price_data][currency]=usd → nested dicts."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(key.isdigit() for key in node):
            return [_lists(node[key]) for key in sorted(node, key=int)]
        return {key: _lists(value) for key, value in node.items()}
    return node


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    authorization: str | None


@dataclass
class StripeStub:
    requests: list[Request] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    fees: dict[str, int] = field(default_factory=dict)
    fail_next: int = 0
    _replies: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                split = urlsplit(self.path)
                params = _nest(parse_qsl(body or split.query, keep_blank_values=True))
                status, reply = stub.answer(
                    Request(
                        self.command,
                        split.path,
                        params,
                        self.headers.get("Idempotency-Key"),
                        self.headers.get("Authorization"),
                    )
                )
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Request-Id", "req_" + secrets.token_hex(6))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def answer(self, request: Request) -> tuple[int, dict[str, Any]]:
        self.requests.append(request)
        if request.idempotency_key and request.idempotency_key in self._replies:
            return self._replies[request.idempotency_key]
        if self.fail_next:
            self.fail_next -= 1
            reply = (
                400,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": "Simulated refusal",
                        "code": "parameter_invalid",
                    }
                },
            )
        else:
            reply = self._route(request)
        if request.idempotency_key:
            self._replies[request.idempotency_key] = reply
        return reply

    def _route(self, request: Request) -> tuple[int, dict[str, Any]]:
        parts = request.path.strip("/").split("/")
        if request.method == "POST" and parts == ["v1", "checkout", "sessions"]:
            return 200, self._session(request.params)
        if request.method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            return 200, self._payment_intent(parts[2])
        if request.method == "DELETE" and parts[:2] == ["v1", "subscriptions"] and len(parts) == 3:
            return self._cancel(parts[2])
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "message": f"No route {request.path}",
                "code": "resource_missing",
            }
        }

    def _session(self, params: dict[str, Any]) -> dict[str, Any]:
        session_id = "cs_test_" + secrets.token_hex(12)
        price = params["line_items"][0]["price_data"]
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": int(price["unit_amount"]),
            "currency": price["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "livemode": False,
            "created": int(time.time()),
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return session

    def _payment_intent(self, intent_id: str) -> dict[str, Any]:
        fee = self.fees.get(intent_id, 0)
        charge_id = "ch_" + intent_id.removeprefix("pi_")
        return {
            "id": intent_id,
            "object": "payment_intent",
            "status": "succeeded",
            "latest_charge": {
                "id": charge_id,
                "object": "charge",
                "payment_intent": intent_id,
                "balance_transaction": {
                    "id": "txn_" + intent_id,
                    "object": "balance_transaction",
                    "fee": fee,
                },
            },
        }

    def _cancel(self, subscription_id: str) -> tuple[int, dict[str, Any]]:
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            return 404, {
                "error": {
                    "type": "invalid_request_error",
                    "message": "No such subscription",
                    "code": "resource_missing",
                }
            }
        subscription["status"] = "canceled"
        subscription["canceled_at"] = int(time.time())
        return 200, subscription
