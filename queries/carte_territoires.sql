-- Simplified territory polygons of one phase, in map position (overseas in insets), as a GeoJSON FeatureCollection keyed by properties.ti_id.
-- params: $phase INTEGER
-- columns: geojson
select geojson
from carte_couche
where couche = 'territoires' and phase = $phase
