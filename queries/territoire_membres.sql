-- Members of one territory (EPCI, EPT of the Grand Paris, or communes), largest first.
-- params: $phase INTEGER, $ti VARCHAR
-- columns: siren, kind, nom, type, population, nb_communes
select siren, kind, nom, type, population, nb_communes
from territoire_membre_type
where phase = $phase and ti_id = $ti
order by population desc, siren
