"""Screenshots of the import, from the demonstration data and a made-up spreadsheet.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots_import.py [OUTPUT_DIR]

The demo is built in a temporary data directory with a fixed "today" (15/03/2025); a CSV
like an old tool's export (Windows-1252, « ; », its own column names, one impossible date)
is written beside it and taken through the dialog as a person would:

- ``import-correspondance.png``: the file read, its columns matched to aapdesk's fields;
- ``import-apercu.png``: after « Aperçu », the problem with its row and column, and what
  the other rows would create;
- ``import-modele.png``: the template workbook's participants sheet, rendered by LibreOffice
  when it is installed (skipped otherwise).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shots import FIXED_NOW, SCREENSHOTS_DIR, wait_until  # noqa: E402

DEFAULT_OUTPUT = SCREENSHOTS_DIR
ROWS = [
    ["Liste des bénéficiaires – extraction du 10/03/2025"],
    ["N° dossier", "Nom de famille", "Prénoms", "Genre", "Né(e) le", "Allocataire RSA", "Ville", "Entrée le",
     "Suivi par"],
    ["D-1041", "N'DIAYE", "Jean-Noël", "Homme", "02/05/1990", "Oui", "Arras", "06/01/2025", "Claire"],
    ["D-1042", "LECŒUR", "Hélène", "Femme", "30/11/1985", "Non", "Lens", "13/01/2025", "Claire"],
    ["D-1043", "ÇELIK", "Ève", "Femme", "31/02/2001", "Oui", "Liévin", "20/01/2025", "Paul"],
    ["D-1044", "BŒUF", "Jérôme", "Homme", "14/07/1979", "Oui", "Arras", "03/02/2025", "Paul"],
]


def take(output: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from aapdesk.qt.app import create_main_window, install_french
    from aapdesk.services import demo, imports
    from aapdesk.services.context import open_app

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    install_french(qapp)
    output.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        app = open_app(str(folder / "donnees"), clock=lambda: FIXED_NOW)
        demo.build_demo(app)
        source = folder / "export-ancien-logiciel.csv"
        with open(source, "w", encoding="cp1252", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(ROWS)
        window = create_main_window(app)
        window.resize(1280, 800)
        window.show()
        dialog = window.open_import()
        dialog.resize(1000, 780)
        accomp = next(i for i in range(dialog.operation_combo.count())
                      if dialog.operation_combo.itemText(i).startswith("ACCOMP-"))  # the demo's 2025 operation
        dialog.operation_combo.setCurrentIndex(accomp)
        dialog.load_file(source)
        wait_until(qapp, lambda: dialog.task is not None and not dialog.task.is_running())
        dialog.set_mapping(8, "referent")
        qapp.processEvents()
        path = output / "import-correspondance.png"
        dialog.grab().save(str(path))
        written.append(path)
        dialog.preview_button.click()
        wait_until(qapp, lambda: dialog.report is not None)
        qapp.processEvents()
        path = output / "import-apercu.png"
        dialog.grab().save(str(path))
        written.append(path)
        dialog.close()
        window.close()
        template = imports.write_template(app, folder / "modele.xlsx")
        soffice = shutil.which("soffice")
        if soffice and shutil.which("pdftoppm"):
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(template)],
                           check=True, capture_output=True, timeout=180)
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile",
                            str(folder / "modele.pdf"), str(output / "import-modele")], check=True)
            written.append(output / "import-modele.png")
        app.db.close(FIXED_NOW, backup=False)
    return written


if __name__ == "__main__":
    for p in take(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT):
        print(p)
