"""Typed SQLAlchemy 2 models: the database schema, owned by the Alembic revisions in ``migrations``.

Money is stored as integer cents through :class:`Money`; dates are ``Date`` columns;
the rules an operation was created with are stored as a JSON snapshot so that a later
catalogue change never alters an existing operation's figures.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from aapdesk.domain.money import from_cents, to_cents

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Money(TypeDecorator[Decimal]):
    """Decimal euros in Python, integer cents in SQLite (rounded half up, once, in domain.money)."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        return None if value is None else to_cents(Decimal(value))

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else from_cents(value)


class Hundredths(TypeDecorator[Decimal]):
    """A decimal quantity with two decimals (ETP, hours, rates) stored as an integer."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        return None if value is None else to_cents(Decimal(value))

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else from_cents(value)


class JsonText(TypeDecorator[Any]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


class Structure(Base):
    """The porteur de projet using this copy of aapdesk (one row)."""

    __tablename__ = "structure"

    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14))
    type_structure: Mapped[str] = mapped_column(String(20))
    adresse: Mapped[str | None] = mapped_column(String(300))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Operation(Base):
    """A convention with a funder under one dispositif, with its own figures and rules snapshot."""

    __tablename__ = "operation"
    __table_args__ = (
        CheckConstraint("fin >= debut", name="period"),
        CheckConstraint("montant IS NULL OR montant >= 0", name="montant_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    intitule: Mapped[str] = mapped_column(String(300))
    dispositif_key: Mapped[str] = mapped_column(String(40))
    regles: Mapped[dict[str, Any]] = mapped_column(JsonText)
    debut: Mapped[date] = mapped_column(Date)
    fin: Mapped[date] = mapped_column(Date)
    places: Mapped[int | None] = mapped_column(Integer)
    postes: Mapped[int | None] = mapped_column(Integer)
    etp: Mapped[Decimal | None] = mapped_column(Hundredths)
    montant: Mapped[Decimal | None] = mapped_column(Money)
    territoires: Mapped[list[str]] = mapped_column(JsonText, default=list)
    zone_defaut: Mapped[str] = mapped_column(String(10), default="urbain")
    cloturee: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Editable assumptions of the grant estimate (quality score, sessions planned/held).
    hypotheses: Mapped[dict[str, Any] | None] = mapped_column(JsonText)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    parcours: Mapped[list[Parcours]] = relationship(back_populates="operation")


class Participant(Base):
    """A person accompanied by the structure. Sensitive: never logged, never in a file name."""

    __tablename__ = "participant"
    __table_args__ = (
        Index("ix_participant_identity", "nom", "prenom", "date_naissance"),
        CheckConstraint("sexe IN ('F', 'M')", name="sexe"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_externe: Mapped[str | None] = mapped_column(String(60), unique=True)
    nom: Mapped[str] = mapped_column(String(100))
    prenom: Mapped[str] = mapped_column(String(100))
    sexe: Mapped[str] = mapped_column(String(1))
    date_naissance: Mapped[date] = mapped_column(Date)
    brsa: Mapped[bool] = mapped_column(Boolean, default=False)
    rqth: Mapped[bool] = mapped_column(Boolean, default=False)
    niveau_formation: Mapped[str | None] = mapped_column(String(2))
    commune: Mapped[str | None] = mapped_column(String(100))
    code_postal: Mapped[str | None] = mapped_column(String(5))
    zone: Mapped[str | None] = mapped_column(String(10))
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    territoire: Mapped[str | None] = mapped_column(String(60))
    prescripteur: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    parcours: Mapped[list[Parcours]] = relationship(back_populates="participant", cascade="all, delete-orphan")


class Parcours(Base):
    """A participant's path in one operation: orientation, entry, exit (last day accompanied)."""

    __tablename__ = "parcours"
    __table_args__ = (
        UniqueConstraint("participant_id", "operation_id", "date_entree", name="uq_parcours_entry"),
        CheckConstraint("date_sortie IS NULL OR date_sortie >= date_entree", name="exit_after_entry"),
        Index("ix_parcours_operation", "operation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="RESTRICT"))
    date_orientation: Mapped[date | None] = mapped_column(Date)
    date_entree: Mapped[date] = mapped_column(Date)
    date_sortie: Mapped[date | None] = mapped_column(Date)
    referent: Mapped[str | None] = mapped_column(String(100))
    premier_rdv: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    participant: Mapped[Participant] = relationship(back_populates="parcours")
    operation: Mapped[Operation] = relationship(back_populates="parcours")


class JournalEntry(Base):
    """Append-only record of every change: when, what action, on which record. No personal values."""

    __tablename__ = "journal"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    operation_id: Mapped[int | None] = mapped_column(Integer)
    participant_id: Mapped[int | None] = mapped_column(Integer)
    #: Names of the fields changed, or a short non-sensitive note.
    details: Mapped[str] = mapped_column(Text, default="")


class MonthlyHours(Base):
    """Hours of one parcours in one month: mise à disposition and accompaniment."""

    __tablename__ = "heures_mensuelles"
    __table_args__ = (
        UniqueConstraint("parcours_id", "mois", name="uq_heures_parcours_mois"),
        CheckConstraint("heures_mad >= 0 AND heures_accompagnement >= 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parcours_id: Mapped[int] = mapped_column(ForeignKey("parcours.id", ondelete="CASCADE"), index=True)
    #: First day of the month.
    mois: Mapped[date] = mapped_column(Date)
    heures_mad: Mapped[Decimal] = mapped_column(Hundredths, default=Decimal(0))
    heures_accompagnement: Mapped[Decimal] = mapped_column(Hundredths, default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Entretien(Base):
    """An individual interview of a parcours."""

    __tablename__ = "entretien"
    __table_args__ = (CheckConstraint("modalite IN ('physique', 'telephone', 'visio')", name="modalite"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parcours_id: Mapped[int] = mapped_column(ForeignKey("parcours.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    modalite: Mapped[str] = mapped_column(String(10))
    duree_minutes: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Cer(Base):
    """A contrat d'engagement réciproque (or its renewal) signed during a parcours."""

    __tablename__ = "cer"
    __table_args__ = (CheckConstraint("date_fin >= date_signature", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parcours_id: Mapped[int] = mapped_column(ForeignKey("parcours.id", ondelete="CASCADE"), index=True)
    date_signature: Mapped[date] = mapped_column(Date)
    date_fin: Mapped[date] = mapped_column(Date)
    valide: Mapped[bool] = mapped_column(Boolean, default=True)
    renouvellement: Mapped[bool] = mapped_column(Boolean, default=False)
    demande_renouvellement: Mapped[date | None] = mapped_column(Date)


class Diagnostic(Base):
    """The initial diagnostic of a parcours and its updates."""

    __tablename__ = "diagnostic"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcours_id: Mapped[int] = mapped_column(ForeignKey("parcours.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    nature: Mapped[str] = mapped_column(String(20))  # initial / actualisation
    note: Mapped[str | None] = mapped_column(Text)


class Suspension(Base):
    """A period during which the accompaniment is suspended."""

    __tablename__ = "suspension"
    __table_args__ = (CheckConstraint("fin IS NULL OR fin >= debut", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parcours_id: Mapped[int] = mapped_column(ForeignKey("parcours.id", ondelete="CASCADE"), index=True)
    debut: Mapped[date] = mapped_column(Date)
    fin: Mapped[date | None] = mapped_column(Date)
    motif: Mapped[str] = mapped_column(String(200))


class Comite(Base):
    """A comité de suivi or de pilotage of an operation."""

    __tablename__ = "comite"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    nature: Mapped[str] = mapped_column(String(20))  # suivi / pilotage / strategique / autre
    participants: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    tableau_de_bord_envoye: Mapped[bool] = mapped_column(Boolean, default=False)


class Atelier(Base):
    """A collective session (atelier) of an operation."""

    __tablename__ = "atelier"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    titre: Mapped[str] = mapped_column(String(200))
    duree_minutes: Mapped[int] = mapped_column(Integer)
    animateur: Mapped[str | None] = mapped_column(String(100))

    presences: Mapped[list[AtelierPresence]] = relationship(cascade="all, delete-orphan")


class AtelierPresence(Base):
    """Who was registered for an atelier, and whether they attended."""

    __tablename__ = "atelier_presence"

    atelier_id: Mapped[int] = mapped_column(ForeignKey("atelier.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)
    present: Mapped[bool] = mapped_column(Boolean, default=True)


class Sortie(Base):
    """The exit of a parcours. Its date is the parcours' exit date; its category is computed
    from the operation's rules each time, so an edit of those rules reclassifies it."""

    __tablename__ = "sortie"
    __table_args__ = (CheckConstraint("duree_contrat_mois IS NULL OR duree_contrat_mois > 0", name="duree"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parcours_id: Mapped[int] = mapped_column(ForeignKey("parcours.id", ondelete="CASCADE"), unique=True)
    type_sortie: Mapped[str] = mapped_column(String(30))
    duree_contrat_mois: Mapped[Decimal | None] = mapped_column(Hundredths)
    contrat_aide: Mapped[bool] = mapped_column(Boolean, default=False)
    employeur: Mapped[str | None] = mapped_column(String(200))
    commentaire: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Document(Base):
    """A file kept in the document store under its SHA-256, attached to one record."""

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(
            "(sortie_id IS NOT NULL) + (parcours_id IS NOT NULL) + (participant_id IS NOT NULL)"
            " + (depense_id IS NOT NULL) = 1",
            name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    nom_original: Mapped[str] = mapped_column(String(255))
    type_mime: Mapped[str] = mapped_column(String(100))
    taille: Mapped[int] = mapped_column(Integer)
    nature: Mapped[str] = mapped_column(String(20))  # preuve, cer, diagnostic, attestation, autre
    ajoute_le: Mapped[datetime] = mapped_column(DateTime)
    sortie_id: Mapped[int | None] = mapped_column(ForeignKey("sortie.id", ondelete="CASCADE"), index=True)
    parcours_id: Mapped[int | None] = mapped_column(ForeignKey("parcours.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    depense_id: Mapped[int | None] = mapped_column(ForeignKey("depense.id", ondelete="CASCADE"), index=True)


class Personnel(Base):
    """A member of staff working on an operation."""

    __tablename__ = "personnel"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    nom: Mapped[str] = mapped_column(String(100))
    prenom: Mapped[str] = mapped_column(String(100))
    fonction: Mapped[str] = mapped_column(String(30))
    contrat: Mapped[str] = mapped_column(String(20), default="CDI")
    etp: Mapped[Decimal] = mapped_column(Hundredths, default=Decimal(1))
    #: Default affectation to the operation, in percent (two decimals).
    taux_affectation_pct: Mapped[Decimal] = mapped_column(Hundredths, default=Decimal(100))
    #: lettre_mission (fixed monthly affectation) or fiche_temps (time sheets).
    justification: Mapped[str] = mapped_column(String(20), default="lettre_mission")


class CoutPersonnel(Base):
    """One month of a staff member: loaded salary cost and the affectation that month."""

    __tablename__ = "cout_personnel"
    __table_args__ = (
        UniqueConstraint("personnel_id", "mois", name="uq_cout_personnel_mois"),
        CheckConstraint("taux_affectation_pct >= 0 AND taux_affectation_pct <= 10000", name="taux"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    personnel_id: Mapped[int] = mapped_column(ForeignKey("personnel.id", ondelete="CASCADE"), index=True)
    mois: Mapped[date] = mapped_column(Date)
    cout_charge: Mapped[Decimal] = mapped_column(Money)
    taux_affectation_pct: Mapped[Decimal] = mapped_column(Hundredths)


class Depense(Base):
    """An expense of an operation, with its invoice attached as a document."""

    __tablename__ = "depense"
    __table_args__ = (CheckConstraint("montant > 0", name="montant_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    categorie: Mapped[str] = mapped_column(String(20))
    fournisseur: Mapped[str | None] = mapped_column(String(200))
    numero_piece: Mapped[str | None] = mapped_column(String(60))
    libelle: Mapped[str] = mapped_column(String(300))
    montant: Mapped[Decimal] = mapped_column(Money)
    date_paiement: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Ressource(Base):
    """A line of the plan de financement: who funds how much."""

    __tablename__ = "ressource"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    financeur: Mapped[str] = mapped_column(String(30))
    libelle: Mapped[str] = mapped_column(String(200), default="")
    montant_prevu: Mapped[Decimal] = mapped_column(Money)

    versements: Mapped[list[Versement]] = relationship(cascade="all, delete-orphan", order_by="Versement.date")


class Versement(Base):
    """Money received from a funder: avance, acompte or solde."""

    __tablename__ = "versement"
    __table_args__ = (CheckConstraint("montant > 0", name="montant_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ressource_id: Mapped[int] = mapped_column(ForeignKey("ressource.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    nature: Mapped[str] = mapped_column(String(20))  # avance / acompte / solde
    montant: Mapped[Decimal] = mapped_column(Money)


class LigneBudget(Base):
    """The planned amount of one expense category (prévisionnel)."""

    __tablename__ = "ligne_budget"
    __table_args__ = (UniqueConstraint("operation_id", "categorie", name="uq_budget_operation_categorie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"), index=True)
    categorie: Mapped[str] = mapped_column(String(20))
    montant_prevu: Mapped[Decimal] = mapped_column(Money)


class BilanSection(Base):
    """The draft text of one narrative section of an operation's bilan pédagogique.

    ``texte`` holds paragraphs separated by blank lines; lines starting with "- " are bullets.
    """

    __tablename__ = "bilan_section"
    __table_args__ = (UniqueConstraint("operation_id", "code", name="uq_bilan_section_operation_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    texte: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ImportMapping(Base):
    """A named column mapping for one import kind, kept for the structure's next files.

    ``colonnes`` is JSON: normalised source header -> aapdesk field name (no cell content).
    """

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("kind", "nom", name="uq_import_mapping_kind_nom"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    nom: Mapped[str] = mapped_column(String(80))
    colonnes: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
