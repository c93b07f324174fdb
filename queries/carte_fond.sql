-- A background layer of the map shared by both phases: 'departements' (polygons keyed by properties.code), 'encarts' (overseas inset frames).
-- params: $couche VARCHAR
-- columns: geojson
select geojson
from carte_couche
where couche = $couche and phase is null
