"""The trained person model: comparisons, their m and u probabilities, thresholds, version.

The model is stored as JSON. Its version is a hash of everything that changes a score, so
two models with the same version score every pair the same; the same records and seed
train the same model (and so the same version).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from .comparisons import (
    PERSON_BLOCKING,
    PERSON_COMPARISONS,
    TF_MINIMUM_U,
    TF_PRIOR_RECORDS,
    BlockingRule,
    Comparison,
    Level,
    level_from_json,
)

MODEL_FORMAT = 1
MODEL_NAME = "nestguard-person"
# Probabilities are stored to 10 significant figures: enough for any score, and it keeps
# the last bits of floating-point summation order (which differs run to run in parallel
# SQL engines) out of the stored model, so retraining gives byte-identical JSON.
_SIGNIFICANT = 10

# Default thresholds on match probability (see docs/decisions/0030-person-linkage-engine.md).
UPPER_THRESHOLD = 0.95
LOWER_THRESHOLD = 0.5


def _round(value: float | None) -> float | None:
    if value is None or value == 0:
        return value
    return float(f"{value:.{_SIGNIFICANT}g}")


def _is_neutral(comparison: str, level: Level) -> bool:
    # The family-name side of a swap: the given-name comparison already weighs it. A
    # landline on either side of the phone comparison (not the same one where an address
    # is missing): a household's number, weighed as no phone (decision 0140).
    if comparison == "phone" and level.kind == "either_null":
        return True
    return comparison == "family_name" and level.kind in ("swap", "swap_near")


def floor_weights(
    comparisons: Sequence[Comparison],
    m: list[list[float | None]],
    u: list[list[float | None]],
    floors: dict[str, float],
) -> list[list[float | None]]:
    """m with each level of a floored comparison raised so that log2(m/u) is at least its
    floor; every other level keeps the m it was trained with. Raising m, not editing
    weights, keeps the batch (Splink) and the real time search scoring alike from the same
    stored model.

    The floor bounds a Bayes factor; it is not a belief about how often true pairs
    disagree. So the comparison's other levels are not scaled down to make its m sum to
    one: with sex (u of "different" about 0.5) that took a quarter of the m of "exact" and
    cost every true pair agreeing on sex about 0.4 bits, enough to lose 0.7% of the true
    pairs at a million records (decision 0131)."""
    out = [list(row) for row in m]
    for index, comparison in enumerate(comparisons):
        floor = floors.get(comparison.name)
        if floor is None:
            continue
        row, us = out[index], u[index]
        for i, level in enumerate(comparison.levels):
            m_i, u_i = row[i], us[i]
            if level.kind != "null" and m_i and u_i and math.log2(m_i / u_i) < floor:
                row[i] = min(1.0, u_i * 2.0**floor)
    return out


def probability_from_weight(weight: float) -> float:
    # 2**w / (1 + 2**w), written to avoid overflow at large |w|.
    if weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-weight))
    z = 2.0**weight
    return z / (1.0 + z)


Condition = tuple[str, tuple[str, ...]]  # comparison name, the levels that meet it


@dataclass(frozen=True)
class AutoLinkGuard:
    """Pairs whose `comparison` falls in `levels` are not linked automatically, however high
    their score, unless one of `unless` (comparison -> levels) also holds, or all the
    conditions of one of `unless_all`; they go to review.

    Why: the model treats fields as independent, but twins and siblings share surname,
    date of birth (twins) and address, so a pair with entirely different given names can
    score high. Merging two children's records is the error a partnership must not make.

    `ceiling`: the highest match probability a held pair is *reported* at (pairs.csv), for
    guards whose pairs the independent fields overrate (a household explains the agreement:
    twins, a parent and child of one name). The model's own score is kept for review.
    `reason` is the short text an integrator sees beside a held pair.
    """

    comparison: str
    levels: tuple[str, ...]
    unless: tuple[Condition, ...] = ()
    unless_all: tuple[tuple[Condition, ...], ...] = ()
    ceiling: float | None = None
    reason: str = ""

    def holds(self, evidence: dict[str, str]) -> bool:
        if evidence.get(self.comparison) not in self.levels:
            return False
        if any(evidence.get(name) in levels for name, levels in self.unless):
            return False
        return not any(
            all(evidence.get(name) in levels for name, levels in conditions)
            for conditions in self.unless_all
        )

    def as_json(self) -> dict[str, Any]:
        # Only the keys that are set, so that models stored before keep their versions.
        return {
            "comparison": self.comparison,
            "levels": list(self.levels),
            "unless": {name: list(levels) for name, levels in self.unless},
            **(
                {
                    "unless_all": [
                        {name: list(levels) for name, levels in conditions}
                        for conditions in self.unless_all
                    ]
                }
                if self.unless_all
                else {}
            ),
            **({"ceiling": self.ceiling} if self.ceiling is not None else {}),
            **({"reason": self.reason} if self.reason else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AutoLinkGuard:
        # Conditions in name order: stored JSON has its keys sorted.
        return cls(
            data["comparison"],
            tuple(data["levels"]),
            tuple((name, tuple(levels)) for name, levels in data["unless"].items()),
            tuple(
                tuple((name, tuple(levels)) for name, levels in sorted(conditions.items()))
                for conditions in data.get("unless_all", [])
            ),
            data.get("ceiling"),
            data.get("reason", ""),
        )


def _guards_from_data() -> tuple[tuple[AutoLinkGuard, ...], tuple[AutoLinkGuard, ...]]:
    """The guards as data (data/auto_link_guards.json): the household guards (decisions
    0030, 0031) and the evidence rules that hold everywhere (decision 0116)."""
    raw = json.loads(
        resources.files("nestguard.linkage.engine")
        .joinpath("data/auto_link_guards.json")
        .read_text(encoding="utf-8")
    )
    household = tuple(AutoLinkGuard.from_json(g) for g in raw["household_guards"])
    everywhere = tuple(AutoLinkGuard.from_json(g) for g in raw["evidence_rules"])
    return household, everywhere


# Household guards: only where training sees households (decision 0031 point 6). Evidence
# rules (a date of birth missing, decision 0116): in every model.
DEFAULT_GUARDS, EVIDENCE_RULES = _guards_from_data()


@dataclass
class LinkageModel:
    comparisons: tuple[Comparison, ...]
    blocking_rules: tuple[BlockingRule, ...]
    # m and u probabilities per comparison, per level (None: not estimable from the data).
    m: list[list[float | None]]
    u: list[list[float | None]]
    probability_two_random_records_match: float
    upper_threshold: float = UPPER_THRESHOLD
    lower_threshold: float = LOWER_THRESHOLD
    seed: int = 42
    trained_on_records: int = 0
    training: dict[str, Any] = field(default_factory=dict)
    guards: tuple[AutoLinkGuard, ...] = DEFAULT_GUARDS
    tf_minimum_u: float = TF_MINIMUM_U
    tf_prior_records: float = TF_PRIOR_RECORDS

    def __post_init__(self) -> None:
        # Stored precision from the start, so a model and its JSON copy score identically.
        self.m = [[_round(v) for v in row] for row in self.m]
        self.u = [[_round(v) for v in row] for row in self.u]
        self.probability_two_random_records_match = (
            _round(self.probability_two_random_records_match)
            or self.probability_two_random_records_match
        )
        if not 0 < self.lower_threshold <= self.upper_threshold < 1:
            raise ValueError("thresholds must satisfy 0 < lower <= upper < 1")
        if len(self.m) != len(self.comparisons) or len(self.u) != len(self.comparisons):
            raise ValueError("m and u must have one list per comparison")
        for comparison, m, u in zip(self.comparisons, self.m, self.u, strict=True):
            if len(m) != len(comparison.levels) or len(u) != len(comparison.levels):
                raise ValueError(f"{comparison.name}: one m and u per level")

    # --- weights ---------------------------------------------------------------------

    @cached_property
    def prior_weight(self) -> float:
        lam = self.probability_two_random_records_match
        return math.log2(lam / (1 - lam))

    @cached_property
    def level_weights(self) -> list[list[float]]:
        """log2(m/u) per level; 0 for the null level and for untrained levels."""
        weights = []
        for comparison, ms, us in zip(self.comparisons, self.m, self.u, strict=True):
            row = []
            for level, m, u in zip(comparison.levels, ms, us, strict=True):
                if level.kind == "null" or not m or not u or _is_neutral(comparison.name, level):
                    row.append(0.0)
                else:
                    row.append(math.log2(m / u))
            weights.append(row)
        return weights

    def term_frequency_weight(self, comparison: int, level: int, frequency: float) -> float:
        """The adjustment to an agreeing term-frequency level for a value held by this share
        of records: log2(u / frequency), as Splink computes it (frequency floored at
        `tf_minimum_u`), so a rare name's agreement weighs more and a common one's less."""
        u = self.u[comparison][level]
        if not u or not self.comparisons[comparison].levels[level].term_frequency:
            return 0.0
        return math.log2(u) - math.log2(max(frequency, self.tf_minimum_u))

    def term_share(self, column: str, count: int, total: int) -> float:
        """The share of records holding a value of `column` that `count` of `total` hold,
        drawn towards the average (the level's u) as if `tf_prior_records` more records
        had been seen: in a small index every name is "common" (1 in 100 records is
        commoner than Oliver), and raw shares would turn exact agreement against a pair.
        Both runners use this, so batch and real-time weights stay equal."""
        u = self._tf_u[column]
        return (count + self.tf_prior_records * u) / (total + self.tf_prior_records)

    @cached_property
    def _tf_u(self) -> dict[str, float]:
        return {
            column: u or self.tf_minimum_u
            for comparison, us in zip(self.comparisons, self.u, strict=True)
            for level, u in zip(comparison.levels, us, strict=True)
            if (column := level.tf_column) is not None
        }

    @cached_property
    def term_frequency_columns(self) -> tuple[str, ...]:
        return tuple(
            column
            for comparison in self.comparisons
            for level in comparison.levels
            if (column := level.tf_column) is not None
        )

    @property
    def version(self) -> str:
        digest = hashlib.sha256(self._parameters_json().encode()).hexdigest()[:12]
        return f"{MODEL_NAME}-{MODEL_FORMAT}-{digest}"

    # --- (de)serialisation -------------------------------------------------------------

    def _parameters(self) -> dict[str, Any]:
        # Only for models that use term frequencies, so that earlier models keep versions.
        tf = (
            {"tf_minimum_u": self.tf_minimum_u, "tf_prior_records": self.tf_prior_records}
            if self.term_frequency_columns
            else {}
        )
        return {
            **tf,
            "format": MODEL_FORMAT,
            "name": MODEL_NAME,
            "probability_two_random_records_match": _round(
                self.probability_two_random_records_match
            ),
            "upper_threshold": self.upper_threshold,
            "lower_threshold": self.lower_threshold,
            "comparisons": [
                {
                    "name": c.name,
                    "levels": [
                        {
                            "label": level.label,
                            "kind": level.kind,
                            "args": list(level.args),
                            "m_probability": _round(m),
                            "u_probability": _round(u),
                            # Only when set, so that models from before keep their versions.
                            **({"term_frequency": True} if level.term_frequency else {}),
                        }
                        for level, m, u in zip(c.levels, ms, us, strict=True)
                    ],
                }
                for c, ms, us in zip(self.comparisons, self.m, self.u, strict=True)
            ],
            "auto_link_guards": [g.as_json() for g in self.guards],
            "blocking_rules": [rule.as_json() for rule in self.blocking_rules],
        }

    def _parameters_json(self) -> str:
        return json.dumps(self._parameters(), sort_keys=True, separators=(",", ":"))

    def to_json(self) -> str:
        data = self._parameters()
        data["version"] = self.version
        data["seed"] = self.seed
        data["trained_on_records"] = self.trained_on_records
        data["training"] = self.training
        return json.dumps(data, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LinkageModel:
        data = json.loads(text)
        if data.get("format") != MODEL_FORMAT or data.get("name") != MODEL_NAME:
            raise ValueError("not a Nestguard person model of a format this version reads")
        comparisons = tuple(
            Comparison(
                c["name"],
                tuple(
                    level_from_json(
                        lv["label"], lv["kind"], lv["args"], bool(lv.get("term_frequency"))
                    )
                    for lv in c["levels"]
                ),
            )
            for c in data["comparisons"]
        )
        model = cls(
            comparisons=comparisons,
            blocking_rules=tuple(BlockingRule.from_json(r) for r in data["blocking_rules"]),
            m=[[lv["m_probability"] for lv in c["levels"]] for c in data["comparisons"]],
            u=[[lv["u_probability"] for lv in c["levels"]] for c in data["comparisons"]],
            probability_two_random_records_match=data["probability_two_random_records_match"],
            upper_threshold=data["upper_threshold"],
            lower_threshold=data["lower_threshold"],
            seed=data.get("seed", 42),
            trained_on_records=data.get("trained_on_records", 0),
            training=data.get("training", {}),
            guards=tuple(AutoLinkGuard.from_json(g) for g in data.get("auto_link_guards", [])),
            tf_minimum_u=data.get("tf_minimum_u", TF_MINIMUM_U),
            tf_prior_records=data.get("tf_prior_records", TF_PRIOR_RECORDS),
        )
        if "version" in data and data["version"] != model.version:
            raise ValueError("the model's parameters do not match its version (altered?)")
        return model

    def with_thresholds(self, *, upper: float, lower: float) -> LinkageModel:
        return LinkageModel(
            comparisons=self.comparisons,
            blocking_rules=self.blocking_rules,
            m=self.m,
            u=self.u,
            probability_two_random_records_match=self.probability_two_random_records_match,
            upper_threshold=upper,
            lower_threshold=lower,
            seed=self.seed,
            trained_on_records=self.trained_on_records,
            training=self.training,
            guards=self.guards,
            tf_minimum_u=self.tf_minimum_u,
            tf_prior_records=self.tf_prior_records,
        )

    # --- Splink settings -----------------------------------------------------------------

    def splink_comparisons(self, *, with_parameters: bool) -> list[Any]:
        import splink.comparison_library as cl

        out = []
        for comparison, ms, us in zip(self.comparisons, self.m, self.u, strict=True):
            levels = []
            for level, m, u in zip(comparison.levels, ms, us, strict=True):
                creator = level.to_splink()
                if with_parameters and _is_neutral(comparison.name, level):
                    creator = creator.configure(m_probability=0.5, u_probability=0.5)
                elif with_parameters and level.kind != "null":
                    params = {}
                    if m:
                        params["m_probability"] = m
                    if u:
                        params["u_probability"] = u
                    if params:
                        creator = creator.configure(**params)
                if level.term_frequency:
                    creator = creator.configure(tf_minimum_u_value=self.tf_minimum_u)
                levels.append(creator)
            out.append(
                cl.CustomComparison(
                    comparison_levels=levels,
                    output_column_name=comparison.name,
                    comparison_description=comparison.name,
                )
            )
        return out

    def splink_settings(self, *, with_parameters: bool = True, fresh_only: bool = False) -> Any:
        """Splink settings for this model. With `fresh_only`, every blocking rule also asks
        that one side of the pair is fresh (the input's `fresh` column is 1): an
        incremental run scores only pairs with a record that is new since the last."""
        from splink import SettingsCreator, block_on

        rules: list[Any] = [
            f"({rule.sql()}) AND (l.fresh = 1 OR r.fresh = 1)"
            if fresh_only
            else rule.sql()
            if rule.swap or rule.batch_agree_where_given
            else block_on(*rule.columns)
            for rule in self.blocking_rules
        ]
        return SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="unique_id",
            probability_two_random_records_match=self.probability_two_random_records_match,
            comparisons=self.splink_comparisons(with_parameters=with_parameters),
            blocking_rules_to_generate_predictions=rules,
            retain_matching_columns=True,
            retain_intermediate_calculation_columns=False,
        )


def untrained_model(
    comparisons: Sequence[Comparison] = PERSON_COMPARISONS,
    blocking_rules: Sequence[BlockingRule] = PERSON_BLOCKING,
) -> LinkageModel:
    return LinkageModel(
        comparisons=tuple(comparisons),
        blocking_rules=tuple(blocking_rules),
        m=[[None] * len(c.levels) for c in comparisons],
        u=[[None] * len(c.levels) for c in comparisons],
        probability_two_random_records_match=1e-4,
    )
