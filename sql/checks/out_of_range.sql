-- Rows of `checked` whose value lies outside its allowed range: one row per (row, column).
-- When `checked` has a `day` column (several days checked at once), each row names its day.
{% for rule in rules -%}
SELECT {{ 'day, ' if by_day }}{{ key | join(', ') }}, '{{ rule.column }}' AS range_column,
    CAST({{ rule.column }} AS DOUBLE) AS bad_value
FROM checked
WHERE NOT ({{ rule.column }} {{ '>=' if rule.low_inclusive else '>' }} $low_{{ loop.index }}
    AND {{ rule.column }} {{ '<=' if rule.high_inclusive else '<' }} $high_{{ loop.index }})
{% if not loop.last %}UNION ALL
{% endif %}
{%- endfor %}
ORDER BY range_column
