"""The command line: French output, exit codes 0 / 1 / 2, and no Qt import."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest

from aapdesk import __version__
from aapdesk.cli import main

NOW = datetime(2025, 3, 15, 10, 0)


def run(capsys, *args, data_dir=None):
    argv = (["--data-dir", str(data_dir)] if data_dir else []) + list(args)
    code = main(argv, clock=lambda: NOW)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_dispositifs_list_and_show(capsys):
    code, out, _ = run(capsys, "dispositifs", "list")
    assert code == 0
    assert "62-2024-3.10" in out and "dispositifs." in out
    code, out, _ = run(capsys, "dispositifs", "show", "62-2024-3.10")
    assert code == 0
    assert "Associations Intermédiaires" in out and "plafond_par_participant_mois : 195" in out


def test_unknown_dispositif_exits_1(capsys):
    code, _, err = run(capsys, "dispositifs", "show", "62-2024-9.99")
    assert code == 1 and "inconnu" in err


def test_usage_error_exits_2_in_french(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(tmp_path), "operation", "create", "--code", "X"])
    assert exc.value.code == 2
    assert "arguments obligatoires manquants" in capsys.readouterr().err


def test_bad_date_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(tmp_path), "operation", "create", "--code", "X", "--dispositif", "62-2024-3.10",
              "--debut", "01/01/2024", "--fin", "2024-12-31"])
    assert exc.value.code == 2
    assert "AAAA-MM-JJ" in capsys.readouterr().err


def test_structure_operation_check_backup_workflow(capsys, tmp_path):
    data = tmp_path / "data"
    assert run(capsys, "structure", "show", data_dir=data)[0] == 1
    assert run(capsys, "structure", "set", "--nom", "Avenir Emploi", "--type", "AI", data_dir=data)[0] == 0
    code, out, _ = run(capsys, "operation", "create", "--code", "AI-2024", "--dispositif", "62-2024-3.10",
                       "--debut", "2024-01-01", "--fin", "2024-12-31", "--postes", "20", "--etp", "1,5",
                       "--montant", "46 800", data_dir=data)
    assert code == 0 and "AI-2024 créée" in out
    code, out, _ = run(capsys, "operation", "list", data_dir=data)
    assert "AI-2024" in out and "20 postes" in out and "46\u202f800,00\u202f€" in out

    code, _, err = run(capsys, "operation", "create", "--code", "AI-2024", "--dispositif", "62-2024-3.10",
                       "--debut", "2024-01-01", "--fin", "2024-12-31", "--postes", "20", data_dir=data)
    assert code == 1 and "code : une opération porte déjà le code AI-2024" in err

    code, out, _ = run(capsys, "check", data_dir=data)
    assert code == 0 and "Aucun problème" in out

    code, out, _ = run(capsys, "backup", "create", data_dir=data)
    assert code == 0 and "créée et vérifiée" in out
    backup_id = out.split()[1]
    code, out, _ = run(capsys, "backup", "list", data_dir=data)
    assert backup_id in out
    assert run(capsys, "backup", "verify", backup_id, data_dir=data)[0] == 0
    code, out, _ = run(capsys, "backup", "restore", backup_id, data_dir=data)
    assert code == 0 and "restaurée" in out
    assert run(capsys, "backup", "verify", "nope", data_dir=data)[0] == 1


def test_demo_then_refuses_a_second_time(capsys, tmp_path):
    code, out, _ = run(capsys, "demo", "--participants", "25", data_dir=tmp_path)
    assert code == 0 and "25 participants" in out
    code, _, err = run(capsys, "demo", data_dir=tmp_path)
    assert code == 1 and "déjà des données" in err


def test_cli_never_imports_qt(tmp_path):
    script = (
        "import sys\n"
        "from aapdesk.__main__ import main\n"
        f"code = main(['--data-dir', {str(tmp_path)!r}, 'check'])\n"
        "assert 'PySide6' not in sys.modules, 'the CLI imported Qt'\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_activite_file_active_prints_the_monthly_table(capsys, tmp_path):
    data = tmp_path / "data"
    run(capsys, "operation", "create", "--code", "SP", "--dispositif", "62-2024-SP", "--debut", "2024-01-01",
        "--fin", "2024-12-31", "--places", "4", data_dir=data)
    from aapdesk.domain.participants import ParcoursInput, ParticipantInput
    from aapdesk.services.context import open_app
    from aapdesk.services.operations import get_operation
    from aapdesk.services.participants import create_participant

    app = open_app(str(data), clock=lambda: NOW)
    op = get_operation(app, "SP")
    create_participant(app, ParticipantInput(nom="Un", prenom="A", sexe="F", date_naissance=datetime(1980, 1, 1).date()),
                       op.id, ParcoursInput(date_entree=datetime(2024, 1, 15).date(), date_sortie=datetime(2024, 2, 29).date()))
    app.db.close(NOW)

    code, out, _ = run(capsys, "activite", "file-active", "--operation", "SP", "--au", "2024-03-31", data_dir=data)
    assert code == 0
    lines = [line.split() for line in out.splitlines()]
    assert ["janvier", "2024", "1", "0", "1", "4", "25", "%"] in lines
    assert ["février", "2024", "0", "1", "1", "4", "25", "%"] in lines  # exit on 29/02: still counted
    assert ["mars", "2024", "0", "0", "0", "4", "0", "%"] in lines
    assert "Taux d'occupation : 16,7\u202f%" in out  # (25 + 25 + 0) / 3

    code, _, err = run(capsys, "activite", "file-active", "--operation", "NOPE", data_dir=data)
    assert code == 1 and "NOPE" in err


def test_sorties_list_and_export(capsys, tmp_path):
    data = tmp_path / "data"
    assert run(capsys, "demo", "--participants", "40", data_dir=data)[0] == 0
    code, out, _ = run(capsys, "operation", "list", data_dir=data)
    ai_code = next(line.split()[0] for line in out.splitlines() if line.startswith("AI-"))
    code, out, _ = run(capsys, "sorties", "list", "--operation", ai_code, data_dir=data)
    assert code == 0 and "fiche 3.10, 2024" in out and "dynamiques" in out
    code, out, _ = run(capsys, "sorties", "export-preuves", "--operation", ai_code, "--out",
                       str(tmp_path / "preuves.zip"), data_dir=data)
    assert "Archive écrite" in out
    import zipfile

    assert "index.xlsx" in zipfile.ZipFile(tmp_path / "preuves.zip").namelist()
    assert code in (0, 1)  # 1 when proofs are missing, which the demo leaves on purpose
    assert (code == 1) == ("0 pièce(s) manquante(s)" not in out)
