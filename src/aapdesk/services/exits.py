"""Exits (sorties): record them on a parcours, classify them by the operation's own rules,
list them for the Sorties page, and edit the operation's exit rules.

The category is never stored: it is computed from the rules the operation holds each time,
so editing those rules reclassifies every exit of the operation, and nothing else does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aapdesk.domain.dispositif import Dispositif, dispositif_to_dict, parse_dispositif
from aapdesk.domain.exit_objectives import Objective, exit_objectives
from aapdesk.domain.exits import (
    CATEGORY_LABELS,
    EXIT_TYPE_LABELS,
    ExitCategory,
    ExitInput,
    ExitRules,
    ExitSummary,
    ExitType,
    check_exit,
    classify,
    summarize,
)
from aapdesk.domain.participants import sort_key
from aapdesk.domain.periods import YearMonth, as_of_default
from aapdesk.domain.problems import Problem, ValidationError, require
from aapdesk.services.context import AppContext, journal
from aapdesk.services.deletions import delete_record
from aapdesk.storage.schema import Document, Operation, Parcours, Participant, Sortie


def operation_rules(app: AppContext, op: Operation) -> tuple[Dispositif, ExitRules]:
    rules = parse_dispositif(op.regles, f"opération {op.code}")
    table = rules.classification or app.catalogue.classifications[rules.sorties.variante.value]
    return rules, table


@dataclass(frozen=True)
class ExitRow:
    parcours_id: int
    participant_id: int
    sortie_id: int | None
    nom: str
    prenom: str
    date_sortie: date
    type: ExitType | None
    duree_contrat_mois: Decimal | None
    contrat_aide: bool
    employeur: str
    commentaire: str
    category: ExitCategory
    explanation: str
    proof_required: bool
    proofs: int

    @property
    def month(self) -> YearMonth:
        return YearMonth.of(self.date_sortie)

    @property
    def type_label(self) -> str:
        return EXIT_TYPE_LABELS[self.type] if self.type else "à renseigner"

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]

    @property
    def missing_proof(self) -> bool:
        return self.proof_required and self.proofs == 0


@dataclass(frozen=True)
class ExitsView:
    operation_id: int
    code: str
    fiche_label: str
    variant_label: str
    as_of: date
    rows: tuple[ExitRow, ...]
    summary: ExitSummary
    objectives: tuple[Objective, ...]
    missing_proofs: int
    unqualified: int


def _rows_for(app: AppContext, session: Session, op: Operation, as_of: date) -> list[ExitRow]:
    rules, table = operation_rules(app, op)
    pairs = session.execute(
        select(Parcours, Participant, Sortie)
        .join(Participant, Participant.id == Parcours.participant_id)
        .outerjoin(Sortie, Sortie.parcours_id == Parcours.id)
        .where(Parcours.operation_id == op.id, Parcours.date_sortie.is_not(None),
               Parcours.date_sortie >= op.debut, Parcours.date_sortie <= min(op.fin, as_of))
        .order_by(Parcours.date_sortie, Participant.nom, Participant.prenom)
    ).all()
    sortie_ids = [s.id for _, _, s in pairs if s is not None]
    proof_counts = dict(session.execute(
        select(Document.sortie_id, func.count()).where(Document.sortie_id.in_(sortie_ids)).group_by(Document.sortie_id)
    ).all()) if sortie_ids else {}
    pairs = sorted(pairs, key=lambda t: (t[0].date_sortie, sort_key(t[1].nom, t[1].prenom)))
    rows = []
    for parcours, person, sortie in pairs:
        if sortie is None:
            category, explanation, exit_type = ExitCategory.AUTRE, "type de sortie à renseigner", None
        else:
            exit_type = ExitType(sortie.type_sortie)
            result = classify(exit_type, sortie.duree_contrat_mois, table, rules.fiche_label)
            category, explanation = result.category, result.explanation
        rows.append(ExitRow(
            parcours_id=parcours.id, participant_id=person.id, sortie_id=sortie.id if sortie else None,
            nom=person.nom, prenom=person.prenom, date_sortie=parcours.date_sortie, type=exit_type,
            duree_contrat_mois=sortie.duree_contrat_mois if sortie else None,
            contrat_aide=bool(sortie and sortie.contrat_aide), employeur=(sortie.employeur or "") if sortie else "",
            commentaire=(sortie.commentaire or "") if sortie else "", category=category, explanation=explanation,
            proof_required=sortie is not None and rules.sorties.needs_proof(category),
            proofs=proof_counts.get(sortie.id, 0) if sortie else 0,
        ))
    return rows


def exits_view(app: AppContext, operation_id: int, au: date | None = None) -> ExitsView:
    with app.reading() as session:
        op = session.get(Operation, operation_id)
        if op is None:
            raise LookupError("opération introuvable")
        as_of = as_of_default(app.today(), op.fin, au)
        rows = _rows_for(app, session, op, as_of)
        rules, table = operation_rules(app, op)
        capacity = op.postes if op.postes is not None else op.places
    summary = summarize([(r.type or ExitType.AUTRE, r.category) for r in rows if r.type is not None])
    return ExitsView(
        operation_id=operation_id, code=op.code, fiche_label=rules.fiche_label, variant_label=table.libelle,
        as_of=as_of, rows=tuple(rows), summary=summary,
        objectives=tuple(exit_objectives(rules.sorties, capacity, summary)),
        missing_proofs=sum(1 for r in rows if r.missing_proof), unqualified=sum(1 for r in rows if r.type is None),
    )


def record_exit(app: AppContext, parcours_id: int, exit_date: date | None, data: ExitInput) -> int:
    """Set the parcours' exit date and its exit record, together; returns the sortie id."""
    now = app.now()
    with app.transaction() as session:
        parcours = session.get(Parcours, parcours_id)
        if parcours is None:
            raise LookupError("parcours introuvable")
        op = session.get(Operation, parcours.operation_id)
        _, table = operation_rules(app, op)
        problems = check_exit(data, table, exit_date=exit_date, entry_date=parcours.date_entree,
                              operation_start=op.debut, operation_end=op.fin)
        if exit_date and exit_date > app.today():
            problems.append(Problem("date_sortie", "la date de sortie est dans le futur"))
        require(problems)
        sortie = session.scalar(select(Sortie).where(Sortie.parcours_id == parcours_id))
        action = "modification"
        if sortie is None:
            sortie = Sortie(parcours_id=parcours_id, created_at=now)
            session.add(sortie)
            action = "creation"
        parcours.date_sortie, parcours.updated_at = exit_date, now
        sortie.type_sortie = data.type.value  # type: ignore[union-attr]
        sortie.duree_contrat_mois = data.duree_contrat_mois
        sortie.contrat_aide = data.contrat_aide or data.type is ExitType.CONTRAT_AIDE
        sortie.employeur = data.employeur.strip() or None
        sortie.commentaire = data.commentaire.strip() or None
        sortie.updated_at = now
        session.flush()
        journal(session, now, action, "sortie", sortie.id, operation_id=op.id, participant_id=parcours.participant_id,
                details=data.type.value)  # type: ignore[union-attr]
        return sortie.id


def get_exit(app: AppContext, parcours_id: int) -> tuple[date | None, ExitInput | None, int | None]:
    with app.reading() as session:
        parcours = session.get(Parcours, parcours_id)
        if parcours is None:
            raise LookupError("parcours introuvable")
        sortie = session.scalar(select(Sortie).where(Sortie.parcours_id == parcours_id))
        if sortie is None:
            return parcours.date_sortie, None, None
        return parcours.date_sortie, ExitInput(ExitType(sortie.type_sortie), sortie.duree_contrat_mois,
                                               sortie.contrat_aide, sortie.employeur or "", sortie.commentaire or ""), sortie.id


def delete_exit(app: AppContext, sortie_id: int) -> None:
    """Cancel an exit recorded by mistake: the record and its proofs go, and the parcours is open again
    (its exit date was set by :func:`record_exit`), so the person is back in the file active."""

    def reopen_parcours(session: Session, sortie: Sortie) -> None:
        parcours = session.get(Parcours, sortie.parcours_id)
        if parcours is not None:
            parcours.date_sortie, parcours.updated_at = None, app.now()

    delete_record(app, "sortie", sortie_id, before_delete=reopen_parcours)


@dataclass(frozen=True)
class ExitRulesChange:
    seuil_durable_mois: Decimal
    seuil_durable_inclus: bool
    duree_minimale_mois: Decimal | None
    preuve_requise: bool


def update_exit_rules(app: AppContext, operation_id: int, change: ExitRulesChange, *, closed_confirmed: bool = False) -> None:
    """Edit the operation's own exit rules: every exit of the operation is reclassified.

    A closed operation is never reclassified silently: the caller must confirm.
    """
    now = app.now()
    with app.transaction() as session:
        op = session.get(Operation, operation_id)
        if op is None:
            raise LookupError("opération introuvable")
        if op.cloturee and not closed_confirmed:
            raise ValidationError([Problem("", "l'opération est clôturée : modifier ses règles reclasserait des "
                                               "sorties déjà déclarées ; confirmez la réouverture des règles")])
        problems = []
        if not Decimal(1) <= change.seuil_durable_mois <= Decimal(36):
            problems.append(Problem("seuil_durable_mois", "le seuil d'emploi durable doit être entre 1 et 36 mois"))
        if change.duree_minimale_mois is not None and not Decimal(0) < change.duree_minimale_mois < change.seuil_durable_mois:
            problems.append(Problem("duree_minimale_mois", "la durée minimale doit être positive et inférieure au seuil"))
        require(problems)
        rules, table = operation_rules(app, op)
        new_table = dataclasses.replace(table, seuil_durable_mois=change.seuil_durable_mois,
                                        seuil_durable_inclus=change.seuil_durable_inclus,
                                        duree_minimale_mois=change.duree_minimale_mois)
        new_rules = dataclasses.replace(rules, classification=new_table,
                                        sorties=dataclasses.replace(rules.sorties, preuve_requise=change.preuve_requise))
        op.regles = dispositif_to_dict(new_rules)
        op.updated_at = now
        journal(session, now, "modification_regles_sorties", "operation", op.id, operation_id=op.id,
                details="seuil_durable_mois,seuil_durable_inclus,duree_minimale_mois,preuve_requise")


def set_operation_closed(app: AppContext, operation_id: int, closed: bool) -> None:
    now = app.now()
    with app.transaction() as session:
        op = session.get(Operation, operation_id)
        if op is None:
            raise LookupError("opération introuvable")
        op.cloturee, op.updated_at = closed, now
        journal(session, now, "cloture" if closed else "reouverture", "operation", op.id, operation_id=op.id)


def exit_todos(app: AppContext, au: date | None = None) -> list[tuple[str, ExitRow]]:
    """Exits to complete: (operation code, row) for missing proofs and unqualified exits."""
    result = []
    with app.reading() as session:
        ops = session.scalars(select(Operation).order_by(Operation.code)).all()
        for op in ops:
            for row in _rows_for(app, session, op, as_of_default(app.today(), op.fin, au)):
                if row.missing_proof or row.type is None:
                    result.append((op.code, row))
    return result


def export_proof_bundle(app: AppContext, operation_id: int, dest, *, start: date | None = None,  # type: ignore[no-untyped-def]
                        end: date | None = None) -> dict[str, int]:
    """Write the operation's proof bundle (ZIP) for exits dated ``start``..``end`` (default: the
    whole operation up to today). Written to a temp name then renamed: never half a ZIP."""
    from pathlib import Path

    from aapdesk.files import write_atomically
    from aapdesk.reports.proof_bundle import BundleExit, BundleProof, write_bundle
    from aapdesk.services.documents import store

    view = exits_view(app, operation_id, end)
    documents = store(app)
    with app.reading() as session:
        by_sortie: dict[int, list[BundleProof]] = {}
        ids = [r.sortie_id for r in view.rows if r.sortie_id]
        for doc in session.scalars(select(Document).where(Document.sortie_id.in_(ids)).order_by(Document.id)):
            by_sortie.setdefault(doc.sortie_id, []).append(BundleProof(doc.nom_original, documents.path_for(doc.sha256)))
    chosen = [r for r in view.rows if start is None or r.date_sortie >= start]
    bundle = [BundleExit(r.nom, r.prenom, r.date_sortie, r.type.value if r.type else "A_RENSEIGNER", r.type_label,
                         r.duree_contrat_mois, r.category_label, r.explanation, r.proof_required,
                         tuple(by_sortie.get(r.sortie_id, ())), r.employeur) for r in chosen]
    missing_files = [p.stored_path for e in bundle for p in e.proofs if not p.stored_path.exists()]
    if missing_files:
        raise ValidationError([Problem("documents", f"{len(missing_files)} pièce(s) manquent dans le dossier documents : "
                                                    "lancez « aapdesk check » avant l'export")])
    title = f"Pièces probantes – opération {view.code} – sorties jusqu'au {view.as_of:%d/%m/%Y}"
    counts: dict[str, int] = {}

    def produce(handle) -> None:  # type: ignore[no-untyped-def]
        counts.update(write_bundle(bundle, handle, title=title))

    write_atomically(Path(dest), produce)
    with app.transaction() as session:
        journal(session, app.now(), "export_preuves", "operation", operation_id, operation_id=operation_id,
                details=f"{counts['exits']} sorties, {counts['files']} fichiers")
    return counts


def exit_rules_for(app: AppContext, operation_id: int) -> tuple[Dispositif, ExitRules]:
    """The operation's own rules and exit classification table, read-only (the exit dialog
    classifies as the person types, with exactly the table the saved exit will be counted by)."""
    with app.reading() as session:
        op = session.get(Operation, operation_id)
        if op is None:
            raise LookupError("opération introuvable")
        return operation_rules(app, op)
