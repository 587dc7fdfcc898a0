"""Nestguard's record linkage engine: plain Python, no Django.

People: `train_model` (Splink, reproducible), `link_records` (batch, DuckDB or Spark,
incremental clusters) and `CandidateIndex` (real-time lookup with the same weights).
Addresses: `AddressIndex` and `match_address` (messy strings to the register's UPRNs).
"""

from .address import AddressIndex, AddressMatch, AddressQuery, RegisterAddress, match_address
from .candidates import Candidate, CandidateIndex
from .linking import PAIR_THRESHOLD, LinkageResult, ScoredPair, link_records, train_model
from .model import LinkageModel
from .records import FIELDS, SourceRecord, check_date_of_birth

__all__ = [
    "FIELDS",
    "PAIR_THRESHOLD",
    "AddressIndex",
    "AddressMatch",
    "AddressQuery",
    "Candidate",
    "CandidateIndex",
    "LinkageModel",
    "LinkageResult",
    "RegisterAddress",
    "ScoredPair",
    "SourceRecord",
    "check_date_of_birth",
    "link_records",
    "match_address",
    "train_model",
]
