-- Up to five dimension keys the new rows drop although a fact table still references them.
SELECT d.{{ key }}
FROM {{ table }} AS d
WHERE NOT EXISTS (SELECT 1 FROM {{ stage }} AS s WHERE s.{{ key }} = d.{{ key }})
    AND EXISTS (SELECT 1 FROM {{ fact }} AS f WHERE f.{{ fact_column }} = d.{{ key }})
ORDER BY d.{{ key }}
LIMIT 5;
