"""Asset factories, one module per asset group."""
