-- Contrôle : l'emploi salarié privé d'un territoire est la valeur URSSAF ou NULL, jamais 0.
-- params: none
-- columns: phase, ti_id, emplois_salaries_prives
select phase, ti_id, emplois_salaries_prives
from territoire_industrie
where emplois_salaries_prives <= 0
