-- Foreign key values of `checked` with no row in their parent table: one row per missing value.
-- When `checked` has a `day` column (several days checked at once), each row names
-- the first day the value appears.
{% for fk in foreign_keys -%}
SELECT {{ 'min(c.day) AS day, ' if by_day }}'{{ fk.column }}' AS key_column, c.{{ fk.column }} AS missing_value, count(*) AS rows_affected
FROM checked AS c
LEFT JOIN {{ fk.parent }} AS p ON p.{{ fk.ref_column }} = c.{{ fk.column }}
WHERE c.{{ fk.column }} IS NOT NULL AND p.{{ fk.ref_column }} IS NULL
GROUP BY c.{{ fk.column }}
{% if not loop.last %}UNION ALL
{% endif %}
{%- endfor %}
ORDER BY key_column, missing_value
