"""Reference lists with their codes and French labels (reference-lists.md, domain.md §5).

Codes are what the database and imports store; labels are what people read.
"""

from __future__ import annotations

#: ASP "niveau de formation" codes (itou ref_niveau_formation_v3).
NIVEAUX_FORMATION: dict[str, str] = {
    "00": "Personnes avec qualifications non certifiantes",
    "01": "Jamais scolarisé",
    "10": "Troisième cycle ou école d'ingénieur",
    "20": "Formation de niveau licence",
    "30": "Formation de niveau BTS ou DUT",
    "40": "Formation de niveau BAC",
    "41": "Brevet de technicien ou baccalauréat professionnel",
    "50": "Formation de niveau CAP ou BEP",
    "51": "Diplôme obtenu CAP ou BEP",
    "60": "Formation courte d'une durée d'un an",
    "70": "Pas de formation au-delà de la scolarité obligatoire",
}

#: ASP "orienteur / prescripteur" codes (itou PrescriberType); SLAI orientations use 05.
PRESCRIPTEURS: dict[str, str] = {
    "01": "Mission locale",
    "02": "Cap emploi",
    "03": "France Travail",
    "04": "PLIE",
    "05": "Service social du conseil départemental (SLAI, PIPLE)",
    "06": "Autre prescripteur habilité",
    "07": "Candidature spontanée",
    "08": "Orienteur (non habilité)",
    "09": "SPIP",
    "10": "PJJ",
    "11": "CCAS",
    "12": "CHRS",
    "13": "CIDFF",
    "14": "Service ou club de prévention",
    "15": "AFPA",
    "16": "PIJ-BIJ",
    "17": "CAF",
    "18": "CADA",
    "19": "ASE",
    "20": "CAVA",
    "21": "CPH",
    "22": "CHU",
    "23": "OACAS",
    "99": "Non connu",
}

#: The 9 MDS of Pas-de-Calais (each with its SLAI) and the 8 Nord territorial directions.
TERRITOIRES_62 = (
    "Arrageois", "Artois", "Audomarois", "Boulonnais", "Calaisis",
    "Lens-Liévin", "Hénin-Carvin", "Montreuillois", "Ternois",
)
TERRITOIRES_59 = (
    "Avesnois", "Cambrésis", "Douaisis", "Flandre Maritime", "Flandre Intérieure",
    "Métropole Lille", "Métropole Roubaix-Tourcoing", "Valenciennois",
)

TYPES_STRUCTURE: dict[str, str] = {
    "ASSOCIATION": "Association",
    "AI": "Association intermédiaire (AI)",
    "ACI": "Atelier et chantier d'insertion (ACI)",
    "EI": "Entreprise d'insertion (EI)",
    "ETTI": "Entreprise de travail temporaire d'insertion (ETTI)",
    "PLIE": "PLIE",
    "CCAS": "CCAS",
    "CIAS": "CIAS",
    "EPCI": "EPCI",
    "TETE_RESEAU": "Tête de réseau IAE",
    "AUTRE": "Autre",
}

SEXES = {"F": "Femme", "M": "Homme"}
ZONES = {"urbain": "Urbain", "rural": "Rural"}
