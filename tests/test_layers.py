"""The import layers in pyproject's [tool.importlinter] hold: `lint-imports` finds no broken contract.

The contracts: `api` above `redactor`; the core packages (pii, transcribe, audio_redaction, store,
blobstore) never import the service layer (service, jobs, retention, privacy_requests); no
import cycles inside any package. A failure prints import-linter's report: which import breaks
which contract, and the chain that leads to it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), f"{lint_imports} is missing: install the test extras (pip install -e '.[test]')"
    result = subprocess.run([str(lint_imports), "--no-cache", str(ROOT / "pyproject.toml")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_refusal_is_defined_in_redactor_errors():
    """One place lists what the library refuses: a RefusedError subclass defined anywhere else is a
    second home (the API's own ApiError and the UI's FormError live in api/)."""
    import ast

    elsewhere = []
    for path in sorted((ROOT / "redactor").rglob("*.py")):
        if path == ROOT / "redactor" / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(getattr(base, "id", getattr(base, "attr", None))
                                                      in ("RefusedError", "InvalidValueError") for base in node.bases):
                elsewhere.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert elsewhere == [], "move these refusals to redactor/errors.py"
