-- Contrôle : tout territoire de métropole qui a un EPCI ou un EPT membre a une part de l'industrie (la source
-- couvre les EPCI et EPT de métropole ; un membre commune n'en a pas en propre).
-- params: none
-- columns: phase, ti_id, region_code
select t.phase, t.ti_id, t.region_code
from territoire as t
left join territoire_industrie as i on i.phase = t.phase and i.ti_id = t.ti_id
where i.part_industrie is null and t.region_code not in ('01', '02', '03', '04', '06') and t.nb_intercommunalites > 0
