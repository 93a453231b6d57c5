"""The project installs as a package: pyproject's dependencies are requirements.txt's."""

import tomllib

from tests.conftest import ROOT


def requirement_lines(text: str) -> list[str]:
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def test_pyproject_and_requirements_list_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = set(requirement_lines((ROOT / "requirements.txt").read_text()))
    declared = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    assert listed == declared


def test_the_extras_outside_requirements_txt_are_requirements_extras_txt_and_ci_installs_it():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    listed = set(requirement_lines((ROOT / "requirements.txt").read_text()))
    beyond = {req for name, reqs in extras.items() for req in reqs if req not in listed}
    assert beyond and set(requirement_lines((ROOT / "requirements-extras.txt").read_text())) == beyond
    assert "-r requirements.txt -r requirements-extras.txt" in (ROOT / ".ci" / "run").read_text()


def test_the_console_command_and_the_packages_are_declared():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["scripts"] == {"lantern": "main:main"}
    packages = set(data["tool"]["setuptools"]["packages"])
    on_disk = {str(p.parent.relative_to(ROOT)).replace("/", ".") for p in ROOT.glob("*/**/__init__.py")
               if p.parts[len(ROOT.parts)] in ("game", "agent")}
    assert packages == on_disk


def test_the_env_runs_without_the_world_writer_package():
    import subprocess
    import sys
    code = ("import sys; sys.modules['tomli_w'] = None\n"  # a None entry makes `import tomli_w` fail
            "from game.env import LanternEnv; from game.generator import generate\n"
            "env = LanternEnv(generate(2, 5)); obs, info = env.reset(seed=0)\n"
            "env.step(info['admissible_commands'][0]); print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
