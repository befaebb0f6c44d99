"""Events welfare consumes and publishes.

Consumes (membership): member_joined, member_updated, member_transferred,
member_left — each applied to `member_copy` by revision.
Publishes: none yet.
"""
