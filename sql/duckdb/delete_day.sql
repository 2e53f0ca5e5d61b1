-- Removes the sales days from `first` to `last`: their invoice items (found through their
-- invoice), then their invoices.
DELETE FROM itens_notas_fiscais
WHERE NUMERO IN (SELECT NUMERO FROM notas_fiscais WHERE DATA_VENDA BETWEEN $first AND $last);

DELETE FROM notas_fiscais WHERE DATA_VENDA BETWEEN $first AND $last;
