-- Primary key values found more than once in `checked`: one row per repeated key, with its count.
-- When `checked` has a `day` column (several days checked at once), each row names
-- the first day of its key.
SELECT {{ 'min(day) AS day, ' if by_day }}{{ key | join(', ') }}, count(*) AS occurrences
FROM checked
GROUP BY {{ key | join(', ') }}
HAVING count(*) > 1
ORDER BY {{ key | join(', ') }}
