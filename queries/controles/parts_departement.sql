-- Contrôle : les territoires d'une phase ne couvrent jamais plus de 100 % de la population d'un département.
-- params: none
-- columns: phase, departement_code, total
select phase, departement_code, sum(part_departement) as total
from territoire_departement
group by phase, departement_code
having sum(part_departement) > 1 + 1e-9
