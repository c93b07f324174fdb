-- A point inside each territory of a phase, in map position (overseas in insets), where its symbol is drawn.
-- params: $phase INTEGER
-- columns: ti_id, centre_lon, centre_lat
select ti_id, centre_lon, centre_lat
from territoire_geometrie
where phase = $phase
order by ti_id
