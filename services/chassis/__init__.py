"""The small shared kit every service is built on.

Database sessions that commit when an entrypoint succeeds, a transactional
outbox and its relay, an idempotent inbox with retry and parking for event
handlers, typed domain errors that cross RPC, JSON logs carrying a request id,
and Prometheus metrics per entrypoint. The chassis imports no service.
"""
