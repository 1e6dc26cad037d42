"""Smoke test of the frozen programs built by ``packaging/aapdesk.spec`` (``make test-bundle``).

It runs the bundle itself, never the venv, in a temporary data folder, and checks what a
user would notice first: the version, the catalogue, the demonstration, ``check``, every
report in every format it offers (valid xlsx, valid PDF), the indicators JSON, the import
(template filled with an operation, read back as a preview, a renamed program refused), backups
(create, list, verify, restore), the full archive (created from the demonstration, described,
restored into a fresh folder that ``check`` then finds sound, with every attached file), then the
window, offscreen, on a fresh folder (first launch) and on the demonstration, closed cleanly.

    python packaging/smoke_test.py [BUNDLE_DIR] [--skip-gui] [--keep]

Standard library only, so any Python 3.11+ runs it (the venv's here, the runner's on
Windows). Works on Windows too: ``.exe`` names, and no signal is ever sent. The window is
closed by ``AAPDESK_QUIT_AFTER_MS`` (see ``aapdesk/__main__.py``), the same path as a user
closing it: exit code 0, lock released, nothing in ``journaux/erreurs.log``.

Prints one line per step with its time, a summary, and exits 1 if any step failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE_SUFFIX = ".exe" if os.name == "nt" else ""
CLI_TIMEOUT = 300  # seconds; a report takes a few seconds, a hang must not block CI for hours
GUI_TIMEOUT = 120
GUI_QUIT_MS = 4000  # long enough for the window to be built and shown, and its first refresh done


@dataclass
class Step:
    name: str
    seconds: float
    ok: bool
    detail: str = ""


class SmokeTest:
    def __init__(self, bundle: Path, data_dir: Path) -> None:
        self.cli = bundle / f"aapdesk-cli{EXE_SUFFIX}"
        self.gui = bundle / f"aapdesk{EXE_SUFFIX}"
        self.data_dir = data_dir
        self.out_dir = data_dir.parent / "rapports"
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.steps: list[Step] = []
        # The user's real data folder must never be touched, whatever a command does with --data-dir.
        self.env = {**os.environ, "AAPDESK_DATA_DIR": str(data_dir)}

    # --- running the frozen programs -------------------------------------------------------

    def run(self, program: Path, args: list[str], *, env: dict[str, str] | None = None,
            timeout: int = CLI_TIMEOUT, data_dir: Path | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
        command = [str(program), "--data-dir", str(data_dir or self.data_dir), *args]
        start = time.perf_counter()
        try:
            result = subprocess.run(command, capture_output=True, env=env or self.env, timeout=timeout,
                                    encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            result = subprocess.CompletedProcess(command, -999, _text(exc.stdout), f"timeout after {timeout} s")
        return result, time.perf_counter() - start

    def step(self, name: str, args: list[str], *, expect: int = 0,
             check: Callable[[subprocess.CompletedProcess[str]], str | None] | None = None,
             data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run the CLI, record a step; ``check(result)`` returns an error text or None."""
        result, seconds = self.run(self.cli, args, data_dir=data_dir)
        problem = None
        if result.returncode != expect:
            problem = f"exit code {result.returncode} (expected {expect}): {_tail(result.stderr or result.stdout)}"
        elif check is not None:
            problem = check(result)
        self.record(name, seconds, problem)
        return result

    def record(self, name: str, seconds: float, problem: str | None) -> None:
        self.steps.append(Step(name, seconds, problem is None, problem or ""))
        status = "ok" if problem is None else "FAILED"
        print(f"  {status:<6} {seconds:6.1f} s  {name}" + (f"\n           {problem}" if problem else ""), flush=True)

    # --- the scenario ----------------------------------------------------------------------

    def run_all(self, with_gui: bool) -> None:
        expected_version = _source_version()
        self.step("--version", ["--version"], check=lambda r: None if (
            r.stdout.strip().startswith("aapdesk ") and (expected_version is None or expected_version in r.stdout)
        ) else f"unexpected output {r.stdout.strip()!r} (source version {expected_version})")
        self.step("dispositifs list (catalogue shipped)", ["dispositifs", "list"],
                  check=lambda r: None if re.search(r"^\d+ dispositifs\.", r.stdout, re.M) else _tail(r.stdout))
        self.step("demo (migrations, demonstration data)", ["demo"])
        self.step("check", ["check"])
        operations = self.operations()
        reports = self.reports()
        for code, first_month in operations:
            for name, formats, needs_month in reports:
                for fmt in formats:
                    out = self.out_dir / f"{code}-{name}.{fmt}"
                    month = ["--mois", first_month] if needs_month else []
                    self.step(f"report {name} {code} .{fmt}", ["report", name, "--operation", code, *month,
                                                                "--out", str(out)],
                              check=lambda _r, out=out: check_output_file(out))
            out = self.out_dir / f"{code}-indicateurs.json"
            self.step(f"report indicateurs {code} .json", ["report", "indicateurs", "--operation", code,
                                                           "--out", str(out)],
                      check=lambda _r, out=out: check_output_file(out))
        self.imports(operations[0][0])
        self.backups()
        self.archive()
        if with_gui:
            self.window("window, first launch (empty folder)", self.data_dir.parent / "premier-lancement")
            self.window("window, demonstration", self.data_dir)
            self.step("check after the window (lock released)", ["check"])

    def operations(self) -> list[tuple[str, str]]:
        """(code, first month AAAA-MM) of each operation, from ``operation list``."""
        result = self.step("operation list", ["operation", "list"])
        found = []
        for line in result.stdout.splitlines():
            match = re.match(r"(\S+)\s+\S+\s+\d\d/(\d\d)/(\d{4})", line)
            if match:
                found.append((match[1], f"{match[3]}-{match[2]}"))
        if not found:
            self.record("operations found in the demonstration", 0.0, f"none in {_tail(result.stdout)!r}")
        return found

    def reports(self) -> list[tuple[str, list[str], bool]]:
        """(name, formats, needs --mois) of each file report, read from the frozen program's own help."""
        result = self.step("report --help", ["report", "--help"])
        names = [m[1] for m in re.finditer(r"^ {4}([a-z][a-z0-9-]+)(?:\s|$)", result.stdout, re.M)]
        reports = []
        for name in names:
            if name == "indicateurs":  # JSON only, run separately
                continue
            help_text, _ = self.run(self.cli, ["report", name, "--help"])
            flat = " ".join(help_text.stdout.split())
            described = re.search(r"fichier à écrire \(([^)]*)\)", flat)
            formats = re.findall(r"\.(\w+)", described[1]) if described else []
            usage = flat.split("options:")[0]  # the usage line: an optional argument is in [brackets]
            needs_month = bool(re.search(r"(?<!\[)--mois AAAA-MM", usage))
            if not formats:
                self.record(f"report {name} --help", 0.0, f"no format found in {flat[:200]!r}")
                continue
            reports.append((name, formats, needs_month))
        if not reports:
            self.record("reports found", 0.0, f"none in {_tail(result.stdout)!r}")
        return reports

    def imports(self, code: str) -> None:
        """The import reads workbooks through openpyxl and defusedxml: both must be in the bundle."""
        template = self.out_dir / f"{code}-modele-import.xlsx"
        self.step("import modele (filled with an operation)", ["import", "modele", "--operation", code,
                                                               "--out", str(template)],
                  check=lambda _r: check_output_file(template))
        self.step("import participants --dry-run (the export reads back)",
                  ["import", "participants", str(template), "--operation", code, "--dry-run"],
                  check=lambda r: None if "0 création(s)" in r.stdout else _tail(r.stdout))
        hostile = self.out_dir / "programme.csv"
        hostile.write_bytes(b"MZ" + bytes(512))
        self.step("import of a renamed program refused", ["import", "heures", str(hostile), "--operation", code],
                  expect=1, check=lambda r: None if "programme" in r.stderr else _tail(r.stderr))

    def backups(self) -> None:
        created = self.step("backup create", ["backup", "create"],
                            check=lambda r: None if re.search(r"Sauvegarde (\S+) créée", r.stdout) else _tail(r.stdout))
        match = re.search(r"Sauvegarde (\S+) créée", created.stdout)
        if not match:
            return
        backup_id = match[1]
        self.step("backup list", ["backup", "list"],
                  check=lambda r: None if backup_id in r.stdout else f"{backup_id} not listed")
        self.step("backup verify", ["backup", "verify", backup_id])
        self.step("backup restore", ["backup", "restore", backup_id],
                  check=lambda r: None if "restaurée" in r.stdout else _tail(r.stdout))
        self.step("check after restore", ["check"])

    def archive(self) -> None:
        """Full archive: written into a folder, described, restored into a fresh folder, checked there."""
        folder = self.data_dir.parent / "archive"
        folder.mkdir(parents=True, exist_ok=True)
        source_documents = count_documents(self.data_dir)
        if source_documents == 0:
            self.record("attached files in the demonstration", 0.0, f"none in {self.data_dir / 'documents'}")
        self.step("archive create (into a folder)", ["archive", "create", str(folder)],
                  check=lambda r: None if "Archive écrite" in r.stdout and list(folder.glob("*.zip"))
                  else f"no .zip in {folder}: {_tail(r.stdout + r.stderr)}")
        written = sorted(folder.glob("*.zip"))
        if len(written) != 1:
            return
        archive = written[0]
        announced = f"{source_documents} pièce(s) jointe(s)"
        self.step("archive show", ["archive", "show", str(archive)],
                  check=lambda r: None if r.stdout.startswith("Archive du ") and announced in r.stdout
                  else f"expected {announced!r} in {_tail(r.stdout)!r}")
        fresh = self.data_dir.parent / "nouvel-ordinateur"
        self.step("archive restore (into a fresh folder)", ["archive", "restore", str(archive)], data_dir=fresh,
                  check=lambda r: None if "Archive reprise" in r.stdout else _tail(r.stdout))
        self.step("check after archive restore", ["check"], data_dir=fresh,
                  check=lambda r: None if "Aucun problème trouvé" in r.stdout else _tail(r.stdout))
        restored = count_documents(fresh)
        self.record("attached files restored", 0.0, None if restored == source_documents else
                    f"{restored} file(s) in {fresh / 'documents'}, {source_documents} in the source")

    def window(self, name: str, data_dir: Path) -> None:
        """Start the windowed program offscreen; it quits by itself after GUI_QUIT_MS."""
        env = {**self.env, "QT_QPA_PLATFORM": "offscreen", "AAPDESK_QUIT_AFTER_MS": str(GUI_QUIT_MS),
               "AAPDESK_DATA_DIR": str(data_dir)}
        result, seconds = self.run(self.gui, [], env=env, timeout=GUI_TIMEOUT, data_dir=data_dir)
        problems = []
        if result.returncode != 0:
            problems.append(f"exit code {result.returncode}")
        for marker in ("Traceback", "Qt translation", "Fatal Python error"):
            if marker in result.stderr:
                problems.append(f"stderr has {marker!r}")
        error_log = data_dir / "journaux" / "erreurs.log"
        if error_log.exists() and error_log.read_text(encoding="utf-8", errors="replace").strip():
            problems.append(f"{error_log} is not empty: {_tail(error_log.read_text(encoding='utf-8', errors='replace'))}")
        if not (data_dir / "aapdesk.sqlite3").exists():
            problems.append("no database created")
        if problems and result.stderr.strip():
            problems.append(f"stderr: {_tail(result.stderr)}")
        self.record(f"{name} ({GUI_QUIT_MS} ms open)", seconds, "; ".join(problems) or None)


def check_output_file(path: Path) -> str | None:
    """A report file a user could open: xlsx is a zip with a workbook, PDF complete, JSON parsable."""
    if not path.exists():
        return f"{path.name} was not written"
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        try:
            with zipfile.ZipFile(path) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    return f"{path.name}: no xl/workbook.xml"
                if archive.testzip() is not None:
                    return f"{path.name}: corrupt member {archive.testzip()}"
        except zipfile.BadZipFile as exc:
            return f"{path.name}: not a zip ({exc})"
    elif path.suffix == ".pdf":
        if not data.startswith(b"%PDF-") or len(data) <= 1024 or b"%%EOF" not in data[-1024:]:
            return f"{path.name}: not a complete PDF ({len(data)} bytes)"
    elif path.suffix == ".json":
        try:
            json.loads(data.decode("utf-8"))
        except ValueError as exc:
            return f"{path.name}: invalid JSON ({exc})"
    return None


def count_documents(data_dir: Path) -> int:
    """Attached files in a data folder's store: ``documents/ab/abcdef…`` (staging folder excluded)."""
    root = data_dir / "documents"
    if not root.is_dir():
        return 0
    return sum(1 for path in root.glob("*/*") if path.is_file() and re.fullmatch(r"[0-9a-f]{2}", path.parent.name)
               and re.fullmatch(r"[0-9a-f]{64}", path.name) and path.name.startswith(path.parent.name))


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value or ""


def _tail(text: str, limit: int = 400) -> str:
    text = " | ".join(line for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else "…" + text[-limit:]


def _source_version() -> str | None:
    """The version in the source tree, when the test runs from a checkout (it should match the bundle)."""
    init = ROOT / "src" / "aapdesk" / "__init__.py"
    if not init.exists():
        return None
    match = re.search(r'^__version__ = "([^"]+)"', init.read_text(encoding="utf-8"), re.M)
    return match[1] if match else None


def bundle_size(bundle: Path) -> tuple[int, int]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Smoke test of the frozen aapdesk bundle.")
    parser.add_argument("bundle", nargs="?", default=str(ROOT / "dist" / "aapdesk"), help="the onedir bundle folder")
    parser.add_argument("--skip-gui", action="store_true", help="do not start the windowed program")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (data and reports)")
    args = parser.parse_args(argv)
    # A Windows runner's stdout may be cp1252: never fail on a character quoted from the programs' output.
    sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    bundle = Path(args.bundle).resolve()
    for program in (f"aapdesk-cli{EXE_SUFFIX}", f"aapdesk{EXE_SUFFIX}"):
        if not (bundle / program).is_file():
            print(f"{bundle / program} not found: build the bundle first (make bundle).", file=sys.stderr)
            return 2
    size, count = bundle_size(bundle)
    print(f"Bundle {bundle}: {size / 1e6:.0f} MB in {count} files")
    work = Path(tempfile.mkdtemp(prefix="aapdesk-smoke-"))
    print(f"Temporary folder: {work}")
    test = SmokeTest(bundle, work / "donnees")
    start = time.perf_counter()
    try:
        test.run_all(with_gui=not args.skip_gui)
    finally:
        if args.keep:
            print(f"Kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - start
    failed = [s for s in test.steps if not s.ok]
    reports = [s for s in test.steps if s.name.startswith("report ") and " --help" not in s.name]
    windows = [s for s in test.steps if s.name.startswith("window")]
    print()
    print(f"{len(test.steps)} steps in {total:.0f} s: {len(test.steps) - len(failed)} passed, {len(failed)} failed")
    version = next((s for s in test.steps if s.name == "--version"), None)
    if version:
        print(f"  CLI start (--version): {version.seconds:.2f} s")
    if reports:
        slowest = max(reports, key=lambda s: s.seconds)
        print(f"  {len(reports)} report files: {sum(s.seconds for s in reports):.0f} s in all, "
              f"slowest {slowest.seconds:.1f} s ({slowest.name})")
    for s in windows:
        print(f"  {s.name}: {s.seconds:.1f} s")
    for s in failed:
        print(f"  FAILED: {s.name}: {s.detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
