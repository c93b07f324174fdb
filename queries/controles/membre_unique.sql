-- Contrôle : un SIREN n'est membre que d'un territoire par phase.
-- params: none
-- columns: phase, siren, territoires
select phase, siren, string_agg(ti_id, ', ') as territoires
from territoire_membre
group by phase, siren
having count(*) > 1
