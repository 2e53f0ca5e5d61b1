-- Makes a dimension table equal to its staged rows: drops missing keys, then inserts or updates.
DELETE d
FROM {{ table }} AS d
LEFT JOIN {{ stage }} AS s ON s.{{ key }} = d.{{ key }}
WHERE s.{{ key }} IS NULL;

INSERT INTO {{ table }} ({{ columns | join(', ') }})
SELECT {{ columns | join(', ') }}
FROM {{ stage }}
ON DUPLICATE KEY UPDATE
{%- for column in columns if column != key %}
    {{ column }} = VALUES({{ column }}){{ "," if not loop.last }}
{%- endfor %};
