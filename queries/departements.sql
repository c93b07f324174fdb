-- Départements with their région and population (sum of their communes).
-- params: none
-- columns: code, nom, region_code, population
select code, nom, region_code, population
from departement
order by code
