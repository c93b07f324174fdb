-- Contrôle : tout territoire de métropole a une part de l'industrie (la source couvre la métropole).
-- params: none
-- columns: phase, ti_id, region_code
select t.phase, t.ti_id, t.region_code
from territoire as t
left join territoire_industrie as i on i.phase = t.phase and i.ti_id = t.ti_id
where i.part_industrie is null and t.region_code not in ('01', '02', '03', '04', '06')
