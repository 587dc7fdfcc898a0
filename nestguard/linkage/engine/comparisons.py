"""The comparisons of the person model, defined once and run two ways.

Each comparison is a list of levels, most specific first. A level is a small predicate
over the features of two records (see normalise.py). The same definition becomes a Splink
comparison level (SQL, for the batch on DuckDB or Spark) and a Python predicate (for the
real-time candidate search), so both paths put a pair in the same level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import JaroWinkler, Levenshtein

Row = Mapping[str, Any]

# The default smallest frequency a term-frequency weight uses (the model stores its own):
# a name held by fewer than one record in ten thousand counts as that rare and no rarer,
# so a name seen only once or twice (often a misspelling) cannot carry a pair on its own.
TF_MINIMUM_U = 1e-4
# How many records' worth of "average" a value's share starts from (see
# LinkageModel.term_share): enough to keep a hundred-record index from calling every name
# common, too few to matter at the scale of a borough.
TF_PRIOR_RECORDS = 1_000.0


@dataclass(frozen=True)
class Level:
    """One level: `kind` names the predicate, `args` its parameters."""

    label: str
    kind: str  # a key of _PREDICATES (null, exact, jw, lev, swap, swap_near, ...) or "all"
    args: tuple[Any, ...] = ()
    # Exact levels only: weigh agreement by how common the value is (term frequency), so
    # "Chukwuemeka" agreeing counts for more than "Oliver" (see model.term_frequency_weight).
    term_frequency: bool = False

    def __post_init__(self) -> None:
        if self.term_frequency and self.kind != "exact":
            raise ValueError(f"{self.label}: only exact levels take term frequencies")

    @property
    def tf_column(self) -> str | None:
        return str(self.args[0]) if self.term_frequency else None

    def matches(self, left: Row, right: Row) -> bool:
        if self.kind == "all":
            return all(_PREDICATES[kind](left, right, *args) for kind, args in self.args)
        return _PREDICATES[self.kind](left, right, *self.args)

    def to_splink(self) -> Any:
        import splink.comparison_level_library as cll

        kind, args = self.kind, self.args
        if kind == "all":
            parts = [Level(self.label, k, tuple(a)).to_splink() for k, a in args]
            return cll.And(*parts).configure(label_for_charts=self.label)
        if kind == "null":
            left = " AND ".join(f'"{c}_l" IS NULL' for c in args)
            right = " AND ".join(f'"{c}_r" IS NULL' for c in args)
            sql = f"({left}) OR ({right})"
            return cll.CustomLevel(sql, self.label, base_dialect_str="duckdb").configure(
                is_null_level=True
            )
        if kind == "exact" and self.term_frequency:
            return cll.ExactMatchLevel(args[0], term_frequency_adjustments=True).configure(
                label_for_charts=self.label
            )
        if kind == "exact":
            return cll.ExactMatchLevel(args[0]).configure(label_for_charts=self.label)
        if kind == "jw":
            return cll.JaroWinklerLevel(args[0], args[1]).configure(label_for_charts=self.label)
        if kind == "lev":
            return cll.LevenshteinLevel(args[0], args[1]).configure(label_for_charts=self.label)
        if kind == "groups":
            return cll.ArrayIntersectLevel(args[0], 1).configure(label_for_charts=self.label)
        if kind == "else":
            return cll.ElseLevel().configure(label_for_charts=self.label)
        return cll.CustomLevel(_SQL[kind](*args), self.label, base_dialect_str="duckdb")


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...] = field(default_factory=tuple)

    def level_index(self, left: Row, right: Row) -> int:
        """Index of the first level the pair meets (the last is always `else`)."""
        for index, level in enumerate(self.levels):
            if level.matches(left, right):
                return index
        return len(self.levels) - 1


# --- predicates (Python) -------------------------------------------------------------------


def _null(left: Row, right: Row, *cols: str) -> bool:
    # Missing when either side has none of the columns.
    return all(left[c] is None for c in cols) or all(right[c] is None for c in cols)


def _exact(left: Row, right: Row, col: str) -> bool:
    return left[col] is not None and left[col] == right[col]


def _jw(left: Row, right: Row, col: str, threshold: float) -> bool:
    a, b = left[col], right[col]
    return a is not None and b is not None and JaroWinkler.similarity(a, b) >= threshold


def _lev(left: Row, right: Row, col: str, distance: int) -> bool:
    a, b = left[col], right[col]
    return a is not None and b is not None and Levenshtein.distance(a, b) <= distance


def _swap(left: Row, right: Row, a: str, b: str) -> bool:
    return (
        left[a] is not None and left[b] is not None and left[a] == right[b] and left[b] == right[a]
    )


def _groups(left: Row, right: Row, col: str) -> bool:
    a, b = left[col], right[col]
    return a is not None and b is not None and not set(a).isdisjoint(b)


def _tokens(left: Row, right: Row, first: str, last: str) -> bool:
    a = {left[first], left[last]} - {None}
    b = {right[first], right[last]} - {None}
    return not a.isdisjoint(b)


def _dob_prefix(left: Row, right: Row, col: str) -> bool:
    a, b = left[col], right[col]
    if a is None or b is None or len(a) == len(b):
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long.startswith(short)


def _dob_prefix_month(left: Row, right: Row, col: str) -> bool:
    # A partial date to the month (1962-11) inside the other: one month in some nine
    # hundred of a lifetime, where a year alone is one in about eighty.
    a, b = left[col], right[col]
    return (
        a is not None
        and b is not None
        and min(len(a), len(b)) >= 7
        and _dob_prefix(left, right, col)
    )


def _dob_close(left: Row, right: Row, col: str) -> bool:
    a, b = left[col], right[col]
    if a is None or b is None:
        return False
    doubtful = left["dob_real"] is None or right["dob_real"] is None
    return Levenshtein.distance(a, b) <= (2 if doubtful else 1)


def _dob_swap(left: Row, right: Row) -> bool:
    return (
        left["dob_d"] is not None
        and right["dob_d"] is not None
        and left["dob_y"] == right["dob_y"]
        and left["dob_m"] == right["dob_d"]
        and left["dob_d"] == right["dob_m"]
    )


def _cross(left: Row, right: Row, a: str, b: str) -> bool:
    return (left[a] is not None and left[a] == right[b]) or (
        left[b] is not None and left[b] == right[a]
    )


def _swap_near(left: Row, right: Row, a: str, b: str) -> bool:
    # Each name shares its first three letters with the other record's other name.
    def near(x: str | None, y: str | None) -> bool:
        return x is not None and y is not None and x[:3] == y[:3]

    return near(left[a], right[b]) and near(left[b], right[a])


def _initial(left: Row, right: Row, col: str) -> bool:
    a, b = left[col], right[col]
    return a is not None and b is not None and a[:1] == b[:1]


def _landline_for_address(left: Row, right: Row) -> bool:
    # The same landline (a household's number, not a mobile) where either record gives no
    # address: it stands for the household the address would have shown, and only then, so
    # that a household is never counted twice (decision 0140).
    return (
        left["phone"] is not None
        and left["phone"] == right["phone"]
        and left["mobile"] is None
        and (
            (left["addr"] is None and left["pc"] is None)
            or (right["addr"] is None and right["pc"] is None)
        )
    )


def _either_null(left: Row, right: Row, col: str) -> bool:
    return left[col] is None or right[col] is None


def _else(left: Row, right: Row) -> bool:
    return True


_PREDICATES: dict[str, Callable[..., bool]] = {
    "null": _null,
    "exact": _exact,
    "jw": _jw,
    "lev": _lev,
    "swap": _swap,
    "groups": _groups,
    "tokens": _tokens,
    "dob_prefix": _dob_prefix,
    "dob_prefix_month": _dob_prefix_month,
    "dob_swap": _dob_swap,
    "dob_close": _dob_close,
    "initial": _initial,
    "cross": _cross,
    "swap_near": _swap_near,
    "landline_for_address": _landline_for_address,
    "either_null": _either_null,
    "else": _else,
}

# --- the same predicates in SQL (portable between DuckDB and Spark SQL) --------------------

_SQL: dict[str, Callable[..., str]] = {
    "cross": lambda a, b: f'("{a}_l" = "{b}_r" OR "{b}_l" = "{a}_r")',
    "initial": lambda col: f'substr("{col}_l", 1, 1) = substr("{col}_r", 1, 1)',
    "swap_near": lambda a, b: (
        f'(substr("{a}_l", 1, 3) = substr("{b}_r", 1, 3) '
        f'AND substr("{b}_l", 1, 3) = substr("{a}_r", 1, 3))'
    ),
    "swap": lambda a, b: f'("{a}_l" = "{b}_r" AND "{b}_l" = "{a}_r")',
    "tokens": lambda first, last: (
        f'("{first}_l" = "{first}_r" OR "{first}_l" = "{last}_r" '
        f'OR "{last}_l" = "{first}_r" OR "{last}_l" = "{last}_r")'
    ),
    "dob_prefix": lambda col: (
        f'(length("{col}_l") <> length("{col}_r") AND ('
        f'substr("{col}_l", 1, length("{col}_r")) = "{col}_r" '
        f'OR substr("{col}_r", 1, length("{col}_l")) = "{col}_l"))'
    ),
    "dob_prefix_month": lambda col: (
        f'(length("{col}_l") >= 7 AND length("{col}_r") >= 7 AND length("{col}_l") <> '
        f'length("{col}_r") AND (substr("{col}_l", 1, length("{col}_r")) = "{col}_r" '
        f'OR substr("{col}_r", 1, length("{col}_l")) = "{col}_l"))'
    ),
    "dob_close": lambda col: (
        f'(levenshtein("{col}_l", "{col}_r") <= 1 OR (("dob_real_l" IS NULL '
        f'OR "dob_real_r" IS NULL) AND levenshtein("{col}_l", "{col}_r") <= 2))'
    ),
    "dob_swap": lambda: (
        '("dob_y_l" = "dob_y_r" AND "dob_m_l" = "dob_d_r" AND "dob_d_l" = "dob_m_r")'
    ),
    "landline_for_address": lambda: (
        '("phone_l" = "phone_r" AND "mobile_l" IS NULL AND (("addr_l" IS NULL AND "pc_l" IS '
        'NULL) OR ("addr_r" IS NULL AND "pc_r" IS NULL)))'
    ),
    "either_null": lambda col: f'("{col}_l" IS NULL OR "{col}_r" IS NULL)',
}


def _levels(*levels: tuple[Any, ...] | Level) -> tuple[Level, ...]:
    return tuple(
        level if isinstance(level, Level) else Level(level[0], level[1], tuple(level[2:]))
        for level in levels
    )


def level_from_json(label: str, kind: str, args: list[Any], term_frequency: bool = False) -> Level:
    if kind == "all":
        return Level(label, kind, tuple((k, tuple(a)) for k, a in args))
    return Level(label, kind, tuple(args), term_frequency)


# The person model. Level labels are what reviewers and integrators see as evidence.
PERSON_COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "given_name",
        _levels(
            ("missing", "null", "gn"),
            Level("exact", "exact", ("gn",), term_frequency=True),
            ("swapped with family name", "swap", "gn", "fn"),
            # Swapped and mistyped: each name begins as the other record's other name.
            ("swapped with family name, mistyped", "swap_near", "gn", "fn"),
            ("known variant or nickname", "groups", "gn_groups"),
            ("same as the other's family name", "cross", "gn", "fn"),
            ("close spelling", "jw", "gn", 0.92),
            ("similar", "jw", "gn", 0.8),
            ("sounds alike", "exact", "gn_meta"),
            # Twins and siblings share everything else; their names seldom share an initial.
            ("different, same initial", "initial", "gn"),
            ("different", "else"),
        ),
    ),
    Comparison(
        "family_name",
        _levels(
            ("missing", "null", "fn"),
            Level("exact", "exact", ("fn",), term_frequency=True),
            # Counted once, under given name: the swap is one fact, not two.
            ("swapped with given name (weighed under given name)", "swap", "gn", "fn"),
            (
                "swapped with given name, mistyped (weighed under given name)",
                "swap_near",
                "gn",
                "fn",
            ),
            ("close spelling", "jw", "fn", 0.92),
            ("shares a surname", "tokens", "fn_first", "fn_last"),
            ("sounds alike", "exact", "fn_meta"),
            ("similar", "jw", "fn", 0.8),
            ("different", "else"),
        ),
    ),
    Comparison(
        "date_of_birth",
        _levels(
            ("missing", "null", "dob"),
            ("exact", "exact", "dob"),
            ("day and month swapped", "dob_swap"),
            # A date that is not real (1950-43-06) is compared as text: two digits off
            # it still agrees as closely as one digit off between real dates.
            ("one digit different", "dob_close", "dob"),
            # 1962-11-21 and 1962-12-11: the same digits, two of them transposed.
            ("digits transposed", "exact", "dob_sorted"),
            # A partial date says as much as it gives: the month and year agreeing is
            # about twelve times rarer between strangers than the year alone (decision 0127).
            ("month and year agree", "dob_prefix_month", "dob"),
            ("partial date agrees", "dob_prefix", "dob"),
            ("two digits different", "lev", "dob", 2),
            ("different", "else"),
        ),
    ),
    Comparison(
        "sex",
        _levels(("missing", "null", "sex"), ("exact", "exact", "sex"), ("different", "else")),
    ),
    # Address and postcode in one comparison: they agree together (a household shares
    # both), so two comparisons would count the same evidence twice.
    Comparison(
        "address",
        _levels(
            ("missing", "null", "addr", "pc"),
            ("same address and postcode", "all", ("exact", ("addr",)), ("exact", ("pc",))),
            (
                "similar address, postcode agrees or one character different",
                "all",
                ("jw", ("addr", 0.92)),
                ("lev", ("pc", 1)),
            ),
            ("same address, different postcode", "exact", "addr"),
            # A mistyped address and a mistyped or transposed postcode (2216 and 2261).
            ("similar address, different postcode", "jw", "addr", 0.92),
            ("same postcode, different address", "exact", "pc"),
            ("same street", "all", ("jw", ("street", 0.9)), ("exact", ("pc_district",))),
            # Where postcodes are not UK ones (no district) or are mistyped: the town.
            ("same street and town", "all", ("jw", ("street", 0.9)), ("jw", ("town", 0.92))),
            ("same postcode district", "exact", "pc_district"),
            ("same town", "jw", "town", 0.92),
            ("different", "else"),
        ),
    ),
    # A mobile is a person's. A landline belongs to a household (and is used for blocking):
    # agreeing on one counts only where a record gives no address, standing in for it, so
    # the household is weighed once (decision 0140). A landline on either side otherwise
    # weighs nothing, as a missing phone (neutral in model._is_neutral).
    Comparison(
        "phone",
        _levels(
            ("missing", "null", "phone"),
            ("same mobile", "exact", "mobile"),
            ("one digit different", "lev", "mobile", 1),
            ("same landline, an address missing", "landline_for_address"),
            ("a landline on either side", "either_null", "mobile"),
            ("different", "else"),
        ),
    ),
    Comparison(
        "identifier",
        _levels(
            ("missing", "null", "ident"),
            ("exact", "exact", "ident"),
            ("one character different", "lev", "ident", 1),
            ("characters transposed", "exact", "ident_sorted"),
            ("different", "else"),
        ),
    ),
)


# The least weight (in bits, log2 of m/u) a level of these comparisons may carry. Sex is
# compared only as the source records give it, and agencies record it differently: a typing
# slip, a default of "male", a record made under a person's gender rather than their
# registered sex. Trained on records where it rarely disagrees among true pairs, its
# "different" level cost about -8.8 bits (as much as a different date of birth), so one
# agency's entry could keep apart two records of one person. Floored at -1 bit: a
# disagreement halves the odds, no more (decision 0091). Agreement keeps its trained weight
# (the floor raises the one level; decision 0131).
WEIGHT_FLOORS: dict[str, float] = {"sex": -1.0}


@dataclass(frozen=True)
class BlockingRule:
    """Pairs that agree exactly on all `columns`; with `swap`, on given/family reversed.

    `batch_agree_where_given`: in the batch (Splink), the rule also asks these columns to
    agree where both records give them. Lookups key on `columns` alone, so they look at a
    superset of the batch's pairs and score each pair as the batch does."""

    columns: tuple[str, ...]
    swap: bool = False
    batch_agree_where_given: tuple[str, ...] = ()

    def sql(self) -> str:
        if self.swap:
            a, b = self.columns
            sql = f"l.{a} = r.{b} AND l.{b} = r.{a}"
        else:
            sql = " AND ".join(f"l.{c} = r.{c}" for c in self.columns)
        for c in self.batch_agree_where_given:
            sql += f" AND (l.{c} = r.{c} OR l.{c} IS NULL OR r.{c} IS NULL)"
        return sql

    def as_json(self) -> dict[str, object]:
        # The new key only when set, so that models stored before keep their versions.
        out: dict[str, object] = {"columns": list(self.columns), "swap": self.swap}
        if self.batch_agree_where_given:
            out["batch_agree_where_given"] = list(self.batch_agree_where_given)
        return out

    @classmethod
    def from_json(cls, data: dict[str, object]) -> BlockingRule:
        return cls(
            tuple(data["columns"]),  # type: ignore[arg-type]
            bool(data["swap"]),
            tuple(data.get("batch_agree_where_given", ())),  # type: ignore[arg-type]
        )


PERSON_BLOCKING: tuple[BlockingRule, ...] = (
    # Names that sound alike, born the same year or one of the two years not given: at a
    # million records the commonest names made most of the blocked pairs, strangers born
    # decades apart; a true pair whose years differ is found by the rules on the date,
    # postcode, phone and identifier below (200,000 records: 1,180,664 blocked pairs to
    # 601,974, no true pair lost; decision 0131).
    BlockingRule(("gn_meta", "fn_meta"), batch_agree_where_given=("dob_y",)),
    BlockingRule(("gn", "fn"), swap=True),
    BlockingRule(("gn_meta", "fn_meta"), swap=True),
    BlockingRule(("dob_key", "pc_sorted")),
    BlockingRule(("dob_key", "fn_meta")),
    BlockingRule(("dob_key", "gn_canon")),
    # A postcode district and the sorted date's digits are coarse keys: at a million records
    # these two rules found 4.4 million pairs (8.7 million blocked in all), mostly strangers
    # born on a date with the same digits or in one district. In the batch each also asks
    # the sex to agree where both records give it; no true pair of the million is lost, and
    # FEBRL records no sex. (Asking the year of the swapped-name and postcode + family name
    # rules lost FEBRL3 pairs whose year is mistyped: not done; decision 0134.)
    BlockingRule(("dob_key", "pc_district"), batch_agree_where_given=("sex",)),
    BlockingRule(("phone",)),
    BlockingRule(("ident",)),
    BlockingRule(("pc", "fn_meta")),
    BlockingRule(("pc", "gn_canon")),
    BlockingRule(("dob_y", "gn_canon", "fn_meta")),
    # A date of birth given to the month only (youth justice's MM/YYYY) has no `dob_key`,
    # so with one name mistyped, changed or swapped no rule above brings it beside the full
    # date: the month and year and one name do. In the batch the days must agree where both
    # are given, so two full dates add nothing the date key rules have not found (issue 14
    # point 1, decision 0138).
    BlockingRule(("dob_y", "dob_m", "gn_canon"), batch_agree_where_given=("dob_d",)),
    BlockingRule(("dob_y", "dob_m", "fn_meta"), batch_agree_where_given=("dob_d",)),
    # Where names are mistyped or swapped as well: the house and a date, postcode or
    # identifier whose characters may be transposed (issue 14: FEBRL as an integrator maps it).
    BlockingRule(("dob_sorted", "house"), batch_agree_where_given=("sex",)),
    BlockingRule(("ident_sorted", "pc_sorted")),
)
