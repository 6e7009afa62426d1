"""The ``masthead`` command: ``demo``, ``serve``, ``worker``, and Django's management commands."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

DEV_SETTINGS = "masthead.config.settings.dev"
PRODUCTION_SETTINGS = "masthead.config.settings.production"


def _manage(argv: Sequence[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *argv])


def _gunicorn_argv(
    port: int, workers: int, host: str, *, access_log: bool = False, threads: int | None = 4
) -> list[str]:
    """gunicorn's command line: ``threads`` per worker (gthread), or None for sync workers
    that serve one request at a time."""
    # No access log by default, as gunicorn's own default: the proxy in front logs requests
    # (docs/operations.md), and a line per request cost 3-5% of a served request's CPU.
    logging = ["--access-logfile", "-"] if access_log else []
    model = (
        ["--worker-class", "sync"]
        if threads is None
        else ["--worker-class", "gthread", "--threads", str(threads)]
    )
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "masthead.config.wsgi:application",
        "--config",
        "python:masthead.config.gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        *model,
        *logging,
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
    ]


def _run_all(
    children: list[subprocess.Popen[bytes]], *, reloadable: Sequence[subprocess.Popen[bytes]] = ()
) -> int:
    """Wait until the first child exits (or SIGTERM/Ctrl-C), then stop the others; its exit code.

    SIGHUP is passed on to the ``reloadable`` children (gunicorn masters), which then replace
    their workers gracefully with ones running the deployed code, as a lone gunicorn would.
    """

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def reload(signum: int, frame: object) -> None:
        for child in reloadable:
            if child.poll() is None:
                child.send_signal(signal.SIGHUP)

    # SIGTERM (a process manager, `kill`) must stop every child, as Ctrl-C does.
    signal.signal(signal.SIGTERM, stop)
    # Without a handler SIGHUP would end this process and leave the servers running.
    signal.signal(signal.SIGHUP, reload)
    code = 0
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        code = next(child.returncode for child in children if child.returncode is not None)
    except KeyboardInterrupt:
        code = 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return code


def demo(args: argparse.Namespace) -> int:
    """Migrate, load demo content, collect static files and serve on 127.0.0.1."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEV_SETTINGS)
    import django

    django.setup()
    _manage(["migrate", "--noinput", "-v", "0"])
    _manage(["collectstatic", "--noinput", "-v", "0"])
    _manage(["load_demo"])
    print(f"\nMasthead demo: http://127.0.0.1:{args.port}/")
    print(f"Editors' admin: http://127.0.0.1:{args.port}/admin/ (see the demo logins above)\n")
    sys.stdout.flush()
    worker = subprocess.Popen([sys.executable, "-m", "masthead.cli", "worker"], env=os.environ.copy())
    server = subprocess.Popen(
        _gunicorn_argv(args.port, args.workers, "127.0.0.1", access_log=True), env=os.environ.copy()
    )

    return _run_all([server, worker], reloadable=[server])


def serve(args: argparse.Namespace) -> int:
    """The production server: gunicorn, static files by whitenoise.

    Pages, the API and forms go to sync workers, one request at a time per process: on the
    benchmark they used 15-25% less CPU per request than threaded workers, and a free worker
    takes each new connection. Live-update streams hold their response open for up to
    ``DISCUSSION_SSE_HOLD_SECONDS``, which would tie up a sync worker, so a second, threaded
    server on ``--events-port`` holds them; the proxy sends ``*/events`` there
    (docs/operations.md). Streams that reach the sync workers anyway are answered at once
    and the browser polls (EventSource's reconnect).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION_SETTINGS)
    if args.threads:
        # Threaded workers hold streams themselves: one server, as before 2026-11-27.
        argv = _gunicorn_argv(
            args.port, args.workers, args.host, access_log=args.access_log, threads=args.threads
        )
        server = subprocess.Popen(argv, env=os.environ.copy())
        return _run_all([server], reloadable=[server])
    main_env = {**os.environ, "DISCUSSION_SSE_HOLD_SECONDS": "0"}
    children = [
        subprocess.Popen(
            _gunicorn_argv(args.port, args.workers, args.host, access_log=args.access_log, threads=None),
            env=main_env,
        )
    ]
    if args.events_port:
        children.append(
            subprocess.Popen(
                _gunicorn_argv(
                    args.events_port, 1, args.host, access_log=args.access_log, threads=args.events_threads
                ),
                env={**os.environ, "MASTHEAD_SERVER_ROLE": "events"},
            )
        )
    return _run_all(children, reloadable=children)


def worker(args: argparse.Namespace) -> int:
    """Run background tasks (notification and receipt emails, scheduled publishing)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION_SETTINGS)
    import django

    django.setup()
    _manage(["run_worker"])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="masthead", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    p_demo = sub.add_parser("demo", help="build and serve the demo site on 127.0.0.1")
    p_demo.add_argument("--port", type=int, default=8000)
    p_demo.add_argument("--workers", type=int, default=2)
    p_serve = sub.add_parser("serve", help="run the production server")
    p_serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p_serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p_serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    p_serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("MASTHEAD_ACCESS_LOG", "").lower() in {"1", "true", "yes", "on"},
        help="log every request to stdout (default: MASTHEAD_ACCESS_LOG, else off; the proxy logs them)",
    )
    p_serve.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("MASTHEAD_THREADS", "0")),
        help="threads per worker, which then hold live-update streams too (default: MASTHEAD_THREADS, else 0: sync workers and an events server)",
    )
    p_serve.add_argument(
        "--events-port",
        type=int,
        default=None,
        help="port of the threaded server for live-update streams (default: MASTHEAD_EVENTS_PORT, else --port + 1; 0: none)",
    )
    p_serve.add_argument(
        "--events-threads",
        type=int,
        default=int(os.environ.get("MASTHEAD_EVENTS_THREADS", "32")),
        help="streams the events server holds at once (default: MASTHEAD_EVENTS_THREADS, else 32)",
    )
    sub.add_parser("worker", help="run the background task worker")
    if not argv or argv[0] in {"-h", "--help"}:
        parser.print_help()
        print("\nAny other command is passed to Django's management commands, e.g. `masthead migrate`.")
        return 0
    if argv[0] in {"demo", "serve", "worker"}:
        args = parser.parse_args(argv)
        if args.command == "serve" and args.events_port is None:
            configured = os.environ.get("MASTHEAD_EVENTS_PORT", "")
            args.events_port = int(configured) if configured else args.port + 1
        return {"demo": demo, "serve": serve, "worker": worker}[args.command](args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION_SETTINGS)
    _manage(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
