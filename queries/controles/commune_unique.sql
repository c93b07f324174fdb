-- Contrôle : une commune n'appartient qu'à un territoire par phase, et c'est une commune connue.
-- params: none
-- columns: phase, commune_code, territoires, connue
select tc.phase, tc.commune_code, string_agg(tc.ti_id, ', ') as territoires, any_value(c.code) is not null as connue
from territoire_commune as tc
left join commune as c on c.code = tc.commune_code
group by tc.phase, tc.commune_code
having count(*) > 1 or any_value(c.code) is null
