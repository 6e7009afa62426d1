"""Rate limits on every write a reader can make (per account and per IP network)."""

from masthead.core.ratelimit import Limit

POST = Limit(10, 60)
EDIT = Limit(20, 60)
VOTE = Limit(60, 60)
