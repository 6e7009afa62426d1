"""The ``masthead`` command: ``demo``, ``serve``, ``worker``, and Django's management commands."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

DEV_SETTINGS = "masthead.config.settings.dev"
PRODUCTION_SETTINGS = "masthead.config.settings.production"


def _manage(argv: Sequence[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *argv])


def _gunicorn_argv(port: int, workers: int, host: str, *, access_log: bool = False) -> list[str]:
    # No access log by default, as gunicorn's own default: the proxy in front logs requests
    # (docs/operations.md), and a line per request cost 3-5% of a served request's CPU.
    logging = ["--access-logfile", "-"] if access_log else []
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
        "--threads",
        "4",
        "--worker-class",
        "gthread",
        *logging,
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
    ]


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

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # SIGTERM (a process manager, `kill`) must stop the server and worker too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in (server, worker):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in (server, worker):
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


def serve(args: argparse.Namespace) -> int:
    """The production server: gunicorn, static files by whitenoise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION_SETTINGS)
    argv = _gunicorn_argv(args.port, args.workers, args.host, access_log=args.access_log)
    os.execv(sys.executable, argv)  # noqa: S606
    return 0  # not reached


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
    sub.add_parser("worker", help="run the background task worker")
    if not argv or argv[0] in {"-h", "--help"}:
        parser.print_help()
        print("\nAny other command is passed to Django's management commands, e.g. `masthead migrate`.")
        return 0
    if argv[0] in {"demo", "serve", "worker"}:
        args = parser.parse_args(argv)
        return {"demo": demo, "serve": serve, "worker": worker}[args.command](args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION_SETTINGS)
    _manage(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
