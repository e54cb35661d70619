"""Event planning: table plans for group formats and 1:1 peer-coffee pairing.

- :func:`plan_tables` — who sits with whom, round after round (``tables.py``);
- :func:`replan` — re-plan the remaining rounds at check-in (``replan.py``);
- :func:`plan_verify` — recompute every claim of a plan from its schedule;
- :func:`pair_round` / :func:`simulate_rounds` — monthly 1:1 pairs (``pairing.py``).

Pure Python (numpy/scipy). See docs/algorithms/planning.md.
"""

from pairs_engine.planning.pairing import PairingResult, pair_round, simulate_rounds
from pairs_engine.planning.replan import replan
from pairs_engine.planning.tables import plan_tables, plan_verify, table_request
from pairs_engine.planning.types import PlanCheck, PlanningError, QuotaViolation, TablePlan, TableQuota

__all__ = [
    "PairingResult",
    "PlanCheck",
    "PlanningError",
    "QuotaViolation",
    "TablePlan",
    "TableQuota",
    "pair_round",
    "plan_tables",
    "plan_verify",
    "replan",
    "simulate_rounds",
    "table_request",
]
