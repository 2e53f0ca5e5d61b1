-- Appends the rows of a registered Arrow table to one of the platform's tables.
INSERT INTO {{ table }} ({{ columns | join(', ') }})
SELECT {{ columns | join(', ') }} FROM {{ source }};
