-- Removes one sales day: its invoice items (found through their invoice), then its invoices.
DELETE i
FROM itens_notas_fiscais AS i
JOIN notas_fiscais AS n ON n.NUMERO = i.NUMERO
WHERE n.DATA_VENDA = %(day)s;

DELETE FROM notas_fiscais WHERE DATA_VENDA = %(day)s;
