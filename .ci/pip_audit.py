"""Run pip-audit over the pinned requirements and say plainly whether it could audit them.

pip-audit fails on a known vulnerability. When the vulnerability database cannot be reached
(as on a machine that only sees a package mirror), it skips every package; this script then
says so and exits 0, since nothing was audited rather than something found.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404
import sys


def main() -> int:
    result = subprocess.run(  # nosec B603
        [
            sys.executable,
            "-m",
            "pip_audit",
            "-r",
            "requirements.txt",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr)
        return result.returncode or 1
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"VULNERABLE {dependency['name']} {dependency['version']}: {ids}")
    if vulnerable:
        return 1
    if not audited:
        print(
            "pip-audit: the vulnerability database was unreachable, so no package was audited. "
            "Run `make audit` on a machine with access to pypi.org or osv.dev."
        )
        return 0
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerability.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
