-- The territory of every commune in a territory, per phase, for placing projects.
-- params: none
-- columns: phase, ti_id, commune_code
select phase, ti_id, commune_code
from territoire_commune
order by phase, commune_code
