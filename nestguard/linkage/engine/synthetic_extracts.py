"""A second, independent generator: the extracts UK agencies send, each in its own shape.

Written apart from `synthetic.py` so that the linkage is not tuned to one generator's
habits (issue 14 point 1). It shares nothing with it but `SourceRecord`: its own invented
names, places and error rates, and a different way of making the data. `synthetic.py` makes
a person's clean record and then copies with one error each; here a population lives in
households, moves and marries, and each *agency* sends an extract of the people it knows,
in the shape that agency's system gives:

- some agencies give a date of birth as DD/MM/YYYY, some as YYYY-MM-DD, some only the year
  or the month and year, and some leave it blank;
- some give a phone (a personal mobile or the household's landline), some an NHS-number-
  like identifier, most neither;
- a person known to several agencies appears once in each extract, and each appearance may
  carry one error (a nickname, swapped names, a transposed day and month, a typo, a new
  surname after marriage, a hyphenated surname given in part, a move, a missing address or
  date of birth), so that recall can be reported by error type.

Households hold partners, children, twins and a child named after a parent ("junior"),
so that the household guards are exercised. Everything is invented: no real person, street
or postcode (the postcode areas QX, QZ, XV and ZQ are not used in the UK). Deterministic
for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from .records import SourceRecord

# The error an appearance carries; "first" marks the person's first appearance (no error).
EXTRACT_ERRORS: dict[str, float] = {
    "no error": 0.22,
    "nickname": 0.09,
    "swapped names": 0.05,
    "day and month transposed": 0.06,
    "name typo": 0.10,
    "surname change": 0.06,
    "hyphenated surname": 0.07,
    "moved": 0.12,
    "address missing": 0.07,
    "date of birth missing": 0.05,
    "partial date of birth": 0.07,
    "date of birth digit": 0.04,
}

# Formal given names and the short forms people give for them (common English usage).
_MALE: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "sandy"), "anthony": ("tony",), "benjamin": ("ben", "benny"),
    "bernard": ("bernie",), "callum": (), "cameron": (), "christopher": ("chris",),
    "cornelius": ("neil",), "declan": (), "dominic": ("dom",), "douglas": ("doug",),
    "edward": ("ted", "eddie"), "elliot": (), "francis": ("frank",), "frederick": ("fred",),
    "gareth": (), "gregory": ("greg",), "harrison": (), "jonathan": ("jon", "jonny"),
    "kenneth": ("ken", "kenny"), "lawrence": ("larry",), "leonard": ("len", "lenny"),
    "malachi": (), "mohamed": ("mo",), "nathaniel": ("nat", "nate"), "nicholas": ("nick",),
    "oluwafemi": ("femi",), "philip": ("phil",), "raymond": ("ray",), "reginald": ("reg",),
    "ronald": ("ron", "ronnie"), "rupert": (), "stanley": ("stan",), "stephen": ("steve",),
    "terence": ("terry",), "theodore": ("theo",), "timothy": ("tim",), "tobias": ("toby",),
    "vincent": ("vince",), "wilfred": ("wilf",), "zachary": ("zak",), "abdullahi": (),
    "aarav": (), "bartosz": (), "caius": (), "darnell": (), "emeka": (), "fergus": (),
    "gethin": (), "hamza": (), "idris": (), "jakub": (), "kai": (), "lorcan": (),
    "marlon": (), "nasir": (), "oisin": (), "ptolemy": (), "quentin": (), "rhys": (),
    "sebastian": ("seb",), "tariq": (), "umar": (), "wojciech": (), "yaw": (), "zane": (),
    "ashton": (), "brandon": (), "cody": (), "dwayne": (),
}  # fmt: skip
_FEMALE: dict[str, tuple[str, ...]] = {
    "abigail": ("abbie", "abby"), "amanda": ("mandy",), "caroline": ("carrie",),
    "catherine": ("cathy", "kate"), "charlotte": ("lottie",), "christine": ("chrissie",),
    "deborah": ("debbie",), "dorothy": ("dot",), "eleanor": ("ellie", "nell"),
    "elizabeth": ("liz", "beth", "lizzie"), "florence": ("flo",), "frances": ("fran",),
    "georgina": ("georgie",), "isabella": ("izzy", "bella"), "jacqueline": ("jackie",),
    "jennifer": ("jenny", "jen"), "jessica": ("jess",), "katherine": ("katie", "kate"),
    "kimberley": ("kim",), "margaret": ("maggie", "peggy"), "melissa": ("missy",),
    "natalie": ("nat",), "pamela": ("pam",), "patricia": ("trish", "pat"),
    "penelope": ("penny",), "rebecca": ("becky", "becca"), "samantha": ("sam",),
    "susan": ("sue", "suzy"), "valerie": ("val",), "victoria": ("vicky", "tori"),
    "adaeze": (), "agnieszka": (), "bethany": (), "ciara": (), "delphine": (), "ebony": (),
    "fiadh": (), "gemma": (), "harriet": (), "imogen": (), "jasmine": (), "keeley": (),
    "lowri": (), "maryam": (), "niamh": (), "ottilie": (), "precious": (), "rhiannon": (),
    "siobhan": (), "tamsin": (), "ursula": (), "wiktoria": (), "yasmin": (), "zara": (),
    "aoife": (), "bronwen": (), "cerys": (), "danica": (), "esme": (), "folasade": (),
}  # fmt: skip

# Common surnames first (ranked, most common first), then a long invented tail.
_COMMON_SURNAMES = (
    "patterson", "hughes", "walsh", "barrett", "doyle", "fletcher", "gordon", "hamilton",
    "jordan", "kennedy", "lawson", "mcintyre", "nolan", "oconnor", "pearson", "quinn",
    "reynolds", "sutton", "townsend", "underwood", "vaughan", "wallace", "yates", "ahmed",
    "begum", "chaudhry", "desai", "eze", "francis", "goldberg", "haddad", "ibrahim",
    "jankowski", "kaur", "lim", "mensah", "nguyen", "osei", "popescu", "qureshi", "rossi",
    "siddiqui", "tiwari", "uddin", "varga", "wozniak", "yusuf", "zielinski", "armstrong",
    "blackwood", "cartwright", "dunmore", "ellison", "fairclough", "gallagher", "holloway",
)  # fmt: skip
_TAIL_HEADS = (
    "brack", "cald", "dunn", "esk", "fen", "garr", "heth", "ing", "kel", "lud", "mor",
    "nethe", "orr", "pen", "rud", "skel", "tarn", "ull", "ver", "wych", "yar", "bel",
    "coll", "dray", "farr", "glen", "hask", "loft", "mab", "pry",
)  # fmt: skip
_TAIL_ENDS = (
    "ington", "acre", "hope", "thwaite", "ergill", "cott", "stead", "enden", "ock", "ard",
    "ell", "owe", "ings", "isk", "ant", "ew", "ion", "ore", "away", "holme",
)  # fmt: skip

_TOWNS = ("Quarrenby", "Stelling Vale", "Aldenmouth", "Pencraig", "Whitlow Moss", "Cassford")
_STREET_NAMES = (
    "lapwing", "curlew", "plover", "heron", "kestrel", "merlin", "osprey", "siskin",
    "linnet", "bunting", "foundry", "tannery", "ropewalk", "quarry", "kiln", "forge",
    "weaver", "cooper", "chandler", "fuller", "glebe", "chantry", "priory", "abbey",
    "beacon", "harbour", "quay", "wharf", "lock", "weir", "sluice", "ferry", "tollgate",
    "turnpike", "coronation", "jubilee", "sovereign", "regent", "empire", "gladstone",
)  # fmt: skip
_STREET_KINDS = ("Road", "Street", "Lane", "Walk", "Rise", "Mews", "Row", "Place", "View", "Hill")
_AREAS = ("QX", "QZ", "XV", "ZQ")
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_LATEST_BIRTH = date(2025, 6, 30)


@dataclass(frozen=True)
class Agency:
    """The shape of one agency's extract: how it writes dates and which fields it fills."""

    name: str
    share: float  # how many of the population's appearances are in this agency's extract
    date_form: str  # "iso", "uk" (DD/MM/YYYY), "compact" (YYYYMMDD)
    year_only: float  # share of its records with the year of birth only
    month_year: float  # ... with month and year only
    no_date: float  # ... with no date of birth
    phone: float  # share with a phone
    identifier: float  # share with the NHS-number-like identifier
    address: float  # share with an address


AGENCIES: tuple[Agency, ...] = (
    Agency("police", 0.22, "uk", 0.00, 0.00, 0.02, 0.55, 0.00, 0.90),
    Agency("health", 0.18, "iso", 0.00, 0.00, 0.01, 0.65, 0.85, 0.95),
    Agency("social_care", 0.15, "uk", 0.03, 0.00, 0.03, 0.45, 0.40, 0.92),
    Agency("education", 0.12, "iso", 0.00, 0.00, 0.00, 0.10, 0.00, 0.97),
    Agency("housing", 0.13, "compact", 0.20, 0.05, 0.08, 0.70, 0.00, 0.99),
    Agency("youth_justice", 0.08, "uk", 0.00, 0.15, 0.02, 0.50, 0.00, 0.85),
    Agency("voluntary", 0.12, "iso", 0.15, 0.05, 0.20, 0.75, 0.00, 0.60),
)


@dataclass(frozen=True)
class ExtractRecord:
    record: SourceRecord
    person_id: int
    error_type: str  # "first" for a person's first appearance, else a key of EXTRACT_ERRORS


@dataclass
class _Person:
    person_id: int
    given: str
    family: str
    sex: str
    born: date
    home: tuple[str, str, str]  # line 1, town, postcode
    landline: str
    mobile: str
    nhs: str
    partner_family: str = ""  # the surname a marriage may bring
    agencies: list[Agency] = field(default_factory=list)


class ExtractGenerator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        tail = sorted({h + e for h in _TAIL_HEADS for e in _TAIL_ENDS} - set(_COMMON_SURNAMES))
        rng.shuffle(tail)
        self.surnames = list(_COMMON_SURNAMES) + tail
        # Zipf-like with a heavy head: the commonest surname about 1 in 120 people.
        self.surname_weights = [1.0 / (rank + 40) ** 0.95 for rank in range(len(self.surnames))]
        self.male = sorted(_MALE)
        self.female = sorted(_FEMALE)
        rng.shuffle(self.male)
        rng.shuffle(self.female)
        self.male_weights = [1.0 / (rank + 6) for rank in range(len(self.male))]
        self.female_weights = [1.0 / (rank + 6) for rank in range(len(self.female))]
        self.streets = [
            (f"{word.title()} {kind}", rng.choice(_TOWNS), f"{rng.choice(_AREAS)}{d}")
            for word in _STREET_NAMES
            for kind in rng.sample(_STREET_KINDS, 4)
            for d in (rng.randint(1, 29),)
        ]
        self._people = 0
        self._records = 0
        self._numbers: set[str] = set()

    # --- the population -------------------------------------------------------------------

    def _surname(self) -> str:
        return self.rng.choices(self.surnames, weights=self.surname_weights)[0]

    def _given(self, sex: str, avoid: Sequence[str] = ()) -> str:
        pool, weights = (
            (self.male, self.male_weights) if sex == "M" else (self.female, self.female_weights)
        )
        for _ in range(20):
            name = self.rng.choices(pool, weights=weights)[0]
            if name not in avoid:
                return name
        return self.rng.choice([n for n in pool if n not in avoid])

    def _home(self) -> tuple[str, str, str]:
        rng = self.rng
        street, town, district = rng.choice(self.streets)
        letters = "".join(rng.choice(_UNIT_LETTERS) for _ in range(2))
        unit = f"{district} {rng.randint(0, 9)}{letters}"
        number = str(rng.randint(1, 240))
        if rng.random() < 0.2:
            number = f"Flat {rng.randint(1, 30)} {rng.randint(1, 90)}"
        return f"{number} {street}", town, unit

    def _number(self, prefix: str, digits: int) -> str:
        while True:
            number = prefix + "".join(self.rng.choice("0123456789") for _ in range(digits))
            if number not in self._numbers:
                self._numbers.add(number)
                return number

    def _person(self, given: str, family: str, sex: str, born: date, home: Household) -> _Person:
        rng = self.rng
        self._people += 1
        adult = (_LATEST_BIRTH - born).days > 16 * 365
        nhs = self._number("", 10)
        return _Person(
            person_id=self._people,
            given=given,
            family=family,
            sex=sex,
            born=born,
            home=home.address,
            landline=home.landline,
            mobile=self._number("07", 9) if rng.random() < (0.8 if adult else 0.35) else "",
            nhs=f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
            partner_family=self._surname() if adult and rng.random() < 0.3 else "",
        )

    def household(self) -> list[_Person]:
        """One to six people at one address: adults, their children, twins, a junior."""
        rng = self.rng
        home = Household(self._home(), self._number("01", 9) if rng.random() < 0.5 else "")
        family = self._surname()
        first_born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 52))
        sex = rng.choice("MF")
        people = [self._person(self._given(sex), family, sex, first_born, home)]
        if rng.random() < 0.5:  # a partner, often of another surname
            sex2 = "F" if sex == "M" else "M"
            born2 = first_born + timedelta(days=rng.randint(-2500, 2500))
            surname2 = family if rng.random() < 0.6 else self._surname()
            people.append(self._person(self._given(sex2), surname2, sex2, born2, home))
        children = rng.choices((0, 1, 2, 3, 4), weights=(35, 25, 22, 12, 6))[0]
        names = [p.given for p in people]
        child_born = first_born + timedelta(days=rng.randint(18 * 365, 38 * 365))
        for index in range(children):
            child_sex = rng.choice("MF")
            if index and rng.random() < 0.04:
                born = people[-1].born  # a twin of the previous child
            else:
                child_born += timedelta(days=rng.randint(330, 2200))
                born = child_born
            if born > _LATEST_BIRTH:  # nobody is born after the extracts were taken
                break
            parent = people[0]
            if child_sex == parent.sex and index == 0 and rng.random() < 0.05:
                given = parent.given  # named after the parent: "junior"
            else:
                given = self._given(child_sex, names)
            names.append(given)
            surname = family
            if len(people) > 1 and people[1].family != family and rng.random() < 0.3:
                surname = f"{family}-{people[1].family}"  # double-barrelled
            people.append(self._person(given, surname, child_sex, born, home))
        return people

    # --- the extracts ---------------------------------------------------------------------

    def _record_id(self, agency: Agency) -> str:
        self._records += 1
        return f"{agency.name[:3].upper()}{self._records:07d}"

    def _date(self, agency: Agency, born: date) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < agency.no_date:
            return ""
        if roll < agency.no_date + agency.year_only:
            return f"{born.year}"
        if roll < agency.no_date + agency.year_only + agency.month_year:
            return f"{born.month:02d}/{born.year}" if agency.date_form == "uk" else f"{born:%Y-%m}"
        return self._written(agency, born.year, born.month, born.day)

    @staticmethod
    def _written(agency: Agency, year: int, month: int, day: int) -> str:
        if agency.date_form == "uk":
            return f"{day:02d}/{month:02d}/{year}"
        if agency.date_form == "compact":
            return f"{year}{month:02d}{day:02d}"
        return f"{year}-{month:02d}-{day:02d}"

    def appearance(self, person: _Person, agency: Agency, error: str) -> SourceRecord:
        rng = self.rng
        given, family = person.given, person.family
        born = person.born
        line1, town, postcode = person.home
        dob = self._date(agency, born)
        phone = ""
        if rng.random() < agency.phone:
            phone = person.mobile or person.landline
            if person.mobile and person.landline and rng.random() < 0.25:
                phone = person.landline
        identifier = person.nhs if rng.random() < agency.identifier else ""
        if identifier and rng.random() < 0.02:  # a slip keying the number
            i = rng.choice([0, 1, 2, 4, 5, 6, 8, 9, 10, 11, 12])
            identifier = identifier[:i] + rng.choice("0123456789") + identifier[i + 1 :]
        if rng.random() > agency.address:
            line1 = town = postcode = ""

        if error == "nickname":
            options = (_MALE | _FEMALE).get(given, ())
            given = rng.choice(options) if options else given[: max(3, len(given) - 3)]
        elif error == "swapped names":
            given, family = family, given
        elif error == "day and month transposed":
            if born.day <= 12 and born.day != born.month:
                dob = self._written(agency, born.year, born.day, born.month)
            else:  # no valid swap: the month keyed as the day's last digit, as happens
                dob = self._written(agency, born.year, born.month, min(28, born.day % 10 + 10))
        elif error == "name typo":
            if rng.random() < 0.5:
                given = _typo(rng, given)
            else:
                family = _typo(rng, family)
        elif error == "surname change":
            new = person.partner_family or self._surname()
            family = f"{family}-{new}" if rng.random() < 0.35 else new
        elif error == "hyphenated surname":
            if "-" in family:
                parts = family.split("-")
                family = rng.choice([parts[0], parts[-1], " ".join(parts)])
            else:
                family = f"{family}-{self._surname()}"  # given in full by one agency only
        elif error == "moved":
            line1, town, postcode = self._home()
            if phone == person.landline:
                phone = ""
        elif error == "address missing":
            line1 = town = postcode = ""
        elif error == "date of birth missing":
            dob = ""
        elif error == "partial date of birth":
            dob = f"{born.year}" if rng.random() < 0.5 else f"{born:%Y-%m}"
        elif error == "date of birth digit":
            dob = self._written(agency, born.year, born.month, _slip(rng, born))

        # What every agency's system does to text.
        style = rng.random()
        if style < 0.35:
            given, family = given.upper(), family.upper()
        elif style < 0.9:
            given = given.title()
            family = "-".join(p.capitalize() for p in family.split("-"))
        if postcode and rng.random() < 0.25:
            postcode = postcode.replace(" ", "")
        return SourceRecord(
            record_id=self._record_id(agency),
            source=agency.name,
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            sex=person.sex if rng.random() < 0.95 else "",
            address_line1=line1,
            town=town,
            postcode=postcode,
            phone=phone,
            identifier=identifier,
        )

    def extracts(self, records: int) -> list[ExtractRecord]:
        rng = self.rng
        errors, error_weights = list(EXTRACT_ERRORS), list(EXTRACT_ERRORS.values())
        shares = [a.share for a in AGENCIES]
        out: list[ExtractRecord] = []
        while len(out) < records:
            for person in self.household():
                # Known to one to five agencies (at most once to each).
                known = rng.choices((1, 2, 3, 4, 5), weights=(38, 30, 18, 9, 5))[0]
                agencies: list[Agency] = []
                while len(agencies) < known:
                    agency = rng.choices(AGENCIES, weights=shares)[0]
                    if agency not in agencies:
                        agencies.append(agency)
                for n, agency in enumerate(agencies):
                    error = "first" if n == 0 else rng.choices(errors, weights=error_weights)[0]
                    applied = "no error" if error == "first" else error
                    record = self.appearance(person, agency, applied)
                    out.append(ExtractRecord(record, person.person_id, error))
        return out[:records]


@dataclass(frozen=True)
class Household:
    address: tuple[str, str, str]
    landline: str


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text + rng.choice("aehy")
    i = rng.randrange(1, len(text) - 1)
    roll = rng.random()
    if roll < 0.4:  # a neighbouring key
        return text[:i] + rng.choice("qwertyuiopasdfghjklzxcvbnm") + text[i + 1 :]
    if roll < 0.7:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _slip(rng: random.Random, born: date) -> int:
    # One digit of the day wrong, staying a real day of the month.
    for _ in range(10):
        day = (born.day // 10) * 10 + rng.randint(0, 9)
        if 1 <= day <= 28 and day != born.day:
            return day
    return 1 if born.day != 1 else 2


def generate_extracts(records: int, seed: int = 7) -> list[ExtractRecord]:
    """About `records` labelled agency extract records (deterministic for `seed`)."""
    return ExtractGenerator(seed).extracts(records)
