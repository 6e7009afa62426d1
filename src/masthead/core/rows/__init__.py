"""Hot reads and writes as SQL written once per process, with model instances as the ORM makes them.

Posting a comment makes a handful of small reads (the session, the thread, the author's
standing, the repeat check, the verified address) and a few writes. Each is one indexed row,
and profiling a served worker under load showed the ORM building and compiling those
queries taking more CPU than running them: together about a third of a post. ``reads``
writes a read's SQL once per process from the model's metadata; ``writes`` does the same
for inserting a row, and runs an insert with the statements that follow it in one round
trip on PostgreSQL (``insert_then``).
"""

from masthead.core.rows.reads import exists, first
from masthead.core.rows.writes import NEW_KEY, Statement, insert, insert_statement, insert_then, run

__all__ = ["NEW_KEY", "Statement", "exists", "first", "insert", "insert_statement", "insert_then", "run"]
