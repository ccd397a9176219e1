"""The package reads in one direction (docs/architecture.md): the layers in pyproject.toml
hold, no module imports another in a cycle, and no module outside a subpackage reaches
into its private parts."""
import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "regionanalytics"


def test_layers_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "2 kept, 0 broken" in done.stdout, done.stdout[-3000:]


def _imports(path: Path):
    """Every module a file imports, resolved to the package's dotted names (function-level too)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            yield ".".join(base + tuple(node.module.split(".") if node.module else ()))


def test_private_modules_stay_private():
    for path in PACKAGE.rglob("*.py"):
        owner = path.parent
        for target in _imports(path):
            private = [p for p in target.split(".") if p.startswith("_") and p != "__init__"]
            if private:
                home = ROOT.joinpath(*target.split(".")[:target.split(".").index(private[0])])
                assert owner == home or home in owner.parents, f"{path.name} imports the private {target}"


def test_runtime_package_has_no_sample_generator():
    assert not (PACKAGE / "synth.py").exists()  # a repository tool: scripts/synth.py


def test_checking_the_texts_imports_no_chart_library():
    """The batch's main process checks the texts while its workers start, and
    `check-texts` is a quick command: neither imports matplotlib (a second or more of
    start-up) unless a unit's text asks for the unit's figures."""
    code = ("import sys\n"
            "from regionanalytics.cli import main\n"
            f"code = main(['check-texts', '--period', '2021-T1', '--data', {str(ROOT / 'data' / 'sample')!r}])\n"
            "print(code, 'matplotlib' in sys.modules, 'regionanalytics.report.unit' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["False", "False"], done.stdout
