"""Reading the rows of a user's spreadsheet as aapdesk data: the five import kinds and their
columns, header matching and mapping proposals, and the value parsers (French dates, Excel
serial dates, decimal commas, oui/non...), each problem naming its row and column.

Pure functions: the rows arrive as plain values (what a file reader produced), nothing is
read from disk or written anywhere. Messages never repeat a cell's content: a misplaced
column could put a name or an RSA status in a message otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from aapdesk.domain.exits import EXIT_TYPE_LABELS, ExitType
from aapdesk.domain.finances import CATEGORIES, FUNCTIONS
from aapdesk.domain.participants import fold_accents, identity_key
from aapdesk.domain.periods import MONTH_NAMES, YearMonth
from aapdesk.domain.references import NIVEAUX_FORMATION, PRESCRIPTEURS, ZONES

#: A text starting with one of these is escaped with an apostrophe in every file aapdesk writes
#: (formula injection); reading a file back removes that apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
#: The template's second row explains each column; a row starting with this mark is not data
#: (a character every spreadsheet font has, and that no name or identifier starts with).
NOTE_MARK = "»"
#: A header row is looked for among the first rows (a title or a blank line often sits above it).
HEADER_SEARCH_ROWS = 15
#: Below this similarity a header is not proposed for a field (the user maps it by hand).
SIMILARITY_THRESHOLD = 0.78


class FieldType(StrEnum):
    TEXT = "texte"
    DATE = "date"
    MONTH = "mois"
    BOOL = "oui/non"
    SEXE = "sexe"
    HOURS = "heures"
    MONEY = "montant"
    DECIMAL = "nombre"
    PERCENT = "pourcentage"
    CHOICE = "liste"


@dataclass(frozen=True)
class FieldSpec:
    """One column aapdesk understands: its canonical header, what it accepts, and other names people use."""

    name: str
    label: str
    type: FieldType
    required: bool = False
    note: str = ""
    #: For CHOICE fields: code -> label; a cell may hold either (case and accents ignored).
    choices: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportKind:
    code: str
    label: str
    fields: tuple[FieldSpec, ...]
    note: str
    #: The row must identify a participant: ``id_externe`` or name + first name + birth date.
    participant_key: bool = False

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


_OUI_NON = "oui ou non (vide = non)"
_DATE_NOTE = "date JJ/MM/AAAA (ou AAAA-MM-JJ, ou date Excel)"
_SEXES = {"F": "Femme", "M": "Homme"}
_TYPES_SORTIE = {t.value: label for t, label in EXIT_TYPE_LABELS.items()}

_KEY_FIELDS = (
    FieldSpec("id_externe", "Identifiant externe", FieldType.TEXT,
              note="identifiant dans votre ancien outil ; sinon nom + prénom + date de naissance",
              aliases=("identifiant", "id", "matricule", "numero dossier", "n dossier", "reference")),
    FieldSpec("nom", "Nom", FieldType.TEXT, note="nom de famille (si pas d'identifiant externe)",
              aliases=("nom de famille", "nom usage", "nom d usage", "beneficiaire", "participant")),
    FieldSpec("prenom", "Prénom", FieldType.TEXT, note="prénom (si pas d'identifiant externe)"),
    FieldSpec("date_naissance", "Date de naissance", FieldType.DATE, note=_DATE_NOTE + " (si pas d'identifiant externe)",
              aliases=("ne le", "nee le", "ne e le", "naissance", "date de naiss", "ddn")),
)

PARTICIPANTS = ImportKind("participants", "Participants et parcours", (
    FieldSpec("id_externe", "Identifiant externe", FieldType.TEXT,
              note="identifiant dans votre ancien outil (facultatif) : sert à reconnaître la personne à la prochaine importation",
              aliases=_KEY_FIELDS[0].aliases),
    FieldSpec("nom", "Nom", FieldType.TEXT, True, "nom de famille", _KEY_FIELDS[1].choices, _KEY_FIELDS[1].aliases),
    FieldSpec("prenom", "Prénom", FieldType.TEXT, True, "prénom"),
    FieldSpec("sexe", "Sexe", FieldType.SEXE, True, "F ou M", _SEXES, ("genre", "civilite", "h f")),
    FieldSpec("date_naissance", "Date de naissance", FieldType.DATE, True, _DATE_NOTE, aliases=_KEY_FIELDS[3].aliases),
    FieldSpec("brsa", "Bénéficiaire du RSA", FieldType.BOOL, note=_OUI_NON, aliases=("rsa", "beneficiaire rsa", "allocataire rsa")),
    FieldSpec("rqth", "RQTH", FieldType.BOOL, note=_OUI_NON, aliases=("travailleur handicape", "th", "handicap")),
    FieldSpec("niveau_formation", "Niveau de formation", FieldType.CHOICE,
              note="code ASP à 2 chiffres (00, 01, 10 ... 70) ou son libellé", choices=NIVEAUX_FORMATION,
              aliases=("niveau", "niveau scolaire", "niveau de qualification", "diplome")),
    FieldSpec("commune", "Commune", FieldType.TEXT, note="commune de résidence", aliases=("ville", "localite")),
    FieldSpec("code_postal", "Code postal", FieldType.TEXT, note="5 chiffres", aliases=("cp",)),
    FieldSpec("zone", "Zone", FieldType.CHOICE, note="urbain ou rural (seuils d'heures de l'AI)", choices=ZONES,
              aliases=("milieu", "zone urbaine rurale")),
    FieldSpec("qpv", "Quartier prioritaire (QPV)", FieldType.BOOL, note=_OUI_NON, aliases=("quartier prioritaire",)),
    FieldSpec("territoire", "Territoire (MDS)", FieldType.TEXT, note="maison du Département solidarité ou territoire",
              aliases=("mds", "territoire", "direction territoriale", "secteur")),
    FieldSpec("prescripteur", "Prescripteur", FieldType.CHOICE,
              note="qui a orienté la personne : code ASP à 2 chiffres ou libellé (France Travail, Mission locale ...)",
              choices=PRESCRIPTEURS, aliases=("orienteur", "orientation par", "oriente par", "prescription")),
    FieldSpec("date_orientation", "Date d'orientation", FieldType.DATE, note=_DATE_NOTE,
              aliases=("orientation", "date prescription", "date de prescription")),
    FieldSpec("date_entree", "Date d'entrée", FieldType.DATE, True, _DATE_NOTE + " : entrée dans l'action",
              aliases=("entree", "date entree dispositif", "date d entree", "debut accompagnement", "date debut")),
    FieldSpec("date_sortie", "Date de sortie", FieldType.DATE, note=_DATE_NOTE + " (vide = en cours)",
              aliases=("sortie", "date fin", "fin accompagnement")),
    FieldSpec("referent", "Référent", FieldType.TEXT, note="salarié qui accompagne la personne",
              aliases=("referent de parcours", "conseiller", "cip", "accompagnateur")),
), "Une ligne par parcours dans l'opération choisie. Une personne déjà connue (même identifiant externe, "
   "ou mêmes nom, prénom et date de naissance) est mise à jour, jamais créée deux fois.")

HEURES = ImportKind("heures", "Heures mensuelles", (
    *_KEY_FIELDS,
    FieldSpec("mois", "Mois", FieldType.MONTH, True, "AAAA-MM, ou n'importe quelle date du mois",
              aliases=("periode", "mois concerne", "date")),
    FieldSpec("heures_mad", "Heures de mise à disposition", FieldType.HOURS,
              note="heures du mois (7,5 ou 7h30) ; vide = inchangé",
              aliases=("heures mad", "mad", "heures de mad", "heures travaillees", "nb heures mad")),
    FieldSpec("heures_accompagnement", "Heures d'accompagnement", FieldType.HOURS,
              note="heures du mois ; vide = inchangé", aliases=("accompagnement", "heures accompagnement", "heures d accomp")),
), "Une ligne par participant et par mois.", participant_key=True)

SORTIES = ImportKind("sorties", "Sorties", (
    *_KEY_FIELDS,
    FieldSpec("date_sortie", "Date de sortie", FieldType.DATE, True, _DATE_NOTE, aliases=("sortie", "date de fin")),
    FieldSpec("type_sortie", "Type de sortie", FieldType.CHOICE, True, "code ou libellé de la liste (CDI, CDD ...)",
              _TYPES_SORTIE, ("motif de sortie", "situation a la sortie", "type", "nature de la sortie", "motif")),
    FieldSpec("duree_contrat_mois", "Durée du contrat (mois)", FieldType.DECIMAL, note="en mois, pour un contrat",
              aliases=("duree contrat", "duree", "duree en mois")),
    FieldSpec("contrat_aide", "Contrat aidé", FieldType.BOOL, note=_OUI_NON, aliases=("aide", "pec", "cui")),
    FieldSpec("employeur", "Employeur ou organisme", FieldType.TEXT, aliases=("entreprise", "organisme", "employeur")),
    FieldSpec("commentaire", "Commentaire", FieldType.TEXT, aliases=("observations", "remarques", "commentaires")),
    FieldSpec("piece", "Pièce probante", FieldType.TEXT,
              note="chemin du fichier (contrat, attestation), relatif au dossier du fichier importé",
              aliases=("piece justificative", "justificatif", "fichier", "preuve")),
), "Une ligne par sortie : la date de sortie du parcours est renseignée en même temps.", participant_key=True)

DEPENSES = ImportKind("depenses", "Dépenses", (
    FieldSpec("date", "Date", FieldType.DATE, True, _DATE_NOTE + " de la facture", aliases=("date facture", "date piece")),
    FieldSpec("categorie", "Catégorie", FieldType.CHOICE, True, "personnel, fonctionnement, prestations ou participants",
              CATEGORIES, ("nature", "poste", "type de depense")),
    FieldSpec("fournisseur", "Fournisseur", FieldType.TEXT, aliases=("tiers", "prestataire")),
    FieldSpec("numero_piece", "N° de pièce", FieldType.TEXT,
              aliases=("numero de piece", "n piece", "numero facture", "n facture", "reference")),
    FieldSpec("libelle", "Libellé", FieldType.TEXT, True, aliases=("objet", "designation", "description", "intitule")),
    FieldSpec("montant", "Montant", FieldType.MONEY, True, "en euros, 1 234,56", aliases=("montant ttc", "montant ht", "total")),
    FieldSpec("date_paiement", "Date de paiement", FieldType.DATE, note=_DATE_NOTE + " (acquittée le)",
              aliases=("payee le", "paye le", "acquittee le", "date reglement")),
    FieldSpec("piece", "Pièce", FieldType.TEXT, note="chemin de la facture, relatif au dossier du fichier importé",
              aliases=("facture", "justificatif", "fichier")),
), "Une ligne par dépense. Une dépense de même date, même montant et même n° de pièce (ou même libellé) "
   "déjà saisie est mise à jour.")

PERSONNEL = ImportKind("personnel", "Personnel et salaires", (
    FieldSpec("nom", "Nom", FieldType.TEXT, True, aliases=("salarie", "nom du salarie")),
    FieldSpec("prenom", "Prénom", FieldType.TEXT, True),
    FieldSpec("fonction", "Fonction", FieldType.CHOICE, note="code ou libellé ; vide = référent de parcours",
              choices=FUNCTIONS, aliases=("poste", "emploi", "intitule de poste")),
    FieldSpec("mois", "Mois", FieldType.MONTH, True, "AAAA-MM, ou n'importe quelle date du mois", aliases=("periode",)),
    FieldSpec("cout_charge", "Coût chargé", FieldType.MONEY, True, "salaire chargé du mois, en euros",
              aliases=("cout", "salaire charge", "brut charge", "cout employeur", "cout total")),
    FieldSpec("taux_affectation", "Taux d'affectation", FieldType.PERCENT,
              note="part du temps sur l'opération, en % (vide = 100 %)", aliases=("affectation", "taux", "quotite")),
), "Une ligne par salarié et par mois.")

KINDS: dict[str, ImportKind] = {k.code: k for k in (PARTICIPANTS, HEURES, SORTIES, DEPENSES, PERSONNEL)}


# --- headers and mapping -----------------------------------------------------------------

def normalise_header(text: object) -> str:
    """« Date de naissance* » → « date_de_naissance »: what two headers share when people mean the same."""
    folded = fold_accents(str(text or ""))
    return "_".join(re.findall(r"[a-z0-9]+", folded))


def _candidates(spec: FieldSpec) -> list[str]:
    return [normalise_header(x) for x in (spec.name, spec.label, *spec.aliases)]


def header_score(header: object, spec: FieldSpec) -> float:
    """1.0 for the canonical header, its label or a known alias; else a similarity in [0, 1]."""
    wanted = normalise_header(header)
    if not wanted:
        return 0.0
    names = _candidates(spec)
    if wanted in names:
        return 1.0
    return max(SequenceMatcher(None, wanted, name).ratio() for name in names)


def find_header_row(rows: Sequence[Sequence[object]], kind: ImportKind) -> int:
    """Index of the header row: among the first rows, the one whose cells best match the kind's columns."""
    best, best_score = 0, -1.0
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [v for v in values if isinstance(v, str) and v.strip()]
        if len(texts) < 2 and len(kind.fields) > 1:
            continue
        score = sum(1 for v in texts if max(header_score(v, f) for f in kind.fields) >= SIMILARITY_THRESHOLD)
        if score > best_score:
            best, best_score = index, score
    return best


def propose_mapping(headers: Sequence[object], kind: ImportKind,
                    saved: Mapping[str, str] | None = None) -> dict[int, str]:
    """Column index → field name: first what a saved mapping says, then exact names, then the most similar."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    if saved:
        for index, header in enumerate(headers):
            name = saved.get(normalise_header(header))
            if name in kind.names and name not in used:
                mapping[index] = name
                used.add(name)
    scored = sorted(
        ((header_score(header, spec), index, spec.name)
         for index, header in enumerate(headers) if index not in mapping
         for spec in kind.fields if spec.name not in used),
        key=lambda t: (-t[0], t[1]))
    for score, index, name in scored:
        if score < SIMILARITY_THRESHOLD:
            break
        if index in mapping or name in used:
            continue
        mapping[index] = name
        used.add(name)
    return dict(sorted(mapping.items()))


def mapping_to_save(headers: Sequence[object], mapping: Mapping[int, str]) -> dict[str, str]:
    """What is remembered of a mapping: normalised header → field, so the next file's columns may move."""
    return {normalise_header(headers[i]): name for i, name in mapping.items() if i < len(headers)
            and normalise_header(headers[i])}


def missing_required(kind: ImportKind, mapping: Mapping[int, str]) -> list[FieldSpec]:
    mapped = set(mapping.values())
    missing = [f for f in kind.fields if f.required and f.name not in mapped]
    if kind.participant_key and "id_externe" not in mapped:
        missing += [kind.field(n) for n in ("nom", "prenom", "date_naissance") if n not in mapped]
    return missing


# --- values ------------------------------------------------------------------------------

class ValueProblem(ValueError):
    """A cell that cannot be read; the message is French and never repeats the cell's content."""


EXCEL_EPOCH_1900 = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 29/02/1900
EXCEL_EPOCH_1904 = date(1904, 1, 1)
_SERIAL_RANGE = (1, 2958465)  # 01/01/1900 .. 31/12/9999
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY_WITH_TIME = re.compile(r"^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}) \d{1,2}:\d{2}(?::\d{2})?$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def serial_to_date(serial: float, date1904: bool = False) -> date:
    """An Excel date serial number (the fraction of the day ignored)."""
    whole = int(serial)
    if not _SERIAL_RANGE[0] <= whole <= _SERIAL_RANGE[1]:
        raise ValueProblem("nombre qui n'est pas une date Excel")
    if date1904:
        return EXCEL_EPOCH_1904 + timedelta(days=whole)
    if whole == 60:
        raise ValueProblem("le 29/02/1900 n'existe pas (erreur historique d'Excel)")
    if whole < 60:  # before Excel's phantom day
        return EXCEL_EPOCH_1900 + timedelta(days=whole + 1)
    return EXCEL_EPOCH_1900 + timedelta(days=whole)


@dataclass(frozen=True)
class DateReading:
    """A text date: its French reading (day first), and the other reading when the text allows both."""

    value: date | None
    month_first: date | None = None

    @property
    def ambiguous(self) -> bool:
        return self.value is not None and self.month_first is not None and self.value != self.month_first


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_text_date(text: str) -> DateReading:
    text = text.strip()
    match = _DMY_WITH_TIME.match(text)
    if match:
        text = match.group(1)
    match = _YMD.match(text)
    if match:
        value = _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if value is None:
            raise ValueProblem("date impossible (jour ou mois hors limites)")
        return DateReading(value)
    match = _DMY.match(text)
    if not match:
        raise ValueProblem("date illisible (attendu JJ/MM/AAAA)")
    a, b, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
    if len(year_text) == 2:
        raise ValueProblem("année sur deux chiffres : écrivez l'année en entier (JJ/MM/AAAA)")
    year = int(year_text)
    day_first, month_first = _make_date(year, b, a), _make_date(year, a, b)
    if day_first is None and month_first is None:
        raise ValueProblem("date impossible (jour ou mois hors limites)")
    return DateReading(day_first, month_first)


def parse_date(value: object, date1904: bool = False) -> date | None:
    """A date from a cell: a date, an Excel serial number, or a French/ISO text. None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if _is_number(value):
        return serial_to_date(float(value), date1904)  # type: ignore[arg-type]
    if isinstance(value, time):
        raise ValueProblem("heure au lieu d'une date")
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(?:[.,]\d+)?", text):  # a serial number that went through a CSV
        return serial_to_date(float(text.replace(",", ".")), date1904)
    reading = read_text_date(text)
    if reading.value is None:
        raise ValueProblem("date impossible au format JJ/MM/AAAA (jour et mois inversés ?)")
    return reading.value


_MONTH_WORDS: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES, start=1):
    _folded = fold_accents(_name)
    _MONTH_WORDS[_folded] = _number
    _MONTH_WORDS[_folded[:3]] = _number
    _MONTH_WORDS[_folded[:4]] = _number
_MONTH_WORDS.update({"fev": 2, "fevr": 2, "juil": 7, "sept": 9})
_MONTH_TEXT = re.compile(r"^([a-z]+)\.?[\s\-]*(\d{2}|\d{4})$")


def parse_month(value: object, date1904: bool = False) -> YearMonth | None:
    """A month: AAAA-MM, MM/AAAA, « janvier 2025 », « janv.-25 », or any date in the month."""
    if value is None:
        return None
    if isinstance(value, (datetime, date)) or _is_number(value):
        day = parse_date(value, date1904)
        return YearMonth.of(day) if day else None
    text = str(value).strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text)
    if match:
        return _year_month(int(match.group(1)), int(match.group(2)))
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text)
    if match:
        return _year_month(int(match.group(2)), int(match.group(1)))
    match = _MONTH_TEXT.match(fold_accents(text))
    if match and match.group(1) in _MONTH_WORDS:
        year = int(match.group(2))
        return _year_month(year + 2000 if year < 100 else year, _MONTH_WORDS[match.group(1)])
    try:
        day = parse_date(text, date1904)
    except ValueProblem:
        raise ValueProblem("mois illisible (attendu AAAA-MM, MM/AAAA ou une date du mois)") from None
    return YearMonth.of(day) if day else None


def _year_month(year: int, month: int) -> YearMonth:
    if not 1 <= month <= 12 or not 1900 <= year <= 9999:
        raise ValueProblem("mois impossible")
    return YearMonth(year, month)


def parse_decimal(value: object) -> Decimal | None:
    """A number written the French way (1 234,5 ; non-breaking spaces; « 12 € ») or as a cell number."""
    if value is None:
        return None
    if _is_number(value):
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueProblem("nombre illisible")
            return Decimal(repr(value))  # repr is the shortest exact text: 7.1 stays 7.1
        return Decimal(value)  # type: ignore[arg-type]
    if isinstance(value, bool):
        raise ValueProblem("oui/non au lieu d'un nombre")
    text = _SPACES.sub("", str(value)).replace("€", "").replace("EUR", "").replace("eur", "")
    if not text:
        return None
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")  # 1.234.567: dots group thousands
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueProblem("nombre illisible (attendu par exemple 1 234,50)")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above only lets numbers through
        raise ValueProblem("nombre illisible") from None


def parse_hours(value: object) -> Decimal | None:
    """Hours: 7,5 / 7.5 / 7h30 / 7:30 / an Excel time cell."""
    if isinstance(value, time):
        return Decimal(value.hour) + Decimal(value.minute) / 60
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+)\s*[hH:]\s*(\d{1,2})?\s*(?:min)?\s*", value)
        if match:
            minutes = int(match.group(2) or 0)
            if minutes >= 60:
                raise ValueProblem("minutes impossibles (60 ou plus)")
            return (Decimal(int(match.group(1))) + Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return parse_decimal(value)


def parse_percent(value: object) -> Decimal | None:
    """A share as a percentage from 0 to 100: « 80 % », 80, or a cell holding 0.8 (Excel's 80 %)."""
    if value is None:
        return None
    text = str(value)
    if isinstance(value, str) and "%" in text:
        return parse_decimal(text.replace("%", ""))
    number = parse_decimal(value)
    if number is None:
        return None
    if _is_number(value) and Decimal(0) <= number <= 1:
        return number * 100  # a percent-formatted cell holds the fraction
    return number


_TRUE = {"oui", "o", "x", "vrai", "yes", "y", "true", "1"}
_FALSE = {"non", "n", "faux", "no", "false", "0", "-"}


def parse_bool(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if _is_number(value) and value in (0, 1):
        return bool(value)
    text = fold_accents(str(value)).strip()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem("attendu oui ou non")


def parse_sexe(value: object) -> str | None:
    if value is None:
        return None
    text = fold_accents(str(value)).strip().rstrip(".")
    if not text:
        return None
    if text in ("f", "femme", "feminin", "mme", "madame", "mlle"):
        return "F"
    if text in ("m", "h", "homme", "masculin", "mr", "monsieur"):
        return "M"
    raise ValueProblem("attendu F ou M")


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold_accents(text)))


def parse_choice(value: object, spec: FieldSpec) -> str | None:
    """A code of the list, or its label; case, accents and a label's parenthesis are ignored."""
    if value is None:
        return None
    if _is_number(value):
        value = f"{int(value):02d}" if float(value).is_integer() else str(value)  # type: ignore[arg-type]
    raw = unneutralise(str(value)).strip()
    if " - " in raw and raw.split(" - ", 1)[0].strip() in spec.choices:  # the template's « 50 - Formation ... »
        return raw.split(" - ", 1)[0].strip()
    text = _plain(raw)
    if not text:
        return None
    # exact code or label first, then the label without its parenthesis, then what the parenthesis says
    # (« CIP »): a looser match must never win over an exact one (« Autre » vs « Embauche dans une (autre) SIAE »)
    readings = (lambda code, label: (_plain(code), _plain(label)),
                lambda code, label: (_plain(label.split("(")[0]),),
                lambda code, label: (_plain(label[label.find("(") + 1:label.find(")")]),) if "(" in label else ())
    for reading in readings:
        for code, label in spec.choices.items():
            if text in reading(code, label):
                return code
    if spec.name == "type_sortie":
        return _EXIT_ALIASES.get(text)
    return None


_EXIT_ALIASES = {
    "interim": ExitType.INTERIM.value, "mission interim": ExitType.INTERIM.value,
    "contrat aide": ExitType.CONTRAT_AIDE.value, "pec": ExitType.CONTRAT_AIDE.value,
    "cui cie": ExitType.CONTRAT_AIDE.value, "contrat de professionnalisation": ExitType.CONTRAT_PRO.value,
    "apprentissage": ExitType.APPRENTISSAGE.value, "creation d entreprise": ExitType.CREATION_ENTREPRISE.value,
    "formation": ExitType.FORMATION_QUALIFIANTE.value, "formation qualifiante": ExitType.FORMATION_QUALIFIANTE.value,
    "chomage": ExitType.CHOMAGE.value, "retraite": ExitType.RETRAITE.value,
    "reorientation": ExitType.REORIENTATION.value, "siae": ExitType.EMBAUCHE_SIAE.value,
}


def unneutralise(text: str) -> str:
    """Undo the apostrophe aapdesk puts before a text that a spreadsheet would read as a formula."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text


def parse_text(value: object, spec: FieldSpec) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 62000.0 from a spreadsheet is the number people typed
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        value = value.strftime("%d/%m/%Y")
    text = " ".join(unneutralise(str(value)).split())
    if spec.name == "code_postal" and text.isdigit() and len(text) == 4:
        text = "0" + text  # 2100 in a number cell is 02100
    return text or None


def parse_value(value: object, spec: FieldSpec, date1904: bool = False) -> Any:
    """The cell as the field's Python value (None when empty); raises :class:`ValueProblem`."""
    if isinstance(value, str) and not value.strip():
        value = None
    kind = spec.type
    if kind is FieldType.TEXT:
        return parse_text(value, spec)
    if kind is FieldType.DATE:
        return parse_date(value, date1904)
    if kind is FieldType.MONTH:
        return parse_month(value, date1904)
    if kind is FieldType.BOOL:
        return parse_bool(value)
    if kind is FieldType.SEXE:
        return parse_sexe(value)
    if kind is FieldType.HOURS:
        return parse_hours(value)
    if kind in (FieldType.MONEY, FieldType.DECIMAL):
        return parse_decimal(value)
    if kind is FieldType.PERCENT:
        return parse_percent(value)
    code = parse_choice(value, spec)
    if code is None and value is not None:
        shown = ", ".join(spec.choices) if len(spec.choices) <= 6 else "voir la liste du modèle"
        raise ValueProblem(f"valeur absente de la liste ({shown})")
    return code


# --- rows --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowProblem:
    """One problem of the file, where the user will find it: row number as in the spreadsheet, column header."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = [f"ligne {self.row}"] if self.row is not None else []
        if self.column:
            where.append(f"colonne « {self.column} »")
        return f"{', '.join(where)} : {self.message}" if where else self.message


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def participant_key(self) -> tuple[str, Any] | None:
        """``("id", id_externe)`` or ``("identite", identity_key)``: how the row names its participant."""
        if self.values.get("id_externe"):
            return "id", self.values["id_externe"]
        nom, prenom, birth = (self.values.get(n) for n in ("nom", "prenom", "date_naissance"))
        if nom and prenom and birth:
            return "identite", identity_key(nom, prenom, birth)
        return None


def is_note_row(values: Sequence[object]) -> bool:
    first = next((v for v in values if v is not None and str(v).strip()), None)
    return isinstance(first, str) and first.lstrip().startswith(NOTE_MARK)


def parse_rows(kind: ImportKind, headers: Sequence[object], rows: Sequence[tuple[int, Sequence[object]]],
               mapping: Mapping[int, str], *, date1904: bool = False) -> list[ParsedRow]:
    """Every data row read with the mapping: values by field name, and the problems of each row.

    ``rows`` are (row number as the user sees it, cell values) after the header row. Dates
    written as text are read day first (the French way); a column where some date can only
    be month first (04/13/2024) has every date that reads both ways flagged, never swapped.
    """
    column_of = {name: (str(headers[i]) if i < len(headers) and headers[i] is not None else name)
                 for i, name in mapping.items()}
    month_first_columns = _month_first_date_columns(kind, rows, mapping)
    parsed: list[ParsedRow] = []
    for number, values in rows:
        if is_note_row(values) or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row = ParsedRow(number, {})
        for index, name in mapping.items():
            spec = kind.field(name)
            raw = values[index] if index < len(values) else None
            try:
                if name in month_first_columns and isinstance(raw, str) and raw.strip():
                    reading = read_text_date(raw)
                    if reading.ambiguous or reading.value is None:
                        raise ValueProblem(
                            "date ambiguë : cette colonne contient des dates écrites mois/jour (ligne "
                            f"{month_first_columns[name]}) ; écrivez-les JJ/MM/AAAA ou AAAA-MM-JJ")
                row.values[name] = parse_value(raw, spec, date1904)
            except ValueProblem as problem:
                row.problems.append(RowProblem(number, column_of[name], str(problem)))
        for spec in kind.fields:
            if spec.required and row.values.get(spec.name) is None \
                    and not any(p.column == column_of.get(spec.name) for p in row.problems):
                if kind.participant_key and spec.name in ("nom", "prenom", "date_naissance"):
                    continue
                row.problems.append(RowProblem(number, column_of.get(spec.name, spec.label), "valeur obligatoire manquante"))
        if kind.participant_key and row.participant_key is None and not row.problems:
            row.problems.append(RowProblem(number, "", "participant non identifié : renseignez l'identifiant externe, "
                                                        "ou le nom, le prénom et la date de naissance"))
        parsed.append(row)
    return parsed


def _month_first_date_columns(kind: ImportKind, rows: Sequence[tuple[int, Sequence[object]]],
                              mapping: Mapping[int, str]) -> dict[str, int]:
    """Date columns holding at least one text date that only makes sense month first → that row's number."""
    found: dict[str, int] = {}
    for index, name in mapping.items():
        if kind.field(name).type not in (FieldType.DATE, FieldType.MONTH):
            continue
        for number, values in rows:
            raw = values[index] if index < len(values) else None
            if not isinstance(raw, str) or not _DMY.match(raw.strip()):
                continue
            try:
                reading = read_text_date(raw)
            except ValueProblem:
                continue
            if reading.value is None and reading.month_first is not None:
                found[name] = number
                break
    return found


def duplicate_keys(rows: Sequence[ParsedRow], key: Any) -> dict[Any, list[int]]:
    """Keys found on more than one row (``key`` maps a row to its key, or None to ignore it)."""
    seen: dict[Any, list[int]] = {}
    for row in rows:
        k = key(row)
        if k is not None:
            seen.setdefault(k, []).append(row.number)
    return {k: numbers for k, numbers in seen.items() if len(numbers) > 1}
