"""Networks for raw tables: numeric, boolean and categorical columns with
missing values, strong by default."""
