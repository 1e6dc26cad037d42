"""Finances, pure: which expenses are eligible, indirect costs by the fiche's rule, eligible
staff costs, and the grant to expect under each funding model.

Every amount is a Decimal rounded to the cent by :func:`aapdesk.domain.money.round_cents`,
once, at the end of each computed line. Each estimate lists its assumptions in French so a
coordinator can read — and a funder can check — how the figure was reached.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from aapdesk.domain.dispositif import Funding, FundingModel, IndirectCostBase, IndirectCosts
from aapdesk.domain.money import round_cents
from aapdesk.domain.periods import Period
from aapdesk.domain.problems import Problem

CATEGORIES = {
    "personnel": "Dépenses de personnel",
    "fonctionnement": "Dépenses de fonctionnement",
    "prestations": "Prestations externes",
    "participants": "Dépenses liées aux participants",
}
FUNCTIONS = {
    "encadrant_technique": "Encadrant technique",
    "cip": "Conseiller en insertion professionnelle (CIP)",
    "referent": "Référent de parcours",
    "coordination": "Coordination",
    "support": "Fonction support (direction, comptabilité, secrétariat)",
}
ZERO = Decimal(0)
ONE = Decimal(1)


def euros(amount: Decimal) -> str:
    """« 12 345,67 € » for explanations (narrow no-break spaces, as on screen)."""
    text = f"{round_cents(amount):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u202f€"


def percent(rate: Decimal) -> str:
    value = (rate * 100).normalize()
    return f"{value:f}".replace(".", ",") + "\u202f%"


def clamp01(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


# --- expenses -------------------------------------------------------------------

@dataclass(frozen=True)
class ExpenseLine:
    id: int
    date: date
    categorie: str
    montant: Decimal
    fournisseur: str = ""
    numero_piece: str = ""
    date_paiement: date | None = None
    has_invoice: bool = False


#: Codes of what can make an expense ineligible or doubtful, with French labels.
ISSUES = {
    "hors_periode": "engagée en dehors de la période de la convention",
    "non_acquittee": "pas encore acquittée à la date d'arrêté",
    "sans_facture": "sans facture ni pièce comptable jointe",
    "doublon": "doublon probable (même fournisseur et même numéro de pièce)",
    "categorie_non_eligible": "catégorie non éligible pour cette fiche",
}
#: Issues that exclude the amount from eligible costs (a missing invoice or a probable duplicate is
#: flagged for correction but does not silently drop an expense the accountant may justify).
EXCLUDING = frozenset({"hors_periode", "non_acquittee", "categorie_non_eligible"})


def check_expense_input(montant: Decimal | None, categorie: str, expense_date: date | None,
                        date_paiement: date | None, libelle: str) -> list[Problem]:
    p = []
    if expense_date is None:
        p.append(Problem("date", "la date de la dépense est obligatoire"))
    if categorie not in CATEGORIES:
        p.append(Problem("categorie", "choisissez personnel, fonctionnement, prestations ou participants"))
    if montant is None:
        p.append(Problem("montant", "le montant est obligatoire"))
    elif montant <= 0:
        p.append(Problem("montant", "le montant doit être positif"))
    elif montant >= Decimal("10000000"):
        p.append(Problem("montant", "le montant dépasse 10 millions d'euros : vérifiez la saisie"))
    if not libelle.strip():
        p.append(Problem("libelle", "le libellé est obligatoire"))
    if expense_date and date_paiement and date_paiement < expense_date:
        p.append(Problem("date_paiement", "la date de paiement précède la date de la facture"))
    return p


def expense_issues(expense: ExpenseLine, period: Period, as_of: date, eligible_categories: Sequence[str],
                   duplicate_ids: frozenset[int] = frozenset()) -> list[str]:
    issues = []
    if not period.contains(expense.date):
        issues.append("hors_periode")
    if expense.date_paiement is None or expense.date_paiement > as_of:
        issues.append("non_acquittee")
    if not expense.has_invoice:
        issues.append("sans_facture")
    if expense.id in duplicate_ids:
        issues.append("doublon")
    if expense.categorie not in eligible_categories:
        issues.append("categorie_non_eligible")
    return issues


def probable_duplicates(expenses: Iterable[ExpenseLine]) -> frozenset[int]:
    """Expenses sharing a supplier and an invoice number (case and spaces ignored)."""
    seen: dict[tuple[str, str], list[int]] = {}
    for e in expenses:
        if e.fournisseur.strip() and e.numero_piece.strip():
            key = (" ".join(e.fournisseur.casefold().split()), "".join(e.numero_piece.casefold().split()))
            seen.setdefault(key, []).append(e.id)
    return frozenset(i for ids in seen.values() if len(ids) > 1 for i in ids)


def is_eligible(issues: Iterable[str]) -> bool:
    return not EXCLUDING.intersection(issues)


# --- staff ------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffMonth:
    person: str
    fonction: str
    cout_charge: Decimal  # gross salary + employer contributions, for the month
    taux_affectation: Decimal  # fraction 0..1


def staff_month_problems(line: StaffMonth, funding: Funding) -> list[str]:
    problems = []
    if line.fonction == "support" and not funding.fonctions_support_eligibles:
        problems.append("les fonctions support sont inéligibles pour cette fiche")
    minimum = funding.taux_affectation_min
    if minimum is not None and ZERO < line.taux_affectation < minimum:
        problems.append(f"affectation de {percent(line.taux_affectation)}, sous le minimum de {percent(minimum)}")
    return problems


def eligible_staff_cost(line: StaffMonth, funding: Funding) -> Decimal:
    """Loaded cost × affectation, or 0 when the fiche's rules exclude the line."""
    if staff_month_problems(line, funding):
        return ZERO
    return round_cents(line.cout_charge * line.taux_affectation)


def check_staff_input(cout_charge: Decimal | None, taux: Decimal | None) -> list[Problem]:
    p = []
    if cout_charge is None or cout_charge < 0:
        p.append(Problem("cout_charge", "le coût chargé doit être un montant positif"))
    if taux is None or not ZERO <= taux <= ONE:
        p.append(Problem("taux_affectation", "le taux d'affectation doit être compris entre 0 et 100 %"))
    return p


# --- indirect costs ------------------------------------------------------------------

BASE_LABELS = {
    IndirectCostBase.AUCUNE: "aucune assiette",
    IndirectCostBase.DIRECTES: "des dépenses directes éligibles",
    IndirectCostBase.DIRECTES_HORS_PRESTATIONS: "des dépenses directes éligibles hors prestations",
    IndirectCostBase.PERSONNEL: "des dépenses directes de personnel",
}


@dataclass(frozen=True)
class IndirectResult:
    base: Decimal
    amount: Decimal
    explanation: str


def indirect_costs(direct: dict[str, Decimal], rule: IndirectCosts) -> IndirectResult:
    """Indirect costs from the eligible direct costs per category, by the fiche's rate and base."""
    if rule.base is IndirectCostBase.AUCUNE or rule.taux == 0:
        return IndirectResult(ZERO, ZERO, "pas de charges indirectes pour cette fiche")
    if rule.base is IndirectCostBase.PERSONNEL:
        base = direct.get("personnel", ZERO)
    elif rule.base is IndirectCostBase.DIRECTES_HORS_PRESTATIONS:
        base = sum((v for k, v in direct.items() if k != "prestations"), ZERO)
    else:
        base = sum(direct.values(), ZERO)
    amount = round_cents(base * rule.taux)
    kind = "au plus" if rule.plafond else "forfait de"
    return IndirectResult(base, amount, f"{kind} {percent(rule.taux)} {BASE_LABELS[rule.base]} "
                                       f"({euros(base)}) = {euros(amount)}")


# --- grant estimates ----------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    modele: FundingModel
    montant_conventionne: Decimal
    montant_estime: Decimal
    hypotheses: tuple[str, ...]
    lignes: tuple[tuple[str, Decimal], ...] = field(default=())

    def solde(self, avance: Decimal) -> Decimal:
        return round_cents(self.montant_estime - avance)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    return clamp01(numerator / denominator) if denominator > 0 else ZERO


def estimate_siae(amount: Decimal, funding: Funding, *, postes: int, mois_valorisables: int, sorties_dynamiques: int,
                  qualite: Decimal = ONE) -> Estimate:
    """3.10-3.12: 90 % on months (postes × 12), 5 % on sorties dynamiques (postes × ratio), 5 % on quality;
    capped at the € per participant-month × mois valorisables and at the convention amount."""
    assert funding.part_mois is not None and funding.part_sorties is not None and funding.part_qualite is not None
    ratio = funding.sorties_dynamiques_par_poste or ZERO
    months_target = Decimal(postes * 12)
    exits_target = Decimal(postes) * ratio
    months_part = round_cents(funding.part_mois * amount * _ratio(Decimal(mois_valorisables), months_target))
    exits_part = round_cents(funding.part_sorties * amount * _ratio(Decimal(sorties_dynamiques), exits_target))
    quality_part = round_cents(funding.part_qualite * amount * clamp01(qualite))
    total = months_part + exits_part + quality_part
    cap = funding.plafond_par_participant_mois
    capped_by_months = round_cents(cap * mois_valorisables) if cap is not None else None
    estimate = min(x for x in (total, capped_by_months, amount) if x is not None)
    hypotheses = [
        f"{percent(funding.part_mois)} du montant selon les mois valorisables : {mois_valorisables} pour un objectif "
        f"de {postes} postes × 12 = {months_target.normalize():f} → {euros(months_part)}",
        f"{percent(funding.part_sorties)} selon les sorties dynamiques : {sorties_dynamiques} pour un objectif de "
        f"{postes} × {str(ratio).replace('.', ',')} = {str(exits_target.normalize()).replace('.', ',')} → {euros(exits_part)}",
        f"{percent(funding.part_qualite)} selon la qualité de l'accompagnement, estimée à {percent(clamp01(qualite))} "
        f"→ {euros(quality_part)}",
    ]
    if capped_by_months is not None:
        hypotheses.append(f"plafond de {euros(cap)} par participant et par mois × {mois_valorisables} mois "
                          f"valorisables = {euros(capped_by_months)}")
    hypotheses.append(f"au plus le montant conventionné ({euros(amount)})")
    return Estimate(FundingModel.SIAE_90_5_5, amount, estimate, tuple(hypotheses),
                    (("Part mois d'accompagnement", months_part), ("Part sorties dynamiques", exits_part),
                     ("Part qualité", quality_part)))


def estimate_prix_place(amount: Decimal, funding: Funding, *, taux_occupation: Decimal, qualite: Decimal = ONE) -> Estimate:
    """Référents 001: 50 % on the places filled (occupation), 50 % on the quality of accompaniment."""
    quant = funding.part_quantitative or Decimal("0.5")
    qual = funding.part_qualitative or Decimal("0.5")
    quant_part = round_cents(quant * amount * clamp01(taux_occupation))
    qual_part = round_cents(qual * amount * clamp01(qualite))
    return Estimate(FundingModel.PRIX_PLACE, amount, min(amount, quant_part + qual_part), (
        f"{percent(quant)} du montant selon le taux d'occupation des places ({percent(round_rate(taux_occupation))}, "
        f"plafonné à 100 %) → {euros(quant_part)}",
        f"{percent(qual)} selon la qualité de l'accompagnement, estimée à {percent(clamp01(qualite))} → {euros(qual_part)}",
    ), (("Part quantitative", quant_part), ("Part qualitative", qual_part)))


def estimate_forfait(amount: Decimal, *, taux_occupation: Decimal) -> Estimate:
    """Nord forfaits: amount × min(1, taux d'occupation) ("au prorata du nombre d'accompagnements")."""
    value = round_cents(amount * clamp01(taux_occupation))
    return Estimate(FundingModel.FORFAIT_NORD, amount, value, (
        f"montant au prorata de l'occupation des places : {percent(round_rate(taux_occupation))} (plafonné à 100 %) "
        f"× {euros(amount)} = {euros(value)}",
    ), (("Forfait au prorata", value),))


def estimate_depenses(amount: Decimal, *, eligible_realised: Decimal, eligible_planned: Decimal) -> Estimate:
    """Expense-based fiches: amount × min(1, eligible realised ÷ eligible planned), direct + indirect."""
    rate = _ratio(eligible_realised, eligible_planned)
    value = round_cents(amount * rate)
    return Estimate(FundingModel.DEPENSES, amount, value, (
        f"dépenses éligibles réalisées (directes et indirectes) : {euros(eligible_realised)} pour "
        f"{euros(eligible_planned)} prévues, soit {percent(round_rate(rate))}",
        f"subvention au prorata : {euros(amount)} × {percent(round_rate(rate))} = {euros(value)}",
    ), (("Subvention au prorata des dépenses", value),))


def estimate_fse(amount: Decimal, funding: Funding, *, eligible_staff: Decimal) -> Estimate:
    """5.6: eligible staff costs + the 40 % flat rate for every other cost, at most the amount."""
    rate = funding.taux_forfait_compensation or Decimal("0.40")
    flat = round_cents(eligible_staff * rate)
    total = eligible_staff + flat
    return Estimate(FundingModel.FSE_CONTREPARTIE, amount, min(amount, total), (
        f"dépenses de personnel éligibles : {euros(eligible_staff)}",
        f"forfait de {percent(rate)} pour les autres coûts directs et indirects : {euros(flat)}",
        f"au plus le montant conventionné ({euros(amount)})",
    ), (("Personnel éligible", eligible_staff), ("Forfait de compensation", flat)))


def estimate_sessions(amount: Decimal, funding: Funding, *, held: int, planned: int) -> Estimate:
    """Interconnaissance: 50 % at start, 50 % on the sessions held against those planned."""
    start = funding.part_depart or Decimal("0.5")
    first = round_cents(start * amount)
    second = round_cents((ONE - start) * amount * _ratio(Decimal(held), Decimal(planned)))
    return Estimate(FundingModel.SESSIONS, amount, first + second, (
        f"{percent(start)} versés au démarrage : {euros(first)}",
        f"{percent(ONE - start)} selon les sessions réalisées : {held} sur {planned} prévues → {euros(second)}",
    ), (("Part au démarrage", first), ("Part sessions réalisées", second)))


def estimate_annual(amount: Decimal) -> Estimate:
    return Estimate(FundingModel.FONCTIONNEMENT_ANNUEL, amount, amount, (
        "fonctionnement annuel : montant fixé selon le projet, modulé par le Département au vu du bilan ; "
        "estimé au montant conventionné",
    ))


def round_rate(rate: Decimal) -> Decimal:
    return rate.quantize(Decimal("0.001"))
