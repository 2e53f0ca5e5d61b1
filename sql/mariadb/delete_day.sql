-- Removes the sales days from `first` to `last`: their invoice items (found through their
-- invoice), then their invoices.
DELETE i
FROM itens_notas_fiscais AS i
JOIN notas_fiscais AS n ON n.NUMERO = i.NUMERO
WHERE n.DATA_VENDA BETWEEN %(first)s AND %(last)s;

DELETE FROM notas_fiscais WHERE DATA_VENDA BETWEEN %(first)s AND %(last)s;
