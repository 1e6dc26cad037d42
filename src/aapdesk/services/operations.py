"""Operations (conventions): create, edit, list, and read back the rules they were created with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from aapdesk.formatting import format_operation
from aapdesk.domain.dispositif import Dispositif, FundingModel, dispositif_to_dict, parse_dispositif
from aapdesk.domain.periods import months_between
from aapdesk.domain.problems import Problem, require
from aapdesk.domain.references import ZONES
from aapdesk.services.context import AppContext, journal
from aapdesk.storage.schema import Operation, Parcours

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


@dataclass(frozen=True)
class OperationInput:
    code: str
    dispositif_key: str
    debut: date | None
    fin: date | None
    intitule: str = ""
    places: int | None = None
    postes: int | None = None
    etp: Decimal | None = None
    montant: Decimal | None = None
    zone_defaut: str = "urbain"
    territoires: tuple[str, ...] = ()
    #: Closed once the bilan is accepted: no more reminders, and its exits are never reclassified silently.
    cloturee: bool = False


@dataclass(frozen=True)
class OperationRow:
    id: int
    code: str
    intitule: str
    dispositif_key: str
    dispositif_label: str
    debut: date
    fin: date
    places: int | None
    postes: int | None
    etp: Decimal | None
    montant: Decimal | None
    zone_defaut: str
    territoires: tuple[str, ...]
    cloturee: bool
    nb_parcours: int = 0
    rules: Dispositif | None = field(default=None, compare=False, repr=False)

    @property
    def capacity(self) -> int | None:
        """Postes for SIAE operations, places otherwise: the monthly target."""
        return self.postes if self.postes is not None else self.places

    @property
    def label(self) -> str:
        return format_operation(self.code, self.intitule)


def check_operation(data: OperationInput, dispositif: Dispositif | None, *, code_taken: bool) -> list[Problem]:
    p: list[Problem] = []
    if not CODE_PATTERN.match(data.code or ""):
        p.append(Problem("code", "code obligatoire : lettres, chiffres, point, tiret ou soulignement (40 au plus)"))
    elif code_taken:
        p.append(Problem("code", f"une opération porte déjà le code {data.code}"))
    if dispositif is None:
        p.append(Problem("dispositif", f"dispositif inconnu : {data.dispositif_key}"))
    if data.debut is None:
        p.append(Problem("debut", "la date de début est obligatoire"))
    if data.fin is None:
        p.append(Problem("fin", "la date de fin est obligatoire"))
    if data.debut and data.fin:
        if data.fin < data.debut:
            p.append(Problem("fin", "la fin de l'opération précède son début"))
        elif dispositif is not None:
            length = months_between(data.debut, data.fin)
            if length > dispositif.convention.duree_mois_max + 0.01:
                p.append(Problem("fin", f"la convention dure {length:.1f} mois, la fiche en permet "
                                        f"{dispositif.convention.duree_mois_max} au plus"))
    for name in ("places", "postes"):
        value = getattr(data, name)
        if value is not None and value <= 0:
            p.append(Problem(name, "doit être un nombre entier positif"))
    if data.etp is not None and data.etp <= 0:
        p.append(Problem("etp", "l'ETP doit être positif"))
    if data.montant is not None and data.montant < 0:
        p.append(Problem("montant", "le montant ne peut pas être négatif"))
    if data.zone_defaut not in ZONES:
        p.append(Problem("zone", "indiquez urbain ou rural"))
    if dispositif is not None:
        model = dispositif.financement.modele
        if model is FundingModel.SIAE_90_5_5 and not data.postes:
            p.append(Problem("postes", "le nombre de postes d'insertion conventionnés est obligatoire pour ce dispositif"))
        if model in (FundingModel.PRIX_PLACE, FundingModel.FORFAIT_NORD) and not data.places:
            p.append(Problem("places", "le nombre de places conventionnées est obligatoire pour ce dispositif"))
    return p


def _row(op: Operation, nb_parcours: int, catalogue_label: str) -> OperationRow:
    return OperationRow(
        id=op.id, code=op.code, intitule=op.intitule, dispositif_key=op.dispositif_key,
        dispositif_label=catalogue_label, debut=op.debut, fin=op.fin, places=op.places,
        postes=op.postes, etp=op.etp, montant=op.montant, zone_defaut=op.zone_defaut,
        territoires=tuple(op.territoires or ()), cloturee=op.cloturee, nb_parcours=nb_parcours,
        rules=parse_dispositif(op.regles, f"opération {op.code}"),
    )


def create_operation(app: AppContext, data: OperationInput) -> OperationRow:
    data = OperationInput(**{**data.__dict__, "code": (data.code or "").strip(), "intitule": data.intitule.strip()})
    dispositif = app.catalogue.dispositifs.get(data.dispositif_key)
    now = app.now()
    with app.transaction() as session:
        taken = session.scalar(select(func.count()).where(Operation.code == data.code)) > 0
        require(check_operation(data, dispositif, code_taken=taken))
        assert dispositif is not None and data.debut and data.fin
        op = Operation(
            code=data.code,
            intitule=data.intitule or dispositif.titre,
            dispositif_key=dispositif.key,
            regles=dispositif_to_dict(dispositif),
            debut=data.debut, fin=data.fin, places=data.places, postes=data.postes,
            etp=data.etp, montant=data.montant, zone_defaut=data.zone_defaut,
            territoires=list(data.territoires), cloturee=False, created_at=now, updated_at=now,
        )
        session.add(op)
        session.flush()
        journal(session, now, "creation", "operation", op.id, operation_id=op.id,
                details=f"dispositif {dispositif.key}")
        return _row(op, 0, dispositif.label)


def update_operation(app: AppContext, operation_id: int, data: OperationInput) -> OperationRow:
    """Edit the convention's own figures. The dispositif rules snapshot is kept as it was."""
    now = app.now()
    with app.transaction() as session:
        op = session.get(Operation, operation_id)
        if op is None:
            raise LookupError("opération introuvable")
        rules = parse_dispositif(op.regles, f"opération {op.code}")
        taken = session.scalar(
            select(func.count()).where(Operation.code == data.code.strip(), Operation.id != operation_id)
        ) > 0
        data = OperationInput(**{**data.__dict__, "code": data.code.strip(), "dispositif_key": op.dispositif_key})
        require(check_operation(data, rules, code_taken=taken))
        changed = [name for name in ("code", "intitule", "debut", "fin", "places", "postes", "etp", "montant", "zone_defaut")
                   if getattr(op, name) != getattr(data, name)]
        op.code, op.intitule = data.code, data.intitule.strip() or op.intitule
        op.debut, op.fin = data.debut, data.fin  # type: ignore[assignment]
        op.places, op.postes, op.etp, op.montant = data.places, data.postes, data.etp, data.montant
        op.zone_defaut, op.territoires, op.updated_at = data.zone_defaut, list(data.territoires), now
        if op.cloturee != data.cloturee:
            changed.append("cloturee")
            op.cloturee = data.cloturee
        session.flush()
        journal(session, now, "modification", "operation", op.id, operation_id=op.id, details=",".join(changed))
        count = session.scalar(select(func.count()).where(Parcours.operation_id == op.id)) or 0
        return _row(op, count, rules.label)


def list_operations(app: AppContext) -> list[OperationRow]:
    with app.reading() as session:
        counts = dict(session.execute(select(Parcours.operation_id, func.count()).group_by(Parcours.operation_id)).all())
        ops = session.scalars(select(Operation).order_by(Operation.debut.desc(), Operation.code)).all()
        return [_row(op, counts.get(op.id, 0), _label(op)) for op in ops]


def get_operation(app: AppContext, code_or_id: str | int) -> OperationRow:
    with app.reading() as session:
        if isinstance(code_or_id, int):
            op = session.get(Operation, code_or_id)
        else:
            op = session.scalar(select(Operation).where(Operation.code == code_or_id))
        if op is None:
            raise LookupError(f"Aucune opération avec le code {code_or_id!r}.")
        count = session.scalar(select(func.count()).where(Parcours.operation_id == op.id)) or 0
        return _row(op, count, _label(op))


def _label(op: Operation) -> str:
    return parse_dispositif(op.regles, f"opération {op.code}").label
