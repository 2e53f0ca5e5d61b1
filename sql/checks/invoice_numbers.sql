-- Invoice numbers of one day that differ from the plan: one row per missing or unexpected NUMERO.
WITH planned AS (
    SELECT range AS NUMERO FROM range($first_number, $first_number + $planned)
)
SELECT coalesce(p.NUMERO, c.NUMERO) AS NUMERO,
    CASE WHEN c.NUMERO IS NULL THEN 'missing' ELSE 'unexpected' END AS problem
FROM planned AS p
FULL OUTER JOIN checked AS c ON c.NUMERO = p.NUMERO
WHERE p.NUMERO IS NULL OR c.NUMERO IS NULL
ORDER BY NUMERO
