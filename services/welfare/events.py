"""The events welfare publishes and consumes: the catalogue other services read.

Every event travels in the envelope `{event_id, event_type, occurred_at,
version, data}` on the `welfare.events` exchange, routing key = name.

Publishes (through the outbox, only when the change commits):
  dues_refunded v1:   refund_id, organisation_id, year, amount_fen, transaction_id
  claim_paid v1:      claim_id, plan_id, member_id, kind, amount_fen, transaction_id
  relief_granted v1:  grant_id, case_id, member_id, kind (regular|second_relief), year, amount_fen,
                      transaction_id — sent when the grant is paid
  payout_made v1:     request_id, proposal_id, transaction_id, amount_fen, paid_on (the booking day)
  payout_refused v1:  request_id, proposal_id, reason

Consumes:
  membership: organisation_registered, member_joined, members_imported, member_updated,
              member_transferred, member_left (the chassis directory's local copy)
  training.reward_requested v1: request_id, proposal_id, member_id, amount_fen, reason, on (optional:
              the decision day; booked on it while its ledger year is open, else today)
              -> paid once per request_id from innovation_rewards, answered by payout_made
                 or payout_refused (a repeated request_id announces the first outcome again)
  rights.hardship_referred v1: referral_id, case_id, member_id, reason
              -> one hardship case per referral_id
"""

from __future__ import annotations

DUES_REFUNDED = "dues_refunded"
CLAIM_PAID = "claim_paid"
RELIEF_GRANTED = "relief_granted"
PAYOUT_MADE = "payout_made"
PAYOUT_REFUSED = "payout_refused"

REWARD_REQUESTED = "reward_requested"  # from training
HARDSHIP_REFERRED = "hardship_referred"  # from rights
