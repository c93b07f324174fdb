-- Contrôle : les parts de la population d'un territoire par département font 100 %.
-- params: none
-- columns: phase, ti_id, total
select phase, ti_id, sum(part_territoire) as total
from territoire_departement
group by phase, ti_id
having abs(sum(part_territoire) - 1) > 1e-9
