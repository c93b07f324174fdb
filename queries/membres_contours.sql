-- The contour of each member of one territory (position réelle, WGS84), dissolved from the 2018 contours of its
-- communes, with a point inside it for its circle and its name, and its communes without a 2018 contour of their own.
-- params: $phase INTEGER, $ti VARCHAR
-- columns: siren, geojson, centre_lon, centre_lat, communes, communes_sans_contour
select siren, geojson, centre_lon, centre_lat, communes, communes_sans_contour
from membre_geometrie
where phase = $phase and ti_id = $ti
order by siren
