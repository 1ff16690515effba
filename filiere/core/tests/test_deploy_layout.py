"""Issue 17, build 2: the production files in deploy/ agree with the application — the
environment template names every variable settings.py reads, nginx accepts the largest request
the application accepts and waits longer than gunicorn, the units point at files that exist."""

from __future__ import annotations

import ast
import re
import runpy
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}


def _variables_read_by_settings() -> set[str]:
    """Every environment variable filiere/settings.py reads, through its helpers or os.environ."""
    tree = ast.parse((ROOT / "filiere" / "settings.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = ast.unparse(node.func)
            reads_env = function in ENV_HELPERS or function in {
                "os.environ.get",
                "os.getenv",
            }
            if reads_env and node.args and isinstance(node.args[0], ast.Constant):
                names.add(str(node.args[0].value))
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(str(ast.literal_eval(node.slice)))
    return names


def template_variables() -> set[str]:
    text = (DEPLOY / "filiere.env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def _nginx() -> str:
    return (DEPLOY / "nginx" / "filiere.conf").read_text(encoding="utf-8")


def test_the_settings_reader_finds_the_variables_it_should() -> None:
    """The parse above is what the next test relies on: it must see known variables."""
    assert {"SECRET_KEY", "DATABASE_URL", "BEHIND_PROXY", "LOG_FORMAT"} <= (
        _variables_read_by_settings()
    )


def test_the_environment_template_names_every_variable_settings_reads() -> None:
    read = _variables_read_by_settings()
    listed = template_variables()
    assert read - listed == set(), "missing from deploy/filiere.env.example"
    assert listed - read == set(), "in deploy/filiere.env.example but read by nothing"


def test_the_template_turns_on_the_production_switches() -> None:
    text = (DEPLOY / "filiere.env.example").read_text(encoding="utf-8")
    for line in ("DEBUG=0", "BEHIND_PROXY=1", "TRUSTED_PROXY_COUNT=1"):
        assert re.search(rf"^{line}$", text, flags=re.MULTILINE), line


def test_nginx_accepts_the_largest_request_the_application_accepts() -> None:
    (limit,) = re.findall(r"client_max_body_size (\d+)m;", _nginx())
    largest = settings.ATTACHMENT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert int(limit) * 1024 * 1024 == largest


def test_nginx_waits_longer_than_gunicorn_and_passes_the_proxy_headers() -> None:
    nginx = _nginx()
    gunicorn = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    (wait,) = re.findall(r"proxy_read_timeout (\d+)s;", nginx)
    assert int(wait) > gunicorn["timeout"]
    for header in (
        "X-Forwarded-For $proxy_add_x_forwarded_for",
        "X-Forwarded-Proto $scheme",
        "X-Request-ID $request_id",
    ):
        assert f"proxy_set_header {header};" in nginx
    # Searches put names in the query string: the access log writes $uri, never $request_uri.
    assert "$request_uri" not in nginx.split("log_format", 1)[1].split(";", 1)[0]


def test_nginx_and_systemd_share_the_socket() -> None:
    socket_unit = (DEPLOY / "systemd" / "filiere-web.socket").read_text(encoding="utf-8")
    (path,) = re.findall(r"^ListenStream=(\S+)$", socket_unit, flags=re.MULTILINE)
    assert f"server unix:{path} " in _nginx()


def test_the_units_run_files_that_exist() -> None:
    for unit in (DEPLOY / "systemd").iterdir():
        for path in re.findall(r"/opt/filiere/(\S+)", unit.read_text(encoding="utf-8")):
            if not path.startswith(".venv/"):
                assert (ROOT / path).exists(), f"{unit.name}: {path}"


def _unit(name: str) -> str:
    return (DEPLOY / "systemd" / name).read_text(encoding="utf-8")


def test_the_worker_and_scheduler_units_run_the_job_commands_with_the_environment() -> None:
    from filiere.jobs.queue import COMMANDS

    for name, command in (
        ("filiere-worker.service", "worker"),
        ("filiere-scheduler.service", "scheduler"),
    ):
        unit = _unit(name)
        (start,) = re.findall(r"^ExecStart=(.+)$", unit, flags=re.MULTILINE)
        assert start.split()[:2] == ["/opt/filiere/.venv/bin/filiere", command], name
        assert command in COMMANDS
        assert "EnvironmentFile=/etc/filiere/filiere.env" in unit, name
        assert "User=filiere" in unit, name


def test_the_scheduler_may_write_its_timetable_in_the_data_directory() -> None:
    """Beat keeps the time of each job's last sending in DATA_DIR; the code is read-only."""
    text = (DEPLOY / "filiere.env.example").read_text(encoding="utf-8")
    (data_dir,) = re.findall(r"^DATA_DIR=(\S+)$", text, flags=re.MULTILINE)
    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent == Path(settings.DATA_DIR)
    assert f"ReadWritePaths={data_dir}" in _unit("filiere-scheduler.service")
