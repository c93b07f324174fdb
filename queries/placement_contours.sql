-- True-position polygons of the territories of a phase (GeoJSON), for placing projects by their coordinates.
-- params: $phase INTEGER
-- columns: ti_id, geojson
select ti_id, geojson
from territoire_geometrie
where phase = $phase
order by ti_id
