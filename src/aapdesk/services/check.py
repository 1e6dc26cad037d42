"""``aapdesk check``: database integrity plus the business rules every operation must respect."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from aapdesk.domain.dispositif import parse_dispositif
from aapdesk.domain.participants import is_under
from aapdesk.services.context import AppContext
from aapdesk.storage.backup import integrity_problems
from aapdesk.storage.schema import Operation, Parcours, Participant


@dataclass(frozen=True)
class Finding:
    severity: str  # "erreur" or "attention"
    where: str  # e.g. "opération AI-2024", "base de données"
    message: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.where} : {self.message}"


def run_checks(app: AppContext) -> list[Finding]:
    from aapdesk.services.documents import verify_documents

    findings = [Finding("erreur", "base de données", p) for p in integrity_problems(app.db.paths.db_path)]
    findings += [Finding("erreur" if p.kind != "orphelin" else "attention", "documents", p.message)
                 for p in verify_documents(app)]
    today = app.today()
    with app.reading() as session:
        for op in session.scalars(select(Operation).order_by(Operation.code)):
            rules = parse_dispositif(op.regles, f"opération {op.code}")
            where = f"opération {op.code}"
            rows = session.execute(
                select(Parcours, Participant.date_naissance)
                .join(Participant, Participant.id == Parcours.participant_id)
                .where(Parcours.operation_id == op.id)
            ).all()
            for parcours, _birth in rows:
                if parcours.date_entree > op.fin:
                    findings.append(Finding("erreur", where, f"parcours n° {parcours.id} : entrée après la fin de l'opération"))
                if parcours.date_entree < op.debut and not rules.convention.entree_avant_debut_autorisee:
                    findings.append(Finding("erreur", where, f"parcours n° {parcours.id} : entrée avant le début de l'opération"))
                if parcours.date_sortie and parcours.date_sortie < parcours.date_entree:
                    findings.append(Finding("erreur", where, f"parcours n° {parcours.id} : sortie avant l'entrée"))
            cap = rules.public.part_max_jeunes
            counted = [(birth, p.date_entree) for p, birth in rows if p.date_entree <= min(today, op.fin)]
            if cap is not None and counted:
                young = sum(1 for birth, entry in counted if is_under(birth, entry, rules.public.age_jeune))
                share = young / len(counted)
                if share > float(cap):
                    findings.append(Finding(
                        "attention", where,
                        f"{young} participants de moins de {rules.public.age_jeune} ans sur {len(counted)} "
                        f"({share:.0%}), au-delà des {float(cap):.0%} permis par la fiche"))
            per_etp = rules.financement.places_par_etp
            if per_etp and op.etp and op.places and op.places > op.etp * per_etp:
                findings.append(Finding(
                    "attention", where,
                    f"{op.places} places pour {op.etp} ETP : la fiche en permet {per_etp} par ETP "
                    f"({int(op.etp * per_etp)} au plus)"))
    return findings
