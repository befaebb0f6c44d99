"""The events training publishes and consumes: the catalogue other services read.

Every event travels in the envelope `{event_id, event_type, occurred_at,
version, data}` on the `training.events` exchange, routing key = name.

Publishes
  craftsman_named v1:  nomination_id, member_id, level (chief | gold), year, title
                       — only for chief and gold; membership records the honour
                       (once per nomination_id).
  reward_requested v1: request_id (uuid str), proposal_id, member_id, amount_fen, reason,
                       on (the decision day, ISO date; an added optional field)
                       — welfare pays it once per request_id from `innovation_rewards`.

Consumes
  membership: organisation_registered, member_joined, members_imported,
              member_updated, member_transferred, member_left (the local copy, by revision)
  welfare:    payout_made {request_id, proposal_id, transaction_id, amount_fen, paid_on}
              payout_refused {request_id, proposal_id, reason}
"""

from __future__ import annotations

CRAFTSMAN_NAMED = "craftsman_named"
REWARD_REQUESTED = "reward_requested"

WELFARE = "welfare"
PAYOUT_MADE = "payout_made"
PAYOUT_REFUSED = "payout_refused"
