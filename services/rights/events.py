"""The events rights publishes and consumes: the catalogue other services read.

Every event travels in the envelope `{event_id, event_type, occurred_at,
version, data}` on the `rights.events` exchange, routing key = name. Ids are
strings, money in fen, days `YYYY-MM-DD`. No phone numbers travel on the bus.

Publishes
contract_signed v1:      contract_id, organisation_id, kind, signed_on, expires_on, workers_covered,
                         renews_contract_id (null unless a renewal)
contract_expiring v1:    contract_id, organisation_id, kind, expires_on, days_before (90, 30 or 7);
                         once per contract and threshold
case_closed v1:          case_id, kind, organisation_id, member_id, outcome, amount_claimed_fen,
                         amount_recovered_fen, closed_on
hardship_referred v1:    referral_id (uuid, the key welfare deduplicates on), case_id, member_id, reason;
                         once per case — welfare opens a hardship file
hotline_order_closed v1: order_id, category, organisation_id, wage_amount_fen, satisfaction (1-5 or null),
                         on_time (bool), closed_at

Consumes (membership): organisation_registered, member_joined, members_imported,
member_updated, member_transferred, member_left — kept in the local directory copy.
"""

from __future__ import annotations

CONTRACT_SIGNED = "contract_signed"
CONTRACT_EXPIRING = "contract_expiring"
CASE_CLOSED = "case_closed"
HARDSHIP_REFERRED = "hardship_referred"
HOTLINE_ORDER_CLOSED = "hotline_order_closed"
