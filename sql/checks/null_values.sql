-- Rows of `checked` with a null in a required column: one row per (row, column).
-- When `checked` has a `day` column (several days checked at once), each row names its day.
{% for column in columns -%}
SELECT {{ 'day, ' if by_day }}{{ key | join(', ') }}, '{{ column }}' AS null_column
FROM checked
WHERE {{ column }} IS NULL
{% if not loop.last %}UNION ALL
{% endif %}
{%- endfor %}
ORDER BY null_column
