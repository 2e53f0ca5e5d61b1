-- A session-private empty copy of a dimension table that receives its new rows before the merge.
CREATE TEMPORARY TABLE {{ stage }} LIKE {{ table }};
