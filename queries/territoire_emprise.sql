-- The box of one territory as drawn on the map (overseas in their insets): where the map zooms when it is chosen.
-- params: $phase INTEGER, $ti VARCHAR
-- columns: ouest, sud, est, nord
select ouest, sud, est, nord
from territoire_geometrie
where phase = $phase and ti_id = $ti
