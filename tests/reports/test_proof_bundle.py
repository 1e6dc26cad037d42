"""The proof bundle: folders per participant, readable names, an index that marks missing
proofs, and no formula injection from any text field."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from aapdesk.domain.exits import ExitInput, ExitType
from aapdesk.domain.participants import ParcoursInput, ParticipantInput
from aapdesk.services import documents, exits
from aapdesk.services.operations import OperationInput, create_operation
from aapdesk.services.participants import create_participant, get_participant

INJECTIONS = ("=HYPERLINK(\"http://x\",\"y\")", "+33 6 12", "-2+3", "@SUM(1)", "\tTab", "\rCR")


def exit_with(app, op, nom, prenom, exit_type, months=None, employeur="", proof=None):
    pid = create_participant(app, ParticipantInput(nom=nom, prenom=prenom, sexe="F", date_naissance=date(1985, 1, 1)),
                             op.id, ParcoursInput(date_entree=date(2024, 2, 1)))
    parcours = get_participant(app, pid).parcours[0].id
    sortie = exits.record_exit(app, parcours, date(2024, 5, 12), ExitInput(exit_type, months, employeur=employeur))
    if proof:
        documents.attach(app, proof, sortie_id=sortie)
    return sortie


def test_bundle_contents_and_index(app, tmp_path):
    op = create_operation(app, OperationInput(code="OP", dispositif_key="62-2024-3.16", debut=date(2024, 1, 1),
                                              fin=date(2024, 12, 31)))
    contract = tmp_path / "contrat.pdf"
    contract.write_bytes(b"%PDF contrat")
    exit_with(app, op, "Dupont", "Marie", ExitType.CDI, proof=contract, employeur="Boulangerie")
    exit_with(app, op, "Lecœur", "Jean-Noël", ExitType.CDD, Decimal(4))  # dynamic, no proof: missing
    exit_with(app, op, "Martin", "Paul", ExitType.ABANDON)  # no proof required

    out = tmp_path / "preuves.zip"
    counts = exits.export_proof_bundle(app, op.id, out)
    assert counts == {"exits": 3, "files": 1, "missing": 1}
    archive = zipfile.ZipFile(out)
    assert sorted(archive.namelist()) == ["DUPONT_Marie/2024-05-12_CDI_contrat.pdf", "index.xlsx"]
    assert archive.read("DUPONT_Marie/2024-05-12_CDI_contrat.pdf") == b"%PDF contrat"

    sheet = load_workbook(io.BytesIO(archive.read("index.xlsx")))["Sorties"]
    headers = [c.value for c in sheet[3]]
    assert headers[:3] == ["Nom", "Prénom", "Date de sortie"] and headers[-1] == "Pièce probante"
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["DUPONT"][-1] == "jointe" and rows["DUPONT"][-2] == "DUPONT_Marie/2024-05-12_CDI_contrat.pdf"
    assert rows["LECŒUR"][-1] == "MANQUANTE"
    assert rows["LECŒUR"][7] == "emploi de transition : CDD de 4 mois, moins de 6 mois (fiche 3.16, 2024)"
    assert rows["MARTIN"][-1] == "non requise"
    assert sheet.freeze_panes == "A4"


def test_every_text_field_in_the_index_is_neutralised(app, tmp_path):
    op = create_operation(app, OperationInput(code="OP", dispositif_key="62-2024-3.16", debut=date(2024, 1, 1),
                                              fin=date(2024, 12, 31)))
    for i, payload in enumerate(INJECTIONS):
        proof = tmp_path / f"{i}.pdf"
        proof.write_bytes(payload.encode())
        exit_with(app, op, f"Nom{i}", payload, ExitType.CDD, Decimal(8), employeur=payload, proof=proof)
    out = tmp_path / "preuves.zip"
    exits.export_proof_bundle(app, op.id, out)
    archive = zipfile.ZipFile(out)
    xml = zipfile.ZipFile(io.BytesIO(archive.read("index.xlsx"))).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no cell holds a formula
    sheet = load_workbook(io.BytesIO(archive.read("index.xlsx")))["Sorties"]
    texts = [c.value for row in sheet.iter_rows(min_row=4) for c in row if isinstance(c.value, str)]
    for value in texts:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    prenoms = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert "'=HYPERLINK(\"http://x\",\"y\")" in prenoms  # kept readable, just escaped
    durations = [row[4] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert durations == [8] * len(INJECTIONS)  # numbers stay numbers


def test_bundle_is_never_half_written(app, tmp_path, monkeypatch):
    op = create_operation(app, OperationInput(code="OP", dispositif_key="62-2024-3.16", debut=date(2024, 1, 1),
                                              fin=date(2024, 12, 31)))
    proof = tmp_path / "p.pdf"
    proof.write_bytes(b"x")
    exit_with(app, op, "Dupont", "Marie", ExitType.CDI, proof=proof)
    out = tmp_path / "preuves.zip"
    out.write_bytes(b"previous archive")
    import aapdesk.reports.proof_bundle as bundle

    def boom(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(bundle.zipfile.ZipFile, "write", boom)
    try:
        exits.export_proof_bundle(app, op.id, out)
    except OSError:
        pass
    assert out.read_bytes() == b"previous archive"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
